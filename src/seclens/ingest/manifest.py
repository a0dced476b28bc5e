"""Ingest stage: read ``manifest.csv`` (one row of metadata per document).

Columns (those of the reference corpus): ``id, title, title_en, issuer, level, region,
date, doc_number, language, source_repo, source_path, source_commit, original_url,
license_note, completeness, chars``. Only ``id`` is required. Known columns map to
:class:`~seclens.types.DocumentMeta` fields, every other column goes to ``extra``.
Rows match files by file stem == ``id``.

Dates: ``date`` cells are normalised to ISO 8601 when their reading is unambiguous
(``2017年7月8日`` → ``2017-07-08``, ``2017/7/8`` → ``2017-07-08``), keeping the raw cell
in ``extra["date_raw"]``; other cells (``07/08/2017``: day/month order unknown) are kept
as they are and the document gets a note (see :func:`seclens.ingest.metadata.normalise_date`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from seclens.errors import IngestError
from seclens.ingest.codes import (
    E_MANIFEST_DUPLICATE,
    E_MANIFEST_NO_ID,
    E_MANIFEST_UNREADABLE,
    E_MANIFEST_VALUE,
)
from seclens.ingest.encoding import decode_bytes
from seclens.ingest.metadata import LANGUAGES, LEVELS, DateValue, normalise_date
from seclens.ingest.readers import read_bytes
from seclens.types import DocumentMeta

#: Manifest column → DocumentMeta field (``id`` → ``doc_id``).
KNOWN_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "id": "doc_id",
        "title": "title",
        "title_en": "title_en",
        "issuer": "issuer",
        "level": "level",
        "region": "region",
        "date": "date",
        "doc_number": "doc_number",
        "language": "language",
        "original_url": "original_url",
    }
)


@dataclass(frozen=True)
class Manifest:
    """Parsed manifest.

    Attributes
    ----------
    path : Path
        The manifest file.
    rows : Mapping[str, DocumentMeta]
        Metadata by document id, in file order. ``language`` is ``""`` and ``level``
        ``"unknown"`` when the cell is empty (filled from the text later).
    columns : tuple[str, ...]
        The header of the manifest (stripped), in file order.
    """

    path: Path
    rows: Mapping[str, DocumentMeta] = field(default_factory=dict)
    columns: tuple[str, ...] = tuple(KNOWN_COLUMNS)

    def lookup(self, path: Path) -> DocumentMeta | None:
        """Metadata of the row whose ``id`` equals the file stem of ``path``."""
        return self.rows.get((path if isinstance(path, Path) else Path(path)).stem)


def read_manifest(path: Path) -> Manifest:
    """Read and validate a manifest CSV.

    Parameters
    ----------
    path : Path
        CSV with a header row; encoding detected like text files (UTF-8, GB18030 ...).

    Returns
    -------
    Manifest

    Raises
    ------
    IngestError
        ``E113`` unreadable or undecodable, ``E110`` no ``id`` column, ``E111`` a
        duplicate or empty id (message names the line), ``E114`` a ``level`` or
        ``language`` outside the allowed values, or a row with more or fewer cells than
        the header has columns.
    """
    path = Path(path)
    try:
        text = decode_bytes(read_bytes(path), source=str(path)).text
    except IngestError as exc:
        raise IngestError(E_MANIFEST_UNREADABLE, f"manifest {exc.message}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [name.strip() for name in reader.fieldnames or []]
    if "id" not in columns:
        raise IngestError(
            E_MANIFEST_NO_ID, f"{path}: line 1: no 'id' column (columns: {columns or 'none'})"
        )
    reader.fieldnames = columns
    rows: dict[str, DocumentMeta] = {}
    first_line: dict[str, int] = {}
    dates: dict[str, DateValue] = {}  # normalise_date is pure: once per distinct cell
    for record in reader:
        line = reader.line_num
        meta = _row_meta(record, path, line, dates)
        if meta.doc_id in rows:
            raise IngestError(
                E_MANIFEST_DUPLICATE,
                f"{path}: line {line}: duplicate id {meta.doc_id!r} "
                f"(first on line {first_line[meta.doc_id]})",
            )
        rows[meta.doc_id] = meta
        first_line[meta.doc_id] = line
    return Manifest(path, rows, tuple(columns))


def _row_meta(record: Mapping[str | None, object], path: Path, line: int,
              dates: dict[str, DateValue]) -> DocumentMeta:
    if None in record:
        raise IngestError(E_MANIFEST_VALUE, f"{path}: line {line}: more cells than columns")
    # csv.DictReader gives str keys (the header) and str values, None for a missing cell
    cells: dict[str, str] = {}
    missing: list[str] = []
    for k, v in record.items():
        if isinstance(v, str):
            cells[str(k)] = v.strip()
        else:
            cells[str(k)] = ""
            if v is None:
                missing.append(str(k))
    if missing:
        # csv gives None for the cells a short row lacks: never read them silently as empty
        raise IngestError(
            E_MANIFEST_VALUE,
            f"{path}: line {line}: fewer cells than columns (no cell for "
            f"{', '.join(missing)}); write an empty cell with its comma (a,b,,d)")
    doc_id = cells.get("id", "")
    if not doc_id:
        raise IngestError(E_MANIFEST_NO_ID, f"{path}: line {line}: empty id")
    level = cells.get("level") or "unknown"
    language = cells.get("language", "")
    if level not in LEVELS:
        raise IngestError(
            E_MANIFEST_VALUE, f"{path}: line {line}: level {level!r} not in {sorted(LEVELS)}"
        )
    if language and language not in LANGUAGES:
        raise IngestError(
            E_MANIFEST_VALUE,
            f"{path}: line {line}: language {language!r} not in {sorted(LANGUAGES)}",
        )
    known = {KNOWN_COLUMNS[k]: v for k, v in cells.items() if k in KNOWN_COLUMNS}
    known.update(level=level, language=language)
    extra = {k: v for k, v in cells.items() if k not in KNOWN_COLUMNS}
    raw_date = known.get("date", "")
    date = dates.get(raw_date)
    if date is None:
        date = dates[raw_date] = normalise_date(raw_date)
    if date.normalised:
        known["date"] = date.value
        extra["date_raw"] = cells["date"]
    return DocumentMeta(**known, meta_source="manifest", extra=extra)

