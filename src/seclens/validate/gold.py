"""Validation stage: reading coded sentences (gold files and coder files).

Format (``CODEBOOK.md``; ``reference/gold/dev.jsonl``): one JSON object a line with
``sid``, optionally ``doc_id, lang, sentence_index, prev, text, next``, and the nine
codebook fields. Coder files (``gold/coders/*.jsonl``) carry only ``sid`` and the
fields. Every value is checked against the codebook label sets.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seclens.annotate.types import CODEBOOK_FIELDS, MULTI_FIELDS, NOMINAL_FIELDS
from seclens.errors import AnnotationError


@dataclass(frozen=True)
class CodedSentence:
    """One hand-coded sentence.

    Attributes
    ----------
    sid : str
        Sentence id (unique within a file).
    doc_id, lang, text, prev, next : str
        Empty for coder files that carry only codes.
    sentence_index : int
        ``-1`` when absent.
    labels : dict[str, Any]
        The nine codebook fields (multi-label fields as sorted tuples; the
        ``referent_object`` value ``none`` is dropped, so "no referent" is ``()``).
    note : str
    """

    sid: str
    doc_id: str
    lang: str
    sentence_index: int
    prev: str
    text: str
    next: str
    labels: dict[str, Any]
    note: str = ""


def sentence_key(doc_id: str, text: str) -> str:
    """Fingerprint of a sentence: first 16 hex of SHA-256 of ``doc_id`` + U+001F +
    whitespace-stripped ``text`` (stored in model sidecars instead of the text)."""
    return hashlib.sha256(f"{doc_id}\x1f{text.strip()}".encode()).hexdigest()[:16]


def _check_labels(rec: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in CODEBOOK_FIELDS:
        if field not in rec:
            raise AnnotationError("E411", f"{where}: missing codebook field {field!r}")
        value = rec[field]
        if field in NOMINAL_FIELDS:
            allowed = NOMINAL_FIELDS[field]
            if isinstance(value, str) and value.isdigit() and 0 in allowed:
                value = int(value)
            if value not in allowed:
                raise AnnotationError("E412", f"{where}: {field}={value!r} not in {list(allowed)}")
            out[field] = value
        else:
            if not isinstance(value, list):
                raise AnnotationError("E412", f"{where}: {field} must be a list, got {value!r}")
            allowed_m = MULTI_FIELDS[field]
            vals = [v for v in value if not (field == "referent_object" and v == "none")]
            bad = [v for v in vals if v not in allowed_m]
            if bad:
                raise AnnotationError(
                    "E412",
                    f"{where}: {field} has unknown label(s) {bad}; allowed {list(allowed_m)}",
                )
            out[field] = tuple(sorted(set(vals)))
    return out


def read_coded(path: Path) -> list[CodedSentence]:
    """Read a gold or coder ``.jsonl`` file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    list[CodedSentence]
        In file order.

    Raises
    ------
    AnnotationError
        ``E410`` unreadable or non-UTF-8 file or invalid JSON line, ``E411`` missing field,
        ``E412`` label outside the codebook, ``E413`` duplicate ``sid``.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise AnnotationError("E410", f"cannot read coded file {path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise AnnotationError(
            "E410", f"coded file {path} is not UTF-8 text (byte {exc.start}: "
                    f"{exc.reason}); coded .jsonl files are UTF-8 (save it as UTF-8, or "
                    "import a CSV with `seclens import-coded`, which reads GBK/Big5)") from exc
    out: list[CodedSentence] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError("E410", f"{where}: invalid JSON: {exc.msg}") from exc
        if not isinstance(rec, dict) or "sid" not in rec:
            raise AnnotationError("E411", f"{where}: each line must be an object with 'sid'")
        sid = str(rec["sid"])
        if sid in seen:
            raise AnnotationError("E413", f"{where}: duplicate sid {sid!r}")
        seen.add(sid)
        out.append(
            CodedSentence(
                sid=sid,
                doc_id=str(rec.get("doc_id", "")),
                lang=str(rec.get("lang", "")),
                sentence_index=int(rec.get("sentence_index", -1)),
                prev=str(rec.get("prev", "") or ""),
                text=str(rec.get("text", "") or ""),
                next=str(rec.get("next", "") or ""),
                labels=_check_labels(rec, where),
                note=str(rec.get("note", "") or ""),
            )
        )
    return out
