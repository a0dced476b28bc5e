"""Report stage: the CSV tables (``documents.csv``, ``counts.csv``, ``matches.csv``).

All files are UTF-8 *with* a byte-order mark (``utf-8-sig``, so that Excel on Windows
shows Chinese correctly), comma-separated, with a header row, written with :mod:`csv`
(quoting as needed). Read them with ``encoding="utf-8-sig"`` (pandas:
``pd.read_csv(path, encoding="utf-8-sig")``), which also reads files without a BOM.
Columns are described in ``docs/report.md``. Floats are written with ``repr`` precision;
``NaN`` as ``nan``.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens.api import AnalysisResult
from seclens.report.aggregate import DocumentFigures, document_figures
from seclens.types import META_FIELDS, Match

if TYPE_CHECKING:
    from seclens.measures.counts import CountRow

CSV_ENCODING = "utf-8-sig"
"""Encoding of every CSV seclens writes (UTF-8 with BOM); readers use the same name."""

META_COLUMNS: tuple[str, ...] = META_FIELDS
DOCUMENT_COLUMNS: tuple[str, ...] = (
    "doc_id", "status", "path", *META_COLUMNS,
    "fmt", "encoding", "sha256", "chars", "size", "unit", "sentences", "matches",
    "security_occurrences", "security_per_10k", "exclusion_code", "exclusion_reason", "notes",
)
"""Columns of ``documents.csv``: one row per input, analysed or excluded."""

MATCH_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Match))
"""Columns of ``matches.csv``: the fields of :class:`seclens.types.Match`."""


def count_columns() -> tuple[str, ...]:
    """Columns of ``counts.csv``: the fields of ``seclens.measures.counts.CountRow``."""
    from seclens.measures.counts import CountRow

    return tuple(f.name for f in dataclasses.fields(CountRow))


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def document_rows(result: AnalysisResult,
                  figures: Sequence[DocumentFigures] | None = None) -> list[list[Any]]:
    """Rows of ``documents.csv`` (analysed documents first, then exclusions).

    ``figures``: ``document_figures(result)`` when the caller has them already.
    """
    rows: list[list[Any]] = []
    for fig in (figures if figures is not None else document_figures(result)):
        d = fig.summary
        meta = [getattr(d.meta, c) for c in META_COLUMNS]
        rows.append([
            d.doc_id, "analysed", d.path, *meta, d.fmt, d.encoding, d.sha256, d.n_chars,
            d.size, d.unit, d.n_sentences, fig.n_matches, fig.security_occurrences,
            fig.security_per_10k, "", "", "; ".join(d.notes),
        ])
    blank_meta = [""] * len(META_COLUMNS)
    for ex in result.exclusions:
        rows.append([
            ex.doc_id, "excluded", ex.path, *blank_meta, "", "", "", "", "", "", "", "",
            "", "", ex.code, ex.reason, "",
        ])
    return rows


def write_documents_csv(result: AnalysisResult, path: Path,
                        figures: Sequence[DocumentFigures] | None = None) -> None:
    """Write ``documents.csv`` (see :data:`DOCUMENT_COLUMNS`; ``figures`` as in
    :func:`document_rows`)."""
    _write(path, DOCUMENT_COLUMNS, document_rows(result, figures))


def _count_rows(counts: Sequence[CountRow], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """CSV rows of count rows, read from the columns one document table at a time."""
    from seclens.measures.counts import CountChain, count_table_columns

    for part in (counts.tables if isinstance(counts, CountChain) else (counts,)):
        yield from zip(*count_table_columns(part, columns), strict=True)


def _match_rows(matches: Sequence[Match]) -> Iterator[tuple[Any, ...]]:
    """CSV rows of matches, read from the columns one document table at a time."""
    from seclens.match.table import MatchChain, match_table_columns

    for part in (matches.tables if isinstance(matches, MatchChain) else (matches,)):
        yield from zip(*match_table_columns(part, MATCH_COLUMNS), strict=True)


def write_counts_csv(result: AnalysisResult, path: Path) -> None:
    """Write ``counts.csv``: one row per ``CountRow`` in result order."""
    _write(path, count_columns(), _count_rows(result.counts, count_columns()))


def write_matches_csv(result: AnalysisResult, path: Path) -> None:
    """Write ``matches.csv``: one row per :class:`Match` (every counted occurrence)."""
    _write(path, MATCH_COLUMNS, _match_rows(result.matches))
