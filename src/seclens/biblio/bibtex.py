"""Bibliometric stage: BibTeX / BibLaTeX via bibtexparser 2.x.

Title ``title``; year ``year``, else BibLaTeX ``date`` (``2020``, ``2020-05``,
``2020-05-01/2020-06-01``); abstract ``abstract``; keywords ``keywords``; journal
``journal``/``journaltitle``/``booktitle``. Braces protecting capitals (``{AI}``) are
removed and whitespace collapsed. Blocks bibtexparser cannot parse make the file
malformed (``E511`` with the block's line); ``@string``/``@comment``/``@preamble``
blocks are ignored.
"""

from __future__ import annotations

import re

from seclens.biblio.records import BiblioRecord, make_record
from seclens.errors import CompareError


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse BibTeX/BibLaTeX text.

    Raises
    ------
    CompareError
        ``E511`` when a block cannot be parsed (names the line) or no entry is found.
    """
    import bibtexparser

    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise CompareError(
            "E511",
            f"{source}:{(block.start_line or 0) + 1}: malformed BibTeX block "
            f"({type(getattr(block, 'error', None)).__name__}); "
            f"{len(library.failed_blocks)} block(s) failed",
        )
    records: list[BiblioRecord] = []
    for entry in library.entries:
        raw: dict[str, list[str]] = {}
        for fld in entry.fields:
            raw.setdefault(fld.key.lower(), []).append(_clean(str(fld.value)))
        records.append(
            make_record(
                source,
                (entry.start_line or 0) + 1,
                "bibtex",
                raw,
                {
                    "title": ("title",),
                    "abstract": ("abstract",),
                    "keywords": ("keywords",),
                    "journal": ("journal", "journaltitle", "booktitle"),
                    "authors": ("author",),
                },
                ("year", "date"),
            )
        )
    if not records:
        raise CompareError("E511", f"{source}: no BibTeX entry found")
    return records
