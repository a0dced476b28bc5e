"""Measures stage: count table, units, per-10k, zeros, NaN, invariances, golden figures."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import AnalysisError, ConfigError
from seclens.lexicon import Lexicon, SenseRules, load_lexicon, load_sense_rules
from seclens.match import MatchOptions, compile_matcher
from seclens.measures.counts import CountRow, count_table, text_size
from seclens.segment import split_sentences
from seclens.types import Document, DocumentMeta

AIDP = "cn-sc-2017-aidp"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def rules() -> SenseRules:
    return load_sense_rules()


def doc(text: str, lang: str = "zh", doc_id: str = "d") -> Document:
    return Document(meta=DocumentMeta(doc_id=doc_id, language=lang), text=text)


def table(d: Document, lexicon: Lexicon, rules: SenseRules,
          convention: str = "substring") -> list[CountRow]:
    m = compile_matcher(lexicon, rules, MatchOptions(convention))  # type: ignore[arg-type]
    lang = d.meta.language
    return count_table(d, m.find(d, split_sentences(d.doc_id, d.text, lang)), lexicon, convention)


def by_key(rows: list[CountRow]) -> dict[tuple[str, str], CountRow]:
    return {(r.key_type, r.key): r for r in rows}


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("国家安全", "zh", (4, "characters")),
    ("\u3000\u3000国家 安全\n", "zh", (4, "characters")),
    ("", "zh", (0, "characters")),
    ("National security, U.S. AI's risks.", "en", (7, "words")),
    ("  ", "en", (0, "words")),
])
def test_text_size(text: str, lang: str, expected: tuple[int, str]) -> None:
    assert text_size(text, lang) == expected


def test_text_size_unknown_language() -> None:
    with pytest.raises(AnalysisError) as info:
        text_size("x", "other")
    assert info.value.code == "E302"


def test_every_entry_gets_a_row_zeros_explicit(lexicon: Lexicon, rules: SenseRules) -> None:
    rows = table(doc("维护国家安全。"), lexicon, rules)
    term_rows = [r for r in rows if r.key_type == "term"]
    assert sorted(r.entry_id for r in term_rows) == sorted(
        e.entry_id for e in lexicon.for_lang("zh"))
    k = by_key(rows)
    assert k[("term", "国防")].count == 0 and k[("term", "国防")].per_10k == 0.0
    assert k[("term", "安全")].count == 1 and k[("term", "国家安全")].count == 1
    assert k[("sector", "national")].count == 1 and k[("sector", "general")].count == 1
    assert k[("sense", "security")].count == 1 and k[("sense", "safety")].count == 0
    assert k[("category", "security")].count == 1 and k[("category", "sector")].count == 1
    assert k[("total", "all")].count == 2
    assert all(r.unit == "characters" and r.size == 7 for r in rows)
    assert k[("term", "安全")].per_10k == pytest.approx(10_000 / 7)
    assert {r.key_type for r in rows} == {"term", "sector", "sense", "category", "total"}


def test_empty_text_gives_nan_with_reason(lexicon: Lexicon, rules: SenseRules) -> None:
    rows = table(doc("\u3000\n"), lexicon, rules)
    assert rows and all(math.isnan(r.per_10k) and r.count == 0 and r.reason for r in rows)


def test_english_rows_use_words(lexicon: Lexicon, rules: SenseRules) -> None:
    rows = table(doc("National security and public safety. Safety first.", "en"), lexicon, rules)
    k = by_key(rows)
    assert k[("term", "national security")].count == 1
    assert k[("term", "safety")].count == 2 and k[("term", "security")].count == 1
    assert k[("sense", "safety")].count == 2 and k[("sense", "security")].count == 1
    assert all(r.unit == "words" and r.size == 7 for r in rows)


def test_sense_rows_sum_to_ambiguous_matches(lexicon: Lexicon, rules: SenseRules) -> None:
    rows = table(doc("国家安全与安全生产、安全监管。"), lexicon, rules)
    k = by_key(rows)
    senses = sum(k[("sense", s)].count for s in ("security", "safety", "undetermined"))
    assert senses == k[("term", "安全")].count == 3


def test_matches_of_another_document_are_rejected(lexicon: Lexicon, rules: SenseRules) -> None:
    m = compile_matcher(lexicon, rules)
    a, b = doc("国家安全。", doc_id="a"), doc("国家安全。", doc_id="b")
    ms = m.find(a, split_sentences("a", a.text, "zh"))
    with pytest.raises(AnalysisError) as info:
        count_table(b, ms, lexicon, "substring")
    assert info.value.code == "E303"
    with pytest.raises(AnalysisError):
        count_table(a, ms, lexicon, "token")
    with pytest.raises(ConfigError):
        count_table(a, ms, lexicon, "regex")


def shuffled(lexicon: Lexicon, seed: int) -> Lexicon:
    entries = list(lexicon.entries)
    random.Random(seed).shuffle(entries)
    return dataclasses.replace(lexicon, entries=tuple(entries))


TEXT = ("维护国家安全，巩固国防建设，推动军民融合。\n（一）建设安全便捷的智能社会！安全生产？"
        "数据安全；网络安全风险挑战。")


@pytest.mark.parametrize("convention", ["substring", "token"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffling_the_lexicon_does_not_change_counts(lexicon: Lexicon, rules: SenseRules,
                                                      convention: str, seed: int) -> None:
    d = doc(TEXT)
    assert table(d, shuffled(lexicon, seed), rules, convention) == table(
        d, lexicon, rules, convention)


HALF = str.maketrans({"！": "!", "？": "?", "；": ";", "，": ",", "（": "(", "）": ")"})


@pytest.mark.parametrize("convention", ["substring", "token"])
def test_full_and_half_width_punctuation_do_not_change_counts(
        lexicon: Lexicon, rules: SenseRules, convention: str) -> None:
    full = table(doc(TEXT), lexicon, rules, convention)
    half = table(doc(TEXT.translate(HALF)), lexicon, rules, convention)
    assert [(r.key_type, r.key, r.count, r.size) for r in full] == [
        (r.key_type, r.key, r.count, r.size) for r in half]


def test_golden_aidp_count_rows(corpus_dir: Path, lexicon: Lexicon, rules: SenseRules) -> None:
    text = (corpus_dir / "docs" / f"{AIDP}.txt").read_text(encoding="utf-8")
    k = by_key(table(doc(text, "zh", AIDP), lexicon, rules))
    assert {t: k[("term", t)].count for t in ("安全", "国家安全", "国防")} == {
        "安全": 48, "国家安全": 8, "国防": 11}
    assert sum(k[("sense", s)].count for s in ("security", "safety", "undetermined")) == 48
    n, unit = text_size(text, "zh")
    assert k[("term", "安全")].per_10k == pytest.approx(48 * 10_000 / n) and unit == "characters"


def test_fast_rows_are_ordinary_count_rows(lexicon: Lexicon, rules: SenseRules) -> None:
    rows = table(doc(TEXT), lexicon, rules) + table(doc(""), lexicon, rules)
    for r in rows:
        plain = CountRow(**vars(r))
        assert (r == plain and hash(r) == hash(plain)) or math.isnan(r.per_10k)
        assert list(vars(r)) == [f.name for f in dataclasses.fields(CountRow)]
        assert repr(r) == repr(plain)
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.count = 0  # type: ignore[misc]


def test_regression_first_offending_match_is_reported(lexicon: Lexicon,
                                                      rules: SenseRules) -> None:
    m = compile_matcher(lexicon, rules)
    a = doc("国家安全和国防。", doc_id="a")
    ms = m.find(a, split_sentences("a", a.text, "zh"))
    bad = [ms[0], dataclasses.replace(ms[1], doc_id="z"), dataclasses.replace(ms[2], doc_id="y")]
    with pytest.raises(AnalysisError) as info:
        count_table(a, bad, lexicon, "substring")
    assert info.value.code == "E303"
    assert f"{ms[1].entry_id}@{ms[1].start} (doc 'z', substring)" in str(info.value)
    foreign = dataclasses.replace(ms[0], entry_id="zh.not.in.lexicon")
    with pytest.raises(AnalysisError, match=r"zh\.not\.in\.lexicon"):
        count_table(a, [foreign], lexicon, "substring")


_SIZE_PIECES = ["安全", "国家", " ", "\u3000", "\n", "\r\n", "\t", "\x85", "\xa0", "\u2028",
                "\u200b", "\U00020000", "\ud800", "abc", "。", "\x1c"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SIZE_PIECES), max_size=40).map("".join),
       st.integers(min_value=0, max_value=400))
def test_text_nonspace_fast_path_equals_split(piece: str, repeat: int) -> None:
    """Regression guard for the numpy count (texts of 1,000+ characters) of zh sizes."""
    from seclens.measures.counts import text_nonspace

    text = piece * repeat
    assert text_nonspace(text) == sum(map(len, text.split()))
    assert text_size(text, "zh") == (sum(map(len, text.split())), "characters")
