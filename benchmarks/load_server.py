"""``streamlit run`` with a timer on every script run: the server side of ``load_sessions.py``.

    python -m benchmarks.load_server run app.py --server.port 8765 --server.address 127.0.0.1 ...

Same Streamlit, same app, same arguments as ``python -m streamlit run``; the only addition is a wrapper around
``exec_func_with_error_handling`` in Streamlit's script runner, the call that executes one run of a page script
in its session's script thread. For every run it appends one JSON line to ``$EVALBOARD_LOAD_TIMINGS``:

    {"t": <unix time at the end>, "page": "pages/1_units.py", "wall": <s>, "cpu": <s>, "ok": true,
     "exception": null, "rerun": false, "stopped": false}

``wall`` is the run's wall time; ``cpu`` is the CPU time of the script thread during the run
(``time.thread_time``), so ``wall - cpu`` is time spent waiting (for the GIL, for a core, for the database).
``exception`` names an uncaught exception (what the page shows as ``st.exception``), ``rerun`` is a run stopped
for a rerun request (``st.rerun`` or a newer request from the browser), ``stopped`` a run ended early by
``st.stop()`` (the sign-in form stops the page it is drawn on).

With ``$EVALBOARD_LOAD_PROFILE`` set to a directory, every run is also profiled with ``cProfile`` (the script
thread only, in CPU time of that thread) and the statistics of each page are dumped there when the server stops:
``<page>.prof``, readable with ``pstats``, and the main thread's (the web server's event loop) as
``_main_thread.prof``.
Profiling slows the runs down; ``load_sessions.py --profile`` uses it in a run of its
own, never in the timed one.
"""
from __future__ import annotations

import atexit
import json
import os
import pstats
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _page_of(ctx) -> str:
    """The page script a run executed, relative to the app directory (``app.py``, ``pages/1_units.py``)."""
    try:
        pages = ctx.pages_manager.get_pages()
        info = pages.get(ctx.page_script_hash)
        path = Path(info["script_path"]) if info else None
    except Exception:  # an internal API: never break the server over a label
        path = None
    if path is None:
        return "?"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def install(timings_path: str, profile_dir: str | None) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    real = script_runner.exec_func_with_error_handling
    lock = threading.Lock()
    out = open(timings_path, "a", buffering=1, encoding="utf-8")  # kept open for the life of the process
    profiles: dict[str, pstats.Stats] = {}

    def timed(func, ctx):
        profiler = None
        if profile_dir is not None:
            import cProfile

            profiler = cProfile.Profile(time.thread_time)  # CPU time: waiting for the GIL is not the code's cost
        t0, c0 = time.perf_counter(), time.thread_time()
        if profiler is not None:
            profiler.enable()
        try:
            result = real(func, ctx)
        finally:
            if profiler is not None:
                profiler.disable()
        wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
        _, ok, rerun_data, premature, uncaught = result
        page = _page_of(ctx)
        record = {"t": time.time(), "page": page, "wall": round(wall, 6), "cpu": round(cpu, 6), "ok": bool(ok),
                  "exception": None if uncaught is None else f"{type(uncaught).__name__}: {uncaught}"[:500],
                  "rerun": rerun_data is not None, "stopped": bool(premature) and uncaught is None}
        with lock:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if profiler is not None:
                stats = profiles.get(page)
                if stats is None:
                    profiles[page] = pstats.Stats(profiler)
                else:
                    stats.add(profiler)
        return result

    script_runner.exec_func_with_error_handling = timed

    def dump() -> None:
        with lock:
            out.flush()
            if profile_dir is None:
                return
            for page, stats in profiles.items():
                name = page.replace("/", "__").removesuffix(".py") + ".prof"
                stats.dump_stats(os.path.join(profile_dir, name))

    atexit.register(dump)  # Streamlit stops cleanly on SIGTERM and SIGINT, so this runs


def profile_main_thread(profile_dir: str) -> None:
    """Profile the main thread too (the web server's event loop: HTTP, websockets, sending the messages)."""
    import cProfile

    profiler = cProfile.Profile(time.thread_time)  # CPU time: the event loop's waits in epoll do not count

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(os.path.join(profile_dir, "_main_thread.prof"))

    atexit.register(dump)
    profiler.enable()


def main() -> None:
    timings = os.environ.get("EVALBOARD_LOAD_TIMINGS")
    profile_dir = os.environ.get("EVALBOARD_LOAD_PROFILE") or None
    if timings:
        install(timings, profile_dir)
    if profile_dir:
        profile_main_thread(profile_dir)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
