"""A compression bomb inside a PDF's own streams (issue 24): pdfminer inflates a FlateDecode stream whole, so the
reader bounds every stream's inflation (evalcore/reporttext/pdfbound.py) and refuses such a file with a Chinese
message naming it. The PDFs are made here: one page whose content stream is small (read) or inflates far beyond
the bound (refused)."""
from __future__ import annotations

import zlib

import pytest

from evalcore.reporttext.formats import MAX_PDF_INFLATED_BYTES
from evalcore.reporttext.pdfbound import (
    InflateLimitExceeded,
    bounded_decompress,
    bounded_rldecode,
    inflate_bound,
    runlength_size,
)
from evalcore.reporttext.source import read_source

TEXT = b"BT /F1 12 Tf 72 712 Td (Project budget 100, executed 90, rate 90 percent, score 88.) Tj ET\n"


def make_pdf(content: bytes, filters: str = "/FlateDecode") -> bytes:
    """A one-page PDF whose page content stream is ``content`` (already encoded by ``filters``), with a correct
    cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" /Filter " + filters.encode() + b" >>\nstream\n"
        + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for no, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{no} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def deflate_big(size: int) -> bytes:
    """``size`` bytes of spaces after the page's text, deflated chunk by chunk (a few hundred KB)."""
    c = zlib.compressobj(9)
    parts = [c.compress(TEXT)]
    chunk = b" " * (1 << 20)
    for _ in range(size // len(chunk)):
        parts.append(c.compress(chunk))
    return b"".join(parts) + c.flush()


def test_a_small_pdf_made_the_same_way_is_read() -> None:
    doc = read_source(make_pdf(zlib.compress(TEXT)), "small.pdf")
    assert "Project budget 100" in doc.text


def test_a_flate_bomb_in_a_page_stream_is_refused_naming_the_file() -> None:
    bomb = deflate_big(MAX_PDF_INFLATED_BYTES + (16 << 20))
    assert len(bomb) < 2 * 1024 * 1024  # a small file…
    with pytest.raises(ValueError, match=r"“绩效报告\.pdf”中的压缩内容解压后超过 256 MB.*压缩炸弹.*已拒绝读取"):
        read_source(make_pdf(bomb), "绩效报告.pdf")  # …refused, not inflated


def test_a_bomb_wrapped_in_two_flate_layers_is_refused() -> None:
    inner = deflate_big(MAX_PDF_INFLATED_BYTES + (16 << 20))
    twice = zlib.compress(inner, 9)
    assert len(twice) < len(inner)
    with pytest.raises(ValueError, match="压缩炸弹"):
        read_source(make_pdf(twice, "[/FlateDecode /FlateDecode]"), "twice.pdf")


def test_the_bound_counts_every_decode_and_stays_refused() -> None:
    data = zlib.compress(b"a" * 10_000)
    assert bounded_decompress(data) == b"a" * 10_000  # outside a bound: zlib's own behaviour
    with pytest.raises(zlib.error):
        bounded_decompress(data[:-8])  # a truncated stream is an error, as with zlib.decompress
    with inflate_bound(25_000) as budget:
        assert bounded_decompress(data) == b"a" * 10_000
        assert bounded_decompress(data) == b"a" * 10_000
        with pytest.raises(InflateLimitExceeded):
            bounded_decompress(data)  # 30,000 > 25,000
        assert budget.exceeded
        with pytest.raises(InflateLimitExceeded):
            bounded_decompress(zlib.compress(b"b"))  # once over, every later decode refuses
    assert bounded_decompress(data) == b"a" * 10_000  # the bound ends with its block


def test_runlength_is_counted_before_it_is_made() -> None:
    run = bytes([129, 65]) * 1000 + bytes([2, 66, 67, 68, 128])  # 128 × "A", 1000 times, then "BCD", end
    assert runlength_size(run) == 128_003
    with inflate_bound(200_000):
        assert bounded_rldecode(run) == b"A" * 128_000 + b"BCD"
    with inflate_bound(100_000), pytest.raises(InflateLimitExceeded):
        bounded_rldecode(run)
