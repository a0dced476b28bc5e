"""Fixtures of the ingest tests: builders for the small files tests write (never the corpus)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest


@pytest.fixture
def write_bytes(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write bytes to ``tmp_path/name`` and return the path."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return _write


GOV_BODY = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "现将《新一代人工智能发展规划》印发给你们，请认真贯彻执行。\n"
    "人工智能的迅速发展将深刻改变人类社会生活、改变世界。"
    "国家安全是民族复兴的根本。朱镕基同志与王堃同志出席会议。"
)


def gov_page(charset: str = "gb2312", *, table: bool = True) -> str:
    """A gov.cn-like page declaring ``charset`` with the metadata table and a body."""
    meta_table = """
<table class="bd1">
<tr><td><b>索 引 号：</b></td><td>000014349/2017-00142</td>
    <td><b>主题分类：</b></td><td>科技、教育\\科技</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院</td>
    <td><b>成文日期：</b></td><td>2017年07月08日</td></tr>
<tr><td><b>标　　题：</b></td>
    <td colspan="3">国务院关于印发新一代人工智能发展规划的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国发〔2017〕35号</td>
    <td><b>发布日期：</b></td><td>2017年07月20日</td></tr>
</table>"""
    paragraphs = "".join(f"<p>{line}</p>\n" for line in GOV_BODY.split("\n"))
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>国务院关于印发新一代人工智能发展规划的通知_政府信息公开专栏</title>
<script>var x = "脚本不应出现";</script>
</head><body>
<div class="nav">首页 | 政策</div>
{meta_table if table else ""}
<div id="UCAP-CONTENT">
{paragraphs}</div>
<div class="footer">主办单位：国务院办公厅</div>
</body></html>"""


def sha256_tree(folder: Path) -> dict[str, str]:
    """Hash of every file under ``folder`` (to prove inputs are never modified)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_pdf(path: Path, lines: list[str], *, cjk: bool = False, title: str = "") -> Path:
    """A one-page PDF with ``lines`` drawn as text (reportlab)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    if cjk:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        pdf.setFont("STSong-Light", 14)
    if title:
        pdf.setTitle(title)
    for index, line in enumerate(lines):
        pdf.drawString(72, 720 - 20 * index, line)
    pdf.showPage()
    pdf.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF with only a drawn rectangle: no text layer."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 72, 300, 500, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path) -> Path:
    """DOCX: paragraph, table (2x2), paragraph, with core-property title."""
    import docx

    document = docx.Document()
    document.core_properties.title = "测试文件标题"
    document.add_paragraph("第一段：总体要求。")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"单元格{r}{c}"
    document.add_paragraph("第二段：保障措施。")
    document.save(str(path))
    return path


@pytest.fixture(scope="session")
def builders() -> SimpleNamespace:
    """The file builders of this module (``gov_page``, ``make_pdf`` ...) and ``GOV_BODY``."""
    return SimpleNamespace(
        GOV_BODY=GOV_BODY,
        gov_page=gov_page,
        sha256_tree=sha256_tree,
        make_pdf=make_pdf,
        make_scanned_pdf=make_scanned_pdf,
        make_docx=make_docx,
    )
