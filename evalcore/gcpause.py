"""Python's cyclic garbage collector paused around the command line's bulk reads of workbooks.

A big read allocates hundreds of thousands of containers (calamine's rows, a dict per record, the model's objects)
and makes almost no cyclic garbage; meanwhile every full collection re-walks all of them, which cost about a fifth
of a 1,000-unit import (docs/benchmarks.md). Reference counting still frees everything as usual.

Only the command line pauses it (``validate``, ``summary``, ``export``, ``publish``, ``import``: one process, one
job, then exit), never ``read_workbook`` itself: in the app's server process the collector would otherwise be off
for every thread while any session reads a workbook. Nested and concurrent pauses share one: the collector is
re-enabled, if it was enabled, when the last of them ends; it then collects whatever cycles accumulated.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block; restored afterwards (left off when the caller had it off)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
