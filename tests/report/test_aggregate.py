"""Report figures: per-10k rates, merged security occurrences."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.report.aggregate import DocumentFigures, merged_occurrences, per_10k
from seclens.types import Match


def _m(start: int, end: int) -> Match:
    return Match("d", 0, start, end, "t", "t", "e", "security", "general", "security", "",
                 "substring")


@pytest.mark.parametrize(
    "spans,expected",
    [
        ([], 0),
        ([(0, 2)], 1),
        ([(0, 4), (2, 4)], 1),  # 国家安全 and the 安全 inside it
        ([(0, 2), (2, 4)], 2),  # adjacent, not overlapping
        ([(5, 7), (0, 2), (1, 3)], 2),
    ],
)
def test_merged_occurrences(spans: list[tuple[int, int]], expected: int) -> None:
    assert merged_occurrences([_m(s, e) for s, e in spans]) == expected


def test_per_10k() -> None:
    assert per_10k(48, 20417) == pytest.approx(48 / 20417 * 10_000)
    assert math.isnan(per_10k(3, 0))


def test_match_row_ranges_are_one_based_and_only_for_contiguous_documents() -> None:
    from seclens.report.aggregate import match_row_ranges

    assert match_row_ranges(["a", "a", "b", "c", "c", "c"]) == {
        "a": (1, 2), "b": (3, 3), "c": (4, 6)}
    # b's rows are split: no range (its rows are found by filtering doc_id)
    assert match_row_ranges(["a", "b", "a", "b", "b"]) == {}
    assert match_row_ranges(["a", "b", "b", "a"]) == {"b": (2, 3)}
    assert match_row_ranges([]) == {}


def test_kwic_sample_takes_all_rows_under_the_limit_and_shares_them_evenly_above() -> None:
    from seclens.report.aggregate import kwic_quota, kwic_sample

    ids = ["a"] * 5 + ["b"] * 1 + ["c"] * 4
    assert kwic_sample(ids, 10) == list(range(10)) and kwic_quota(ids, 10) is None
    # limit 6: b has 1, a and c 2 each, the last row to a (the first with more)
    assert kwic_sample(ids, 6) == [0, 1, 2, 5, 6, 7] and kwic_quota(ids, 6) == 3
    # limit 7: a and c 3 each, b 1
    assert kwic_sample(ids, 7) == [0, 1, 2, 5, 6, 7, 8] and kwic_quota(ids, 7) == 3
    # more documents than rows: the first match of the first documents
    ids = [f"d{i // 2}" for i in range(20)]  # 10 documents, 2 matches each
    assert kwic_sample(ids, 4) == [0, 2, 4, 6] and kwic_quota(ids, 4) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcdef"), max_size=60), st.integers(min_value=0, max_value=70))
def test_kwic_sample_uses_the_limit_and_is_as_even_as_it_allows(ids: list[str], limit: int
                                                                 ) -> None:
    from collections import Counter

    from seclens.report.aggregate import kwic_sample

    picked = kwic_sample(ids, limit)
    assert picked == sorted(set(picked)) and len(picked) == min(limit, len(ids))
    taken = Counter(ids[i] for i in picked)
    for d in taken:  # each document's first matches
        assert [i for i in picked if ids[i] == d] == [i for i, x in enumerate(ids)
                                                       if x == d][:taken[d]]
    # even: a document short of its matches has at most one row fewer than any other
    short = [taken[d] for d in set(ids) if taken[d] < ids.count(d)]
    if short and taken:
        assert max(taken.values()) <= min(short) + 1


def test_level_summary_pools_by_level_and_language_never_across_units() -> None:
    from seclens.api import DocumentSummary
    from seclens.report.aggregate import DocumentFigures, level_summary
    from seclens.types import DocumentMeta

    def fig(doc_id: str, level: str, lang: str, size: int, occ: int) -> DocumentFigures:
        unit = "characters" if lang == "zh" else "words"
        summary = DocumentSummary(
            meta=DocumentMeta(doc_id=doc_id, level=level, language=lang), path="", fmt="txt",
            encoding="utf-8", sha256="", notes=(), n_chars=size, size=size, unit=unit,
            n_sentences=1, n_matches=occ)
        return DocumentFigures(doc_id, summary, occ, occ, per_10k(occ, size), (), (), {})

    rows = level_summary([
        fig("p1", "provincial", "zh", 1000, 1), fig("c1", "central", "zh", 1000, 4),
        fig("c2", "central", "zh", 3000, 2), fig("e1", "central", "en", 500, 5),
        fig("c0", "central", "zh", 0, 0),
    ])
    assert [(r.level, r.language, r.unit) for r in rows] == [
        ("central", "en", "words"), ("central", "zh", "characters"),
        ("provincial", "zh", "characters")]
    zh = rows[1]
    assert (zh.documents, zh.size, zh.security_occurrences, zh.no_rate) == (3, 4000, 6, 1)
    assert zh.pooled_per_10k == pytest.approx(6 / 4000 * 10_000)
    assert zh.median_per_10k == pytest.approx((40.0 + 2 / 3000 * 10_000) / 2)
    assert rows[0].pooled_per_10k == pytest.approx(100.0)


def test_figures_read_per_table_equal_figures_grouped_from_rows(corpus_dir: Path) -> None:
    """document_figures reads a chain of per-document tables one table at a time; the
    figures equal those of the same matches given as a plain list (grouped by
    doc_id), also when the tables are out of document order."""
    import dataclasses

    from seclens.api import analyze
    from seclens.match.table import MatchChain
    from seclens.report.aggregate import document_figures

    result = analyze([corpus_dir])
    assert isinstance(result.matches, MatchChain)
    streamed = document_figures(result)
    grouped = document_figures(dataclasses.replace(result, matches=list(result.matches)))
    assert streamed == grouped
    shuffled = MatchChain(tuple(reversed(result.matches.tables)))
    assert document_figures(dataclasses.replace(result, matches=shuffled)) == grouped
    assert sum(f.n_matches for f in streamed) == len(result.matches)
    assert any(f.terms for f in streamed)


def test_term_figures_only_for_the_first_documents_when_asked(corpus_dir: Path) -> None:
    from seclens.api import analyze
    from seclens.report.aggregate import document_figures

    result = analyze([corpus_dir])
    full = document_figures(result)
    some = document_figures(result, term_documents=5)
    assert [f.terms for f in some[:5]] == [f.terms for f in full[:5]]
    assert all(f.terms is None for f in some[5:])
    # all else equal
    assert [_without_terms(f) for f in some] == [_without_terms(f) for f in full]
    assert all(f.terms is None for f in document_figures(result, term_documents=0))


def _without_terms(figure: DocumentFigures) -> DocumentFigures:
    import dataclasses

    return dataclasses.replace(figure, terms=None)
