"""Bibliometric stage: Web of Science plain-text export (``FN``, ``PT``, ``TI``, ``PY``, ``ER``).

Two-letter tags in columns 1–2, value from column 4; a field continues on following
lines indented by three spaces; ``ER`` closes a record and ``EF`` the file; ``FN`` and
``VR`` are file headers, e.g.::

    FN Clarivate Analytics Web of Science
    VR 1.0
    PT J
    AU Smith, J
       Doe, A
    TI Artificial intelligence and national security: a
       review
    SO JOURNAL OF STRATEGIC STUDIES
    PY 2020
    ER

    EF

Title ``TI``; year ``PY`` (else ``EY`` early-access year, ``EA`` early-access date,
``PD``); abstract ``AB``; keywords ``DE`` (author keywords) and ``ID`` (Keywords
Plus); journal ``SO``.
Field tags per the Web of Science Core Collection field-tag list.
"""

from __future__ import annotations

from seclens.biblio.records import BiblioRecord
from seclens.biblio.tagged import TaggedFormat, parse_tagged, regex_tagger

SPEC = TaggedFormat(
    name="wos",
    tag_line=regex_tagger(r"^([A-Z][A-Z0-9])(?: (.*)|\s*)$"),
    start_tag="PT",
    end_tag="ER",
    header_tags=("FN", "VR", "EF"),
    indented_continuation=True,
    mapping={
        "title": ("TI",),
        "abstract": ("AB",),
        "keywords": ("DE", "ID"),
        "journal": ("SO",),
        "authors": ("AU", "AF"),
    },
    year_tags=("PY", "EY", "EA", "PD"),
)


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse WoS plain text. Raises ``CompareError`` ``E511`` naming the line."""
    return parse_tagged(text, source, SPEC)
