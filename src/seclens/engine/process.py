"""Engine stage (scale): the one pure per-document function every engine calls.

:func:`process_document` turns one :class:`~seclens.types.Document` into a
:class:`DocumentResult` (sentences, matches, counts, sentence annotations). The
single-process loop, the local process pool and the Dask engine all call exactly this
function, so their results are identical by construction.

The analysis itself is the orchestrator's public per-document step,
:meth:`seclens.api.Pipeline.analyse` (the one ``seclens analyze`` runs); this module
adds the sentence annotations and keeps the document text for the store.

Each process builds its pipeline (lexicon, sense rules, matchers, segmenters) once per
:class:`~seclens.engine.config.EngineConfig` through :func:`build_pipeline`, a small
memo keyed by the frozen configuration. The memo holds only compiled objects that
never change a result; each configuration gets its own segmenter instances (never
jieba's module-level default).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens import __version__
from seclens.engine.config import EngineConfig
from seclens.errors import SeclensError
from seclens.types import Document, DocumentMeta, Exclusion, Match, Sentence

if TYPE_CHECKING:
    from seclens.annotate import RuleAnnotator
    from seclens.api import DocumentSummary, Pipeline
    from seclens.ingest import IngestOptions
    from seclens.measures.counts import CountRow


@dataclass(frozen=True)
class AnnotationRow:
    """One sentence coded by the annotator (a row of the ``annotations`` table).

    Attributes
    ----------
    doc_id : str
    sentence_index : int
        Index of the annotated :class:`~seclens.types.Sentence`.
    annotator : str
        ``rules`` (the shipped :class:`seclens.annotate.RuleAnnotator`).
    annotator_version : str
        Detector id (rule and cue file versions).
    security_sense : str
    securitizing_move : int
        0 or 1.
    vuori_act : str
    labels_json : str
        The nine codebook fields as JSON (gold ``.jsonl`` representation).
    evidence_json : str
        The evidence items (field, label, rule id, offsets) as a JSON list.
    """

    doc_id: str
    sentence_index: int
    annotator: str
    annotator_version: str
    security_sense: str
    securitizing_move: int
    vuori_act: str
    labels_json: str
    evidence_json: str


@dataclass(frozen=True)
class DocumentResult:
    """Everything the analysis derives from one document.

    Attributes
    ----------
    document : Document
        The analysed document (text included: the store keeps it).
    summary : seclens.api.DocumentSummary
        What ``seclens analyze`` keeps of the document (size and unit of its per-10k
        rates, notes incl. ``normalized: t2s``, numbers of sentences and matches).
    sentences : sequence of Sentence
        As :attr:`seclens.api.DocumentAnalysis.sentences` (a tuple or the
        orchestrator's columnar table).
    matches : sequence of Match
    counts : sequence of CountRow
        Rows of :func:`seclens.measures.counts.count_table`.
    annotations : tuple[AnnotationRow, ...]
        Empty unless ``config.annotate``.
    """

    document: Document
    summary: DocumentSummary
    sentences: Sequence[Sentence]
    matches: Sequence[Match]
    counts: Sequence[CountRow]
    annotations: tuple[AnnotationRow, ...] = field(default=())

    @property
    def doc_id(self) -> str:
        """Identifier of the analysed document."""
        return self.document.doc_id


@dataclass(frozen=True)
class EnginePipeline:
    """The compiled parts one process uses for one configuration (built once).

    Attributes
    ----------
    config : EngineConfig
    analysis : seclens.api.Pipeline
        The orchestrator's per-document step (lexicon, sense rules, one matcher and
        segmenter per language compiled on first use), shared with ``seclens analyze``.
    annotator : seclens.annotate.RuleAnnotator or None
        Set when ``config.annotate``.
    """

    config: EngineConfig
    analysis: Pipeline
    annotator: RuleAnnotator | None = None


@lru_cache(maxsize=4)
def build_pipeline(config: EngineConfig) -> EnginePipeline:
    """Load the lexicon and rules for ``config`` and prepare the matchers (memoised).

    Parameters
    ----------
    config : EngineConfig

    Returns
    -------
    EnginePipeline
        The same object for equal configurations within one process.

    Raises
    ------
    LexiconError
        ``E2xx`` when a lexicon or rule file is malformed.
    """
    from seclens.api import Pipeline

    annotator = None
    if config.annotate:
        from seclens.annotate import RuleAnnotator

        annotator = RuleAnnotator()
    return EnginePipeline(config, Pipeline(config.analysis_options()), annotator)


def describe_pipeline(config: EngineConfig) -> dict[str, Any]:
    """Provenance of the parts ``config`` resolves to.

    Returns
    -------
    dict
        ``seclens_version``, lexicon id/version/entry count, sense-rule id/version,
        SHA-256 of every lexicon/rule file given by path, annotator version.
    """
    pipe = build_pipeline(config)
    lexicon, rules = pipe.analysis.lexicon, pipe.analysis.rules
    out: dict[str, Any] = {
        "seclens_version": __version__,
        "lexicon_id": str(lexicon.lexicon_id),
        "lexicon_version": str(lexicon.version),
        "lexicon_entries": len(lexicon.entries),
        "rules_id": str(rules.rules_id),
        "rules_version": str(rules.version),
        "file_sha256": {p: hashlib.sha256(Path(p).read_bytes()).hexdigest()
                        for p in (*config.lexicon_paths, config.sense_rules_path) if p},
    }
    if pipe.annotator is not None:
        out["annotator_version"] = str(pipe.annotator.version)
    return out


def process_document(document: Document, config: EngineConfig) -> DocumentResult | Exclusion:
    """Segment, match, count (and optionally annotate) one document.

    Pure: the result depends only on ``document`` and ``config`` (and the versions
    of the data files ``config`` names). Sentences, matches, counts and the document
    summary come from the orchestrator's own per-document step
    (:meth:`seclens.api.Pipeline.analyse`), so they are those of ``seclens analyze``
    by construction; the annotator codes those same sentences (no second split).

    Parameters
    ----------
    document : Document
    config : EngineConfig

    Returns
    -------
    DocumentResult or Exclusion
        ``Exclusion`` ``E380`` (empty text) or ``E381`` (no lexicon entries for the
        document's language). Counts are per document; ``per_10k`` is per 10,000
        ``unit`` (characters for Chinese, words for English) of the document.

    Raises
    ------
    SeclensError
        Any coded error of the segment, match, measures or annotate stages.
    """
    pipe = build_pipeline(config)
    outcome = pipe.analysis.analyse(document)
    if isinstance(outcome, Exclusion):
        return outcome
    annotations: tuple[AnnotationRow, ...] = ()
    if pipe.annotator is not None:
        annotations = _annotate(pipe.annotator, document.meta, outcome.sentences)
    return DocumentResult(document, outcome.summary, outcome.sentences, outcome.matches,
                          outcome.counts, annotations)


def _annotate(annotator: RuleAnnotator, meta: DocumentMeta,
              sentences: Sequence[Sentence]) -> tuple[AnnotationRow, ...]:
    # the document's level and metadata, as annotate_corpus passes them (implicit and
    # document-implied audience): the store and the report code the same sentences alike
    doc_id = meta.doc_id
    rows = []
    for ann in annotator.annotate_many(sentences, meta.language, level=meta.level, meta=meta):
        record = ann.to_record()
        rows.append(AnnotationRow(
            doc_id, ann.sentence_index, "rules", str(ann.detector), ann.security_sense,
            int(ann.securitizing_move), ann.vuori_act,
            json.dumps(ann.labels(), ensure_ascii=False, sort_keys=True),
            json.dumps(record["evidence"], ensure_ascii=False, sort_keys=True),
        ))
    return tuple(rows)


@dataclass(frozen=True)
class Task:
    """One unit of work sent to a worker: a file to read and analyse.

    Attributes
    ----------
    path : str
    doc_id : str
        The document id the file will get (its stem, as in :mod:`seclens.ingest`).
    meta : DocumentMeta or None
        Manifest metadata for the file, if any.
    manifest_gap : str
        As :attr:`seclens.ingest.PlannedFile.manifest_gap` ("" when none).
    """

    path: str
    doc_id: str
    meta: DocumentMeta | None = None
    manifest_gap: str = ""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector for a block; collect once after it.

    For planning: it allocates about ten container objects per file (the manifest's
    rows, metadata, tasks) and frees none of them until it ends, so the collector,
    triggered by allocations, scans the same growing heap again and again: a
    quarter of planning's CPU time at 41,138 files (3.1-3.5 s against 2.4-2.5 s).
    Nothing planning builds is cyclic garbage, and memory freed by reference
    counting is freed as usual. The collector's state is process-wide: it is put
    back as it was (a nested pause leaves it to the outer one), and garbage that
    another thread makes meanwhile is collected at the end instead.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


def plan_tasks(inputs: Sequence[str | os.PathLike[str]],
               options: IngestOptions | None = None) -> tuple[list[Task], list[Exclusion]]:
    """Tasks for the files of ``inputs``, planned by :func:`seclens.ingest.plan_inputs`.

    Parameters
    ----------
    inputs : sequence of path
        Files and/or folders.
    options : seclens.ingest.IngestOptions or None
        Manifest and recursion (default ``IngestOptions()``).

    Returns
    -------
    (tasks, exclusions)
        One :class:`Task` per file in discovery (sorted path) order, with its
        manifest metadata; the plan's exclusions (unsupported files in folder inputs
        ``E102`` and duplicate document ids ``E109``, then manifest rows without a
        file ``E112``).

    Raises
    ------
    IngestError
        Missing input, unsupported file named explicitly, malformed manifest.
    """
    from seclens.ingest import IngestOptions, plan_inputs

    with collector_paused():
        plan = plan_inputs(inputs, options or IngestOptions())
        tasks = [Task(str(f.path), f.doc_id, f.meta, f.manifest_gap) for f in plan.files]
    return tasks, list(plan.exclusions)


@lru_cache(maxsize=1)
def _prefix_table() -> Any:
    from seclens.ingest import load_prefix_table

    return load_prefix_table()


def analyse_task(task: Task, config: EngineConfig) -> DocumentResult | Exclusion:
    """Read one file and :func:`process_document` it; coded errors become exclusions.

    Parameters
    ----------
    task : Task
    config : EngineConfig

    Returns
    -------
    DocumentResult or Exclusion
        An :class:`~seclens.types.Exclusion` carrying the error code and message when
        the file cannot be read or analysed (never a silent drop).
    """
    from seclens.ingest import PlannedFile
    from seclens.ingest.stream import read_planned

    try:
        planned = PlannedFile(Path(task.path), task.doc_id, task.meta, task.manifest_gap)
        document = read_planned(planned, _prefix_table())
        return process_document(document, config)
    except SeclensError as exc:
        return Exclusion(task.path, task.doc_id, exc.code, exc.message)


def analyse_batch(tasks: list[Task], config: EngineConfig) -> list[DocumentResult | Exclusion]:
    """:func:`analyse_task` over a small batch (one round trip to a worker)."""
    return [analyse_task(t, config) for t in tasks]
