"""Orchestrator: the one module that knows the order of the pipeline stages.

``analyze`` streams documents one at a time through
ingest → (optional) normalize → split sentences → match → counts, and keeps only
the per-document results (summaries, matches, count rows, exclusions), never the
corpus text. The per-document step (normalize → split sentences → match → counts)
is :meth:`Pipeline.analyse`, built once per run from :class:`AnalysisOptions`; the
engines of :mod:`seclens.engine` call the same method, so a store, a worker pool, a
Dask run and :func:`analyze` compute the same rows. Every other stage module is
imported lazily (inside functions and methods), so importing :mod:`seclens.api`
stays cheap.

Error codes raised or recorded here
-----------------------------------
- ``E010`` an analysis option has a value outside what is allowed (``ConfigError``).
- ``E011`` a file named by an option (lexicon, sense rules, manifest) does not exist.
- ``E380`` (exclusion) the document's extracted text is empty or whitespace only.
- ``E381`` (exclusion) no lexicon entries for the document's language.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import platform
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens import __version__
from seclens.errors import ConfigError
from seclens.types import Document, DocumentMeta, Exclusion, Match, Sentence

if TYPE_CHECKING:
    import pandas as pd

    from seclens.annotate.corpus import AnnotatedDocument
    from seclens.annotate.table import FrameworkTable
    from seclens.lexicon import Lexicon, SenseRules
    from seclens.match import Matcher
    from seclens.measures.counts import CountRow
    from seclens.normalize import Converter, NormalizedText
    from seclens.report.sections import ReportSection

T2S_CONFIGS: tuple[str, ...] = ("t2s", "tw2s", "tw2sp", "hk2s", "hk2sp")
"""OpenCC configurations accepted by :attr:`AnalysisOptions.t2s_config`."""
CONVENTIONS: tuple[str, ...] = ("substring", "token")
"""Counting conventions accepted by :class:`AnalysisOptions` (see ``docs/report.md``)."""

EXCLUDE_EMPTY = "E380"
EXCLUDE_NO_LEXICON = "E381"


def _as_path(value: object, name: str) -> Path:
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise ConfigError(
        "E010",
        f"{name} must be a path (str or os.PathLike); received {type(value).__name__} {value!r}",
    )


def _existing_file(path: Path, name: str) -> None:
    if not path.is_file():
        raise ConfigError("E011", f"{name}: file not found: {path} (check the path)")


@dataclass(frozen=True)
class AnalysisOptions:
    """Options of one analysis run, validated when the object is built.

    Parameters
    ----------
    convention : {"substring", "token"}
        Counting convention. ``substring``: every occurrence of the term string,
        overlapping compounds included (国家安全 also counts one 安全), as in the
        founding study. ``token``: only occurrences that coincide with segmenter
        token boundaries (one jieba tokenizer per language per run).
    lexicon_paths : sequence of path
        Extra lexicon files (YAML/CSV) combined with the packaged default lexicon.
    replace_lexicon : bool
        Use only ``lexicon_paths`` and not the packaged default lexicon. Requires at
        least one lexicon path.
    sense_rules_path : path or None
        Sense-rules file (safety vs security sense of 安全/security); ``None`` uses
        the packaged rules.
    to_simplified : bool
        Convert traditional characters to simplified (OpenCC, ``t2s_config``) before
        matching; offsets in the output still refer to the original text. A Chinese
        document that looks Traditional but is analysed without conversion gets a note
        (:func:`seclens.normalize.traditional_note`).
    t2s_config : str
        OpenCC configuration for ``to_simplified``: ``t2s`` (character conversion) or
        ``tw2sp`` (Taiwan usage with phrases: 網路安全 → 网络安全).
    join_cjk_breaks : bool
        Match Chinese compounds broken by whitespace or a line break between two Han
        characters (``国家\n安全`` counts as 国家安全; :func:`seclens.normalize.join_cjk_breaks`).
        ``matched_text`` keeps the original span.
    context_chars : int
        Characters of KWIC context kept on each side of a match (0 to 1000).
    manifest : path or None
        A ``manifest.csv`` with document metadata (overrides one found beside the
        documents).

    Raises
    ------
    ConfigError
        ``E010`` when a value is outside what is allowed (the message names the
        parameter, the allowed values and the received value); ``E011`` when a
        named file does not exist.
    """

    convention: str = "substring"
    lexicon_paths: tuple[Path, ...] = ()
    replace_lexicon: bool = False
    sense_rules_path: Path | None = None
    to_simplified: bool = False
    t2s_config: str = "t2s"
    join_cjk_breaks: bool = True
    context_chars: int = 30
    manifest: Path | None = None

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ConfigError(
                "E010",
                f"convention must be one of {', '.join(CONVENTIONS)}; "
                f"received {self.convention!r}",
            )
        if isinstance(self.lexicon_paths, (str, os.PathLike)) or not isinstance(
            self.lexicon_paths, Iterable
        ):
            raise ConfigError(
                "E010",
                "lexicon_paths must be a sequence of paths; "
                f"received {self.lexicon_paths!r}",
            )
        paths = tuple(_as_path(p, "lexicon_paths") for p in self.lexicon_paths)
        for p in paths:
            _existing_file(p, "lexicon_paths")
        object.__setattr__(self, "lexicon_paths", paths)
        if self.t2s_config not in T2S_CONFIGS:
            raise ConfigError(
                "E010",
                f"t2s_config must be one of {', '.join(T2S_CONFIGS)}; received {self.t2s_config!r}",
            )
        for name in ("replace_lexicon", "to_simplified", "join_cjk_breaks"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(
                    "E010", f"{name} must be True or False; received {getattr(self, name)!r}"
                )
        if self.replace_lexicon and not paths:
            raise ConfigError(
                "E010",
                "replace_lexicon=True needs at least one lexicon path (lexicon_paths); "
                "received none",
            )
        ctx = self.context_chars
        if isinstance(ctx, bool) or not isinstance(ctx, int) or not 0 <= ctx <= 1000:
            raise ConfigError(
                "E010", f"context_chars must be an integer from 0 to 1000; received {ctx!r}"
            )
        for name in ("sense_rules_path", "manifest"):
            value = getattr(self, name)
            if value is not None:
                path = _as_path(value, name)
                _existing_file(path, name)
                object.__setattr__(self, name, path)

    def to_dict(self) -> dict[str, Any]:
        """The options as JSON-ready values (paths as strings)."""
        return {
            "convention": self.convention,
            "lexicon_paths": [str(p) for p in self.lexicon_paths],
            "replace_lexicon": self.replace_lexicon,
            "sense_rules_path": str(self.sense_rules_path) if self.sense_rules_path else None,
            "to_simplified": self.to_simplified,
            "t2s_config": self.t2s_config,
            "join_cjk_breaks": self.join_cjk_breaks,
            "context_chars": self.context_chars,
            "manifest": str(self.manifest) if self.manifest else None,
        }


@dataclass(frozen=True)
class DocumentSummary:
    """What the run keeps of one analysed document (its text is not kept).

    Attributes
    ----------
    meta : DocumentMeta
    path, fmt, encoding, sha256 : str
        As in :class:`seclens.types.Document`.
    notes : tuple[str, ...]
        Ingest notes, plus ``normalized: t2s`` when the text was converted.
    n_chars : int
        Length of the original text in Unicode code points.
    size : int
        Denominator of per-10k rates (see ``unit``), from ``text_size``.
    unit : str
        Unit of ``size`` (``characters`` for Chinese, ``words`` for English ...).
    n_sentences : int
        Sentence-like units found by ``split_sentences``.
    n_matches : int
        Match rows (evidence) for the document.
    """

    meta: DocumentMeta
    path: str
    fmt: str
    encoding: str
    sha256: str
    notes: tuple[str, ...]
    n_chars: int
    size: int
    unit: str
    n_sentences: int
    n_matches: int

    @property
    def doc_id(self) -> str:
        """The document identifier."""
        return self.meta.doc_id


@dataclass(frozen=True)
class InputFile:
    """One input file with its SHA-256 (hex), for provenance."""

    path: str
    sha256: str
    role: str
    doc_id: str = ""


@dataclass(frozen=True)
class Provenance:
    """How a result was produced: versions, options, input hashes, time.

    ``to_dict`` gives the content of ``run.json``.
    """

    package: str
    package_version: str
    python_version: str
    platform: str
    timestamp_utc: str
    options: Mapping[str, Any]
    lexicons: tuple[Mapping[str, str], ...]
    sense_rules: Mapping[str, str]
    segmenters: tuple[Mapping[str, str], ...]
    inputs: tuple[InputFile, ...]
    unmatchable: tuple[Mapping[str, str], ...] = ()
    input_roots: tuple[str, ...] = ()
    ignored_files: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the schema is described in ``docs/report.md``)."""
        return {
            "package": self.package,
            "package_version": self.package_version,
            "python_version": self.python_version,
            "platform": self.platform,
            "timestamp_utc": self.timestamp_utc,
            "options": dict(self.options),
            "lexicons": [dict(x) for x in self.lexicons],
            "sense_rules": dict(self.sense_rules),
            "segmenters": [dict(x) for x in self.segmenters],
            "inputs": [dataclasses.asdict(x) for x in self.inputs],
            "unmatchable_entries": [dict(x) for x in self.unmatchable],
            "input_roots": list(self.input_roots),
            "ignored_files": list(self.ignored_files),
            **({"extra": dict(self.extra)} if self.extra else {}),
        }


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one run produced; input of :func:`seclens.report.write_report`.

    Attributes
    ----------
    options : AnalysisOptions
    documents : tuple[DocumentSummary, ...]
        Analysed documents in ingest order.
    matches : sequence of Match
        Every counted occurrence (the evidence), in document then offset order. From
        :func:`analyze` a :class:`seclens.match.MatchChain` of the per-document
        columnar tables (rows built on demand; ``match_table_columns`` reads columns).
    counts : sequence of CountRow
        Count rows from :func:`seclens.measures.counts.count_table` (from
        :func:`analyze` a :class:`seclens.measures.counts.CountChain`).
    exclusions : tuple[Exclusion, ...]
        Inputs not analysed, with code and reason (ingest and analysis time).
    provenance : Provenance
    """

    options: AnalysisOptions
    documents: tuple[DocumentSummary, ...]
    matches: Sequence[Match]
    counts: Sequence[CountRow]
    exclusions: tuple[Exclusion, ...]
    provenance: Provenance




@dataclass(frozen=True)
class DocumentAnalysis:
    """What the per-document step derives from one document (:meth:`Pipeline.analyse`).

    Attributes
    ----------
    summary : DocumentSummary
        Size and unit of the per-10k rates, notes, numbers of sentences and matches.
    sentences : SentenceTable
        Sentence-like units of the original text (:func:`seclens.segment.sentence_table`,
        a sequence of Sentence), in text order; ``Match.sentence_index`` refers to their
        positions.
    matches : MatchTable
        Every counted occurrence (the evidence), in offset order: a columnar sequence
        of Match (:class:`seclens.match.MatchTable`).
    counts : CountTable
        Rows of :func:`seclens.measures.counts.count_table` for the document (raw
        counts and rates per 10,000 units of ``summary.size``), a sequence of CountRow.
    """

    summary: DocumentSummary
    sentences: Sequence[Sentence]
    matches: Sequence[Match]
    counts: Sequence[CountRow]

    @property
    def doc_id(self) -> str:
        """The document identifier."""
        return self.summary.doc_id


@dataclass(frozen=True)
class LanguageMatcher:
    """The compiled matcher of one language and the lexicon subset it was built from.

    Attributes
    ----------
    lang : str
        Language code (``zh``, ``en`` ...).
    matcher : seclens.match.Matcher
    lexicon : seclens.lexicon.Lexicon
        The run's lexicon restricted to entries of ``lang`` (the rows of the count
        table, zero counts included).
    """

    lang: str
    matcher: Matcher
    lexicon: Lexicon


class Pipeline:
    """The per-document step of an analysis run, built once per run.

    Loads the lexicon (packaged default and/or ``options.lexicon_paths``) and the sense
    rules when built; compiles one matcher per language (and, under the token
    convention, one segmenter per language owned by that matcher, never jieba's
    module-level default) and one OpenCC ``t2s`` converter on first use. No global
    state: two pipelines share nothing. :func:`analyze` and the engines
    (:func:`seclens.engine.process_document`) call :meth:`analyse` for every document,
    so their matches and counts are the same by construction.

    A pipeline pickles as its (small, frozen) options: unpickling in a worker process
    builds a fresh pipeline from them.

    Parameters
    ----------
    options : AnalysisOptions, optional
        Defaults to ``AnalysisOptions()``. ``options.manifest`` is not used here (it
        belongs to ingest).

    Attributes
    ----------
    options : AnalysisOptions
    lexicon : seclens.lexicon.Lexicon
        The run's lexicon (combined when several sources are given).
    lexicon_sources : tuple[pathlib.Path or None, ...]
        Where the lexicon came from, in combination order (``None``: the packaged
        default lexicon).
    rules : seclens.lexicon.SenseRules
        Sense rules (safety vs security sense of 安全/security).

    Raises
    ------
    ConfigError
        ``E010`` when ``options`` is not an :class:`AnalysisOptions`.
    LexiconError
        ``E2xx`` when a lexicon or the sense-rules file is malformed.
    """

    def __init__(self, options: AnalysisOptions | None = None) -> None:
        from seclens.lexicon import combine, load_lexicon, load_sense_rules

        if options is None:
            options = AnalysisOptions()
        if not isinstance(options, AnalysisOptions):
            raise ConfigError(
                "E010", f"options must be an AnalysisOptions; received {type(options).__name__}"
            )
        self.options = options
        sources: list[Path | None] = [] if options.replace_lexicon else [None]
        sources += list(options.lexicon_paths)
        lexicons = [load_lexicon(p) for p in sources]
        self.lexicon: Lexicon = lexicons[0] if len(lexicons) == 1 else combine(lexicons)
        self.lexicon_sources: tuple[Path | None, ...] = tuple(sources)
        self.rules: SenseRules = load_sense_rules(options.sense_rules_path)
        self._matchers: dict[str, LanguageMatcher | None] = {}
        self._segmenters: dict[str, Mapping[str, str]] = {}
        self._unmatchable: list[Mapping[str, str]] = []
        self._converter: Converter | None = None
        self._t2s_check: Converter | None = None

    def __reduce__(self) -> tuple[type[Pipeline], tuple[AnalysisOptions]]:
        return (Pipeline, (self.options,))

    def normalize(self, document: Document) -> NormalizedText | None:
        """OpenCC ``t2s`` view of a Chinese text when ``options.to_simplified``, else ``None``.

        Parameters
        ----------
        document : Document

        Returns
        -------
        seclens.normalize.NormalizedText or None
            The converted text with its alignment to the original (one converter per
            pipeline); ``None`` when conversion is off or the document is not ``zh``.
        """
        if not self.options.to_simplified or document.meta.language != "zh":
            return None
        if self._converter is None:
            from seclens.normalize import Converter

            self._converter = Converter(self.options.t2s_config)
        return self._converter.convert(document.text)

    def _script_check(self) -> Converter:
        """The pipeline's OpenCC ``t2s`` converter for the Traditional-script check."""
        if self._t2s_check is None:
            from seclens.normalize import Converter

            self._t2s_check = Converter("t2s")
        return self._t2s_check

    def matcher(self, lang: str) -> LanguageMatcher | None:
        """The compiled matcher of ``lang`` (compiled once, on first use).

        Compiling records the language's segmenter (:meth:`segmenter_provenance`)
        and the lexicon entries it cannot match (:attr:`unmatchable`).

        Parameters
        ----------
        lang : str
            Language code.

        Returns
        -------
        LanguageMatcher or None
            ``None`` when the lexicon has no entry for ``lang``.

        Raises
        ------
        MatchError
            ``E3xx`` from :func:`seclens.match.compile_matcher`.
        """
        if lang in self._matchers:
            return self._matchers[lang]
        from seclens.match import MatchOptions, compile_matcher

        sub = dataclasses.replace(
            self.lexicon, entries=tuple(e for e in self.lexicon.entries if e.lang == lang)
        )
        if not sub.entries:
            self._matchers[lang] = None
            return None
        match_options = MatchOptions(
            convention=self.options.convention,  # type: ignore[arg-type]
            context_chars=self.options.context_chars,
            join_cjk_breaks=self.options.join_cjk_breaks,
        )
        matcher = compile_matcher(sub, self.rules, match_options)
        self._segmenters[lang] = _segmenter_info(matcher, lang)
        for entry, reason in matcher.unmatchable():
            self._unmatchable.append(
                {"entry_id": entry.entry_id, "term": entry.term, "lang": lang, "reason": reason}
            )
        compiled = LanguageMatcher(lang, matcher, sub)
        self._matchers[lang] = compiled
        return compiled

    @property
    def unmatchable(self) -> tuple[Mapping[str, str], ...]:
        """Lexicon entries the compiled matchers cannot match (``entry_id``, ``term``,
        ``lang``, ``reason``), in compilation order."""
        return tuple(self._unmatchable)

    def segmenter_provenance(self) -> tuple[Mapping[str, str], ...]:
        """Segmenters (and the OpenCC converter) of the compiled languages, for ``run.json``.

        Returns
        -------
        tuple of mapping
            One mapping (``lang``, ``name``, ``version`` ...) per compiled language in
            language order, then ``opencc t2s`` with its version when
            ``options.to_simplified``.
        """
        out = [dict(self._segmenters[lang]) for lang in sorted(self._segmenters)]
        if self.options.to_simplified:
            out.append({
                "name": f"opencc {self.options.t2s_config}", "version": _dist_version("opencc")
            })
        return tuple(out)

    def lexicon_provenance(self) -> tuple[Mapping[str, str], ...]:
        """The lexicon and its sources, for ``run.json``.

        Returns
        -------
        tuple of mapping
            First the run's lexicon (``lexicon_id``, ``version``, ``title``,
            ``entries``, ``role`` ``single``/``combined``), then one mapping per source
            (``packaged default``, or a path with its SHA-256).
        """
        return tuple(_lexicon_provenance(self.lexicon, self.lexicon_sources))

    def sense_rules_provenance(self) -> Mapping[str, str]:
        """Sense rules' ``rules_id``, ``version``, ``path`` (or ``packaged``) for ``run.json``."""
        path = self.options.sense_rules_path
        return {
            "rules_id": str(self.rules.rules_id),
            "version": str(self.rules.version),
            "path": str(path) if path else "packaged",
        }

    def analyse(self, document: Document) -> DocumentAnalysis | Exclusion:
        """Normalize (optional), split sentences, match and count one document.

        Parameters
        ----------
        document : Document

        Returns
        -------
        DocumentAnalysis or Exclusion
            ``Exclusion`` ``E380`` when the text is empty or whitespace only, ``E381``
            when the lexicon has no entry for the document's language. Counts are per
            document; ``per_10k`` is per 10,000 ``unit`` (characters for Chinese,
            words for English) of the document.

        Raises
        ------
        SeclensError
            Coded errors of the segment, match and measures stages.
        """
        # (from the modules, not the packages: no Python-level from-list handling per call)
        from seclens.measures.counts import count_table
        from seclens.segment.sentences import sentence_table

        if not document.text or document.text.isspace():  # (no stripped copy of the text)
            return Exclusion(
                document.path, document.doc_id, EXCLUDE_EMPTY,
                "empty text: nothing was extracted from the document (scanned PDF or empty file?)",
            )
        lang = document.meta.language
        compiled = self.matcher(lang)
        if compiled is None:
            return Exclusion(
                document.path, document.doc_id, EXCLUDE_NO_LEXICON,
                f"no lexicon entries for language {lang!r}; add a lexicon with --lexicon "
                "or set the language in the manifest",
            )
        analysis_text = self.normalize(document)
        sentences = sentence_table(document.doc_id, document.text, lang)
        matches = compiled.matcher.find(document, sentences, analysis_text=analysis_text)
        counts = count_table(document, matches, compiled.lexicon, self.options.convention)
        size, unit = counts.size, counts.unit  # the count table's denominator
        notes = document.notes + (
            (f"normalized: {self.options.t2s_config}",) if analysis_text is not None else ()
        )
        if analysis_text is None and document.meta.language == "zh":
            from seclens.normalize.detect import traditional_note

            warning = traditional_note(document.text, self._script_check())
            if warning is not None:
                notes += (warning,)
        summary = DocumentSummary(
            meta=document.meta, path=document.path, fmt=document.fmt,
            encoding=document.encoding, sha256=document.sha256, notes=notes,
            n_chars=len(document.text), size=size, unit=unit,
            n_sentences=len(sentences), n_matches=len(matches),
        )
        return DocumentAnalysis(summary, sentences, matches, counts)


