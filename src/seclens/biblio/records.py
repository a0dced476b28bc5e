"""Bibliometric stage: the record type, decoding, format detection and the reader.

Every parser turns the decoded text of one export file into :class:`BiblioRecord`
objects with the 1-based line where the record starts, so counts can be traced back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from seclens.errors import CompareError, IngestError

FORMATS: tuple[str, ...] = (
    "refworks",
    "endnote",
    "noteexpress",
    "ris",
    "bibtex",
    "wos",
    "openalex",
)
"""Export formats understood by :func:`read_records` (plus ``auto``)."""

_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")


@dataclass(frozen=True)
class BiblioRecord:
    """One bibliographic record from an export file.

    Attributes
    ----------
    source : str
        Path of the export file.
    line : int
        1-based line where the record starts (for JSON: 0-based index in the list).
    fmt : str
        One of :data:`FORMATS`.
    title : str
        Title (wrapped lines joined with one space; "" when absent).
    year : int or None
        Publication year; ``None`` when absent or unreadable (see ``year_raw``).
    year_raw : str
        The year/date field as written.
    fields : Mapping[str, str]
        Canonical fields: ``title``, ``abstract``, ``keywords``, ``journal``,
        ``authors`` ("" when absent); repeated tags are joined with ``"; "``.
    """

    source: str
    line: int
    fmt: str
    title: str
    year: int | None
    year_raw: str
    fields: Mapping[str, str] = field(default_factory=dict)


def parse_year(raw: str) -> int | None:
    """First plausible four-digit year (1500–2199) in ``raw``, else ``None``.

    Examples: ``"2020"``, ``"2020-05-01"``, ``"2020///"``, ``"MAY 2020"`` → 2020.
    """
    m = _YEAR_RE.search(raw or "")
    return int(m.group(1)) if m else None


def make_record(
    source: str,
    line: int,
    fmt: str,
    raw: Mapping[str, list[str]],
    mapping: Mapping[str, Sequence[str]],
    year_tags: Sequence[str],
) -> BiblioRecord:
    """Build a record from raw tag values using a canonical-field → tags mapping.

    Parameters
    ----------
    raw : Mapping[str, list[str]]
        Values per tag as read (repeated tags keep every value).
    mapping : Mapping[str, Sequence[str]]
        Canonical field → tags to look up in order (first non-empty tag wins).
    year_tags : sequence of str
        Tags holding the year or date, in order of preference.
    """
    fields: dict[str, str] = {}
    for name, tags in mapping.items():
        fields[name] = ""
        for tag in tags:
            values = [v.strip() for v in raw.get(tag, []) if v.strip()]
            if values:
                fields[name] = "; ".join(values)
                break
    year_raw = ""
    year: int | None = None
    for tag in year_tags:
        for value in raw.get(tag, []):
            if value.strip():
                year_raw = year_raw or value.strip()
                year = parse_year(value)
                if year is not None:
                    year_raw = value.strip()
                    break
        if year is not None:
            break
    return BiblioRecord(source, line, fmt, fields.get("title", ""), year, year_raw, fields)


def decode_export(data: bytes, source: str) -> str:
    """Decode an export file: BOMs, UTF-8, then GB18030/Big5 detection.

    Uses :func:`seclens.ingest.encoding.decode_bytes` (the ingest policy: BOM first,
    strict UTF-8, detection restricted to Chinese/English encodings, never replacement
    characters). Line endings are normalized to ``\\n``.

    Raises
    ------
    CompareError
        ``E513`` when the bytes cannot be decoded cleanly (names the file).
    """
    from seclens.ingest.encoding import decode_bytes

    try:
        decoded = decode_bytes(data, source=source)
    except IngestError as exc:
        raise CompareError(
            "E513",
            f"{source}: cannot decode the export file ({exc.message}); "
            "re-export it as UTF-8 or GB18030",
        ) from exc
    text = decoded.text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, source: str = "") -> str:
    """Recognize the export format from the first non-blank line.

    ======================  =============
    first line starts with  format
    ======================  =============
    ``{Reference Type}``    noteexpress
    ``RT ``                 refworks
    ``%0 ``                 endnote
    ``TY  -``               ris
    ``FN `` / ``PT ``       wos
    ``@``                   bibtex
    ``{`` / ``[``           openalex (JSON)
    ======================  =============

    Raises
    ------
    CompareError
        ``E510`` when the format is not recognized (names the file and the line).
    """
    for number, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        if not s:
            continue
        if re.match(r"^\{\s*Reference Type\s*\}\s*[:：]", s):
            return "noteexpress"
        if re.match(r"^RT\s", s):
            return "refworks"
        if re.match(r"^%0\s", s):
            return "endnote"
        if re.match(r"^TY\s+-", s):
            return "ris"
        if re.match(r"^(FN|VR|PT)\s", s):
            return "wos"
        if s.startswith("@") or s.startswith("%"):
            return "bibtex"
        if s.startswith("{") or s.startswith("["):
            return "openalex"
        raise CompareError(
            "E510",
            f"{source}:{number}: cannot recognize the export format from {s[:60]!r}; "
            f"pass --format ({', '.join(FORMATS)})",
        )
    raise CompareError("E510", f"{source}: the file is empty; nothing to count")


def _parser(fmt: str) -> Callable[[str, str], list[BiblioRecord]]:
    if fmt == "refworks":
        from seclens.biblio.refworks import parse
    elif fmt == "endnote":
        from seclens.biblio.endnote import parse
    elif fmt == "noteexpress":
        from seclens.biblio.noteexpress import parse
    elif fmt == "ris":
        from seclens.biblio.ris import parse
    elif fmt == "bibtex":
        from seclens.biblio.bibtex import parse
    elif fmt == "wos":
        from seclens.biblio.wos import parse
    elif fmt == "openalex":
        from seclens.biblio.openalex import parse
    else:
        raise CompareError(
            "E510",
            f"unknown bibliographic format {fmt!r}; choose auto or one of {', '.join(FORMATS)}",
        )
    return parse


def parse_text(text: str, fmt: str = "auto", source: str = "") -> list[BiblioRecord]:
    """Parse decoded export text.

    Parameters
    ----------
    text : str
        Decoded file content (``\\n`` line ends).
    fmt : str
        ``auto`` or one of :data:`FORMATS`.
    source : str
        Path for messages and records.

    Returns
    -------
    list of BiblioRecord
        In file order.

    Raises
    ------
    CompareError
        ``E510`` unknown format; ``E511`` malformed file (names the line).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    chosen = detect_format(text, source) if fmt == "auto" else fmt
    return _parser(chosen)(text, source)


def read_records(paths: Iterable[str | Path], fmt: str = "auto") -> list[BiblioRecord]:
    """Read every record of the given export files (input files are never modified).

    Raises
    ------
    CompareError
        ``E514`` missing file; ``E513`` undecodable; ``E510``/``E511`` as :func:`parse_text`.
    """
    records: list[BiblioRecord] = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise CompareError("E514", f"bibliographic export not found: {path}")
        text = decode_export(path.read_bytes(), str(path))
        records.extend(parse_text(text, fmt, str(path)))
    return records


def json_loads(text: str, source: str) -> object:
    """``json.loads`` with a coded error naming the line (used by the OpenAlex parser)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompareError("E511", f"{source}:{exc.lineno}: malformed JSON ({exc.msg})") from exc
