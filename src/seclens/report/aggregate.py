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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from seclens.api import AnalysisResult, DocumentSummary
from seclens.types import Match

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
    spans = sorted((m.start, m.end) for m in matches)
    n = 0
    current_end = -1
    for start, end in spans:
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
    """The report's figures for one document."""

    anchor: str
    summary: DocumentSummary
    n_matches: int
    security_occurrences: int
    security_per_10k: float
    senses: tuple[tuple[str, int], ...]
    terms: tuple[TermFigure, ...]
    sectors: dict[str, tuple[int, float]]


def document_figures(result: AnalysisResult) -> list[DocumentFigures]:
    """Figures per analysed document, in the order of ``result.documents``.

    Parameters
    ----------
    result : AnalysisResult

    Returns
    -------
    list of DocumentFigures
        ``anchor`` is an HTML id (``doc-<n>``) independent of the document id.
    """
    by_doc: dict[str, list[Match]] = defaultdict(list)
    for m in result.matches:
        by_doc[m.doc_id].append(m)
    out: list[DocumentFigures] = []
    for i, doc in enumerate(result.documents):
        ms = by_doc.get(doc.doc_id, [])
        # The headline measure leaves out matches inside office/programme names
        # ("National Security Council"): titles, not security talk. They stay counted
        # under their terms and in the sense split (``name``).
        sec = [m for m in ms if m.category == SECURITY_CATEGORY and m.sense != NAME_SENSE]
        occ = merged_occurrences(sec)
        sense_counter = Counter(m.sense for m in ms if m.sense in SENSES)
        term_groups: dict[tuple[str, str, str, str], list[Match]] = defaultdict(list)
        for m in ms:
            term_groups[(m.term, m.entry_id, m.category, m.sector)].append(m)
        terms = [
            TermFigure(
                term=k[0], entry_id=k[1], category=k[2], sector=k[3], count=len(v),
                per_10k=per_10k(len(v), doc.size),
                senses=_sense_split(v),
            )
            for k, v in term_groups.items()
        ]
        terms.sort(key=lambda t: (-t.count, t.term, t.entry_id))
        sector_counter = Counter(m.sector for m in ms if m.sector and m.sector != "general")
        out.append(DocumentFigures(
            anchor=f"doc-{i}",
            summary=doc,
            n_matches=len(ms),
            security_occurrences=occ,
            security_per_10k=per_10k(occ, doc.size),
            senses=tuple((s, sense_counter.get(s, 0)) for s in SENSES),
            terms=tuple(terms),
            sectors={s: (c, per_10k(c, doc.size)) for s, c in sector_counter.items()},
        ))
    return out


def _sense_split(matches: Sequence[Match]) -> tuple[tuple[str, int], ...]:
    """(sense, count) in :data:`SENSES` order, senses with no match left out."""
    counter = Counter(m.sense for m in matches)
    return tuple((s, counter[s]) for s in SENSES if counter[s])


def sector_names(figures: Sequence[DocumentFigures]) -> list[str]:
    """Sorted sector ids that occur in any document (``general`` excluded)."""
    return sorted({s for f in figures for s in f.sectors})


def top_terms(result: AnalysisResult, n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` most frequent terms over all documents, ties broken by term."""
    counter = Counter(m.term for m in result.matches)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def level_rank(level: str) -> int:
    """Position of a government level in :data:`LEVEL_ORDER` (unknown last)."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
