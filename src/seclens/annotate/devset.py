"""Annotation stage (development): the engineering development set without its text.

The engineering development set (``tests/data/coded/seclens_dev_v1.jsonl``, see
``docs/annotation.md``) holds hand-coded sentences of the reference corpus *without the
corpus text* (the corpus is never copied into the repository). Each record carries
``sid, doc_id, lang, sentence_index, start, end, sha1``, the nine codebook fields and a
``note``. :func:`load_devset` rebuilds ``prev``/``text``/``next`` from the corpus
folder by the same ingest and sentence splitting as the sampling
(:func:`seclens.ingest.iter_documents`, :func:`seclens.segment.split_sentences`) and
checks the SHA-1 of every sentence, so a changed corpus or splitter is an error, never
a silent mismatch. :func:`write_devset_gold` writes the rebuilt set in the gold format of
``reference/gold/dev.jsonl`` so that :func:`seclens.validate.core.validate_detector`
scores it like the reference gold.

It is an engineering development set coded by one person (no second coder, no
adjudication), not a second gold standard.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from seclens.annotate.types import CODEBOOK_FIELDS
from seclens.errors import AnnotationError
from seclens.validate.gold import CodedSentence, _check_labels

#: Record keys besides the codebook fields.
DEVSET_KEYS = ("sid", "doc_id", "lang", "sentence_index", "start", "end", "sha1")


def find_corpus_dir(start: Path | None = None) -> Path | None:
    """Locate the reference corpus folder (``manifest.csv`` + ``docs/``).

    Order: ``$SECLENS_CORPUS``; then ``<dir>/corpus`` and ``<dir>/shared/corpus`` for
    ``start`` and each of its parents (a gold file in ``shared/reference/gold/``
    finds ``shared/corpus``).

    Parameters
    ----------
    start : pathlib.Path, optional
        A file or folder to search upwards from (default: the current directory).

    Returns
    -------
    pathlib.Path or None
        The folder, or ``None`` when none is found.
    """
    env = os.environ.get("SECLENS_CORPUS")
    if env:
        p = Path(env)
        return p if p.is_dir() else None
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for d in (here, *here.parents):
        for cand in (d / "corpus", d / "shared" / "corpus"):
            if (cand / "manifest.csv").is_file() or (cand / "docs").is_dir():
                return cand
    return None


def _read_records(path: Path) -> list[dict[str, Any]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnnotationError("E410", f"cannot read development set {path}: {exc}") from exc
    out: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError("E410", f"{path}:{n}: not valid JSON ({exc})") from exc
        missing = [k for k in DEVSET_KEYS if k not in rec]
        if missing:
            raise AnnotationError("E411", f"{path}:{n}: missing {missing}")
        out.append(rec)
    return out


def load_devset(path: Path, corpus_dir: Path) -> list[CodedSentence]:
    """Rebuild the coded development sentences with their text and context.

    Parameters
    ----------
    path : pathlib.Path
        A text-free development set (``seclens_dev_v1.jsonl``).
    corpus_dir : pathlib.Path
        The reference corpus folder (``manifest.csv`` and ``docs/``).

    Returns
    -------
    list[CodedSentence]
        In file order, with ``prev``, ``text`` and ``next`` (the neighbouring sentences
        under :func:`seclens.segment.split_sentences`; empty at document edges).

    Raises
    ------
    AnnotationError
        ``E410``/``E411``/``E412`` malformed file or codes; ``E413`` duplicate ``sid``;
        ``E450`` a document of the set is missing from the corpus; ``E451`` a sentence
        does not match its offsets, index or SHA-1 (corpus or splitter changed).
    """
    from seclens.ingest import iter_documents
    from seclens.segment import split_sentences
    from seclens.types import Document

    recs = _read_records(path)
    seen: set[str] = set()
    for r in recs:
        if r["sid"] in seen:
            raise AnnotationError("E413", f"{path}: duplicate sid {r['sid']}")
        seen.add(r["sid"])
    wanted = {r["doc_id"] for r in recs}
    docs: dict[str, Document] = {}
    for d in iter_documents([corpus_dir]):
        if isinstance(d, Document) and d.doc_id in wanted:
            docs[d.doc_id] = d
    out: list[CodedSentence] = []
    split: dict[str, list[Any]] = {}
    for r in recs:
        doc = docs.get(r["doc_id"])
        if doc is None:
            raise AnnotationError(
                "E450", f"{path}: sid {r['sid']}: document {r['doc_id']!r} not in {corpus_dir}"
            )
        sents = split.setdefault(doc.doc_id, split_sentences(doc.doc_id, doc.text, r["lang"]))
        i = int(r["sentence_index"])
        ok = 0 <= i < len(sents) and (sents[i].start, sents[i].end) == (r["start"], r["end"])
        text = sents[i].text if ok else ""
        if not ok or hashlib.sha1(text.encode("utf-8")).hexdigest() != r["sha1"]:
            raise AnnotationError(
                "E451",
                f"{path}: sid {r['sid']}: sentence {i} of {r['doc_id']} does not match its "
                "offsets/SHA-1 (corpus or sentence splitter changed)",
            )
        prev = sents[i - 1].text if i > 0 else ""
        nxt = sents[i + 1].text if i + 1 < len(sents) else ""
        labels = _check_labels(r, f"{path}: sid {r['sid']}")
        out.append(
            CodedSentence(
                r["sid"], r["doc_id"], r["lang"], i, prev, text, nxt, labels, str(r.get("note", ""))
            )
        )
    return out


def _gold_value(field: str, value: Any) -> Any:
    if isinstance(value, tuple):
        vals = list(value)
        return vals or (["none"] if field == "referent_object" else [])
    return value


def write_devset_gold(coded: Sequence[CodedSentence], out: Path) -> Path:
    """Write rebuilt development sentences in the reference gold ``.jsonl`` format.

    Parameters
    ----------
    coded : sequence of CodedSentence
        From :func:`load_devset`.
    out : pathlib.Path
        New file (outside the repository: it contains corpus text).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    AnnotationError
        ``E424`` when ``out`` exists (outputs never overwrite).
    """
    if out.exists():
        raise AnnotationError("E424", f"{out} exists; choose a new file")
    with out.open("w", encoding="utf-8") as fh:
        for c in coded:
            rec: dict[str, Any] = {
                "sid": c.sid,
                "doc_id": c.doc_id,
                "lang": c.lang,
                "sentence_index": c.sentence_index,
                "prev": c.prev,
                "text": c.text,
                "next": c.next,
            }
            for field in CODEBOOK_FIELDS:
                rec[field] = _gold_value(field, c.labels[field])
            rec["note"] = c.note
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out
