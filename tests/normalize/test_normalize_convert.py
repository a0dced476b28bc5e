"""Traditional → Simplified conversion keeps the original and maps offsets back."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import ConfigError
from seclens.normalize import Converter, NormalizedText, align_pieces, identity, to_simplified

TRADITIONAL = "國家安全與發展頭髮乾燥記憶體程式設計的士滑鼠軟體計程車"
PHRASES = ["記憶體", "程式設計", "的士", "内存", "计算机", "滑鼠", "軟體", "計程車"]


def test_t2s_equal_length_maps_per_character() -> None:
    converted = to_simplified("國家安全與發展")
    assert converted.text == "国家安全与发展"
    assert converted.original == "國家安全與發展"
    assert converted.to_original(0, 4) == (0, 4)
    assert converted.starts is None  # pure per-character alignment


def test_tw2sp_phrase_changes_length_and_maps_back() -> None:
    converted = to_simplified("我的記憶體不夠，程式設計很難。", "tw2sp")
    assert converted.text == "我的内存不够，编程很难。"
    start = converted.text.index("内存")
    a, b = converted.to_original(start, start + 2)
    assert converted.original[a:b] == "記憶體"
    start = converted.text.index("编程")
    a, b = converted.to_original(start, start + 2)
    assert converted.original[a:b] == "程式設計"
    # characters after the phrase map exactly again
    start = converted.text.index("很难")
    a, b = converted.to_original(start, start + 2)
    assert converted.original[a:b] == "很難"


def test_partial_span_inside_a_phrase_maps_to_the_whole_phrase() -> None:
    converted = to_simplified("記憶體", "tw2sp")
    assert converted.text == "内存"
    assert converted.to_original(0, 1) == (0, 3)
    assert converted.to_original(1, 2) == (0, 3)


def test_identity() -> None:
    same = identity("國家安全")
    assert same.text == same.original == "國家安全"
    assert same.to_original(1, 3) == (1, 3)


def test_empty_spans_and_bounds() -> None:
    converted = to_simplified("記憶體不夠", "tw2sp")
    assert converted.to_original(len(converted.text), len(converted.text)) == (5, 5)
    with pytest.raises(ConfigError) as caught:
        converted.to_original(2, 1)
    assert caught.value.code == "E150"
    with pytest.raises(ConfigError):
        converted.to_original(0, len(converted.text) + 1)


def test_unknown_config_names_allowed_values() -> None:
    with pytest.raises(ConfigError) as caught:
        Converter("t2x")
    assert caught.value.code == "E151"
    assert "t2s" in caught.value.message
    assert Converter("t2s.json").config == "t2s"


def test_deletion_is_absorbed_by_the_previous_character() -> None:
    aligned = align_pieces([("ab", "ab"), ("cde", "c")])
    assert aligned.text == "abc"
    assert aligned.to_original(2, 3) == (2, 5)
    assert aligned.to_original(0, 3) == (0, 5)


_MIXED = st.lists(
    st.one_of(st.sampled_from(PHRASES), st.sampled_from(list(TRADITIONAL + "，。 \nab1"))),
    max_size=40,
).map("".join)
_CONFIGS = st.sampled_from(["t2s", "tw2sp", "s2twp", "hk2s"])


@functools.cache
def _converter(config: str) -> Converter:
    """One converter per configuration for the property tests (speed)."""
    return Converter(config)


def _check_monotone_in_bounds(converted: NormalizedText, data: st.DataObject) -> None:
    n = len(converted.text)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    k = data.draw(st.integers(j, n))
    a1, b1 = converted.to_original(i, j)
    a2, b2 = converted.to_original(j, k)
    a3, b3 = converted.to_original(i, k)
    for a, b in ((a1, b1), (a2, b2), (a3, b3)):
        assert 0 <= a <= b <= len(converted.original)
    assert a1 <= a2 and b1 <= b2  # monotone
    assert (a3 <= a1 and b3 >= b2) or j in (i, k)  # a span covers its parts


@settings(max_examples=150, deadline=None)
@given(_MIXED, _CONFIGS, st.data())
def test_mapped_spans_are_in_bounds_and_monotone(
    text: str, config: str, data: st.DataObject
) -> None:
    converted = _converter(config).convert(text)
    assert converted.original == text
    _check_monotone_in_bounds(converted, data)


@settings(max_examples=150, deadline=None)
@given(_MIXED, _CONFIGS)
def test_equal_length_conversions_map_character_to_character(text: str, config: str) -> None:
    converted = _converter(config).convert(text)
    if len(converted.text) != len(text):
        return
    if converted.starts is None:
        for i in range(len(text)):
            assert converted.to_original(i, i + 1) == (i, i + 1)


@settings(max_examples=150, deadline=None)
@given(_MIXED, _CONFIGS)
def test_whole_text_maps_to_whole_original(text: str, config: str) -> None:
    converted = _converter(config).convert(text)
    if converted.text:
        assert converted.to_original(0, len(converted.text)) == (0, len(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PHRASES + list("國家安全abc ,.\n")), max_size=30).map("".join))
def test_ascii_characters_map_exactly(text: str) -> None:
    # OpenCC leaves ASCII alone: each ASCII character maps back to itself, one to one.
    converted = _converter("tw2sp").convert(text)
    for i, char in enumerate(converted.text):
        if char.isascii():
            a, b = converted.to_original(i, i + 1)
            assert converted.original[a:b] == char


def test_regression_equal_char_inside_a_phrase_is_not_misaligned() -> None:
    # difflib-style alignment matched 鼠 of 滑鼠 → 鼠标 to the wrong character and let
    # the ASCII "a" absorb 滑; minimal units keep each phrase together.
    converted = to_simplified("記憶體a滑鼠", "tw2sp")
    assert converted.text == "内存a鼠标"
    spans = [converted.to_original(i, i + 1) for i in range(len(converted.text))]
    assert spans == [(0, 3), (0, 3), (3, 4), (4, 5), (5, 6)]


def test_real_corpus_document_round_trip(corpus_dir: Path) -> None:
    # s2twp changes lengths (phrases); the whole text must map back to the whole original
    # and every mapped span of a sentence-sized window stays in bounds.
    text = (corpus_dir / "docs" / "cn-sc-2017-aidp.txt").read_text(encoding="utf-8")
    converted = to_simplified(text, "s2twp")
    assert converted.original == text
    assert len(converted.text) != len(text)
    assert converted.to_original(0, len(converted.text)) == (0, len(text))
    previous = (0, 0)
    for start in range(0, len(converted.text) - 20, 97):
        span = converted.to_original(start, start + 20)
        assert previous[0] <= span[0] <= span[1] <= len(text)
        previous = span
