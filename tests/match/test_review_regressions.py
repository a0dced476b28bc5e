"""Regression tests named after the reviewer's cases (senses, Taiwan variants, names)."""

from __future__ import annotations

import pytest

from seclens.lexicon import Lexicon, SenseRules, load_lexicon, load_sense_rules
from seclens.match import Matcher, MatchOptions, compile_matcher
from seclens.normalize import to_simplified
from seclens.segment import split_sentences
from seclens.types import Document, DocumentMeta, Match


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="module")
def rules() -> SenseRules:
    return load_sense_rules()


@pytest.fixture(scope="module")
def matcher(lexicon: Lexicon, rules: SenseRules) -> Matcher:
    return compile_matcher(lexicon, rules, MatchOptions("substring"))


def run(m: Matcher, text: str, lang: str = "zh", analysis_text: object = None) -> list[Match]:
    d = Document(meta=DocumentMeta(doc_id="d", language=lang), text=text)
    return m.find(d, split_sentences("d", text, lang), analysis_text)  # type: ignore[arg-type]


def bare(ms: list[Match], term: str) -> list[Match]:
    return [x for x in ms if x.term == term]


# ---------------------------------------------------------------- case 4: coordinated lists
@pytest.mark.parametrize(("text", "rule"), [
    ("切实维护国家主权、安全和发展利益。", "zh.sense.coord_security_development_interests"),
    ("维护国家主权、安全、发展利益。", "zh.sense.coord_security_development_interests_list"),
    ("维护国家主权和安全。", "zh.sense.coord_sovereignty_and_security"),
    ("坚持发展和安全并重。", "zh.sense.development_and_security"),
    ("统筹人工智能发展、安全与治理。", "zh.sense.coord_development_list_security"),
])
def test_regression_sovereignty_security_formula(matcher: Matcher, text: str, rule: str) -> None:
    (m,) = bare(run(matcher, text), "安全")
    assert (m.sense, m.sense_rule) == ("security", rule)


def test_regression_coordinated_list_does_not_override_longer_ai_safety(matcher: Matcher) -> None:
    # 人工智能安全 (6 characters) is longer than 安全和发展 (5): the longest pattern wins
    (m,) = bare(run(matcher, "促进人工智能安全和发展。"), "安全")
    assert (m.sense, m.sense_rule) == ("safety", "zh.sense.ai_safety")


def test_regression_stability_is_not_a_security_cue(matcher: Matcher) -> None:
    # 稳定 is deliberately not a cue (安全稳定运行 of systems is safety)
    (m,) = bare(run(matcher, "保障电网安全稳定运行。"), "安全")
    assert m.sense_rule == "" or "coord" not in m.sense_rule


# ---------------------------------------------------------------- case 3: Taiwan variants
@pytest.mark.parametrize(("traditional", "term", "sector"), [
    ("強化網路安全。", "网路安全", "cyber"),
    ("確保資料安全。", "资料安全", "data"),
    ("提升資訊安全。", "资讯安全", "cyber"),
    ("依資通安全管理法。", "资通安全", "cyber"),
])
def test_regression_taiwan_variants_after_t2s(matcher: Matcher, traditional: str, term: str,
                                              sector: str) -> None:
    nt = to_simplified(traditional, "t2s")
    ms = run(matcher, traditional, analysis_text=nt)
    (hit,) = bare(ms, term)
    assert hit.sector == sector and hit.category == "sector"
    assert hit.matched_text == traditional[hit.start:hit.end]  # original script kept
    (anquan,) = bare(ms, "安全")
    assert anquan.sense == "security"


def test_regression_taiwan_variants_tw2sp_gives_mainland_terms(matcher: Matcher) -> None:
    text = "強化網路安全與資料安全。"
    ms = run(matcher, text, analysis_text=to_simplified(text, "tw2sp"))
    got = {x.term for x in ms}
    assert {"网络安全", "数据安全"} <= got and not {"网路安全", "资料安全"} & got
    assert {x.matched_text for x in ms if x.term in ("网络安全", "数据安全")} == {"網路安全",
                                                                                "資料安全"}


# ---------------------------------------------------------------- case 5: 人工智能安全
def test_regression_ai_security_entry_consistent_with_ai_safety_rule(lexicon: Lexicon,
                                                                      rules: SenseRules) -> None:
    (entry,) = [e for e in lexicon.entries if e.entry_id == "zh.sec.ai_security"]
    assert entry.term == "人工智能安全" and entry.sector == "ai"  # id and term stable
    assert "safety and security" in entry.note and "zh.sense.ai_safety" in entry.note
    (rule,) = [r for r in rules.rules if r.rule_id == "zh.sense.ai_safety"]
    assert rule.pattern == entry.term and rule.sense == "safety"
