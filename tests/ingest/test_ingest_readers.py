"""One test family per format: txt, html (gov.cn metadata table), pdf, docx."""

from __future__ import annotations

import codecs
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from seclens.errors import IngestError
from seclens.ingest import read_document
from seclens.ingest.html import extract_html, iso_date

WriteBytes = Callable[[str, bytes], Path]


def test_txt_text_is_the_file_content_unchanged(write_bytes: WriteBytes) -> None:
    content = "第一条  国家安全。\r\n\r\n  第二条\t国防。\n"
    path = write_bytes("a.txt", content.encode("utf-8"))
    document = read_document(path)
    assert document.text == content
    assert document.fmt == "txt"
    assert document.encoding == "utf-8"
    assert document.meta.doc_id == "a"
    assert document.meta.language == "zh"


def test_txt_with_bom_is_stripped_and_noted(write_bytes: WriteBytes) -> None:
    path = write_bytes("bom.txt", codecs.BOM_UTF8 + "国家安全".encode())
    document = read_document(path)
    assert document.text == "国家安全"
    assert "byte-order mark" in document.notes[0]


def test_txt_big5_traditional(write_bytes: WriteBytes) -> None:
    text = "國家安全是民族復興的根本基礎。人工智慧發展的不確定性帶來新挑戰。"
    document = read_document(write_bytes("tw.txt", text.encode("big5")))
    assert document.text == text
    assert document.encoding == "big5"
    assert document.meta.language == "zh"


def test_sha256_is_of_file_bytes(write_bytes: WriteBytes) -> None:
    import hashlib

    data = "国家安全".encode("gb18030")
    document = read_document(write_bytes("g.txt", data + "，人工智能发展规划。".encode("gb18030")))
    assert (
        document.sha256
        == hashlib.sha256(data + "，人工智能发展规划。".encode("gb18030")).hexdigest()
    )


def test_gov_page_declared_gb2312_with_gbk_only_chars(
    builders: SimpleNamespace, write_bytes: WriteBytes
) -> None:
    path = write_bytes("gov.htm", builders.gov_page("gb2312").encode("gbk"))
    document = read_document(path)
    assert "朱镕基同志与王堃同志" in document.text
    assert document.encoding == "gb18030"
    assert "declared gb2312, decoded as gb18030" in document.notes
    meta = document.meta
    assert meta.title == "国务院关于印发新一代人工智能发展规划的通知"
    assert meta.issuer == "国务院"
    assert meta.date == "2017-07-08"
    assert meta.doc_number == "国发〔2017〕35号"
    assert meta.level == "central"
    assert meta.meta_source == "html+doc_number"
    assert meta.extra["index_no"] == "000014349/2017-00142"
    assert meta.extra["published"] == "2017-07-20"


def test_gov_metadata_table_is_kept_out_of_the_body(builders: SimpleNamespace) -> None:
    page = extract_html(builders.gov_page("utf-8"))
    for label in ("索", "发文机关", "成文日期", "发文字号", "000014349"):
        assert label not in page.text
    assert "脚本不应出现" not in page.text
    for line in builders.GOV_BODY.split("\n"):
        assert line in page.text


def test_html_title_from_title_element_without_table(builders: SimpleNamespace) -> None:
    page = extract_html(builders.gov_page("utf-8", table=False))
    assert page.meta.title == "国务院关于印发新一代人工智能发展规划的通知_政府信息公开专栏"
    assert page.meta.extra["meta_table"] == "no"


def test_html_title_prefers_article_title_meta() -> None:
    markup = (
        '<html><head><meta name="ArticleTitle" content="文章标题"><title>网站</title></head>'
        "<body><p>国家安全是民族复兴的根本。人工智能发展规划。</p></body></html>"
    )
    assert extract_html(markup).meta.title == "文章标题"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2017年07月08日", "2017-07-08"),
        ("2020年1月2日", "2020-01-02"),
        ("2021-09-25", "2021-09-25"),
    ],
)
def test_iso_date(text: str, iso: str) -> None:
    assert iso_date(text) == iso


def test_pdf_english(builders: SimpleNamespace, tmp_path: Path) -> None:
    path = builders.make_pdf(
        tmp_path / "en.pdf", ["National security matters.", "Second line."], title="A Memo"
    )
    document = read_document(path)
    assert document.text == "National security matters.\nSecond line."
    assert document.fmt == "pdf"
    assert document.encoding == "n/a"
    assert document.meta.title == "A Memo"
    assert document.meta.meta_source == "pdf+no_date"  # PDF CreationDate is not used
    assert document.meta.language == "en"


