"""One load run in the browser: viewer sessions browsing the pages, the evaluator publishing, memory and CPU
samples (``Run``), each navigation timed (``Nav``) and every problem recorded (``Problem``)."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright

from benchmarks.load.accounts import Account
from benchmarks.load.pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DATA_PAGE,
    DESCRIBE_JS,
    EXPAND_SIDEBAR,
    NAV_LINK,
    NOT_LOOPBACK,
    PAGES,
    READY_JS,
    ROOT,
    SIDEBAR_JS,
    PageSpec,
)
from benchmarks.load.procs import cpu_seconds, loadavg, process_tree, pss_kib, rss_kib
from benchmarks.load.server import Server
from benchmarks.load.summary import mib
from benchmarks.load.workbook import changed_workbook


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclasses.dataclass
class Nav:
    session: str
    page: str
    kind: str  # first | load | click
    phase: int
    start: float  # seconds since the run started
    seconds: float | None = None
    ok: bool = False
    version: int | None = None
    signed_in: bool = False
    signin_s: float | None = None  # of ``seconds``: from the sign-in form shown to the form gone
    script_done_s: float | None = None  # measured in the page: until the script run had finished and arrived
    queued_s: float = 0.0  # waited for a rendering slot (--max-rendering) before starting: not in ``seconds``
    server_cpu_s: float | None = None  # with one session only: CPU of the server from this page to the next
    client_cpu_s: float | None = None  # ... and of the load generator (Chromium drawing the page, mostly)
    error: str | None = None


@dataclasses.dataclass
class Problem:
    session: str
    page: str
    t: float
    category: str
    detail: str


class Session:
    def __init__(self, name: str, account: Account | None) -> None:
        self.name = name
        self.account = account
        self.page: Any = None
        self.context: Any = None
        self.current: Nav | None = None  # the navigation under way or the last one
        self.problems: list[Problem] = []


class Run:
    def __init__(self, args: argparse.Namespace, server: Server, workdir: Path) -> None:
        self.args = args
        self.server = server
        self.workdir = workdir
        self.base_url = server.base_url
        self.t0 = time.monotonic()
        self.navs: list[Nav] = []
        self.problems: list[Problem] = []
        self.ignored: dict[str, int] = defaultdict(int)
        self.ignored_examples: dict[str, str] = {}
        self.publishes: list[dict[str, Any]] = []
        self.samples: list[dict[str, Any]] = []
        self.phase = 0
        self.phase_end = 0.0
        self.browser: Any = None
        self.screenshots = 0
        self.viewer_accounts: list[Account] = []
        self.evaluator: Account | None = None
        self.publish_done: asyncio.Event | None = None  # set when the phase's publish has succeeded or failed
        # One session and nothing else of ours running: the CPU each page costs can be attributed to it.
        self.cpu_per_nav = args.sessions == 1 and args.publish_at is None
        # At most this many viewers navigate at once (the others wait their turn, as if reading a little longer):
        # on a small machine the browsers would otherwise starve each other, and the server with them.
        self.render_slots = asyncio.Semaphore(args.max_rendering) if args.max_rendering > 0 else None
        width, height = (int(x) for x in args.viewport.lower().split("x"))
        self.viewport = {"width": width, "height": height}

    def now(self) -> float:
        return time.monotonic() - self.t0

    # -- browser plumbing

    async def new_session(self, name: str, account: Account | None) -> Session:
        sess = Session(name, account)
        sess.context = await self.browser.new_context(viewport=self.viewport, locale="zh-CN")
        sess.context.set_default_timeout(self.args.nav_timeout * 1000)
        await sess.context.route(NOT_LOOPBACK, lambda route: route.abort())
        sess.page = await sess.context.new_page()
        page = sess.page
        page.on("console", lambda msg: self._on_console(sess, msg))
        page.on("pageerror", lambda exc: self._problem(sess, "javascript", str(exc)[:500]))
        page.on("crash", lambda _page: self._problem(sess, "crash", "the page crashed"))
        # (an HTTP error response shows in the console as "Failed to load resource: ... status of 500")
        return sess

    def _problem(self, sess: Session, category: str, detail: str) -> None:
        nav = sess.current
        p = Problem(sess.name, nav.page if nav else "?", round(self.now(), 2), category, detail)
        sess.problems.append(p)
        self.problems.append(p)
        if nav is not None:
            nav.ok = False
            nav.error = nav.error or f"{category}: {detail}"

    def _ignore(self, reason: str, example: str) -> None:
        self.ignored[reason] += 1
        self.ignored_examples.setdefault(reason, example)

    def _on_console(self, sess: Session, msg: Any) -> None:
        if msg.type != "error":
            return
        text = msg.text
        url = (msg.location or {}).get("url", "") or ""
        if text.startswith("Failed to load resource"):
            if NOT_LOOPBACK.match(url):
                self._ignore("request for another host, refused by the load script (loopback only)", url)
                return
            if re.search(r"/[^/]+/_stcore/(health|host-config)$", url) and "404" in text:
                # Streamlit's front end on a deep link first tries /<page>/_stcore/... (a base-path probe).
                self._ignore("Streamlit's base-path probe on a deep link (404, then /_stcore/... succeeds)", url)
                return
        self._problem(sess, "console", f"{text[:400]} ({url})")

    async def screenshot(self, sess: Session, label: str) -> str | None:
        if self.screenshots >= 10 or sess.page is None:
            return None
        self.screenshots += 1
        out = ROOT / "test-results" / "load_sessions"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{sess.name}-{self.screenshots:02d}-{re.sub(r'[^A-Za-z0-9]+', '_', label)}.png"
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sess.page.screenshot(path=str(path), full_page=True), 15)
            return str(path)
        return None

    async def describe(self, page: Any) -> str:
        try:
            return json.dumps(await asyncio.wait_for(page.evaluate(DESCRIBE_JS), 5), ensure_ascii=False)
        except Exception as exc:  # the page may be gone
            return f"(page not readable: {type(exc).__name__})"

    async def wait_ready(self, page: Any, spec: PageSpec | None, timeout_s: float) -> dict[str, Any]:
        handle = await page.wait_for_function(READY_JS, arg=spec.js() if spec else None, polling=100,
                                              timeout=max(1.0, timeout_s) * 1000)
        try:
            return await handle.json_value()
        finally:
            with contextlib.suppress(Exception):
                await handle.dispose()

    async def sign_in(self, sess: Session, timeout_s: float) -> None:
        if sess.account is None:
            raise RuntimeError("the sign-in form is shown, but this run has no accounts (--auth none)")
        page = sess.page
        await page.get_by_label("用户名", exact=True).fill(sess.account.name)
        await page.get_by_label("密码", exact=True).fill(sess.account.password)
        await page.get_by_role("button", name="登录", exact=True).click()
        # Wait until the form is gone (or an error is shown), whatever page comes next.
        await page.wait_for_function(
            "() => !document.querySelector('input[aria-label=\"密码\"]') "
            "|| document.querySelector('[data-testid=\"stAlertContentError\"]')",
            polling=100, timeout=max(1.0, timeout_s) * 1000)

    async def show_link(self, page: Any, spec: PageSpec) -> None:
        """Make sure the sidebar is open: 演示 starts with it collapsed (its links are then in the DOM, "visible"
        to Playwright, but off screen), so click the expand button first (not timed), as a person would."""
        for _ in range(3):
            state = await page.evaluate(SIDEBAR_JS)
            if state == "open":
                return
            if state == "collapsed":
                expand = page.locator(EXPAND_SIDEBAR)
                if await expand.is_visible():
                    await expand.click(timeout=10_000)
            with contextlib.suppress(PlaywrightTimeoutError):
                await page.wait_for_function(f"() => ({SIDEBAR_JS})() === 'open'", polling=100, timeout=5_000)
        raise RuntimeError(f"the sidebar does not open to show the link {spec.label}")

    async def open_page(self, sess: Session, spec: PageSpec, kind: str) -> dict[str, Any]:
        """Navigate (full load or sidebar click) and wait until rendered; sign in on the way when asked to."""
        page = sess.page
        deadline = time.monotonic() + self.args.nav_timeout
        if kind == "click":
            link = page.locator(NAV_LINK).filter(has_text=spec.label).first
            await page.evaluate("() => { window.__ebT0 = performance.now(); window.__ebIdle = undefined; }")
            try:
                await link.click(timeout=10_000)
            except PlaywrightTimeoutError:  # the sidebar closed again under the pointer: open it and click again
                await self.show_link(page, spec)
                await link.click(timeout=10_000)
        else:
            await page.goto(self.base_url + spec.path, wait_until="commit", timeout=self.args.nav_timeout * 1000)
        for _ in range(3):
            result = await self.wait_ready(page, spec, deadline - time.monotonic())
            if result["state"] != "signin":
                return result
            nav = sess.current
            if nav is None:
                raise RuntimeError("a sign-in outside a navigation")  # open_page runs inside navigate's record
            nav.signed_in = True
            t0 = time.perf_counter()
            await self.sign_in(sess, deadline - time.monotonic())
            nav.signin_s = round((nav.signin_s or 0) + time.perf_counter() - t0, 4)
            path = await page.evaluate("() => location.pathname.replace(/\\/+$/, '') || '/'")
            if path != spec.path:  # the app went elsewhere after signing in: open the page again
                await page.goto(self.base_url + spec.path, wait_until="commit",
                                timeout=max(1.0, deadline - time.monotonic()) * 1000)
        raise RuntimeError("still asked to sign in after signing in twice")

    async def navigate(self, sess: Session, spec: PageSpec, kind: str) -> Nav:
        nav = Nav(sess.name, spec.path, kind, self.phase, round(self.now(), 3))
        sess.current = nav
        self.navs.append(nav)
        page = sess.page
        try:
            if kind == "click":
                await self.show_link(page, spec)
            nav.ok = True  # until a problem says otherwise (the listeners may clear it during the wait)
            t0 = time.perf_counter()
            result = await self.open_page(sess, spec, kind)
            nav.seconds = round(time.perf_counter() - t0, 4)
            if result["state"] == "error":
                self._problem(sess, "on-page", result.get("detail", "?"))
            elif result["state"] == "ok":
                nav.version = result.get("version")
                if result.get("script_done_ms") is not None and not nav.signed_in:
                    nav.script_done_s = round(result["script_done_ms"] / 1000, 4)
        except (TimeoutError, PlaywrightError, RuntimeError) as exc:
            lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()] or [type(exc).__name__]
            category = "timeout" if "Timeout" in type(exc).__name__ or "Timeout" in lines[0] else "navigation"
            log_tail = " / ".join(x[:200] for x in lines[1:][-2:])  # the last lines of Playwright's call log
            detail = f"{lines[0][:300]}{f' ({log_tail})' if log_tail else ''}; page: {await self.describe(page)}"
            self._problem(sess, category, detail)
        if not nav.ok:
            shot = await self.screenshot(sess, f"{spec.path}-{kind}")
            if shot:
                nav.error = f"{nav.error} [screenshot {shot}]"
        return nav

    # -- the actors

    def keep_browsing(self, last_start: float) -> bool:
        """Until the phase ends; past it, until this viewer has opened a page after the phase's publish (so every
        viewer's view of the new version is checked), for at most 3 × --nav-timeout more."""
        now = time.monotonic()
        if now < self.phase_end:
            return True
        if self.publish_done is None or now > self.phase_end + 3 * self.args.nav_timeout:
            return False
        if not self.publish_done.is_set():
            return True
        record = self.publishes[-1] if self.publishes else {}
        return bool(record.get("ok")) and last_start < record["done_at"]

    async def viewer(self, index: int, count: int) -> None:
        rng = random.Random(self.args.seed * 1009 + index * 7 + self.phase)
        account = self.viewer_accounts[index] if self.viewer_accounts else None
        name = f"p{self.phase}-viewer{index + 1:02d}"
        await asyncio.sleep(self.args.ramp * index / max(1, count))  # staggered arrivals
        if time.monotonic() >= self.phase_end:
            return
        sess = await self.new_session(name, account)
        try:
            order = PAGES[index % len(PAGES):] + PAGES[:index % len(PAGES)]
            step, reload_next, last_start = 0, False, -1.0
            while self.keep_browsing(last_start):
                last_start = self.now()
                spec = order[step % len(order)]
                if step == 0:
                    kind = "first"
                elif reload_next or (self.args.full_every and step % self.args.full_every == 0):
                    kind = "load"
                else:
                    kind = "click"
                cpu_before = self.cpu_snapshot() if self.cpu_per_nav else None
                queued = time.perf_counter()
                async with self.render_slots or contextlib.nullcontext():
                    queued = time.perf_counter() - queued
                    if time.monotonic() > self.phase_end + 3 * self.args.nav_timeout:
                        break  # the turn came too late: the phase (and its stretch for the publish) is over
                    nav = await self.navigate(sess, spec, kind)
                nav.queued_s = round(queued, 3)
                reload_next = not nav.ok  # after an error, start the next page from a full load
                step += 1
                pause = rng.uniform(0.5, 1.5) * self.args.think
                left = self.phase_end - time.monotonic()
                await asyncio.sleep(max(0.0, min(pause, left) if left > 0 else pause))
                if cpu_before is not None:  # what this page cost, including work finished during the pause
                    server, client = self.cpu_snapshot()
                    nav.server_cpu_s = round(server - cpu_before[0], 3)
                    nav.client_cpu_s = round(client - cpu_before[1], 3)
        finally:
            sess.current = None
            with contextlib.suppress(Exception):
                await sess.context.close()

    def cpu_snapshot(self) -> tuple[float, float]:
        """CPU seconds used so far by the server and by the load generator (Chromium, Playwright, this script)."""
        server = self.server.tree()
        generator = [p for p in process_tree(os.getpid()) if p not in set(server)]
        return cpu_seconds(server), cpu_seconds(generator)

    async def settle(self, page: Any) -> None:
        """After an action: give its rerun time to start, then wait until the app is idle (the publisher only)."""
        await page.wait_for_timeout(400)
        await self.wait_ready(page, None, self.args.nav_timeout)

    async def fill_operator(self, page: Any) -> None:
        """With sign-in off, who publishes is typed into 操作人; make sure the app has it (up to 3 tries)."""
        name = "负载测试评价员"
        box = page.get_by_role("textbox", name="操作人")
        for _ in range(3):
            if not await box.count():
                return  # signed in: the account is the 操作人
            if await box.input_value() == name and not await page.get_by_text("请先在上方填写操作人").count():
                return
            await box.fill(name)
            await box.press("Enter")
            await self.settle(page)
        raise RuntimeError("操作人 does not keep the name typed into it")

    async def publisher(self, version: int) -> None:
        """The evaluator: 数据管理 → upload the changed workbook → check the preview → confirm → 发布."""
        await asyncio.sleep(max(0.0, self.args.publish_at * self.args.seconds))
        record: dict[str, Any] = {"phase": self.phase, "version": version, "ok": False, "at": round(self.now(), 2)}
        self.publishes.append(record)
        path, rate = changed_workbook(version, self.workdir)
        record.update(file=path.name, expected_rate=rate)
        sess = await self.new_session(f"p{self.phase}-evaluator", self.evaluator)
        page = sess.page
        try:
            t_start = time.perf_counter()
            nav = await self.navigate(sess, DATA_PAGE, "first")
            if not nav.ok:
                raise RuntimeError(f"数据管理 did not render: {nav.error}")
            record["open_s"] = nav.seconds
            record["step"] = "操作人"
            await self.fill_operator(page)
            record["step"] = "upload"
            t = time.perf_counter()
            await page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))
            await page.wait_for_function(
                "() => { const t = document.querySelector('[data-testid=\"stMain\"]')?.innerText || '';"
                " return t.includes('与当前版本比较') && t.includes('将成为'); }",
                polling=100, timeout=self.args.nav_timeout * 1000)
            ready = await self.wait_ready(page, None, self.args.nav_timeout)
            if ready["state"] == "error":
                raise RuntimeError(f"the upload shows an error: {ready.get('detail')}")
            record["upload_to_preview_s"] = round(time.perf_counter() - t, 3)
            preview = await page.locator("[data-testid='stMain']").inner_text()
            m = re.search(r"将成为.{0,80}?第 (\d+) 版", preview)
            if not m or int(m.group(1)) != version:
                raise RuntimeError(f"the preview does not announce version {version}: {preview[:400]!r}")
            record["step"] = "confirm"
            await page.get_by_text("我已核对以上内容，确认发布").click()
            await self.settle(page)
            await self.fill_operator(page)  # in case a rerun raced with the typing: the button needs a name
            button = page.get_by_role("button", name="发布", exact=True)
            await button.wait_for(state="visible")
            await page.wait_for_function(
                "() => [...document.querySelectorAll('button')]"
                ".some(b => b.innerText.trim() === '发布' && !b.disabled)",
                polling=100, timeout=self.args.nav_timeout * 1000)
            record["step"] = "发布"
            t = time.perf_counter()
            await button.click()
            done = f"已发布第 {version} 版"
            await page.wait_for_function(
                "(done) => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').includes(done)",
                arg=done, polling=100, timeout=self.args.nav_timeout * 1000)
            record["publish_s"] = round(time.perf_counter() - t, 3)
            record["done_at"] = round(self.now(), 3)
            ready = await self.wait_ready(page, DATA_PAGE, self.args.nav_timeout)
            record["sidebar_version"] = ready.get("version")
            if ready.get("version") != version:
                raise RuntimeError(f"after publishing the sidebar shows version {ready.get('version')}, not {version}")
            record["total_s"] = round(time.perf_counter() - t_start, 3)
            record["ok"] = True
            record.pop("step", None)
            log(f"  t={self.now():6.1f}s  published version {version} ({path.name}): preview "
                f"{record['upload_to_preview_s']:.2f} s, 发布 {record['publish_s']:.2f} s")
        except (TimeoutError, PlaywrightError, RuntimeError) as exc:
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:400]
            record["error"] = f"step {record.get('step', 'open')}: {detail}; page: {await self.describe(page)}"
            self._problem(sess, "publish", record["error"])
            await self.screenshot(sess, "publish")
            log(f"  t={self.now():6.1f}s  PUBLISH FAILED: {record['error']}")
        finally:
            if self.publish_done is not None:
                self.publish_done.set()
            sess.current = None
            with contextlib.suppress(Exception):
                await sess.context.close()

    async def sampler(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample("during")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.args.sample_every)

    def sample(self, label: str) -> dict[str, Any]:
        server = self.server.tree()
        generator = [p for p in process_tree(os.getpid()) if p not in set(server)]
        s = {"t": round(self.now(), 2), "label": label, "phase": self.phase, "server_rss_kib": rss_kib(server),
             "server_processes": len(server), "server_cpu_s": round(cpu_seconds(server), 2),
             "generator_pss_kib": pss_kib(generator), "generator_cpu_s": round(cpu_seconds(generator), 2),
             "loadavg": loadavg()}
        self.samples.append(s)
        return s

    async def warm_up(self) -> list[Nav]:
        """One session opens every page once (imports, caches): the state "before" is measured after it."""
        sess = await self.new_session("warm-up", self.viewer_accounts[0] if self.viewer_accounts else None)
        navs = []
        try:
            for spec in PAGES:
                nav = await self.navigate(sess, spec, "load")
                navs.append(nav)
                if not nav.ok:
                    raise RuntimeError(f"warm-up: {spec.path} did not render: {nav.error}")
        finally:
            sess.current = None
            await sess.context.close()
        return navs

    async def run_phase(self, phase: int, publish_version: int | None) -> dict[str, Any]:
        self.phase = phase
        start = self.now()
        self.phase_end = time.monotonic() + self.args.seconds
        log(f"phase {phase}: {self.args.sessions} sessions for {self.args.seconds:.0f} s"
            + (f", publishing version {publish_version} at t+{self.args.publish_at * self.args.seconds:.0f} s"
               if publish_version else ""))
        unix_start = time.time()
        self.publish_done = asyncio.Event() if publish_version is not None else None
        tasks = [asyncio.create_task(self.viewer(i, self.args.sessions)) for i in range(self.args.sessions)]
        if publish_version is not None:
            tasks.append(asyncio.create_task(self.publisher(publish_version)))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                self.problems.append(Problem(f"phase{phase}", "?", round(self.now(), 2), "script",
                                             f"{type(r).__name__}: {r}"[:500]))
        end_sample = self.sample(f"end of phase {phase} (sessions closed)")
        return {"phase": phase, "start": round(start, 2), "end": round(self.now(), 2), "unix_start": unix_start,
                "unix_end": time.time(), "end_rss_kib": end_sample["server_rss_kib"]}


async def run_load(args: argparse.Namespace, server: Server, workdir: Path, run: Run) -> dict[str, Any]:
    async with async_playwright() as pw:
        run.browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            run.sample("server started, no session yet")
            log("warm-up: one session opens every page")
            warm = await run.warm_up()
            await asyncio.sleep(2)
            before = run.sample("before (after the warm-up session)")
            stop = asyncio.Event()
            sampler = asyncio.create_task(run.sampler(stop))
            phases = []
            try:
                for phase in range(1, args.repeat + 1):
                    version = phase + 1 if args.publish_at is not None else None
                    phases.append(await run.run_phase(phase, version))
                    log(f"  end of phase {phase}: server RSS {mib(phases[-1]['end_rss_kib'])} MiB, "
                        f"{sum(1 for n in run.navs if n.phase == phase)} navigations, "
                        f"{len(run.problems)} errors so far")
            finally:
                stop.set()
                await sampler
            await asyncio.sleep(args.settle)
            after = run.sample(f"after (all sessions closed, {args.settle:.0f} s idle)")
        finally:
            with contextlib.suppress(Exception):
                await run.browser.close()
    return {"warm_up": warm, "before": before, "after": after, "phases": phases}
