"""Bibliometric stage: EndNote tagged export as written by CNKI (``%0``, ``%T``, ``%D`` ...).

One field per line, ``%X value`` (``%`` + one character), records opened by ``%0``
(reference type) and separated by blank lines, e.g.::

    %0 Journal Article
    %A 张三
    %A 李四
    %T 人工智能安全风险研究
    %J 信息安全研究
    %D 2020
    %K 人工智能;安全
    %X 摘要 ...
    %W CNKI

Title ``%T``; year ``%D`` (else ``%8`` date); abstract ``%X``; keywords ``%K``;
journal ``%J`` (else ``%B``); authors ``%A`` (tags per the EndNote import filter).
"""

from __future__ import annotations

from seclens.biblio.records import BiblioRecord
from seclens.biblio.tagged import TaggedFormat, parse_tagged, regex_tagger

SPEC = TaggedFormat(
    name="endnote",
    tag_line=regex_tagger(r"^(%[0-9A-Za-z@!#$&()*+\]\[^<>=~?+\-])(?:[ \t](.*)|\s*)$"),
    start_tag="%0",
    end_tag=None,
    header_tags=(),
    indented_continuation=False,
    mapping={
        "title": ("%T",),
        "abstract": ("%X",),
        "keywords": ("%K",),
        "journal": ("%J", "%B"),
        "authors": ("%A",),
    },
    year_tags=("%D", "%8"),
)


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse EndNote tagged text. Raises ``CompareError`` ``E511`` naming the line."""
    return parse_tagged(text, source, SPEC)
