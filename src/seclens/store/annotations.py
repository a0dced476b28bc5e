"""Store stage: the sentence annotations a store holds, as annotated documents.

``seclens ingest --annotate`` codes every sentence while it ingests (on the worker
pool) and stores the labels with their evidence (the ``annotations`` table). The
commands that annotate a corpus (:func:`seclens.annotate.corpus.annotate_corpus`: the
report's framework table and trends, ``annotate``, ``table``, ``sample`` ...) read
them back from such a store instead of annotating its text again, when they were
made by the same annotator version (:func:`stored_annotated`): one pass over the
store instead of a single-process annotation of the corpus (about 1.2 MB/s of
Chinese text).

The documents are rebuilt as :func:`seclens.annotate.corpus.annotate_document`
builds them: the document (with its text), every
:class:`~seclens.annotate.types.SentenceAnnotation` and the
:class:`~seclens.annotate.measures.DocumentMeasures` equal those of annotating the
stored text again (tested on the reference corpus, also ingested with ``--t2s``, and
on generated Chinese and English corpora).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens.types import Exclusion

if TYPE_CHECKING:
    from seclens.annotate.corpus import AnnotatedDocument
    from seclens.store.store import Store

#: Sentences (whole documents; a longer document is read alone) read per query: the
#: rows carry the labels and evidence as JSON, and the query's result must fit the
#: read connection's memory (the store's default limit, 256 MB: the 64 MB of
#: :data:`seclens.store.rows.READ_MEMORY` was too little for these joins).
_BATCH_SENTENCES = 8192


def reusable_annotations(store: Store, version: str) -> bool:
    """Whether the store's active documents were all annotated by annotator ``version``.

    True when the configuration the active documents were analysed under had
    ``annotate`` on (so every one of them was annotated) and every stored annotation
    of theirs has ``annotator_version == version``.

    Parameters
    ----------
    store : Store
    version : str
        :attr:`seclens.annotate.RuleAnnotator.version` of the annotator that would
        otherwise annotate the text.

    Raises
    ------
    StoreError
        ``E610`` from :func:`seclens.store.results.require_complete`.
    """
    from seclens.store.results import require_complete

    require_complete(store)
    prints = store.con.execute(
        "SELECT DISTINCT fingerprint FROM documents WHERE status = 'active'").fetchall()
    if len(prints) != 1:
        return False
    configs = store.con.execute(
        "SELECT config_json FROM runs WHERE fingerprint = ? ORDER BY run_id DESC LIMIT 1",
        [prints[0][0]]).fetchall()
    if not configs or not json.loads(configs[0][0] or "{}").get("annotate"):
        return False
    versions = store.con.execute(
        "SELECT DISTINCT annotator_version FROM annotations WHERE doc_id IN "
        "(SELECT doc_id FROM documents WHERE status = 'active')").fetchall()
    return all(v == version for (v,) in versions)


def stored_annotated(path: Path, version: str, chain_window: int = 5
                     ) -> Iterator[AnnotatedDocument | Exclusion] | None:
    """The annotated documents of a store annotated at ingest, or ``None``.

    Parameters
    ----------
    path : pathlib.Path
        A store (``seclens ingest --db``).
    version : str
        The version of the annotator that would annotate the text otherwise; the
        stored annotations are used only when they were made by it
        (:func:`reusable_annotations`).
    chain_window : int
        As :func:`seclens.annotate.corpus.annotate_document` (claim → warning →
        request chains).

    Returns
    -------
    iterator or None
        ``None`` when the store holds no reusable annotations (annotate its text).
        Else, as :func:`~seclens.annotate.corpus.annotate_corpus` yields them for
        the store: its exclusions first, then each active document in path order,
        an ``E405`` exclusion for a language without cues.

    Raises
    ------
    StoreError
        ``E602`` the store cannot be opened; ``E610`` its last ingest did not finish
        (or, while iterating, a document's stored annotations are not one for each of
        its sentences); ``E614`` (while iterating) an ingest changed its annotations
        since the check.
    """
    from seclens.store.store import open_store

    with open_store(path, read_only=True) as store:
        if not reusable_annotations(store, version):
            return None
    return _read(path, version, chain_window)


def _read(path: Path, version: str, chain_window: int
          ) -> Iterator[AnnotatedDocument | Exclusion]:
    from seclens.store.results import stored_exclusions
    from seclens.store.rows import batch_starts, changed
    from seclens.store.store import open_store

    with open_store(path, read_only=True) as store:
        if not reusable_annotations(store, version):  # an ingest ran since the check
            raise changed(path, "its annotations are no longer those checked")
        yield from sorted(stored_exclusions(store), key=lambda e: (e.path, e.code))
        found = store.con.execute(
            "SELECT doc_id, n_sentences FROM documents WHERE status = 'active' "
            "ORDER BY path, doc_id").fetchall()
        ids = [d for d, _ in found]
        starts = batch_starts([max(1, int(n or 0)) for _, n in found], _BATCH_SENTENCES)
        seen: dict[Any, Any] = {}
        for start, stop in zip(starts, [*starts[1:], len(ids)], strict=True):
            yield from _batch(store, ids[start:stop], chain_window, seen)


def _batch(store: Store, ids: Sequence[str], chain_window: int,
           seen: dict[Any, Any]) -> Iterator[AnnotatedDocument | Exclusion]:
    from seclens.annotate.corpus import AnnotatedDocument
    from seclens.annotate.measures import document_measures
    from seclens.engine.tables import row_to_document
    from seclens.errors import StoreError
    from seclens.store.rows import IN_ORDER

    order = IN_ORDER
    # the doc_id ranges let DuckDB skip the row groups of other documents (as in
    # seclens.store.rows)
    params = [list(ids), min(ids), max(ids)]
    docs = store.con.sql(
        f"SELECT d.* FROM documents AS d {order} "
        "WHERE d.status = 'active' AND d.doc_id BETWEEN $2 AND $3 ORDER BY o.pos",
        params=params).to_arrow_table()
    rows = store.con.sql(
        'SELECT a.doc_id, a.sentence_index, s."start", s."end", a.annotator_version, '
        f"a.labels_json, a.evidence_json FROM annotations AS a {order} "
        "JOIN (SELECT * FROM sentences WHERE doc_id BETWEEN $2 AND $3) AS s "
        "ON s.doc_id = a.doc_id AND s.sentence_index = a.sentence_index "
        "WHERE a.doc_id BETWEEN $2 AND $3 "
        "ORDER BY o.pos, a.sentence_index", params=params).to_arrow_table()
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in rows.to_pylist():
        by_doc.setdefault(row["doc_id"], []).append(row)
    for record in docs.to_pylist():
        document = row_to_document(record)
        lang = document.meta.language
        if lang not in ("zh", "en"):
            yield Exclusion(document.path, document.doc_id, "E405",
                            f"no annotation cues for language {lang!r} (supported: zh, en)")
            continue
        text = document.text
        annotations = tuple(_annotation(r, lang, text, seen)
                            for r in by_doc.get(document.doc_id, ()))
        if [a.sentence_index for a in annotations] != list(range(record["n_sentences"])):
            raise StoreError(
                "E610", f"store {store.path}: document {document.doc_id} has "
                f"{record['n_sentences']} sentences but stored annotations (with their "
                f"sentence rows) for {len(annotations)}, not one for each of sentences "
                f"0 .. {record['n_sentences'] - 1}; run seclens ingest --annotate again")
        yield AnnotatedDocument(document, annotations,
                                document_measures(document.doc_id, annotations, chain_window))


def _annotation(row: dict[str, Any], lang: str, text: str,
                seen: dict[Any, Any]) -> Any:
    """One :class:`~seclens.annotate.types.SentenceAnnotation` from its stored row.

    Labels, evidence fields and their tuples repeat across sentences (field names,
    rule ids, cue words): equal values are kept as one object (``seen``), as the
    annotator's own objects are, instead of new strings parsed from every row's JSON
    (which took 2-3 times the memory for the framework table's evidence).
    """
    from seclens.annotate.types import Evidence, SentenceAnnotation

    share = seen.setdefault
    labels = json.loads(row["labels_json"])
    evidence = tuple(
        Evidence(share(e["field"], e["field"]), share(e["label"], e["label"]),
                 share(e["rule_id"], e["rule_id"]), e["start"], e["end"],
                 share(e["text"], e["text"]), e["doc_start"], e["doc_end"],
                 share(e["note"], e["note"]))
        for e in json.loads(row["evidence_json"] or "[]"))

    def labelled(name: str) -> Any:
        value = labels[name]
        if isinstance(value, list):
            value = tuple(value)
        return share(value, value)

    return SentenceAnnotation(
        doc_id=row["doc_id"], sentence_index=row["sentence_index"], lang=lang,
        text=text[row["start"]:row["end"]], start=row["start"], end=row["end"],
        security_sense=labelled("security_sense"), sector=labelled("sector"),
        referent_object=labelled("referent_object"), threat=labels["threat"],
        urgency=labels["urgency"], extraordinary_measures=labels["extraordinary_measures"],
        vuori_act=labelled("vuori_act"), audience=labelled("audience"),
        securitizing_move=labels["securitizing_move"], evidence=evidence,
        detector=share(row["annotator_version"], row["annotator_version"]))


__all__ = ["reusable_annotations", "stored_annotated"]
