"""Compare stage: run comparisons on a corpus (the Python API behind ``seclens compare``
and ``seclens trend``).

Composes the other stages and the pure functions of this package:

1. :func:`document_table` — one row per document: metadata columns (manifest), derived
   ``year``, and per-document measures from :func:`seclens.api.analyze` (security
   vocabulary per 10,000 units, sector rates) and, optionally, from the sentence
   annotator (:mod:`seclens.annotate`: share of sentences that are securitizing moves).
2. :func:`document_frequencies` — word frequencies per document for keyness, with the
   segmenter of :func:`seclens.segment.make_segmenter` (Chinese: a private
   ``jieba.Tokenizer`` with the lexicon terms as user words; English: regex words,
   lower-cased).
3. :func:`compare_corpus` — keyness and group tests between two group expressions;
   :func:`trend_corpus` — per-year series.

Languages are never pooled: per-10k rates are per 10,000 *characters* for Chinese and
per 10,000 *words* for English, and word frequencies of different languages share no
vocabulary. ``language="auto"`` (default) therefore runs keyness and group tests
separately for each language present in both groups and reports the languages it
skipped; ``language="zh"`` restricts to Chinese documents.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from seclens.compare.frequencies import Vocabulary, total_counts
from seclens.compare.groups import add_derived_fields, metadata_row, select_group
from seclens.compare.grouptest import GroupTestOptions, compare_groups
from seclens.compare.keyness import FrequencyList, KeynessOptions, keyness
from seclens.errors import CompareError, ConfigError
from seclens.types import Document, Exclusion

if TYPE_CHECKING:
    from seclens.annotate.corpus import AnnotatedDocument
    from seclens.api import AnalysisResult
    from seclens.store.source import StoredCorpus

DEFAULT_MEASURES: tuple[str, ...] = (
    "security_per_10k",
    "sense_security_per_10k",
    "sense_safety_per_10k",
    "national_per_10k",
    "military_per_10k",
    "move_share",
)
"""Measures compared by default (see :func:`document_table` for definitions)."""

LANGUAGES: tuple[str, ...] = ("auto", "zh", "en")


@dataclass(frozen=True)
class CorpusOptions:
    """Options shared by :func:`compare_corpus` and :func:`trend_corpus`.

    Attributes
    ----------
    convention : {"substring", "token"}
        Counting convention of the security-vocabulary measures (see ``seclens.api``).
    lexicon_paths : tuple[Path, ...]
        Extra lexicons (added to the packaged default).
    manifest : Path or None
        Metadata file (default: the ``manifest.csv`` beside the documents).
    moves : bool
        Run the sentence annotator to add ``move_share`` and ``securitization_index``
        (about 0.5 s per document).
    language : {"auto", "zh", "en"}
        ``auto``: each language separately; else only documents of that language.
    measures : tuple[str, ...]
        Columns of :func:`document_table` to compare.
    keyness : KeynessOptions
    tests : GroupTestOptions
    """

    convention: str = "substring"
    lexicon_paths: tuple[Path, ...] = ()
    manifest: Path | None = None
    moves: bool = True
    language: str = "auto"
    measures: tuple[str, ...] = DEFAULT_MEASURES
    keyness: KeynessOptions = field(default_factory=KeynessOptions)
    tests: GroupTestOptions = field(default_factory=GroupTestOptions)

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigError(
                "E001", f"language must be one of {', '.join(LANGUAGES)}; got {self.language!r}"
            )
        if not self.moves and "move_share" in self.measures:
            object.__setattr__(
                self, "measures", tuple(m for m in self.measures if m != "move_share")
            )


_MOVE_MEASURES = ("move_share", "securitization_index")


def measure_columns(table: pd.DataFrame) -> list[str]:
    """The per-document measures of a :func:`document_table`: every ``*_per_10k``
    column plus ``move_share`` and ``securitization_index`` when present."""
    return [str(c) for c in table.columns if str(c).endswith("_per_10k") or c in _MOVE_MEASURES]


def check_measures(
    table: pd.DataFrame, measures: Sequence[str], *, moves: bool = True
) -> tuple[list[str], list[str]]:
    """Split requested ``measures`` into those of ``table`` and known-but-absent ones.

    A sector rate of a sector the corpus never mentions (``cyber_per_10k``) is known
    but absent (reported as a note); any other name is an error.

    Returns
    -------
    (present, absent) : (list of str, list of str)

    Raises
    ------
    CompareError
        ``E501`` for a name that is no measure, naming the allowed measures.
    """
    allowed = measure_columns(table)
    unknown = [
        m
        for m in measures
        if m not in allowed
        and not m.endswith("_per_10k")
        and not (m in _MOVE_MEASURES and not moves)
    ]
    if unknown:
        raise CompareError(
            "E501",
            f"unknown measure(s) {', '.join(map(repr, unknown))}; allowed: "
            f"{', '.join(allowed) or '(none: no document analysed)'}"
            + ("" if moves else " (move_share needs the annotator: drop --no-moves)"),
        )
    return [m for m in measures if m in allowed], [m for m in measures if m not in allowed]


def _nothing_analysed(exclusions: Sequence[Exclusion]) -> CompareError:
    shown = "; ".join(f"{e.path or e.doc_id}: {e.code} {e.reason}" for e in exclusions[:5])
    more = f" (and {len(exclusions) - 5} more)" if len(exclusions) > 5 else ""
    return CompareError(
        "E504",
        "no document could be analysed"
        + (f"; excluded: {shown}{more}" if shown else " (no input document found)"),
    )


def _inputs(inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    return [os.fspath(p) for p in inputs]


def document_table(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: CorpusOptions | None = None,
) -> tuple[pd.DataFrame, list[Exclusion]]:
    """Per-document metadata and securitization measures.

    Measures (one row per analysed document):

    - ``security_per_10k``: security-vocabulary occurrences (lexicon category
      ``security``, overlapping spans merged so 国家安全 counts once) per 10,000 units of
      ``size`` (characters for zh, words for en) — :mod:`seclens.report.aggregate`;
    - ``sense_security_per_10k``, ``sense_safety_per_10k``,
      ``sense_undetermined_per_10k``, ``sense_name_per_10k``: security-vocabulary
      matches (e.g. 安全) whose sense
      the sense rules resolved to *security*, *safety*, or left undetermined, per 10,000
      units (Chinese 安全 means both; see ``docs/lexicon.md``);
    - ``threat_per_10k``: matches of lexicon category ``threat`` per 10,000 units;
    - ``<sector>_per_10k`` for every sector seen in the corpus (e.g. ``national``,
      ``military``, ``cyber``): matches of that sector per 10,000 units; a document with
      no match of the sector has 0 (a counted zero; NaN only when ``size`` is 0);
    - ``move_share``: share (0–1) of sentences coded as securitizing moves by the rule
      annotator; ``securitization_index`` = 100 × move_share; NaN when a document has no
      sentence (recorded in ``move_exclusion``).

    Returns
    -------
    (pandas.DataFrame, list of Exclusion)
        The table (columns :data:`META_COLUMNS`, ``year``, ``size``, ``unit``, measures,
        plus other manifest columns) and every input that was not analysed.
    """
    from seclens.api import AnalysisOptions, analyze

    opts = options or CorpusOptions()
    paths = _inputs(inputs)
    result = analyze(
        paths,
        AnalysisOptions(
            convention=opts.convention, lexicon_paths=opts.lexicon_paths, manifest=opts.manifest
        ),
    )
    annotated = None
    if opts.moves and result.documents:
        from seclens.annotate.corpus import annotate_corpus

        annotated = annotate_corpus(paths)
    return document_table_from(result, annotated)


def document_table_from(
    result: AnalysisResult,
    annotated: Iterable[AnnotatedDocument | Exclusion] | None = None,
) -> tuple[pd.DataFrame, list[Exclusion]]:
    """The table of :func:`document_table` from an analysis already run.

    Lets an orchestrator that has both the :class:`seclens.api.AnalysisResult` and
    the annotated documents build the table without analysing or annotating again.

    Parameters
    ----------
    result : seclens.api.AnalysisResult
        Output of :func:`seclens.api.analyze` (its summaries, matches, exclusions).
    annotated : iterable of AnnotatedDocument or Exclusion, optional
        Output of :func:`seclens.annotate.corpus.annotate_corpus` /
        :func:`~seclens.annotate.corpus.annotate_document` for the same documents.
        ``None``: no ``move_share``, ``securitization_index``, ``move_exclusion``
        columns (as ``CorpusOptions(moves=False)``). Documents of ``result`` absent
        from ``annotated`` get NaN with ``move_exclusion`` "not annotated";
        annotation exclusions give NaN with their code and reason.

    Returns
    -------
    (pandas.DataFrame, list of Exclusion)
        As :func:`document_table`; the exclusions are ``result.exclusions``.
    """
    from seclens.report.aggregate import document_figures, per_10k

    figures = document_figures(result, term_documents=0)  # no term tables needed
    sectors = sorted({s for f in figures for s in f.sectors})
    by_doc: dict[str, Counter[str]] = {}
    for m in result.matches:
        keys = [f"category:{m.category}"]
        if m.category == "security" and m.sense in ("security", "safety", "undetermined", "name"):
            keys.append(f"sense:{m.sense}")
        by_doc.setdefault(m.doc_id, Counter()).update(keys)
    rows: list[dict[str, object]] = []
    for f in figures:
        meta = f.summary.meta
        row: dict[str, object] = metadata_row(meta)
        row.update(size=f.summary.size, unit=f.summary.unit, security_per_10k=f.security_per_10k)
        counts = by_doc.get(f.summary.doc_id, Counter())
        for sense in ("security", "safety", "undetermined", "name"):
            row[f"sense_{sense}_per_10k"] = per_10k(counts[f"sense:{sense}"], f.summary.size)
        row["threat_per_10k"] = per_10k(counts["category:threat"], f.summary.size)
        for s in sectors:
            row[f"{s}_per_10k"] = f.sectors[s][1] if s in f.sectors else per_10k(0, f.summary.size)
        rows.append(row)
    table = pd.DataFrame(rows)
    for s in ("national", "military"):
        col = f"{s}_per_10k"
        if col not in table.columns and len(table):
            table[col] = [per_10k(0, int(n)) for n in table["size"]]
    exclusions = list(result.exclusions)
    if annotated is not None and len(table):
        moves = _move_measures(annotated, set(table["doc_id"]))
        table["move_share"] = [
            moves.get(d, (float("nan"), "not annotated"))[0] for d in table["doc_id"]
        ]
        table["securitization_index"] = table["move_share"] * 100.0
        table["move_exclusion"] = [moves.get(d, (0.0, "not annotated"))[1] for d in table["doc_id"]]
    table = add_derived_fields(table) if len(table) else table
    return table.reset_index(drop=True), exclusions


def _move_measures(
    annotated: Iterable[AnnotatedDocument | Exclusion], keep: set[str]
) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for item in annotated:
        if isinstance(item, Exclusion):
            if item.doc_id:
                out[item.doc_id] = (float("nan"), f"{item.code}: {item.reason}")
            continue
        if item.document.doc_id in keep:
            m = item.measures
            out[item.document.doc_id] = (m.move_share, m.exclusion)
    return out


def _keep_token(token: str) -> bool:
    return any(ch.isalpha() for ch in token)


def document_frequencies(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: CorpusOptions | None = None,
) -> dict[str, tuple[str, Mapping[str, int], int]]:
    """Word frequencies per document for keyness.

    Tokens come from :func:`seclens.segment.make_segmenter` (one segmenter per
    language, built with the lexicon so its terms stay single tokens). Tokens without
    any letter (punctuation, numbers, whitespace) are dropped; English tokens are
    lower-cased.

    Returns
    -------
    dict
        ``doc_id -> (language, frequencies of tokens, number of tokens kept)``; the
        frequencies a read-only mapping token -> count
        (:class:`~seclens.compare.frequencies.TokenCounts`, 8 bytes a word type).
    """
    from seclens.ingest import IngestOptions, iter_documents

    opts = options or CorpusOptions()
    documents = (item for item in iter_documents(_inputs(inputs),
                                                 IngestOptions(manifest=opts.manifest))
                 if not isinstance(item, Exclusion))  # reported by document_table
    return document_frequencies_of(documents, opts)


def document_frequencies_of(
    documents: Iterable[Document], options: CorpusOptions | None = None
) -> dict[str, tuple[str, Mapping[str, int], int]]:
    """:func:`document_frequencies` of documents already read (e.g. from a store).

    Parameters
    ----------
    documents : iterable of seclens.types.Document
    options : CorpusOptions, optional
        Its ``lexicon_paths`` (added to the packaged lexicon) build the segmenters.

    Returns
    -------
    dict
        ``doc_id -> (language, frequencies of tokens, number of tokens kept)``, the
        frequencies a :class:`~seclens.compare.frequencies.TokenCounts` (one
        vocabulary per language); documents
        in a language other than zh/en are left out, as there.
    """
    from seclens.lexicon import combine, load_lexicon
    from seclens.segment import make_segmenter

    opts = options or CorpusOptions()
    lexicons = [load_lexicon(None)] + [load_lexicon(p) for p in opts.lexicon_paths]
    lexicon = lexicons[0] if len(lexicons) == 1 else combine(lexicons)
    segmenters: dict[str, object] = {}
    vocabularies: dict[str, Vocabulary] = {}
    out: dict[str, tuple[str, Mapping[str, int], int]] = {}
    for item in documents:
        lang = item.meta.language
        if lang not in ("zh", "en"):
            continue
        if lang not in segmenters:
            segmenters[lang] = make_segmenter(lang, lexicon)
            vocabularies[lang] = Vocabulary()
        seg = segmenters[lang]
        tokens = [t for t, _, _ in seg.tokenize(item.text)]  # type: ignore[attr-defined]
        kept = [t.lower() if lang == "en" else t for t in tokens if _keep_token(t)]
        out[item.doc_id] = (lang, vocabularies[lang].encode(Counter(kept)), len(kept))
    return out


@dataclass(frozen=True)
class StoreInputs:
    """What :func:`compare_corpus`, :func:`compare_by` and :func:`trend_corpus` need,
    read from a stored analysis (:func:`read_stored`: a store or a Dask output folder)
    instead of analysing files.

    Attributes
    ----------
    table : pandas.DataFrame
        The per-document table of :func:`document_table` (active documents).
    exclusions : tuple[Exclusion, ...]
        Those recorded with the stored analysis (a store's that still hold; the Dask
        run's).
    frequencies : Mapping[str, tuple[str, Mapping[str, int], int]]
        :func:`document_frequencies_of` the stored documents (empty when not asked for).
    options : CorpusOptions
        The options given, with the stored counting convention and lexicons.
    """

    table: pd.DataFrame
    exclusions: tuple[Exclusion, ...]
    frequencies: Mapping[str, tuple[str, Mapping[str, int], int]]
    options: CorpusOptions


def read_stored(stored: StoredCorpus, options: CorpusOptions | None = None, *,
                frequencies: bool = True) -> StoreInputs:
    """The per-document table and word frequencies of a stored analysis.

    The security-vocabulary measures are those its ingest computed (its counting
    convention and lexicons: :meth:`seclens.store.source.StoredCorpus.analysis`); the
    documents' text comes from it (:meth:`~seclens.store.source.StoredCorpus.documents`,
    streamed in the folder's order) for the word frequencies and, with
    ``options.moves``, for the sentence annotator (as :func:`document_table` annotates
    the files again).

    Parameters
    ----------
    stored : seclens.store.source.StoredCorpus
        A store (``seclens ingest --db``) or a Dask output folder (``seclens ingest
        --engine dask``).
    options : CorpusOptions, optional
        ``convention`` and ``lexicon_paths`` must be the stored ones (or left at their
        defaults), and ``manifest`` unset: the metadata are the stored ones.
    frequencies : bool
        Also tokenize the documents for keyness (not needed by :func:`trend_corpus`).

    Returns
    -------
    StoreInputs

    Raises
    ------
    ConfigError
        ``E001`` when ``options`` asks for another convention, other lexicons, or a
        manifest.
    StoreError
        ``E602`` a store cannot be opened; ``E610`` no single complete analysis;
        ``E611`` its lexicon or sense-rule files changed; ``E613`` a Dask output
        without run metadata, or damaged; ``E614`` a store ingested into (a Dask output
        written again) while its documents were read.
    """
    import dataclasses

    from seclens.annotate.corpus import annotate_document
    from seclens.annotate.rules import RuleAnnotator
    from seclens.store.rows import check_current

    result = stored.analysis()
    where = f"{stored.path}: the " + ("store" if stored.kind == "store" else "Dask output")
    opts = options or CorpusOptions()
    recorded = result.options
    lexicons = tuple(Path(p) for p in recorded.lexicon_paths)
    if opts.convention not in ("substring", recorded.convention):
        raise ConfigError("E001", f"{where} was analysed with the {recorded.convention!r} "
                          f"convention, not {opts.convention!r}; analyse the files again "
                          "with that convention")
    if opts.lexicon_paths and {Path(p).resolve() for p in opts.lexicon_paths} != {
            p.resolve() for p in lexicons}:
        raise ConfigError("E001", f"{where} was analysed with the lexicons "
                          f"{[str(p) for p in lexicons] or 'packaged only'}; other "
                          "lexicons need another ingest")
    if opts.manifest is not None:
        raise ConfigError("E001", f"{where} holds its documents' metadata; "
                          "--manifest applies to files and folders only")
    opts = dataclasses.replace(opts, convention=recorded.convention, lexicon_paths=lexicons)
    annotated = None
    if opts.moves and result.documents:
        annotator = RuleAnnotator()  # one per corpus, as annotate_corpus
        annotated = (annotate_document(d, annotator) for d in stored.documents())
    table, excl = document_table_from(result, annotated)
    freqs = document_frequencies_of(stored.documents(), opts) if frequencies else {}
    # the texts were streamed after the analysis was loaded: E614 if the store was
    # ingested into, or the Dask output written again, in between (never a table of
    # one state with the frequencies of another)
    check_current(result.matches)
    return StoreInputs(table, tuple(excl), freqs, opts)


def read_store(db: str | os.PathLike[str], options: CorpusOptions | None = None, *,
               frequencies: bool = True) -> StoreInputs:
    """:func:`read_stored` of a store written by ``seclens ingest --db``."""
    from seclens.store.source import StoredCorpus

    return read_stored(StoredCorpus("store", Path(db)), options, frequencies=frequencies)


def read_parquet_results(out_dir: str | os.PathLike[str],
                         options: CorpusOptions | None = None, *,
                         frequencies: bool = True) -> StoreInputs:
    """:func:`read_stored` of an output folder of ``seclens ingest --engine dask``."""
    from seclens.store.source import StoredCorpus

    return read_stored(StoredCorpus("parquet", Path(out_dir)), options,
                       frequencies=frequencies)


@dataclass(frozen=True)
class ComparisonResult:
    """Result of :func:`compare_corpus`.

    Attributes
    ----------
    target, reference : str
        The group expressions.
    documents : pandas.DataFrame
        :func:`document_table` with a ``group`` column (``target``/``reference``/"").
    keyness : Mapping[str, pandas.DataFrame]
        Keyness table per language.
    tests : pandas.DataFrame
        Group tests, one row per (language, measure); columns of
        :data:`seclens.compare.grouptest.GROUPTEST_COLUMNS` plus ``language``.
    exclusions : pandas.DataFrame
        ``doc_id, group, measure, reason`` — documents left out of a measure, and
        inputs not analysed (``measure`` = ``*``).
    notes : tuple[str, ...]
        Languages skipped and why.
    """

    target: str
    reference: str
    documents: pd.DataFrame
    keyness: Mapping[str, pd.DataFrame]
    tests: pd.DataFrame
    exclusions: pd.DataFrame
    notes: tuple[str, ...]


def compare_corpus(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    target: str,
    reference: str,
    options: CorpusOptions | None = None,
    *,
    documents: tuple[pd.DataFrame, Sequence[Exclusion]] | None = None,
    frequencies: Mapping[str, tuple[str, Mapping[str, int], int]] | None = None,
) -> ComparisonResult:
    """Keyness and group tests between two groups of documents of a corpus.

    Parameters
    ----------
    inputs : path or sequence of paths
        Corpus folder(s)/files (with ``manifest.csv``).
    target, reference : str
        Group expressions (:mod:`seclens.compare.groups`), e.g. ``level=central`` and
        ``level=provincial,municipal``.
    options : CorpusOptions, optional
    documents : (pandas.DataFrame, sequence of Exclusion), optional
        The per-document table and its exclusions when already built (e.g. by
        :func:`document_table_from`); default: :func:`document_table` of ``inputs``.
    frequencies : mapping, optional
        The word frequencies when already built (:func:`read_store`); default:
        :func:`document_frequencies` of ``inputs``.

    Returns
    -------
    ComparisonResult

    Raises
    ------
    CompareError
        ``E501``/``E502`` bad expression or unknown measure; ``E504`` a group is
        empty or no document could be analysed; ``E505`` the groups overlap; ``E506``
        no language has documents in both groups.
    """
    opts = options or CorpusOptions()
    table, ingest_excl = documents if documents is not None else document_table(inputs, opts)
    if table.empty:
        raise _nothing_analysed(list(ingest_excl))
    check_measures(table, opts.measures, moves=opts.moves)
    select_group(table, target), select_group(table, reference)  # validate before tokenizing
    freqs = frequencies if frequencies is not None else document_frequencies(inputs, opts)
    return compare_tables(table, freqs, target, reference, opts, ingest_excl)


def compare_by(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    by: str,
    options: CorpusOptions | None = None,
    *,
    documents: tuple[pd.DataFrame, Sequence[Exclusion]] | None = None,
    frequencies: Mapping[str, tuple[str, Mapping[str, int], int]] | None = None,
) -> list[ComparisonResult]:
    """One-vs-rest comparisons: each value ``v`` of column ``by`` against all others.

    The corpus is analysed and tokenized once. A value whose documents share no
    language with the rest (``E506``, e.g. ``level=foreign`` when all other documents
    are Chinese) gives a result with empty keyness and tests and the reason in
    ``notes`` — reported, not dropped. ``documents`` and ``frequencies``: as for
    :func:`compare_corpus`.

    Raises
    ------
    CompareError
        ``E501`` unknown column or measure; ``E504`` fewer than two groups, or no
        document could be analysed.
    """
    from seclens.compare.groups import split_by

    opts = options or CorpusOptions()
    table, ingest_excl = documents if documents is not None else document_table(inputs, opts)
    if table.empty:
        raise _nothing_analysed(list(ingest_excl))
    check_measures(table, opts.measures, moves=opts.moves)
    split = split_by(table, by)
    if len(split.groups) < 2:
        raise CompareError("E504", f"--by {by}: fewer than two groups ({split.groups})")
    freqs = frequencies if frequencies is not None else document_frequencies(inputs, opts)
    results: list[ComparisonResult] = []
    for value in split.groups:
        target, reference = f"{split.spec}={value}", f"{split.spec}!={value}"
        if split.spec.startswith("period"):
            other = "after" if value == "before" else "before"
            reference = f"{split.spec}={other}"
        try:
            results.append(compare_tables(table, freqs, target, reference, opts, ingest_excl))
        except CompareError as exc:
            if exc.code != "E506":
                raise
            results.append(
                ComparisonResult(
                    target=target,
                    reference=reference,
                    documents=table,
                    keyness={},
                    tests=pd.DataFrame(),
                    exclusions=pd.DataFrame(),
                    notes=(f"[{exc.code}] {exc.message}",),
                )
            )
    return results


def compare_tables(
    table: pd.DataFrame,
    freqs: Mapping[str, tuple[str, Mapping[str, int], int]],
    target: str,
    reference: str,
    opts: CorpusOptions,
    ingest_excl: Sequence[Exclusion] = (),
) -> ComparisonResult:
    """Compare two groups given the per-document table and word frequencies.

    The building block of :func:`compare_corpus` and :func:`compare_by` (inputs from
    :func:`document_table` and :func:`document_frequencies`). Raises as
    :func:`compare_corpus`.
    """
    t_mask = select_group(table, target)
    r_mask = select_group(table, reference)
    for mask, name in ((t_mask, target), (r_mask, reference)):
        if not bool(mask.any()):
            raise CompareError("E504", f"group {name!r} selects no document")
    overlap = table.loc[t_mask & r_mask, "doc_id"].tolist()
    if overlap:
        raise CompareError(
            "E505", f"groups {target!r} and {reference!r} overlap on: {', '.join(overlap[:10])}"
        )
    table = table.assign(
        group=[
            "target" if t else "reference" if r else "" for t, r in zip(t_mask, r_mask, strict=True)
        ]
    )
    langs_t = set(table.loc[t_mask, "language"])
    langs_r = set(table.loc[r_mask, "language"])
    wanted = sorted(langs_t | langs_r) if opts.language == "auto" else [opts.language]
    notes: list[str] = []
    run_langs: list[str] = []
    for lang in wanted:
        if lang in langs_t and lang in langs_r:
            run_langs.append(lang)
        else:
            side = "target" if lang not in langs_t else "reference"
            notes.append(f"language {lang!r} skipped: the {side} group has no {lang} document")
    if not run_langs:
        raise CompareError(
            "E506",
            f"no language has documents in both groups (target: {sorted(langs_t)}, "
            f"reference: {sorted(langs_r)}); restrict the groups or choose --language",
        )
    keyness_tables: dict[str, pd.DataFrame] = {}
    test_frames: list[pd.DataFrame] = []
    excl_frames: list[pd.DataFrame] = [
        pd.DataFrame(
            [
                {
                    "doc_id": e.doc_id,
                    "group": "",
                    "measure": "*",
                    "reason": f"{e.code}: {e.reason} ({e.path})",
                }
                for e in ingest_excl
            ],
            columns=["doc_id", "group", "measure", "reason"],
        )
    ]
    for lang in run_langs:
        in_lang = table["language"] == lang
        sides = []
        for mask in (t_mask & in_lang, r_mask & in_lang):
            docs = [freqs[d] for d in table.loc[mask, "doc_id"] if d in freqs]
            sides.append(
                FrequencyList(
                    counts=total_counts(c for _, c, _ in docs),
                    total=sum(n for _, _, n in docs),
                    per_doc=tuple(c for _, c, _ in docs),
                    doc_sizes=tuple(n for _, _, n in docs),
                )
            )
        keyness_tables[lang] = keyness(sides[0], sides[1], opts.keyness)
        measures, missing = check_measures(table, opts.measures, moves=opts.moves)
        if missing:
            notes.append(f"measure(s) not available: {', '.join(missing)}")
        res = compare_groups(
            table,
            measures,
            t_mask & in_lang,
            r_mask & in_lang,
            labels=(target, reference),
            options=opts.tests,
        )
        test_frames.append(res.tests.assign(language=lang))
        excl_frames.append(res.exclusions)
    tests = pd.concat(test_frames, ignore_index=True)
    exclusions = pd.concat([f for f in excl_frames if len(f)] or excl_frames, ignore_index=True)
    return ComparisonResult(
        target=target,
        reference=reference,
        documents=table,
        keyness=keyness_tables,
        tests=tests,
        exclusions=exclusions,
        notes=tuple(dict.fromkeys(notes)),
    )


def trend_corpus(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    by: str | None = None,
    options: CorpusOptions | None = None,
    *,
    small_n: int = 3,
    table: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-year series of the measures, by group.

    Parameters
    ----------
    inputs : path or sequence of paths
    by : str, optional
        Split specification (``level``, ``language``, ``period:2019-01-01``); ``None``
        for one series over all documents. Each series is also split by language
        when the corpus has several (rates in different units are not pooled).
    options : CorpusOptions, optional
    small_n : int
        Years with fewer documents than this are flagged ``small_n``.
    table : pandas.DataFrame, optional
        The per-document table when already built (:func:`document_table_from`);
        default: :func:`document_table` of ``inputs``.

    Returns
    -------
    (series, documents) : (pandas.DataFrame, pandas.DataFrame)
        ``series`` from :func:`seclens.compare.trends.yearly_series`; ``documents`` the
        per-document table used.

    Raises
    ------
    CompareError
        ``E501`` unknown measure or group column (names the allowed ones); ``E502``
        malformed ``by``; ``E504`` no document could be analysed (names the
        exclusions) or none has the requested language.
    """
    from seclens.compare.trends import yearly_series

    opts = options or CorpusOptions()
    excl: list[Exclusion] = []
    if table is None:
        table, excl = document_table(inputs, opts)
    if table.empty:
        raise _nothing_analysed(excl)
    measures, _ = check_measures(table, opts.measures, moves=opts.moves)
    if opts.language != "auto":
        table = table[table["language"] == opts.language].reset_index(drop=True)
        if table.empty:
            raise CompareError("E504", f"no analysed document has language {opts.language!r}")
    series = yearly_series(table, measures, by=by, small_n=small_n)
    return series, table
