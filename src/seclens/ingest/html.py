"""Ingest stage: body text and metadata of an HTML page.

Steps (see ``docs/ingest.md``):

1. Parse with lxml (tolerant HTML parser).
2. Find the metadata table of Chinese government pages (索引号, 主题分类, 发文机关,
   成文日期, 标题, 发文字号, 发布日期): the innermost ``<table>`` holding at least
   :data:`MIN_LABELS` of these labels. Its values go to :class:`HtmlMeta`; the table is
   removed from the tree so it never reaches the body text.
3. Remove ``script``, ``style``, ``noscript``, ``template``, ``nav`` and ``footer``
   elements, then extract the main text with trafilatura (boilerplate removal, tables included).
   When trafilatura finds no main content, the full ``<body>`` text (without those
   elements and forms) is used and a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import lxml.html
from lxml import etree

from seclens.errors import IngestError
from seclens.ingest.codes import E_CORRUPT

#: Labels of the gov.cn metadata table → :class:`HtmlMeta` field.
GOV_LABELS = MappingProxyType(
    {
        "索引号": "index_no",
        "主题分类": "topic",
        "发文机关": "issuer",
        "成文日期": "date",
        "标题": "title",
        "发文字号": "doc_number",
        "发布日期": "published",
    }
)
#: Minimum number of known labels for a table to count as the metadata table.
MIN_LABELS = 3
_META_TITLE_NAMES = ("articletitle", "og:title", "title", "dc.title")
#: Removed before extraction (never body text). ``<header>`` is kept: it can hold the title.
_BOILERPLATE_TAGS = ("script", "style", "noscript", "template", "nav", "footer")
_DROP_TAGS = (*_BOILERPLATE_TAGS, "form")
_BLOCK_TAGS = (
    "p", "div", "br", "tr", "td", "th", "li", "dt", "dd", "table", "ul", "ol", "pre",
    "blockquote", "section", "article", "header", "main", "aside",
    "h1", "h2", "h3", "h4", "h5", "h6",
)  # fmt: skip
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass(frozen=True)
class HtmlMeta:
    """Metadata read from a page (empty strings when absent).

    Attributes
    ----------
    title : str
        From the metadata table, else ``<meta name=ArticleTitle|og:title|title>``, else
        ``<title>``.
    issuer, date, doc_number : str
        From the metadata table (``date`` is 成文日期 as ISO ``YYYY-MM-DD`` when parseable).
    published : str
        发布日期 (ISO when parseable).
    extra : Mapping[str, str]
        The other table fields (``index_no``, ``topic``) and ``meta_table``: ``yes``/``no``.
    """

    title: str = ""
    issuer: str = ""
    date: str = ""
    doc_number: str = ""
    published: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HtmlExtract:
    """Body text, metadata and notes of one page."""

    text: str
    meta: HtmlMeta
    notes: tuple[str, ...]


def extract_html(markup: str, *, source: str = "") -> HtmlExtract:
    """Extract body text and metadata from decoded HTML.

    Parameters
    ----------
    markup : str
        The decoded page.
    source : str
        Path or URL for messages.

    Returns
    -------
    HtmlExtract

    Raises
    ------
    IngestError
        ``E108`` when lxml cannot parse the markup at all.
    """
    tree = _parse(markup, source)
    fields, notes = _take_meta_table(tree)
    meta = _html_meta(tree, fields)
    for element in list(tree.iter(*_BOILERPLATE_TAGS)):
        element.drop_tree()
    text = _main_text(tree)
    if text is None:
        text = _body_text(tree)
        notes += ("trafilatura found no main content; used the whole <body> text",)
    return HtmlExtract(text, meta, notes)


def _parse(markup: str, source: str) -> lxml.html.HtmlElement:
    try:
        return lxml.html.document_fromstring(_XML_DECL.sub("", markup, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(E_CORRUPT, f"{source}: HTML cannot be parsed ({exc})") from exc


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _label(cell_text: str) -> str | None:
    key = re.sub(r"\s+", "", cell_text).rstrip("：:")
    return GOV_LABELS.get(key)


def _take_meta_table(tree: lxml.html.HtmlElement) -> tuple[dict[str, str], tuple[str, ...]]:
    """Parse and remove the innermost table holding the gov.cn metadata labels."""
    tables = [table for table in tree.iter("table") if _label_count(table) >= MIN_LABELS]
    innermost = [t for t in tables if not any(_label_count(d) >= MIN_LABELS for d in _sub(t))]
    if not innermost:
        return {}, ()
    table = innermost[0]
    fields = _table_fields(table)
    table.drop_tree()
    return fields, (f"metadata table removed from body ({len(fields)} fields)",)


def _sub(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [d for d in table.iterdescendants("table")]


def _label_count(table: lxml.html.HtmlElement) -> int:
    cells = table.iter("td", "th")
    return len({label for cell in cells if (label := _split_cell(cell.text_content())[0])})


def _split_cell(text: str) -> tuple[str | None, str]:
    """Label and inline value of a cell (``发文字号：国发〔2017〕35号``), or ``(None, "")``."""
    label = _label(text)
    if label:
        return label, ""
    head, sep, tail = re.sub(r"\s+", "", text).partition("：")
    if not sep:
        head, sep, tail = head.partition(":")
    return (GOV_LABELS.get(head), tail) if sep and GOV_LABELS.get(head) else (None, "")


def _table_fields(table: lxml.html.HtmlElement) -> dict[str, str]:
    cells = [cell.text_content() for cell in table.iter("td", "th")]
    fields: dict[str, str] = {}
    for index, cell in enumerate(cells):
        label, inline = _split_cell(cell)
        if label is None or label in fields:
            continue
        if inline:
            fields[label] = _clean(inline)
        elif index + 1 < len(cells) and _split_cell(cells[index + 1])[0] is None:
            fields[label] = _clean(cells[index + 1])
    return fields


def iso_date(text: str) -> str:
    """``2017年07月08日`` → ``2017-07-08``; ISO-like input passes; else returned cleaned."""
    found = _CHINESE_DATE.search(text)
    if found:
        year, month, day = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return _clean(text)


def _html_meta(tree: lxml.html.HtmlElement, fields: dict[str, str]) -> HtmlMeta:
    title = fields.get("title") or _meta_title(tree)
    extra: dict[str, str] = {key: fields[key] for key in ("index_no", "topic") if key in fields}
    extra["meta_table"] = "yes" if fields else "no"
    return HtmlMeta(
        title=title,
        issuer=fields.get("issuer", ""),
        date=iso_date(fields.get("date", "")),
        doc_number=fields.get("doc_number", ""),
        published=iso_date(fields.get("published", "")),
        extra=extra,
    )


def _meta_title(tree: lxml.html.HtmlElement) -> str:
    by_name: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = _clean(meta.get("content") or "")
        if name and content and name not in by_name:
            by_name[name] = content
    for name in _META_TITLE_NAMES:
        if by_name.get(name):
            return by_name[name]
    title = tree.find(".//title")
    return _clean(title.text_content()) if title is not None else ""


def _main_text(tree: lxml.html.HtmlElement) -> str | None:
    import trafilatura  # ~0.13 s to import: only when an HTML document is read

    markup = lxml.html.tostring(tree, encoding="unicode")
    text = trafilatura.extract(
        markup,
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    return text if text and text.strip() else None


def _body_text(tree: lxml.html.HtmlElement) -> str:
    body = tree.find("body")
    root = body if body is not None else tree
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (_clean(line) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)
