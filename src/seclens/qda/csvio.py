"""QDA stage: CSV export/import of sample units for hand coding.

Columns: ``sid, doc_id, lang, sentence_index, start, end, stratum, prev, text, next``
then the nine codebook fields (empty to be filled; multi-label fields as labels
joined by ``;``), ``note`` and ``suggestion_key`` (fingerprint of the detector's
suggestions in a ``--with-suggestions`` sample; coders leave it alone). Written as
UTF-8 with BOM (``utf-8-sig``) so spreadsheet programs open Chinese text correctly;
the importer reads valid UTF-8 (with or without BOM) as is, and anything else by the
ingest encoding policy (:func:`seclens.ingest.encoding.decode_bytes`: UTF-16, and
GB18030/GBK or Big5 as re-saved by spreadsheet programs on Chinese Windows).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from seclens.annotate.types import CODEBOOK_FIELDS, MULTI_FIELDS, NOMINAL_FIELDS
from seclens.errors import AnnotationError
from seclens.qda.sample import SampleUnit

BASE_COLUMNS = (
    "sid",
    "doc_id",
    "lang",
    "sentence_index",
    "start",
    "end",
    "stratum",
    "prev",
    "text",
    "next",
)
COLUMNS = BASE_COLUMNS + CODEBOOK_FIELDS + ("note", "suggestion_key")


def codes_key(codes: Mapping[str, Any]) -> str:
    """Fingerprint of the nine codebook fields (first 16 hex of SHA-256).

    Multi-label fields are compared as sets without ``none``; nominal values as
    strings, so the codes of a detector (:meth:`SentenceAnnotation.labels`) and the
    same codes read back from a CSV give the same key.
    """
    parts = []
    for f in CODEBOOK_FIELDS:
        val = codes.get(f, "")
        if f in MULTI_FIELDS:
            val = ";".join(sorted({str(v) for v in val if v != "none"}))
        parts.append(f"{f}={val}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def unedited_suggestions(units: Sequence[SampleUnit]) -> list[str]:
    """Sids of units whose codes are exactly the detector's suggestions."""
    return [
        u.sid
        for u in units
        if u.codes and u.suggestion_key and codes_key(u.codes) == u.suggestion_key
    ]


def _cell(field: str, value: Any) -> str:
    if field in MULTI_FIELDS:
        return ";".join(v for v in value if v != "none")
    return str(value)


def write_sample_csv(units: Sequence[SampleUnit], path: Path) -> None:
    """Write ``units`` (coded or not) as CSV; refuses to overwrite.

    Raises
    ------
    AnnotationError
        ``E424`` when ``path`` exists.
    """
    if Path(path).exists():
        raise AnnotationError("E424", f"{path} exists; choose a new file")
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for u in units:
            row = [
                u.sid,
                u.doc_id,
                u.lang,
                u.sentence_index,
                u.start,
                u.end,
                u.stratum,
                u.prev,
                u.text,
                u.next,
            ]
            row += [_cell(f, u.codes[f]) if f in u.codes else "" for f in CODEBOOK_FIELDS]
            row.append(str(u.codes.get("note", "")))
            row.append(u.suggestion_key)
            w.writerow(row)


def parse_codes(raw: dict[str, str], where: str) -> dict[str, Any]:
    """Codes of one row: strings → codebook values (validated).

    Raises
    ------
    AnnotationError
        ``E441`` empty field, ``E412`` value outside the codebook.
    """
    out: dict[str, Any] = {}
    for f in CODEBOOK_FIELDS:
        val = (raw.get(f) or "").strip()
        if f in NOMINAL_FIELDS:
            if val == "":
                raise AnnotationError("E441", f"{where}: field {f!r} is not coded")
            allowed = NOMINAL_FIELDS[f]
            v: Any = int(val) if val.isdigit() and 0 in allowed else val
            if v not in allowed:
                raise AnnotationError("E412", f"{where}: {f}={val!r} not in {list(allowed)}")
            out[f] = v
        else:
            labels = [
                x.strip()
                for x in val.replace(",", ";").split(";")
                if x.strip() and x.strip() != "none"
            ]
            bad = [x for x in labels if x not in MULTI_FIELDS[f]]
            if bad:
                raise AnnotationError("E412", f"{where}: {f} has unknown label(s) {bad}")
            out[f] = sorted(set(labels))
    if not out["referent_object"]:
        out["referent_object"] = ["none"]
    return out


def read_coded_csv(path: Path, *, require_codes: bool = True) -> list[SampleUnit]:
    """Read a (coded) sample CSV back into :class:`SampleUnit` objects.

    With ``require_codes=False`` rows whose codebook cells are all empty are returned
    without codes (e.g. to read an exported, not yet coded, sample as a template).

    Raises
    ------
    AnnotationError
        ``E410`` unreadable file, ``E447`` bytes that decode in no supported encoding,
        ``E442`` missing columns; see :func:`parse_codes`.
    """
    from seclens.errors import IngestError
    from seclens.ingest.encoding import decode_bytes

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AnnotationError("E410", f"cannot read {path}: {exc}") from exc
    try:
        # valid UTF-8 (the exported file, or "CSV UTF-8") is taken as is, so that any
        # sentence text round-trips; otherwise the ingest policy (GBK/GB18030, Big5,
        # UTF-16 ...) decides
        text: str | None = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    try:
        if text is None:
            text = decode_bytes(data, source=str(path)).text
    except IngestError as exc:
        raise AnnotationError(
            "E447",
            f"cannot decode {path} as text ({exc.code}: {exc.message}); save it as "
            "CSV UTF-8 from the spreadsheet program",
        ) from exc
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        needed = ("sid", "doc_id", "text", *(CODEBOOK_FIELDS if require_codes else ()))
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise AnnotationError("E442", f"{path}: missing column(s) {missing}")
        out = []
        for n, row in enumerate(reader, 2):
            blank = all(not (row.get(f) or "").strip() for f in CODEBOOK_FIELDS)
            codes = {} if (blank and not require_codes) else parse_codes(row, f"{path}:{n}")
            if row.get("note") and codes:
                codes["note"] = row["note"]
            out.append(
                SampleUnit(
                    row["sid"],
                    row["doc_id"],
                    row.get("lang", ""),
                    int(row.get("sentence_index") or -1),
                    int(row.get("start") or -1),
                    int(row.get("end") or -1),
                    row.get("prev", ""),
                    row["text"],
                    row.get("next", ""),
                    row.get("stratum", ""),
                    codes,
                    (row.get("suggestion_key") or "").strip(),
                )
            )
    return out


def write_coded_jsonl(units: Sequence[SampleUnit], path: Path) -> None:
    """Write coded units in the gold ``.jsonl`` format (for ``validate``/``agreement``/``--train``).

    Raises
    ------
    AnnotationError
        ``E424`` when ``path`` exists, ``E441`` when a unit is not coded.
    """
    if Path(path).exists():
        raise AnnotationError("E424", f"{path} exists; choose a new file")
    with Path(path).open("w", encoding="utf-8") as fh:
        for u in units:
            if not all(f in u.codes for f in CODEBOOK_FIELDS):
                raise AnnotationError("E441", f"unit {u.sid} is not fully coded")
            rec: dict[str, Any] = {
                "sid": u.sid,
                "doc_id": u.doc_id,
                "lang": u.lang,
                "sentence_index": u.sentence_index,
                "prev": u.prev,
                "text": u.text,
                "next": u.next,
            }
            rec.update({f: u.codes[f] for f in CODEBOOK_FIELDS})
            if u.codes.get("note"):
                rec["note"] = u.codes["note"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
