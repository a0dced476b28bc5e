"""Segment stage: jieba (private instance + lexicon user words) and the English tokenizer."""

from __future__ import annotations

import re

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import ConfigError
from seclens.lexicon import load_lexicon
from seclens.segment import Segmenter, make_segmenter, text_words


@pytest.fixture(scope="session")
def zh_segmenter() -> Segmenter:
    return make_segmenter("zh", load_lexicon())


@pytest.fixture(scope="session")
def plain_jieba() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def words(seg: Segmenter, text: str) -> list[str]:
    return [w for w, _, _ in seg.tokenize(text)]


def test_default_jieba_loses_the_study_terms(plain_jieba: jieba.Tokenizer) -> None:
    """Why the lexicon must be added: plain jieba splits 国家安全 and swallows 国防."""
    assert "国家安全" not in plain_jieba.lcut("维护国家安全", HMM=False)
    assert "国防" not in plain_jieba.lcut("巩固国防建设", HMM=False)


@pytest.mark.parametrize(("text", "expected"), [
    ("维护国家安全", ["维护", "国家安全"]),
    ("巩固国防建设", ["巩固", "国防", "建设"]),
    ("推动军民融合", ["推动", "军民融合"]),
    ("核心技术安全可控", ["核心技术", "安全可控"]),
    ("避免受制于人", ["避免", "受制于人"]),
])
def test_lexicon_terms_stay_single_tokens(zh_segmenter: Segmenter, text: str,
                                          expected: list[str]) -> None:
    assert words(zh_segmenter, text) == expected


def test_segmenter_is_private_and_leaves_other_instances_alone(
        zh_segmenter: Segmenter, plain_jieba: jieba.Tokenizer) -> None:
    assert words(zh_segmenter, "巩固国防建设")[1] == "国防"
    assert "国防" not in plain_jieba.lcut("巩固国防建设", HMM=False)
    assert zh_segmenter.name == "jieba.v1" and zh_segmenter.lang == "zh"


def test_every_default_zh_term_is_one_token(zh_segmenter: Segmenter) -> None:
    for e in load_lexicon().for_lang("zh"):
        assert words(zh_segmenter, e.term) == [e.term], e.entry_id


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("国家安全防建设，。 \n军民融合AI2017")), max_size=40))
def test_zh_token_offsets_slice_back(zh_segmenter: Segmenter, text: str) -> None:
    toks = zh_segmenter.tokenize(text)
    assert "".join(w for w, _, _ in toks) == text
    for w, s, e in toks:
        assert text[s:e] == w


def test_english_tokens_and_word_count() -> None:
    seg = make_segmenter("en")
    text = "U.S. national-security, AI's risks (2023)"
    assert seg.tokenize(text)[:3] == [("U", 0, 1), ("S", 2, 3), ("national", 5, 13)]
    assert words(seg, text) == ["U", "S", "national", "security", "AI", "s", "risks", "2023"]
    assert text_words(text) == 8


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_word_count_equals_token_count(text: str) -> None:
    assert text_words(text) == len(make_segmenter("en").tokenize(text))


def test_unknown_language_is_an_error_not_a_fallback() -> None:
    with pytest.raises(ConfigError) as info:
        make_segmenter("fr")
    assert info.value.code == "E301"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab_1 .-’“”—\u00a0\u200bé\n\tßİ", "x"]), max_size=60))
def test_word_count_is_the_number_of_word_runs(text: str) -> None:
    assert text_words(text) == len(re.findall(r"\w+", text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab_1 .-’“”—\u00a0\u200bé\n\tßİ٣", "x", "𝐀", "😀",
                                          "\ud800", "\udc00"]), max_size=60))
def test_word_count_methods_agree(text: str) -> None:
    from seclens.segment.tokenize import _text_words_numpy, _text_words_regex
    assert _text_words_numpy(text) == _text_words_regex(text) == len(re.findall(r"\w+", text))


@pytest.mark.parametrize("text", [
    "a\ud835\udc00b " * 400,        # a surrogate pair as two code points: not word characters
    "x𝐀y " * 400,                   # a character beyond U+FFFF: the UTF-32 path
    "naïve café, “quoted” — ok " * 100,
])
def test_regression_utf16_word_count_equals_the_regex(text: str) -> None:
    assert text_words(text) == len(re.findall(r"\w+", text))


@pytest.mark.parametrize("text", [
    "a" * (1 << 15) + "b" * 10,            # one word across the cut
    "a" * ((1 << 15) - 1) + " " + "b" * 5,  # a space just before the cut
    "a" * (1 << 15) + " b",                 # a space just after the cut
    "x 𝐀" * 20_000,                         # pieces with characters beyond U+FFFF
    " " * (1 << 16) + "word",
])
def test_regression_word_runs_across_piece_cuts(text: str) -> None:
    assert text_words(text) == len(re.findall(r"\w+", text))


def test_long_text_word_count_uses_chunks_consistently() -> None:
    text = ("National security, U.S. AI’s risks — 𝐀𝐁 and_more. " * 30_000)
    assert text_words(text) == len(re.findall(r"\w+", text))
