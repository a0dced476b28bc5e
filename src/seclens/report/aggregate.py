"""Report stage: per-document figures of the report, computed from the match rows.

Every number shown in ``report.html`` is computed here from the :class:`Match`
rows (the evidence) and the document size, so that each number can link to the
KWIC rows behind it.

Measures
--------
- *term count*: number of match rows of a term in a document (under the
  ``substring`` convention overlapping compounds are included: 国家安全 also counts
  one 安全, as in Zeng 2021).
- *security-vocabulary occurrences*: match rows of category ``security`` with
  overlapping spans merged, so that 国家安全 and the 安全 inside it count once.
- *per 10k*: ``count / size * 10_000`` where ``size`` is the document size in the
  unit of ``text_size`` (characters for Chinese, words for English); ``NaN`` when
  ``size`` is 0 (never a silent 0).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from seclens.api import AnalysisResult, DocumentSummary
from seclens.match.table import MatchChain, match_table_columns
from seclens.types import Match, TableSource

LEVEL_ORDER: tuple[str, ...] = (
    "central", "provincial", "municipal", "county", "foreign", "unknown",
)
SENSES: tuple[str, ...] = ("security", "safety", "undetermined", "name")
NAME_SENSE = "name"
SECURITY_CATEGORY = "security"


def per_10k(count: int, size: int) -> float:
    """Rate per 10,000 units of ``size``; ``NaN`` when ``size`` is 0.

    Parameters
    ----------
    count : int
        Raw count.
    size : int
        Document size (characters for Chinese, words for English).
    """
    if size <= 0:
        return math.nan
    return count / size * 10_000


def merged_occurrences(matches: Iterable[Match]) -> int:
    """Number of occurrences after merging overlapping ``[start, end)`` spans.

    Parameters
    ----------
    matches : iterable of Match
        Matches of one document.

    Returns
    -------
    int
        Count of maximal groups of mutually overlapping spans.
    """
    return _merged_spans((m.start, m.end) for m in matches)


def _merged_spans(spans: Iterable[tuple[Any, Any]]) -> int:
    n = 0
    current_end = -1
    for start, end in sorted(spans):
        if start >= current_end:
            n += 1
            current_end = end
        else:
            current_end = max(current_end, end)
    return n


@dataclass(frozen=True)
class TermFigure:
    """Count of one term in one document."""

    term: str
    entry_id: str
    category: str
    sector: str
    count: int
    per_10k: float
    senses: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DocumentFigures:
    """The report's figures for one document.

    Attributes
    ----------
    anchor : str
        HTML id of the document in ``report.html`` (``doc-<n>``).
    summary : DocumentSummary
    n_matches : int
        Match rows of the document.
    security_occurrences : int
        Security-vocabulary occurrences (overlapping spans merged; names left out).
    security_per_10k : float
        ``security_occurrences`` per 10,000 units of ``summary.size`` (characters
        for Chinese, words for English); NaN for size 0.
    senses : tuple of (str, int)
        Match rows per sense, in :data:`SENSES` order.
    terms : tuple of TermFigure, or None
        One per lexicon entry that occurs, by count; ``None`` when not computed
        (documents after the first ``term_documents`` of :func:`document_figures`:
        the report shows term tables only for the documents it lists).
    sectors : dict of str to (int, float)
        Sector id -> (match rows, per 10k), ``general`` and empty sectors left out.
    """

    anchor: str
    summary: DocumentSummary
    n_matches: int
    security_occurrences: int
    security_per_10k: float
    senses: tuple[tuple[str, int], ...]
    terms: tuple[TermFigure, ...] | None
    sectors: dict[str, tuple[int, float]]


def document_figures(result: AnalysisResult,
                     term_documents: int | None = None) -> list[DocumentFigures]:
    """Figures per analysed document, in the order of ``result.documents``.

    Parameters
    ----------
    result : AnalysisResult
    term_documents : int or None
        Compute the per-term figures (``terms``) of the first ``term_documents``
        documents only, ``None`` for all. The rest get ``terms=None``: term tables
        of 41,000 documents took some 170 MB, and the report lists at most
        :attr:`seclens.report.ReportLimits.documents` documents.

    Returns
    -------
    list of DocumentFigures
        ``anchor`` is an HTML id (``doc-<n>``) independent of the document id.

    Notes
    -----
    Matches held as a :class:`~seclens.match.MatchChain` with one table per document,
    in document order (as :func:`seclens.api.analyze` and
    :func:`seclens.store.load_analysis` give them), are read one table at a time: a
    store's rows are then read in one pass and never held all at once. Any other
    sequence of matches is grouped by ``doc_id`` first.
    """
    out: list[DocumentFigures] = []
    for i, (doc, ms) in enumerate(zip(result.documents, _rows_by_document(result),
                                      strict=True)):
        term, entry_id, category, sector, sense, start, end = match_table_columns(
            ms, ("term", "entry_id", "category", "sector", "sense", "start", "end"))
        # The headline measure leaves out matches inside office/programme names
        # ("National Security Council"): titles, not security talk. They stay counted
        # under their terms and in the sense split (``name``).
        occ = _merged_spans((s, e) for c, sn, s, e in zip(category, sense, start, end,
                                                          strict=True)
                            if c == SECURITY_CATEGORY and sn != NAME_SENSE)
        sense_counter = Counter(s for s in sense if s in SENSES)
        terms = None
        if term_documents is None or i < term_documents:
            terms = _term_figures(term, entry_id, category, sector, sense, doc.size)
        sector_counter = Counter(s for s in sector if s and s != "general")
        out.append(DocumentFigures(
            anchor=f"doc-{i}",
            summary=doc,
            n_matches=len(ms),
            security_occurrences=occ,
            security_per_10k=per_10k(occ, doc.size),
            senses=tuple((s, sense_counter.get(s, 0)) for s in SENSES),
            terms=terms,
            sectors={str(s): (c, per_10k(c, doc.size)) for s, c in sector_counter.items()},
        ))
    return out


def _term_figures(term: list[object], entry_id: list[object], category: list[object],
                  sector: list[object], sense: list[object],
                  size: int) -> tuple[TermFigure, ...]:
    """Per-term figures of one document's match columns, by count (descending), then
    term and entry id."""
    groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for key, sn in zip(zip(term, entry_id, category, sector, strict=True), sense,
                       strict=True):
        groups[key].append(str(sn))
    terms = [
        TermFigure(term=str(k[0]), entry_id=str(k[1]), category=str(k[2]),
                   sector=str(k[3]), count=len(v), per_10k=per_10k(len(v), size),
                   senses=_sense_counts(v))
        for k, v in groups.items()
    ]
    terms.sort(key=lambda t: (-t.count, t.term, t.entry_id))
    return tuple(terms)


def _rows_by_document(result: AnalysisResult) -> Iterator[Sequence[Match]]:
    """Each document's matches, in the order of ``result.documents`` (``()`` for a
    document without any): one table at a time when the matches are a chain of one
    table per document in that order, else grouped by ``doc_id``."""
    matches = result.matches
    if isinstance(matches, MatchChain):
        tables = matches.tables
        ids = (tables.doc_ids() if isinstance(tables, TableSource)
               else [t.doc_id for t in tables])
        position = {d.doc_id: i for i, d in enumerate(result.documents)}
        order = [position.get(d, -1) for d in ids]
        # strictly ascending from 0: each table a known document, once, in order
        if all(a < b for a, b in zip([-1, *order], order, strict=False)):
            it = iter(tables)
            following = next(it, None)
            for doc in result.documents:
                if following is not None and following.doc_id == doc.doc_id:
                    yield following
                    following = next(it, None)
                else:
                    yield ()
            return
    by_doc: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        by_doc[m.doc_id].append(m)
    for doc in result.documents:
        yield by_doc.get(doc.doc_id, [])


def _sense_counts(senses: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """(sense, count) in :data:`SENSES` order, senses with no match left out."""
    counter = Counter(senses)
    return tuple((s, counter[s]) for s in SENSES if counter[s])


def sector_names(figures: Sequence[DocumentFigures]) -> list[str]:
    """Sorted sector ids that occur in any document (``general`` excluded)."""
    return sorted({s for f in figures for s in f.sectors})


def top_terms(result: AnalysisResult, n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` most frequent terms over all documents, ties broken by term."""
    counter: Counter[str] = Counter()
    matches = result.matches
    for part in (matches.tables if isinstance(matches, MatchChain) else (matches,)):
        terms = cast("list[str]", match_table_columns(part, ("term",))[0])
        counter.update(terms)  # one table at a time
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def level_rank(level: str) -> int:
    """Position of a government level in :data:`LEVEL_ORDER` (unknown last)."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


@dataclass(frozen=True)
class LevelFigure:
    """Security vocabulary of the documents of one level and language.

    Rates of Chinese documents are per 10,000 characters and of English documents per
    10,000 words, so the two languages are never pooled.

    Attributes
    ----------
    level, language : str
    unit : str
        ``characters`` or ``words`` (the unit of the documents' ``size``).
    documents : int
        Analysed documents of this level and language.
    size : int
        Their total size, in ``unit``.
    security_occurrences : int
        Their total security-vocabulary occurrences (see :func:`document_figures`).
    pooled_per_10k : float
        ``security_occurrences / size * 10,000`` (``NaN`` when ``size`` is 0).
    median_per_10k : float
        Median of the documents' own rates (documents of size 0, whose rate is
        ``NaN``, left out; ``NaN`` when none is left).
    no_rate : int
        Documents of size 0 (no rate).
    """

    level: str
    language: str
    unit: str
    documents: int
    size: int
    security_occurrences: int
    pooled_per_10k: float
    median_per_10k: float
    no_rate: int


def level_summary(figures: Sequence[DocumentFigures]) -> list[LevelFigure]:
    """Figures per (level, language), in :data:`LEVEL_ORDER` then language order.

    Parameters
    ----------
    figures : sequence of DocumentFigures
        From :func:`document_figures`.

    Returns
    -------
    list of LevelFigure
        One per (level, language) that has documents; sums of the documents'
        figures (``documents.csv`` rows), so each number is traceable to them.
    """
    import statistics

    groups: dict[tuple[str, str, str], list[DocumentFigures]] = defaultdict(list)
    for f in figures:
        meta = f.summary.meta
        groups[(meta.level, meta.language, f.summary.unit)].append(f)
    out: list[LevelFigure] = []
    for (level, language, unit), fs in sorted(
            groups.items(), key=lambda kv: (level_rank(kv[0][0]), kv[0][0], kv[0][1], kv[0][2])):
        size = sum(f.summary.size for f in fs)
        occ = sum(f.security_occurrences for f in fs)
        rates = [f.security_per_10k for f in fs if not math.isnan(f.security_per_10k)]
        out.append(LevelFigure(
            level=level, language=language, unit=unit, documents=len(fs), size=size,
            security_occurrences=occ, pooled_per_10k=per_10k(occ, size),
            median_per_10k=statistics.median(rates) if rates else math.nan,
            no_rate=len(fs) - len(rates)))
    return out


def match_row_ranges(doc_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Rows of ``matches.csv`` holding each document's matches, where they are contiguous.

    Parameters
    ----------
    doc_ids : sequence of str, shape (n_matches,)
        The ``doc_id`` of every match, in ``matches.csv`` order.

    Returns
    -------
    dict of str to (int, int)
        ``(first, last)`` data-row numbers (1-based, the header row not counted) of
        each document whose matches form one block of rows; a document whose rows
        are not contiguous is left out (its rows are found by filtering ``doc_id``).
    """
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    count: Counter[str] = Counter()
    for i, d in enumerate(doc_ids, start=1):
        if d not in first:
            first[d] = i
        last[d] = i
        count[d] += 1
    return {d: (first[d], last[d]) for d in first if last[d] - first[d] + 1 == count[d]}