def _segmenter_info(matcher: Matcher, lang: str) -> Mapping[str, str]:
    if matcher.options.convention == "substring":
        return {"lang": lang, "name": matcher.segmenter_name,
                "version": "", "note": "substring convention: no word segmenter"}
    if lang == "zh":
        return {"lang": lang, "name": "jieba.v1", "version": matcher.segmenter_version,
                "jieba_version": _dist_version("jieba")}
    from seclens.segment import make_segmenter

    seg = make_segmenter(lang)
    return {"lang": lang, "name": seg.name, "version": seg.version}


def _progress(items: Iterator[Any], total: int | None, enabled: bool) -> Iterator[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, total=total, unit="doc", file=sys.stderr, desc="seclens"))


def analyze(
    inputs: Sequence[str | os.PathLike[str]],
    options: AnalysisOptions | None = None,
    *,
    progress: bool = False,
) -> AnalysisResult:
    """Analyse documents: count security vocabulary and keep the evidence.

    Documents are streamed one at a time (ingest → optional t2s normalization →
    sentence split → match → count rows); only the results are kept.

    Parameters
    ----------
    inputs : sequence of path
        Files and/or folders (folders are searched recursively; a ``manifest.csv``
        beside the documents supplies metadata). Or one stored analysis: a store
        written by ``seclens ingest --db`` or an output folder of ``seclens ingest
        --engine dask`` (:func:`seclens.store.source.stored_corpus`), whose analysis
        is returned as stored (:meth:`~seclens.store.source.StoredCorpus.analysis`),
        nothing being analysed again.
    options : AnalysisOptions, optional
        Defaults to ``AnalysisOptions()`` (substring convention, packaged lexicon).
        With a stored analysis: the default or the stored analysis's own options
        (they belong to its ingest).
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    AnalysisResult
        ``documents`` (one summary per analysed document), ``matches`` (one row per
        counted occurrence), ``counts`` (per document and key, raw and per 10,000
        units of ``size``), ``exclusions`` (every input not analysed, with its code
        and reason: also every file of a folder input that is not a supported
        document, ``E102``) and ``provenance``. A result with no document is returned
        as is (its exclusions say why); ``seclens analyze`` then exits with ``E115``.

    Raises
    ------
    ConfigError
        ``E010`` for invalid ``inputs`` or options (also: options other than the
        default for a stored analysis); ``E001`` a stored analysis among other inputs.
    IngestError, LexiconError, AnalysisError
        From the stages (missing input path, malformed lexicon or rules ...).
    StoreError
        ``E602``, ``E610``, ``E613`` reading a stored analysis.
    """
    if options is None:
        options = AnalysisOptions()
    if not isinstance(options, AnalysisOptions):
        raise ConfigError(
            "E010", f"options must be an AnalysisOptions; received {type(options).__name__}"
        )
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if not inputs:
        raise ConfigError("E010", "inputs must name at least one file or folder; received none")
    from seclens.store.source import stored_corpus

    stored = stored_corpus(inputs)
    if stored is not None:
        result = stored.analysis()
        if options not in (AnalysisOptions(), result.options):
            raise ConfigError(
                "E010", f"{stored.path}: the analysis options of {stored.described} are "
                "those of its ingest (seclens ingest); analyse the files again, or ingest "
                "them with these options")
        return result

    from seclens.ingest import IngestOptions, iter_planned, plan_inputs

    pipeline = Pipeline(options)
    plan = plan_inputs(inputs, IngestOptions(manifest=options.manifest))

    documents: list[DocumentSummary] = []
    matches: list[Sequence[Match]] = []
    counts: list[Sequence[CountRow]] = []
    exclusions: list[Exclusion] = []
    input_files: list[InputFile] = []

    for item in _progress(iter_planned(plan), len(plan.items), progress):
        if isinstance(item, Exclusion):
            exclusions.append(item)
            input_files.append(_excluded_input(item))
            continue
        input_files.append(InputFile(item.path, item.sha256, "document", item.doc_id))
        outcome = pipeline.analyse(item)
        if isinstance(outcome, Exclusion):
            exclusions.append(outcome)
            continue
        documents.append(outcome.summary)
        matches.append(outcome.matches)
        counts.append(outcome.counts)

    from seclens.ingest.readers import sha256_file

    for manifest in plan.manifests:
        input_files.append(InputFile(str(manifest), sha256_file(manifest), "manifest"))
    provenance = Provenance(
        package="seclens",
        package_version=__version__,
        python_version=platform.python_version(),
        platform=platform.platform(terse=True),
        timestamp_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        options=options.to_dict(),
        lexicons=pipeline.lexicon_provenance(),
        sense_rules=pipeline.sense_rules_provenance(),
        segmenters=pipeline.segmenter_provenance(),
        inputs=tuple(input_files),
        unmatchable=pipeline.unmatchable,
        input_roots=tuple(str(Path(p)) for p in inputs),
        ignored_files=tuple(str(p) for p in plan.ignored),
    )
    return AnalysisResult(
        options=options,
        documents=tuple(documents),
        matches=_join_matches(matches),
        counts=_join_counts(counts),
        exclusions=tuple(exclusions),
        provenance=provenance,
    )


