"""Engine stage (scale): the one pure per-document function every engine calls.

:func:`process_document` turns one :class:`~seclens.types.Document` into a
:class:`DocumentResult` (sentences, matches, counts, sentence annotations). The
single-process loop, the local process pool and the Dask engine all call exactly this
function, so their results are identical by construction.

Each process builds its pipeline (lexicon, sense rules, matcher, segmenters) once per
:class:`~seclens.engine.config.EngineConfig` through :func:`build_pipeline`, a small
memo keyed by the frozen configuration. The memo holds only immutable compiled objects
and never changes a result; each configuration gets its own segmenter instances (never
jieba's module-level default).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from seclens import __version__
from seclens.engine.config import EngineConfig
from seclens.errors import ConfigError, SeclensError
from seclens.types import Document, DocumentMeta, Exclusion, Match, Sentence


@dataclass(frozen=True)
class AnnotationRow:
    """One sentence-level annotation (a row of the ``annotations`` table).

    Attributes
    ----------
    doc_id : str
    sentence_index : int
        Index of the annotated :class:`~seclens.types.Sentence`.
    annotator : str
        Name of the annotator (e.g. ``"rules"``).
    annotator_version : str
    labels_json : str
        The sentence's labels as a JSON object (securitizing-move component, sector,
        referent object ... as the annotator defines them).
    """

    doc_id: str
    sentence_index: int
    annotator: str
    annotator_version: str
    labels_json: str


@dataclass(frozen=True)
class DocumentResult:
    """Everything the analysis derives from one document.

    Attributes
    ----------
    document : Document
        The analysed document (text included: the store keeps it).
    sentences : tuple[Sentence, ...]
    matches : tuple[Match, ...]
    counts : tuple[CountRow, ...]
        Rows of :func:`seclens.measures.counts.count_table`.
    annotations : tuple[AnnotationRow, ...]
        Empty unless ``config.annotate``.
    """

    document: Document
    sentences: tuple[Sentence, ...]
    matches: tuple[Match, ...]
    counts: tuple[Any, ...]
    annotations: tuple[AnnotationRow, ...] = field(default=())

    @property
    def doc_id(self) -> str:
        """Identifier of the analysed document."""
        return self.document.doc_id


@dataclass(frozen=True)
class Pipeline:
    """The compiled parts one process uses for one configuration (built once)."""

    config: EngineConfig
    lexicon: Any
    sense_rules: Any
    matcher: Any
    annotator: Any = None


@lru_cache(maxsize=4)
def build_pipeline(config: EngineConfig) -> Pipeline:
    """Load the lexicon and rules and compile the matcher for ``config`` (memoised).

    Parameters
    ----------
    config : EngineConfig

    Returns
    -------
    Pipeline

    Raises
    ------
    LexiconError
        ``E2xx`` when a lexicon or rule file is malformed.
    ConfigError
        ``E601`` when ``config.annotate`` is set but no annotator is installed.
    """
    from seclens.lexicon import load_lexicon, load_sense_rules
    from seclens.match import MatchOptions, compile_matcher

    lexicon = load_lexicon(Path(config.lexicon_path) if config.lexicon_path else None)
    rules = load_sense_rules(Path(config.sense_rules_path) if config.sense_rules_path else None)
    matcher = compile_matcher(
        lexicon,
        rules,
        MatchOptions(convention=config.convention, context_chars=config.context_chars),
    )
    annotator = _build_annotator(config) if config.annotate else None
    return Pipeline(config, lexicon, rules, matcher, annotator)


def _build_annotator(config: EngineConfig) -> Any:
    # INTEGRATION POINT (H4, seclens.annotate): build the sentence annotator here once
    # per process. Until its API lands, asking for annotation is an explicit error,
    # never a silent empty table.
    try:
        import seclens.annotate as annotate_mod
    except ImportError as exc:
        raise ConfigError(
            "E601", "sentence annotation was requested but seclens.annotate is not available"
        ) from exc
    builder = getattr(annotate_mod, "make_annotator", None)
    if builder is None:
        raise ConfigError(
            "E601", "seclens.annotate has no make_annotator(); the store cannot annotate yet"
        )
    return builder()


def describe_pipeline(config: EngineConfig) -> dict[str, Any]:
    """Provenance of the parts ``config`` resolves to.

    Returns
    -------
    dict
        ``seclens_version``, ``lexicon_id``, ``lexicon_version``, ``rules_id``,
        ``rules_version`` and SHA-256 of the lexicon/rule files when given by path.
    """
    pipe = build_pipeline(config)
    out: dict[str, Any] = {
        "seclens_version": __version__,
        "lexicon_id": getattr(pipe.lexicon, "lexicon_id", ""),
        "lexicon_version": getattr(pipe.lexicon, "version", ""),
        "rules_id": getattr(pipe.sense_rules, "rules_id", ""),
        "rules_version": getattr(pipe.sense_rules, "version", ""),
    }
    for key, value in (("lexicon_sha256", config.lexicon_path),
                       ("rules_sha256", config.sense_rules_path)):
        if value:
            out[key] = hashlib.sha256(Path(value).read_bytes()).hexdigest()
    return out


def process_document(document: Document, config: EngineConfig) -> DocumentResult:
    """Segment, match, count (and optionally annotate) one document.

    Pure: the result depends only on ``document`` and ``config`` (and the versions
    of the data files ``config`` names).

    Parameters
    ----------
    document : Document
    config : EngineConfig

    Returns
    -------
    DocumentResult
        Sentences in document order, matches in offset order as the matcher returns
        them, count rows as :func:`seclens.measures.counts.count_table` returns them
        (counts per document; ``per_10k`` per 10,000 characters of the document).

    Raises
    ------
    SeclensError
        Any coded error of the segment, match or measures stages.
    """
    from seclens.measures.counts import count_table
    from seclens.segment import split_sentences

    pipe = build_pipeline(config)
    sentences = tuple(split_sentences(document.doc_id, document.text, document.meta.language))
    matches = tuple(pipe.matcher.find(document, list(sentences)))
    counts = tuple(count_table(document, list(matches), pipe.lexicon, config.convention))
    annotations: tuple[AnnotationRow, ...] = ()
    if pipe.annotator is not None:
        annotations = _annotate(pipe.annotator, document, sentences)
    return DocumentResult(document, sentences, matches, counts, annotations)


def _annotate(annotator: Any, document: Document, sentences: tuple[Sentence, ...]
              ) -> tuple[AnnotationRow, ...]:
    # INTEGRATION POINT (H4): convert the annotator's per-sentence output into rows.
    import json

    rows = []
    for sentence, labels in zip(sentences, annotator.annotate(document, list(sentences)),
                                strict=True):
        rows.append(AnnotationRow(
            document.doc_id, sentence.index, str(getattr(annotator, "name", "annotator")),
            str(getattr(annotator, "version", "")),
            json.dumps(labels, sort_keys=True, ensure_ascii=False, default=str),
        ))
    return tuple(rows)


@dataclass(frozen=True)
class Task:
    """One unit of work sent to a worker: a file to read and analyse.

    Attributes
    ----------
    path : str
    meta : DocumentMeta or None
        Manifest metadata for the file, if any.
    """

    path: str
    meta: DocumentMeta | None = None


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
    from seclens.ingest import read_document

    try:
        document = read_document(Path(task.path), task.meta)
        return process_document(document, config)
    except SeclensError as exc:
        doc_id = task.meta.doc_id if task.meta is not None else ""
        return Exclusion(task.path, doc_id, exc.code, exc.message)


def analyse_batch(tasks: list[Task], config: EngineConfig) -> list[DocumentResult | Exclusion]:
    """:func:`analyse_task` over a small batch (one round trip to a worker)."""
    return [analyse_task(t, config) for t in tasks]
