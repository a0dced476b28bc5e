"""Word frequencies held compactly for keyness (seclens.compare.frequencies)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.compare.frequencies import TokenCounts, Vocabulary, total_counts

_TOKENS = st.sampled_from(["安全", "发展", "国防", "security", "AI", "数据安全"])
_COUNTERS = st.lists(st.dictionaries(_TOKENS, st.integers(0, 50)).map(Counter), max_size=8)


@given(_COUNTERS)
def test_token_counts_read_as_the_counter(counters: list[Counter[str]]) -> None:
    vocab = Vocabulary()
    for counter in counters:
        counts = vocab.encode(counter)
        positive = {k: v for k, v in counter.items() if v > 0}
        assert isinstance(counts, TokenCounts)
        assert counts == positive and positive == counts
        assert len(counts) == len(positive)
        assert dict(counts.items()) == positive and set(counts) == set(positive)
        for token, n in positive.items():
            assert counts[token] == n and token in counts and counts.get(token) == n
        # read as a Counter reads: 0 for a missing token, which is not "in" it
        assert counts["不在"] == 0 and "不在" not in counts and counts.get("不在") is None
        assert counts.get("不在", 7) == 7 and 3 not in counts
        reference = Counter(positive)
        assert counts.total() == reference.total()
        assert sorted(counts.elements()) == sorted(reference.elements())
        assert sorted(counts.most_common(), key=lambda kv: (-kv[1], kv[0])) == sorted(
            reference.most_common(), key=lambda kv: (-kv[1], kv[0]))
        if reference:
            assert counts.most_common(1)[0][1] == reference.most_common(1)[0][1]
        assert counts + reference == reference + counts == reference + reference
        assert sum([counts, counts], Counter()) == reference + reference
        with pytest.raises(TypeError):
            counts["安全"] = 1  # type: ignore[index]
    assert len(vocab) == len(set(vocab.tokens)) == len(vocab.ids)


@given(_COUNTERS, st.booleans())
def test_total_counts_equal_the_summed_counters(counters: list[Counter[str]],
                                                mixed: bool) -> None:
    import seclens.compare.frequencies as frequencies

    vocab = Vocabulary()
    docs = [vocab.encode(c) if not (mixed and i % 2) else c for i, c in enumerate(counters)]
    expected = dict(sum(counters, Counter()))
    assert total_counts(docs) == expected
    chunk = frequencies._CHUNK
    try:  # summed a chunk of documents at a time
        frequencies._CHUNK = 3
        assert total_counts(docs) == expected
    finally:
        frequencies._CHUNK = chunk


def test_token_counts_of_two_vocabularies_are_summed_by_token() -> None:
    a, b = Vocabulary(), Vocabulary()
    b.encode(Counter({"发展": 1}))  # other ids in b
    docs = [a.encode(Counter({"安全": 2, "发展": 1})), b.encode(Counter({"安全": 3}))]
    assert total_counts(docs) == {"安全": 5, "发展": 1}


def test_a_document_without_tokens() -> None:
    counts = Vocabulary().encode(Counter())
    assert len(counts) == 0 and dict(counts) == {} and total_counts([counts]) == {}
