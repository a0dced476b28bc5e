"""Annotation stage: annotating whole documents and corpora.

Composes ingest (``seclens.ingest.iter_documents``), sentence splitting
(``seclens.segment.split_sentences``) and a detector. Evidence offsets are then
offsets into ``Document.text`` (``doc_start``/``doc_end``) as well as into the sentence.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from seclens.annotate.measures import DocumentMeasures, document_measures
from seclens.annotate.rules import RuleAnnotator
from seclens.annotate.types import SentenceAnnotation
from seclens.types import Document, Exclusion


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document with its sentence annotations and measures."""

    document: Document
    annotations: tuple[SentenceAnnotation, ...]
    measures: DocumentMeasures


def annotate_document(
    document: Document,
    annotator: RuleAnnotator | None = None,
    chain_window: int = 5,
) -> AnnotatedDocument | Exclusion:
    """Split ``document`` into sentences and annotate each with its neighbours.

    Returns
    -------
    AnnotatedDocument, or Exclusion (``E405``) for a language without cues.
    """
    from seclens.segment import split_sentences

    lang = document.meta.language
    if lang not in ("zh", "en"):
        return Exclusion(
            document.path,
            document.doc_id,
            "E405",
            f"no annotation cues for language {lang!r} (supported: zh, en)",
        )
    ann = annotator or RuleAnnotator()
    sentences = split_sentences(document.doc_id, document.text, lang)
    annotations = tuple(
        ann.annotate_many(sentences, lang, level=document.meta.level, meta=document.meta)
    )
    return AnnotatedDocument(
        document, annotations, document_measures(document.doc_id, annotations, chain_window)
    )


def annotate_corpus(
    inputs: Sequence[str | os.PathLike[str]],
    annotator: RuleAnnotator | None = None,
    chain_window: int = 5,
) -> Iterator[AnnotatedDocument | Exclusion]:
    """Ingest ``inputs`` (files/folders with manifest) and annotate every document.

    Exclusions from ingest are passed through unchanged, never dropped.

    ``inputs`` may instead be one stored analysis (a ``.duckdb`` store of ``seclens
    ingest --db``, or an output folder of ``seclens ingest --engine dask``; see
    :func:`seclens.store.source.stored_corpus`): its exclusions come first, then its
    documents' stored text is annotated in the order the folder would be read (path,
    then doc_id), so the annotations equal those of the same files read from a folder.
    A store ingested with ``--annotate`` by an annotator of the same version as
    ``annotator`` gives its stored annotations instead
    (:func:`seclens.store.annotations.stored_annotated`; the same documents,
    annotations and measures, without annotating again).

    Raises
    ------
    ConfigError
        ``E001`` a stored analysis among other inputs.
    StoreError
        ``E602`` the store cannot be opened; ``E613`` a Dask output folder without
        run metadata.
    """
    from seclens.ingest import iter_documents
    from seclens.store.source import stored_corpus

    ann = annotator or RuleAnnotator()
    stored = stored_corpus(inputs)
    if stored is not None and stored.kind == "store":
        from seclens.store.annotations import stored_annotated

        version = getattr(ann, "version", None)
        reused = stored_annotated(stored.path, version, chain_window) if version else None
        if reused is not None:
            yield from reused
            return
    if stored is not None:
        yield from stored.exclusions()
        for document in stored.documents():
            yield annotate_document(document, ann, chain_window)
        return
    for item in iter_documents(inputs):
        if isinstance(item, Exclusion):
            yield item
        else:
            yield annotate_document(item, ann, chain_window)
