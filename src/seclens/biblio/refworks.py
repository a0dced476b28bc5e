"""Bibliometric stage: CNKI "RefWorks" tagged export (``RT``, ``A1``, ``T1``, ``YR`` ...).

CNKI's RefWorks export writes one field per line, ``TAG value`` (two-character tags),
records opened by ``RT`` and separated by blank lines, e.g.::

    RT Journal Article
    SR 1
    A1 张三;李四;
    T1 人工智能安全风险研究
    JF 信息安全研究
    YR 2020
    K1 人工智能;安全;
    AB ...
    DS CNKI

Only known RefWorks tags are recognized as tags (so an English abstract line
starting with "AI ..." stays a continuation line). Title ``T1``; year ``YR`` (else
``FD``); abstract ``AB``; keywords ``K1``; journal ``JF``/``JO``; authors ``A1``.
"""

from __future__ import annotations

from seclens.biblio.records import BiblioRecord
from seclens.biblio.tagged import TaggedFormat, parse_tagged, regex_tagger

TAGS = frozenset(
    "RT SR ID A1 A2 A3 A4 A5 T1 T2 T3 JF JO YR FD VO vo IS SP OP K1 AB NO ED PB PP SN AV AD "
    "AN LA CL SF OT LK DO CN DB DS IP RD ST U1 U2 U3 U4 U5 UL WT WV OL".split()
)

SPEC = TaggedFormat(
    name="refworks",
    tag_line=regex_tagger(r"^([A-Za-z][A-Za-z0-9])(?:[ \t](.*)|\s*)$", TAGS),
    start_tag="RT",
    end_tag=None,
    header_tags=(),
    indented_continuation=False,
    mapping={
        "title": ("T1",),
        "abstract": ("AB",),
        "keywords": ("K1",),
        "journal": ("JF", "JO", "T2"),
        "authors": ("A1",),
    },
    year_tags=("YR", "FD"),
)


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse CNKI RefWorks text. Raises ``CompareError`` ``E511`` naming the line."""
    return parse_tagged(text, source, SPEC)
