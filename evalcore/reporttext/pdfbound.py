"""A PDF's own streams inflated within a bound: a “compression bomb” inside a PDF is refused, not inflated.

pdfminer (under pdfplumber) decodes a stream whole: ``zlib.decompress(data)`` for FlateDecode, ``lzwdecode`` for
LZWDecode, ``rldecode`` for RunLengthDecode, and on a bad checksum ``decompress_corrupted``, which inflates byte by
byte. None of them has a bound, so a 300 KB page content stream that inflates to 300 MB (or a chain Flate → Flate
that inflates to gigabytes) would be inflated in memory before any of our checks ran. The library offers no setting
for it, so :func:`inflate_bound` replaces those four names *in pdfminer.pdftypes* (the module that calls them) with
bounded versions once, and they count what they produce against the budget of the :func:`inflate_bound` block they run
in (a context variable, so two reads in two threads have their own budgets). Outside such a block they do exactly
what pdfminer's own functions do.

Going over the budget raises :class:`InflateLimitExceeded` (not ``zlib.error``, which pdfminer would catch and retry)
and marks the budget, so that even where a library swallows the exception every later decode refuses at once and the
caller still learns of it (:attr:`Budget.exceeded`). Every stream is counted: page contents, fonts, object streams and
cross-reference streams (an encrypted PDF's streams too: they are counted after pdfminer decrypts them); images are
decoded by pdfminer only when asked for, which the text reader never does.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO


class InflateLimitExceeded(Exception):
    """The streams of a PDF inflate to more than the budget allows."""


@dataclass
class Budget:
    limit: int  # bytes, all streams of one document together
    used: int = 0
    exceeded: bool = False

    def room(self) -> int:
        return max(self.limit - self.used, 0)

    def charge(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            self.exceeded = True
        if self.exceeded:
            raise InflateLimitExceeded(f"解压后超过 {self.limit} 字节")


_BUDGET: ContextVar[Budget | None] = ContextVar("pdf_inflate_budget", default=None)


def _active() -> Budget | None:
    budget = _BUDGET.get()
    if budget is not None and budget.exceeded:
        raise InflateLimitExceeded(f"解压后超过 {budget.limit} 字节")
    return budget


def bounded_decompress(data: bytes) -> bytes:
    """``zlib.decompress(data)`` producing at most the budget's room (then :class:`InflateLimitExceeded`)."""
    budget = _active()
    if budget is None:
        return zlib.decompress(data)
    d = zlib.decompressobj()
    parts: list[bytes] = []
    pending = data
    while not d.eof:
        out = d.decompress(pending, budget.room() + 1)
        budget.charge(len(out))
        parts.append(out)
        pending = d.unconsumed_tail
        if not out and not pending:
            break  # all input consumed and nothing more comes out: a truncated stream
    if not d.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return b"".join(parts)


def bounded_decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (inflate byte by byte, tolerating a bad checksum in the last bytes),
    counted against the budget and without its quadratic ``bytes +=``."""
    budget = _active()
    d = zlib.decompressobj()
    parts: list[bytes] = []
    i = 0
    try:
        for i in range(len(data)):
            out = d.decompress(data[i:i + 1])
            if budget is not None:
                budget.charge(len(out))
            parts.append(out)
    except zlib.error:
        if i < len(data) - 3:
            raise
    return b"".join(parts)


def bounded_lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = _active()
    parts: list[bytes] = []
    for chunk in LZWDecoder(BytesIO(data)).run():
        if budget is not None:
            budget.charge(len(chunk))
        parts.append(chunk)
    return b"".join(parts)


def runlength_size(data: bytes) -> int:
    """The number of bytes RunLengthDecode makes of ``data``, counted without making them."""
    size = 0
    i = 0
    n = len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            size += length + 1
            i += length + 2
        else:
            size += 257 - length
            i += 2
    return size


def bounded_rldecode(data: bytes) -> bytes:
    from pdfminer.runlength import rldecode

    budget = _active()
    if budget is not None:
        budget.charge(runlength_size(data))  # before pdfminer builds its list of ints (8 bytes per byte made)
    return rldecode(data)


class _BoundedZlib:
    """Stands for the ``zlib`` module inside pdfminer.pdftypes: ``decompress`` bounded, everything else zlib's."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return bounded_decompress(data)

    def __getattr__(self, name: str) -> object:
        return getattr(zlib, name)


_installed = False


def _install() -> None:
    global _installed
    if _installed:
        return
    from pdfminer import pdftypes

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = bounded_decompress_corrupted
    pdftypes.lzwdecode = bounded_lzwdecode
    pdftypes.rldecode = bounded_rldecode
    _installed = True


@contextmanager
def inflate_bound(limit: int) -> Iterator[Budget]:
    """Inside the block, pdfminer inflates at most ``limit`` bytes in all (see the module docstring)."""
    _install()
    budget = Budget(limit)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)