def _join_matches(parts: Sequence[Sequence[Match]]) -> Sequence[Match]:
    """Per-document matches as one sequence (a MatchChain of the columnar tables)."""
    from seclens.match.table import MatchChain, MatchTable

    tables = [p for p in parts if isinstance(p, MatchTable)]
    if len(tables) == len(parts):
        return MatchChain(tuple(tables))
    return tuple(m for p in parts for m in p)


def _join_counts(parts: Sequence[Sequence[CountRow]]) -> Sequence[CountRow]:
    """Per-document count rows as one sequence (a CountChain of the columnar tables)."""
    from seclens.measures.counts import CountChain, CountTable

    tables = [p for p in parts if isinstance(p, CountTable)]
    if len(tables) == len(parts):
        return CountChain(tuple(tables))
    return tuple(r for p in parts for r in p)


def _excluded_input(exclusion: Exclusion) -> InputFile:
    from seclens.ingest.readers import sha256_file

    path = Path(exclusion.path)
    digest = sha256_file(path) if exclusion.path and path.is_file() else ""
    return InputFile(exclusion.path, digest, "excluded", exclusion.doc_id)


def _lexicon_provenance(
    lexicon: Lexicon, sources: Sequence[Path | None]
) -> Iterator[Mapping[str, str]]:
    yield {
        "lexicon_id": str(lexicon.lexicon_id),
        "version": str(lexicon.version),
        "title": str(lexicon.title),
        "entries": str(len(lexicon.entries)),
        "role": "combined" if len(sources) > 1 else "single",
    }
    from seclens.ingest.readers import sha256_file

    for src in sources:
        if src is None:
            yield {"path": "packaged default", "role": "source"}
        else:
            yield {"path": str(src), "sha256": sha256_file(src), "role": "source"}


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class SectionOptions:
    """Which extra sections :func:`report_sections` adds to ``report.html``.

    Attributes
    ----------
    framework_by : str or None
        Split specification (``level``, ``language``, ``period:2019-01-01`` ...; see
        :mod:`seclens.compare.groups`) for the framework table (the study's Table 1),
        one table per group; ``None`` for no framework section.
    trend_by : str or None
        Split specification for the per-year series; ``None`` for no trend section.
    target, reference : str or None
        Group expressions (``level=central``, ``level=provincial,municipal``) for a
        keyness + group-test section; both or neither.
    top : int
        Evidence sentences per framework-table cell.
    """

    framework_by: str | None = "level"
    trend_by: str | None = "level"
    target: str | None = None
    reference: str | None = None
    top: int = 3

    def __post_init__(self) -> None:
        if (self.target is None) != (self.reference is None):
            raise ConfigError(
                "E010",
                "target and reference must be given together; received "
                f"target={self.target!r}, reference={self.reference!r}",
            )
        if self.top < 1:
            raise ConfigError("E010", f"top must be >= 1; received {self.top!r}")


