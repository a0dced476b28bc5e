"""Bibliometric stage: NoteExpress export as written by CNKI (``{Title}: ...``).

One field per line, ``{Field Name}: value``; CNKI and other Chinese databases also
write the full-width colon ``{Title}：value``; both are accepted. Records are opened
by ``{Reference Type}``, e.g.::

    {Reference Type}: Journal Article
    {Title}: 人工智能安全风险研究
    {Author}: 张三;李四;
    {Journal}: 信息安全研究
    {Year}: 2020
    {Keywords}: 人工智能;安全
    {Abstract}: ...
    {Database Provider}: CNKI

Field names are matched case-insensitively with inner spaces collapsed. Title
``{Title}``; year ``{Year}`` (else ``{Date}`` / ``{Pub Date}``); abstract
``{Abstract}``; keywords ``{Keywords}``; journal ``{Journal}`` / ``{Source}``.
"""

from __future__ import annotations

import re

from seclens.biblio.records import BiblioRecord
from seclens.biblio.tagged import TaggedFormat, parse_tagged

_FIELD = re.compile(r"^\s*\{\s*([^{}]+?)\s*\}\s*[:：]\s?(.*)$")


def _tag_line(line: str) -> tuple[str, str] | None:
    m = _FIELD.match(line)
    if m is None:
        return None
    name = re.sub(r"\s+", " ", m.group(1)).strip().lower()
    return name, m.group(2).strip()


SPEC = TaggedFormat(
    name="noteexpress",
    tag_line=_tag_line,
    start_tag="reference type",
    end_tag=None,
    header_tags=(),
    indented_continuation=False,
    mapping={
        "title": ("title",),
        "abstract": ("abstract",),
        "keywords": ("keywords",),
        "journal": ("journal", "source", "secondary title"),
        "authors": ("author",),
    },
    year_tags=("year", "date", "pub date", "pubtime"),
)


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse NoteExpress text. Raises ``CompareError`` ``E511`` naming the line."""
    return parse_tagged(text, source, SPEC)
