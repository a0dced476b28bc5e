"""Ingest stage: read one file into a :class:`~seclens.types.Document` and resolve its metadata.

Metadata resolution order (see ``docs/ingest.md``):

1. The manifest row, when given (``meta_source="manifest"``). Empty ``language`` is
   detected from the text; ``level`` ``unknown`` is inferred from the document number.
2. Otherwise what the file carries (HTML metadata table / ``<meta>`` / ``<title>``,
   DOCX core properties, PDF info), ``meta_source`` = ``html`` / ``docx`` / ``pdf``;
   plain text gives only the id (``filename``).
3. Then the document number (发文字号) from the file metadata, the title or a line of its
   own among the first lines; its issuing-office prefix gives ``level`` (and empty
   ``region`` / ``issuer``) from the packaged prefix table; ``+doc_number`` is appended
   to ``meta_source`` and ``extra["level_rule"]`` names the table entry.
4. ``language`` from the share of CJK characters.
5. Date: a manifest date that is not ISO 8601 after normalisation is kept and noted.
   Without a manifest row, the file's own creation/modification dates (DOCX core
   properties, PDF info) are *never* the document date (they are template or
   software dates); the date is the sign-off date that closes the text
   (:func:`~seclens.ingest.metadata.find_signoff_date`, ``meta_source`` gets
   ``+text_date``), or empty (DOCX/PDF: ``meta_source`` gets ``+no_date``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from seclens.errors import IngestError
from seclens.ingest.codes import E_NOT_FOUND, E_UNSUPPORTED
from seclens.ingest.metadata import (
    PrefixTable,
    detect_language,
    find_doc_number,
    find_signoff_date,
    load_prefix_table,
    normalise_date,
)
from seclens.ingest.readers import FORMATS, Extracted, extract_file
from seclens.types import Document, DocumentMeta


def file_format(path: Path) -> str | None:
    """Format name (``txt``, ``html``, ``pdf``, ``docx``) from the suffix, or ``None``."""
    return FORMATS.get(path.suffix.lower())


def read_document(
    path: Path, meta: DocumentMeta | None = None, *, prefixes: PrefixTable | None = None
) -> Document:
    """Read one file (txt, html/htm, pdf, docx) into a Document.

    Parameters
    ----------
    path : Path
        The file. It is only read, never written.
    meta : DocumentMeta, optional
        Metadata from a manifest row; when ``None`` metadata comes from the file.
    prefixes : PrefixTable, optional
        Issuing-office prefix table (default: the packaged one).

    Returns
    -------
    Document
        ``text`` is the extracted body (for ``.txt``: the decoded file, BOM removed,
        otherwise unchanged); ``sha256`` hashes the file bytes.

    Raises
    ------
    IngestError
        ``E101`` missing file, ``E102`` unsupported suffix, and the reader errors
        ``E103``–``E108`` (see :func:`seclens.ingest.readers.extract_file`).
    """
    path = Path(path)
    fmt = file_format(path)
    if not path.is_file():
        raise IngestError(E_NOT_FOUND, f"{path}: no such file")
    if fmt is None:
        raise IngestError(
            E_UNSUPPORTED,
            f"{path}: unsupported file type {path.suffix!r} (use {', '.join(sorted(FORMATS))})",
        )
    extracted = extract_file(path, fmt)
    table = prefixes if prefixes is not None else load_prefix_table()
    resolved, notes = resolve_meta(path.stem, extracted, meta, table)
    return Document(
        meta=resolved,
        text=extracted.text,
        path=str(path),
        fmt=extracted.fmt,
        encoding=extracted.encoding,
        sha256=extracted.sha256,
        notes=extracted.notes + notes,
    )


def resolve_meta(
    doc_id: str, extracted: Extracted, meta: DocumentMeta | None, prefixes: PrefixTable
) -> tuple[DocumentMeta, tuple[str, ...]]:
    """Combine manifest metadata, file metadata and inference (order in module docstring).

    Returns
    -------
    (DocumentMeta, notes)
        The metadata and remarks on what was inferred.
    """
    base = meta if meta is not None else _file_meta(doc_id, extracted)
    notes: list[str] = []
    if meta is not None:
        problem = normalise_date(meta.date).problem
        if problem:
            notes.append(f"manifest {problem}; year not derived from it")
    elif not base.date:
        base = _text_date(base, extracted, notes)
    if not base.language:
        base = dataclasses.replace(base, language=detect_language(extracted.text))
        notes.append(f"language {base.language} detected from the text")
    if base.level == "unknown":
        base = _infer_level(base, extracted.text, prefixes, notes)
    return base, tuple(notes)


def _file_meta(doc_id: str, extracted: Extracted) -> DocumentMeta:
    found = extracted.file_meta
    return DocumentMeta(
        doc_id=doc_id,
        title=found.title,
        issuer=found.issuer,
        date=found.date,
        doc_number=found.doc_number,
        language="",
        meta_source=found.source or "filename",
        extra=dict(found.extra),
    )


def _text_date(meta: DocumentMeta, extracted: Extracted, notes: list[str]) -> DocumentMeta:
    found = find_signoff_date(extracted.text)
    if found:
        notes.append(f"date {found} from the sign-off at the end of the text")
        return dataclasses.replace(meta, date=found, meta_source=meta.meta_source + "+text_date")
    if extracted.fmt in ("docx", "pdf"):
        notes.append(
            "date empty: no sign-off date at the end of the text "
            f"({extracted.fmt} property dates are not used as the document date)"
        )
        return dataclasses.replace(meta, meta_source=meta.meta_source + "+no_date")
    return meta


def _infer_level(
    meta: DocumentMeta, text: str, prefixes: PrefixTable, notes: list[str]
) -> DocumentMeta:
    number = meta.doc_number or _found_number(meta.title, text)
    if not number:
        return meta
    entry = prefixes.lookup(number)
    if entry is None:
        notes.append(f"document number {number} has no known issuing-office prefix")
        return meta
    start = number.find(entry.prefix)
    doc_number = meta.doc_number or number[start:]
    extra = {**meta.extra, "level_rule": entry.entry_id, "level_rule_table": prefixes.version}
    notes.append(f"level {entry.level} from document number {doc_number} ({entry.entry_id})")
    source = meta.meta_source
    if source != "manifest":
        source += "+doc_number"
    return dataclasses.replace(
        meta,
        level=entry.level,
        doc_number=doc_number,
        region=meta.region or entry.region,
        issuer=meta.issuer or entry.issuer,
        meta_source=source,
        extra=extra,
    )


def _found_number(title: str, text: str) -> str:
    found = find_doc_number(title, text)
    return found.text if found else ""
