"""Document measures, securitization index and Vuori chains."""

from __future__ import annotations

import math

import pytest

from seclens.annotate.measures import document_measures, find_chains, group_index
from seclens.annotate.types import SentenceAnnotation
from seclens.errors import AnnotationError


def _a(i: int, act: str = "none", move: int = 0, doc: str = "d") -> SentenceAnnotation:
    return SentenceAnnotation(
        doc, i, "zh", f"s{i}", 10 * i, 10 * i + 2, "none", (), ("none",), 0, 0, 0, act, (), move
    )


def test_index_is_moves_per_100_sentences() -> None:
    anns = [_a(i, move=int(i < 3)) for i in range(12)]
    m = document_measures("d", anns)
    assert (m.n_sentences, m.n_moves) == (12, 3)
    assert m.index == pytest.approx(25.0)
    assert m.move_share == pytest.approx(0.25)


def test_empty_document_gives_nan_with_reason_not_zero() -> None:
    m = document_measures("d", [])
    assert math.isnan(m.index) and math.isnan(m.move_share)
    assert m.exclusion.startswith("E421")
    assert math.isnan(group_index([m]))


def test_group_index_pools_sentences() -> None:
    a = document_measures("a", [_a(0, move=1, doc="a"), _a(1, doc="a")])
    b = document_measures("b", [_a(i, doc="b") for i in range(8)])
    assert group_index([a, b]) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("acts", "window", "expected"),
    [
        (["claim", "warning", "request"], 5, [[0, 1, 2]]),
        (["claim", "none", "none", "warning", "none", "request"], 3, [[0, 3, 5]]),
        (["claim", "none", "none", "none", "warning", "request"], 3, []),
        (["warning", "claim", "request"], 5, []),
        (["claim", "warning", "request", "claim", "warning", "request"], 5, [[0, 1, 2], [3, 4, 5]]),
    ],
)
def test_vuori_chains(acts: list[str], window: int, expected: list[list[int]]) -> None:
    anns = [_a(i, act) for i, act in enumerate(acts)]
    chains = find_chains(anns, window)
    assert [[s.sentence_index for s in c.steps] for c in chains] == expected
    for c in chains:
        assert [s.act for s in c.steps] == ["claim", "warning", "request"]
        assert all(s.start == 10 * s.sentence_index for s in c.steps)


def test_chain_window_must_be_positive() -> None:
    with pytest.raises(AnnotationError):
        find_chains([_a(0)], 0)


def test_corpus_measures_are_fast_and_consistent(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    total = sum(d.measures.n_sentences for d in annotated_corpus)
    assert total > 3000
    for d in annotated_corpus:
        m = d.measures
        assert m.n_moves == sum(a.securitizing_move for a in d.annotations)
        for a in d.annotations:
            assert d.document.text[a.start : a.end] == a.text
            for e in a.evidence:
                if e.doc_start >= 0:
                    assert d.document.text[e.doc_start : e.doc_end] == e.text