def report_sections(
    inputs: Sequence[str | os.PathLike[str]],
    options: AnalysisOptions | None = None,
    sections: SectionOptions | None = None,
    result: AnalysisResult | None = None,
) -> tuple[list[ReportSection], list[Exclusion]]:
    """The securitization sections of ``report.html`` for a corpus.

    Runs the sentence annotator (:mod:`seclens.annotate`) for the framework table
    (securitizing actor, securitizing move, referent objects, audience, facilitating
    conditions, each cell with evidence sentences), the per-year trends of the
    measures by group (:mod:`seclens.compare.trends`) and, when asked, a keyness and
    group-test comparison (:mod:`seclens.compare`).

    Parameters
    ----------
    inputs : sequence of path
        The same files/folders (or stored analysis) given to :func:`analyze`.
    options : AnalysisOptions, optional
        Convention, lexicons and manifest used for the measures.
    sections : SectionOptions, optional
    result : AnalysisResult, optional
        The :func:`analyze` result of the same ``inputs`` and ``options``, reused for the
        per-document measures (otherwise the corpus is analysed again). Sentences are
        annotated once for all sections.

    Returns
    -------
    (sections, exclusions) : (list of ReportSection, list of Exclusion)
        Sections in report order; exclusions from annotation (documents that could not
        be annotated, with reasons). Groups without documents are named in the section,
        never dropped silently.

    Raises
    ------
    ConfigError, CompareError, AnnotationError
        For malformed group specifications or options.
    """
    from seclens.annotate.table import framework_section
    from seclens.compare.corpus import (
        CorpusOptions,
        compare_corpus,
        document_frequencies_of,
        document_table_from,
        trend_corpus,
    )
    from seclens.compare.report import comparison_section, trend_section
    from seclens.store.source import stored_corpus

    opts = options or AnalysisOptions()
    wanted = sections or SectionOptions()
    paths = [os.fspath(p) for p in ([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)]
    out: list[ReportSection] = []
    if wanted.framework_by is None and wanted.trend_by is None and wanted.target is None:
        return out, []  # no section asked for: nothing to annotate
    annotated, exclusions, tables = _framework_tables(paths, wanted.framework_by, wanted.top)
    if result is not None:
        from seclens.store.rows import check_current

        check_current(result.matches)  # E614: annotations read from the store as loaded
    if not annotated:
        # Nothing was analysed: the report's exclusions table says why.
        return out, exclusions
    if tables:
        out.append(framework_section(tables))
    if wanted.trend_by is None and wanted.target is None:
        return out, exclusions
    corpus_options = CorpusOptions(
        convention=opts.convention, lexicon_paths=tuple(opts.lexicon_paths), manifest=opts.manifest
    )
    analysed = result if result is not None else analyze(paths, opts)
    table, table_exclusions = document_table_from(analysed, [*annotated, *exclusions])
    frequencies = None
    stored = stored_corpus(paths)
    if stored is not None:  # the measures' options are those of the stored analysis
        corpus_options = CorpusOptions(convention=analysed.options.convention,
                                       lexicon_paths=tuple(analysed.options.lexicon_paths))
        if wanted.target is not None and wanted.reference is not None:
            frequencies = document_frequencies_of(stored.documents(), corpus_options)
    if wanted.trend_by is not None:
        series, _ = trend_corpus(paths, wanted.trend_by, corpus_options, table=table)
        out.append(trend_section(series))
    if wanted.target is not None and wanted.reference is not None:
        comparison = compare_corpus(
            paths,
            wanted.target,
            wanted.reference,
            corpus_options,
            documents=(table, table_exclusions),
            frequencies=frequencies,
        )
        out.append(comparison_section(comparison))
    return out, exclusions


#: Documents whose group labels are worked out at once while the framework tables of
#: the report are built (:func:`_framework_tables`).
_LABEL_BATCH = 512


def _framework_tables(paths: Sequence[str], by: str | None, top: int
                      ) -> tuple[list[AnnotatedDocument], list[Exclusion], list[FrameworkTable]]:
    """Annotate the corpus once, building the report's framework table of each group
    as the documents come (:class:`seclens.annotate.table.FrameworkAccumulator`).

    Returns
    -------
    (documents, exclusions, tables)
        ``documents``: each annotated document without its text, its annotations and
        its measures' chains (what the measures table reads: the move share and the
        exclusion); ``exclusions``: those of the annotation; ``tables``: one per
        group of ``by`` (``split_by`` over the annotated documents, in its group
        order), ``[]`` when ``by`` is None. Held meanwhile: each group's counts and
        top evidence, not the corpus's annotated sentences (6,028 synthetic
        documents: about 145 MB of compacted documents before).

    Raises
    ------
    CompareError
        ``E501``/``E502`` from :func:`seclens.compare.groups.split_by`.
    """
    import dataclasses

    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.annotate.table import FrameworkAccumulator, facilitating_terms, table_evidence
    from seclens.compare.groups import metadata_frame, split_by

    documents: list[AnnotatedDocument] = []
    exclusions: list[Exclusion] = []
    labels: list[str] = []
    tables: dict[str, FrameworkAccumulator] = {}
    waiting: list[AnnotatedDocument] = []
    terms = facilitating_terms()

    def add_waiting() -> None:
        if by is None or not waiting:
            return
        for d, label in zip(waiting, _group_labels([d.document.meta for d in waiting], by),
                            strict=True):
            labels.append(label)
            if label:
                if label not in tables:  # (not setdefault: a table reads its data files)
                    tables[label] = FrameworkAccumulator(f"{by}={label}", top)
                tables[label].add(d)
        waiting.clear()

    for item in annotate_corpus(paths):
        if not isinstance(item, AnnotatedDocument):
            exclusions.append(item)
            continue
        compact = table_evidence(item, terms)
        documents.append(AnnotatedDocument(
            compact.document, (), dataclasses.replace(compact.measures, chains=())))
        if by is not None:  # (no table wanted: nothing to keep)
            waiting.append(compact)
        if len(waiting) >= _LABEL_BATCH:
            add_waiting()
    add_waiting()
    if by is None or not documents:
        return documents, exclusions, []
    split = split_by(metadata_frame([d.document.meta for d in documents]), by)
    if list(split.labels) != labels:  # labels are per document: the batches' are these
        raise RuntimeError("framework groups worked out in batches differ from the corpus's")
    return documents, exclusions, [tables[label].table() for label in split.groups]


def _group_labels(metas: Sequence[DocumentMeta], by: str) -> list[str]:
    """The :func:`seclens.compare.groups.split_by` labels of some documents (a column
    they all lack reads as ``""``, as in the corpus's frame: :func:`_batch_frame`)."""
    from seclens.compare.groups import split_by

    spec = by.strip()
    frame = _batch_frame(metas, [] if spec.startswith("period") else [spec])
    return [str(v) for v in split_by(frame, by).labels]


def framework_table(
    inputs: Sequence[str | os.PathLike[str]], group: str = "", top: int = 3
) -> tuple[FrameworkTable, list[Exclusion]]:
    """The securitization framework table (the study's Table 1) of a corpus or group.

    Parameters
    ----------
    inputs : sequence of path
        Files and/or folders (with ``manifest.csv`` for metadata), or one stored
        analysis (a store, a Dask output folder: see
        :func:`seclens.annotate.corpus.annotate_corpus`).
    group : str
        Group expression (:mod:`seclens.compare.groups`: ``level=central``,
        ``level=provincial,municipal``, ``year>=2020``, ``&`` for "and"); "" for all
        documents.
    top : int
        Evidence sentences per cell.

    Returns
    -------
    (table, exclusions) : (FrameworkTable, list of Exclusion)

    Raises
    ------
    CompareError
        ``E501``/``E502`` for an unknown column or a malformed expression.
    AnnotationError
        ``E423`` when no analysed document is in the group.
    """
    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.annotate.table import FrameworkAccumulator
    from seclens.compare.groups import metadata_frame, parse_group_expression, select_group
    from seclens.errors import AnnotationError

    paths = [os.fspath(p) for p in ([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)]
    expression = parse_group_expression(group) if group.strip() else None  # E502 first
    table = FrameworkAccumulator(group, top)
    exclusions: list[Exclusion] = []
    metas: list[DocumentMeta] = []
    kept: list[bool] = []
    waiting: list[AnnotatedDocument] = []

    def add_waiting() -> None:
        if not waiting:
            return
        if expression is None:
            mask = [True] * len(waiting)
        else:
            frame = _batch_frame([d.document.meta for d in waiting], expression.columns)
            mask = [bool(k) for k in select_group(frame, expression)]
        for d, keep in zip(waiting, mask, strict=True):
            kept.append(keep)
            if keep:
                table.add(d)
        waiting.clear()

    for item in annotate_corpus(paths):  # the group's table built as documents come
        if not isinstance(item, AnnotatedDocument):
            exclusions.append(item)
            continue
        metas.append(item.document.meta)
        waiting.append(item)
        if len(waiting) >= _LABEL_BATCH:
            add_waiting()
    add_waiting()
    if expression is not None and metas:
        mask = [bool(k) for k in select_group(metadata_frame(metas), expression)]  # E501
        if mask != kept:  # the conditions are per document: the batches' are these
            raise RuntimeError("group selected in batches differs from the corpus's")
    if not table.n_documents:
        raise AnnotationError("E423", f"no analysed document is in the group {group!r}")
    return table.table(), exclusions


def _batch_frame(metas: Sequence[DocumentMeta], columns: Sequence[str]) -> pd.DataFrame:
    """:func:`seclens.compare.groups.metadata_frame` of some documents, with each of
    ``columns`` they all lack added as ``""`` (as the corpus's frame fills documents
    without an extra manifest column; a column no document has is ``E501`` from the
    corpus's frame)."""
    from seclens.compare.groups import metadata_frame

    frame = metadata_frame(metas)
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    return frame
