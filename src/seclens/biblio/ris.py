"""Bibliometric stage: RIS (``TY  - JOUR`` ... ``ER  -``).

``TAG  - value`` lines (two-character tag, two spaces, hyphen), records opened by
``TY`` and closed by ``ER``. Untagged lines inside a record continue the previous
field. Title ``TI`` (else ``T1``, ``CT``, ``BT``); year ``PY`` (else ``Y1``, ``DA``;
``2020///`` and ``2020/05/01`` are read as 2020); abstract ``AB``/``N2``; keywords
``KW``; journal ``T2``/``JO``/``JF``.

We parse RIS with the shared tagged reader rather than :mod:`rispy` so that every
record carries its line number and a malformed line is reported with its position
(``E511``), consistently with the other formats.
"""

from __future__ import annotations

from seclens.biblio.records import BiblioRecord
from seclens.biblio.tagged import TaggedFormat, parse_tagged, regex_tagger

SPEC = TaggedFormat(
    name="ris",
    tag_line=regex_tagger(r"^([A-Z][A-Z0-9])  -(?: (.*)|\s*)$"),
    start_tag="TY",
    end_tag="ER",
    header_tags=(),
    indented_continuation=False,
    mapping={
        "title": ("TI", "T1", "CT", "BT"),
        "abstract": ("AB", "N2"),
        "keywords": ("KW",),
        "journal": ("T2", "JO", "JF", "JA"),
        "authors": ("AU", "A1"),
    },
    year_tags=("PY", "Y1", "DA"),
)


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse RIS text. Raises ``CompareError`` ``E511`` naming the line."""
    return parse_tagged(text, source, SPEC)
