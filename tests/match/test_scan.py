"""Tests of seclens.match.scan (the Aho–Corasick word scanner)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.match.scan import WordScanner

SCAN_PIECES = ["secur", "security", "secure", "sec", "ity", "aa", "a", "国家", "安全", "😀",
               " ", "\n", "“", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SCAN_PIECES), min_size=1, max_size=6, unique=True),
       st.lists(st.sampled_from(SCAN_PIECES), max_size=30).map("".join))
def test_word_scanner_equals_find_loops(words: list[str], text: str) -> None:
    """The Aho–Corasick pass finds what one ``str.find`` loop per word finds: overlapping
    occurrences (aa in aaa twice), words that are prefixes of others, offsets in
    characters after astral characters (😀)."""
    from seclens.match.matcher import _find_loops, _needle_groups

    found = WordScanner(words).hits(text)
    assert found is not None
    assert found == _find_loops(text, _needle_groups(words))
    for w, starts in found.items():
        assert all(text.startswith(w, i) for i in starts)


def test_word_scanner_pickles_as_its_words() -> None:
    import pickle

    scanner = pickle.loads(pickle.dumps(WordScanner(["secur", "security"])))
    assert scanner.words == ("secur", "security")
    assert scanner.hits("x security") == {"secur": [2], "security": [2]}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SCAN_PIECES), min_size=1, max_size=6, unique=True),
       st.lists(st.sampled_from(SCAN_PIECES), max_size=30).map("".join))
def test_matches_are_the_hits_as_index_start_end(words: list[str], text: str) -> None:
    """``matches`` is the raw form of ``hits``: the same occurrences, with word index
    and end offset (in characters)."""
    scanner = WordScanner(words)
    found = scanner.matches(text)
    assert found is not None
    for k, start, end in found:
        assert text[start:end] == words[k]
    by_word: dict[str, list[int]] = {w: [] for w in words}
    for k, start, _ in sorted(found, key=lambda f: f[1]):
        by_word[words[k]].append(start)
    assert by_word == scanner.hits(text)


def test_a_lone_surrogate_gives_none() -> None:
    scanner = WordScanner(["安全"])
    assert scanner.matches("安全\udc80") is None
    assert scanner.hits("安全\udc80") is None