def kwic_quota(doc_ids: Sequence[str], limit: int) -> int | None:
    """Most matches of one document :func:`kwic_sample` takes; ``None`` when it takes all.

    Parameters
    ----------
    doc_ids : sequence of str, shape (n_matches,)
    limit : int
    """
    if len(doc_ids) <= limit:
        return None
    base, extra = _water_level(Counter(doc_ids), limit)
    return base + 1 if extra else base


def _water_level(counts: Counter[str], limit: int) -> tuple[int, int]:
    """``(q, extra)``: the largest ``q`` with ``sum(min(c, q)) <= limit`` over the
    documents' match counts, and the rows left over (given, one each, to the first
    documents with more than ``q`` matches)."""
    values = sorted(counts.values())
    lo, hi = 0, values[-1] if values else 0
    while lo < hi:  # largest q with fill(q) <= limit
        mid = (lo + hi + 1) // 2
        if sum(min(c, mid) for c in values) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo, limit - sum(min(c, lo) for c in values)


def kwic_sample(doc_ids: Sequence[str], limit: int) -> list[int]:
    """Positions of the matches the report's KWIC table shows when it cannot show all.

    The rows are shared out as evenly as ``limit`` allows: every document with
    matches gets its first ``q`` matches (all of them when it has fewer), ``q`` the
    largest number for which that fits, and the rows left over go one each to the
    first documents (in order) with more than ``q``; evidence from across the corpus
    rather than from its first documents only. With more documents than rows, the
    first match of each of the first ``limit`` documents.

    Parameters
    ----------
    doc_ids : sequence of str, shape (n_matches,)
        The ``doc_id`` of every match, in ``matches.csv`` order.
    limit : int
        Rows to show (>= 0).

    Returns
    -------
    list of int
        Ascending positions (0-based) into the matches, ``min(limit, n_matches)`` of
        them; all of them when there are at most ``limit``.
    """
    if len(doc_ids) <= limit:
        return list(range(len(doc_ids)))
    counts = Counter(doc_ids)
    base, extra = _water_level(counts, limit)
    quota: dict[str, int] = {}
    for d in dict.fromkeys(doc_ids):  # documents in order of their first match
        if extra and counts[d] > base:
            quota[d] = base + 1
            extra -= 1
        else:
            quota[d] = base
    taken: Counter[str] = Counter()
    out: list[int] = []
    for i, d in enumerate(doc_ids):
        if taken[d] < quota[d]:
            taken[d] += 1
            out.append(i)
    return out
