"""Regression tests named after the reviewer's cases (senses, Taiwan variants, names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------- case 1: proper names
@pytest.mark.parametrize(("text", "term", "rule"), [
    ("the Secretary of Homeland Security shall", "security", "en.name.secretary_dhs"),
    ("the Secretary of Homeland Security shall", "homeland security", "en.name.secretary_dhs"),
    ("the Department of Homeland Security", "homeland security", "en.name.dhs"),
    ("the Assistant to the President for National Security Affairs", "national security",
     "en.name.apnsa"),
    ("the National Security Council", "security", "en.name.nsc"),
    ("the National Security Agency", "national security", "en.name.nsa"),
    ("the Cybersecurity and Infrastructure Security Agency", "cybersecurity", "en.name.cisa"),
    ("the Cybersecurity and Infrastructure Security Agency", "security", "en.name.cisa"),
    ("the Social Security Administration", "security", "en.name.social_security"),
    ("the Secretary of Defense", "defense", "en.name.secdef"),
    ("the National\nSecurity Council", "security", "en.name.nsc"),  # broken across lines
])
def test_regression_office_names_get_sense_name(matcher: Matcher, text: str, term: str,
                                                rule: str) -> None:
    ms = bare(run(matcher, text, "en"), term)
    assert ms and all((m.sense, m.sense_rule) == ("name", rule) for m in ms)


@pytest.mark.parametrize("text", [
    "protect homeland security and national security.",  # lower case: ordinary use
    "the national security council of experts",
    "HOMELAND SECURITY DEPARTMENT",
])
def test_regression_lowercase_is_not_a_name(matcher: Matcher, text: str) -> None:
    assert all(m.sense != "name" for m in run(matcher, text, "en"))


def test_regression_names_still_counted_under_substring(matcher: Matcher,
                                                        lexicon: Lexicon) -> None:
    from seclens.measures.counts import count_table

    text = "The Secretary of Homeland Security shall protect national security."
    d = Document(meta=DocumentMeta(doc_id="d", language="en"), text=text)
    ms = matcher.find(d, split_sentences("d", text, "en"))
    rows = {(r.key_type, r.key): r.count for r in count_table(d, ms, lexicon, "substring")}
    # every occurrence is found and kept as evidence: 2 x security, 1 x each compound
    assert rows[("term", "security")] == 2
    assert rows[("term", "homeland security")] == 1 and rows[("term", "national security")] == 1
    # the two matches inside the office name are reported as name, the rest as before
    assert rows[("sense", "name")] == 2
    assert rows[("sense", "security")] == 1
    # sector/category/total rows stay sums of term rows (documented)
    assert rows[("sector", "homeland")] == 1 and rows[("total", "all")] == len(ms)


def test_regression_eo14110_names_54_of_security(corpus_dir: Path, matcher: Matcher) -> None:
    text = (corpus_dir / "docs" / "us-eo-14110-2023.txt").read_text(encoding="utf-8")
    ms = bare(run(matcher, text, "en"), "security")
    assert len(ms) == 111  # substring: every occurrence is still found
    named = [m for m in ms if m.sense == "name"]
    assert len(named) == 54
    assert all(m.matched_text == "Security" for m in named)
    # ordinary title-case uses are not names
    assert any(m.sense == "security" and m.matched_text == "Security" for m in ms)


def test_regression_chinese_ministry_of_state_security_stays_security(matcher: Matcher) -> None:
    ms = run(matcher, "国家安全部依法履行职责。")
    assert {m.term: m.sense for m in ms if m.term == "安全"} == {"安全": "security"}


def test_regression_aidp_golden_unchanged_by_names(corpus_dir: Path, matcher: Matcher) -> None:
    text = (corpus_dir / "docs" / "cn-sc-2017-aidp.txt").read_text(encoding="utf-8")
    ms = run(matcher, text)
    assert (len(bare(ms, "安全")), len(bare(ms, "国家安全")), len(bare(ms, "国防"))) == (48, 8, 11)
    assert all(m.sense != "name" for m in ms)


@pytest.mark.parametrize(("names", "code"), [
    ('- {id: n.1, lang: en, pattern: "A  B", source: s}', "E210"),
    ('- {id: n.1, lang: en, pattern: " A B", source: s}', "E210"),
    ('- {id: r.1, lang: en, pattern: "A B", source: s}', "E207"),
    ('- {id: n.1, lang: xx, pattern: "A B", source: s}', "E206"),
    ('- {id: n.1, lang: en, pattern: "A B"}', "E205"),
    ('- {id: n.1, lang: en, pattern: "A B", source: s, extra: 1}', "E204"),
])
def test_name_rules_validation(tmp_path: Path, names: str, code: str) -> None:
    from seclens.errors import LexiconError

    f = tmp_path / "r.yaml"
    f.write_text("rules_id: t\nversion: '1'\nrules:\n"
                 "- {id: r.1, lang: en, pattern: security, anchor: security, sense: security,"
                 " source: s}\nnames:\n" + names + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_sense_rules(f)
    assert err.value.code == code


# ---------------------------------------------------------------- case 2: broken compounds
@pytest.mark.parametrize("text", ["维护国家\n安全。", "维护国家 安全。", "维护国家\u3000安全。",
                                  "维护国\n家安全。"])
def test_regression_compound_split_by_line_break(matcher: Matcher, text: str) -> None:
    ms = run(matcher, text)
    (nat,) = bare(ms, "国家安全")
    assert nat.matched_text == text[nat.start:nat.end]
    assert "".join(nat.matched_text.split()) == "国家安全" != nat.matched_text
    (anquan,) = bare(ms, "安全")
    assert (anquan.sense, anquan.sense_rule) == ("security", "zh.sense.national_security")
    assert anquan.matched_text == "安全"


def test_regression_compound_split_join_can_be_turned_off(lexicon: Lexicon,
                                                          rules: SenseRules) -> None:
    off = compile_matcher(lexicon, rules, MatchOptions(join_cjk_breaks=False))
    assert not bare(run(off, "维护国家\n安全。"), "国家安全")


def test_regression_compound_split_with_t2s(matcher: Matcher) -> None:
    text = "維護國家\n安全。"
    ms = run(matcher, text, analysis_text=to_simplified(text))
    (nat,) = bare(ms, "国家安全")
    assert nat.matched_text == "國家\n安全"


def test_regression_compound_split_token_convention(lexicon: Lexicon, rules: SenseRules) -> None:
    tok = compile_matcher(lexicon, rules, MatchOptions("token"))
    (nat,) = bare(run(tok, "维护国家\n安全。"), "国家安全")
    assert nat.matched_text == "国家\n安全"


def test_regression_join_option_validated() -> None:
    from seclens.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        MatchOptions(join_cjk_breaks="yes")  # type: ignore[arg-type]
    assert err.value.code == "E301"


def test_regression_english_unaffected_by_join(matcher: Matcher) -> None:
    ms = run(matcher, "national\nsecurity", "en")
    assert not bare(ms, "national security")  # English phrases never cross a line break


NAME_WORDS = ["Secretary", "of", "Homeland", "Security", "security", "Department", "National",
              "Council", "Agency", "the", " ", "  ", "\n", ",", "x", "Defense", "Social",
              # a lexicon term inside a word of a name (security in Cybersecurity) and
              # names with Safety/Secure (regression: such parts must not open windows)
              "Cybersecurity", "cybersecurity", "and", "Infrastructure", "Safety", "safety",
              "Secure", "Cloud", "AI", "Institute", "Cyber-Security"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(NAME_WORDS), max_size=40).map(" ".join))
def test_names_searched_near_matches_equal_full_text_search(matcher: Matcher, rules: SenseRules,
                                                            text: str) -> None:
    import re

    from seclens.match.matcher import MAX_NAME_GAP

    # reference: every name occurrence in the whole text (same regex semantics), leftmost,
    # longest name first, non-overlapping, whole words
    names = sorted({n.pattern: n.rule_id for n in rules.names if n.lang == "en"}.items(),
                   key=lambda kv: (-len(kv[0]), kv[0]))
    occ: list[tuple[int, int, str]] = []
    pos = 0
    while pos <= len(text):
        best = None
        for pat, rid in names:
            rx = re.compile(rf"\s{{1,{MAX_NAME_GAP}}}".join(re.escape(w) for w in pat.split(" "))
                            + r"(?!\w)")
            m = rx.match(text, pos)
            if m and not (pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_")):
                best = (pos, m.end(), rid)
                break
        if best:
            occ.append(best)
            pos = best[1]
        else:
            pos += 1
    for m in run(matcher, text, "en"):
        inside = [rid for a, b, rid in occ if a <= m.start and m.end <= b]
        if inside:
            assert (m.sense, m.sense_rule) == ("name", inside[0])
        else:
            assert m.sense != "name"