def test_pdf_chinese_cid_font_round_trips(builders: SimpleNamespace, tmp_path: Path) -> None:
    lines = ["新一代人工智能发展规划", "国发〔2017〕35号", "国家安全是民族复兴的根本基础"]
    document = read_document(builders.make_pdf(tmp_path / "zh.pdf", lines, cjk=True))
    assert document.text == "\n".join(lines)
    assert document.meta.level == "central"
    assert document.meta.doc_number == "国发〔2017〕35号"


def test_scanned_pdf_is_refused_not_empty(builders: SimpleNamespace, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(builders.make_scanned_pdf(tmp_path / "scan.pdf"))
    assert caught.value.code == "E107"
    assert "no text layer (scanned?)" in caught.value.message


def test_docx_paragraphs_and_tables_in_body_order(
    builders: SimpleNamespace, tmp_path: Path
) -> None:
    document = read_document(builders.make_docx(tmp_path / "d.docx"))
    assert document.text.split("\n") == [
        "第一段：总体要求。",
        "单元格00",
        "单元格01",
        "单元格10",
        "单元格11",
        "第二段：保障措施。",
    ]
    assert document.meta.title == "测试文件标题"
    assert document.meta.meta_source == "docx+no_date"  # core-property dates are not used


def test_docx_merged_cell_is_read_once(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    table = d.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并单元格"
    table.cell(0, 2).text = "右侧"
    d.save(str(tmp_path / "m.docx"))
    assert read_document(tmp_path / "m.docx").text == "合并单元格\n右侧"


@pytest.mark.parametrize(("name", "data"), [("bad.pdf", b"not a pdf"), ("bad.docx", b"no zip")])
def test_corrupt_containers(write_bytes: WriteBytes, name: str, data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(write_bytes(name, data))
    assert caught.value.code == "E108"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"  \n\n ", "E106"),
        ("binary.txt", b"\x00\x01\x02\x03", "E105"),
        ("notes.md", b"# hi", "E102"),
    ],
)
def test_refusals(write_bytes: WriteBytes, name: str, data: bytes, code: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(write_bytes(name, data))
    assert caught.value.code == code


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(tmp_path / "nope.txt")
    assert caught.value.code == "E101"


def test_html_declared_big5_traditional(write_bytes: WriteBytes) -> None:
    body = "國家安全是民族復興的根本基礎。人工智慧發展的不確定性帶來新挑戰。"
    markup = (
        '<html><head><meta charset="big5"><title>人工智慧發展</title></head>'
        f"<body><p>{body}</p></body></html>"
    )
    document = read_document(write_bytes("tw.html", markup.encode("big5")))
    assert body in document.text
    assert document.encoding == "big5"
    assert document.meta.title == "人工智慧發展"
    assert document.meta.language == "zh"


def test_html_xml_declaration_gbk(write_bytes: WriteBytes) -> None:
    markup = (
        '<?xml version="1.0" encoding="gbk"?>\n<html><head><title>标题</title></head>'
        "<body><p>朱镕基同志指出，国家安全是民族复兴的根本。</p></body></html>"
    )
    document = read_document(write_bytes("x.html", markup.encode("gbk")))
    assert "朱镕基同志指出" in document.text
    assert document.encoding == "gb18030"


def test_html_nav_and_footer_elements_are_not_body_text() -> None:
    page = extract_html(
        "<html><body><nav>导航栏</nav><div><p>国家安全是根本。</p></div>"
        "<footer>版权所有</footer></body></html>"
    )
    assert page.text == "国家安全是根本。"


def test_html_without_main_content_falls_back_to_body_with_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import seclens.ingest.html as html_module

    monkeypatch.setattr(html_module, "_main_text", lambda tree: None)
    page = extract_html(
        "<html><body><header>页眉</header><div>第一行<br>第二行</div>"
        "<table><tr><td>甲</td><td>乙</td></tr></table></body></html>"
    )
    assert "trafilatura found no main content; used the whole <body> text" in page.notes
    assert page.text.split("\n") == ["页眉", "第一行", "第二行", "甲", "乙"]


def test_docx_content_control_blocks_are_read_in_place(tmp_path: Path) -> None:
    import copy

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("之前")
    last = d.add_paragraph("之后")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件内文字</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    last._p.addprevious(copy.deepcopy(sdt))
    d.save(str(tmp_path / "sdt.docx"))
    assert read_document(tmp_path / "sdt.docx").text == "之前\n控件内文字\n之后"


def test_reading_text_files_does_not_import_the_docx_pdf_and_html_libraries() -> None:
    # Regression (session 6): python-docx, pdfplumber and trafilatura were imported
    # with seclens.ingest, ~0.3 s in every process that reads documents.
    code = ("import sys, seclens.ingest, seclens.engine.process\n"
            "print(sorted(m for m in ('docx', 'pdfplumber', 'trafilatura') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
