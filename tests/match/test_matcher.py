"""Match stage: golden counts, conventions, senses, KWIC rows, offsets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import AnalysisError, ConfigError
from seclens.lexicon import Lexicon, SenseRules, load_lexicon, load_sense_rules
from seclens.match import Matcher, MatchOptions, compile_matcher
from seclens.match.matcher import _collapse
from seclens.segment import split_sentences
from seclens.types import Document, DocumentMeta, LexiconEntry, Match

AIDP = "cn-sc-2017-aidp"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def rules() -> SenseRules:
    return load_sense_rules()


@pytest.fixture(scope="session")
def substring(lexicon: Lexicon, rules: SenseRules) -> Matcher:
    return compile_matcher(lexicon, rules, MatchOptions("substring"))


@pytest.fixture(scope="session")
def exact(lexicon: Lexicon, rules: SenseRules) -> Matcher:
    """Substring matcher on the text exactly as given (no joining of broken compounds)."""
    return compile_matcher(lexicon, rules, MatchOptions("substring", join_cjk_breaks=False))


@pytest.fixture(scope="session")
def token(lexicon: Lexicon, rules: SenseRules) -> Matcher:
    return compile_matcher(lexicon, rules, MatchOptions("token"))


def doc(text: str, lang: str = "zh", doc_id: str = "d") -> Document:
    return Document(meta=DocumentMeta(doc_id=doc_id, language=lang), text=text)


def run(m: Matcher, text: str, lang: str = "zh") -> list[Match]:
    d = doc(text, lang)
    return m.find(d, split_sentences(d.doc_id, text, lang))


def terms(ms: list[Match]) -> Counter[str]:
    return Counter(x.term for x in ms)


@pytest.fixture(scope="session")
def aidp(corpus_dir: Path) -> Document:
    return doc((corpus_dir / "docs" / f"{AIDP}.txt").read_text(encoding="utf-8"), "zh", AIDP)


def test_golden_aidp_substring_counts(aidp: Document, substring: Matcher,
                                      reference_dir: Path) -> None:
    import json
    seed = json.loads((reference_dir / "seed_figures.json").read_text(encoding="utf-8"))
    expected = next(d["counts"] for d in seed["document_counts"] if d["doc_id"] == AIDP)
    ms = substring.find(aidp, split_sentences(AIDP, aidp.text, "zh"))
    c = terms(ms)
    assert {t: c[t] for t in expected} == expected == {"安全": 48, "国家安全": 8, "国防": 11}
    anquan = [m for m in ms if m.term == "安全"]
    assert len(anquan) == 48
    assert all(aidp.text[m.start:m.end] == "安全" == m.matched_text for m in anquan)


def test_aidp_token_convention(aidp: Document, token: Matcher) -> None:
    ms = token.find(aidp, split_sentences(AIDP, aidp.text, "zh"))
    c = terms(ms)
    assert c["国家安全"] == 8 and c["国防"] == 11
    # under token, 安全 inside 国家安全/网络安全/安全可控 ... is not counted
    assert c["安全"] < 48
    for m in ms:
        assert aidp.text[m.start:m.end] == m.term
    assert token.unmatchable() == []


def test_substring_counts_overlapping_compounds_token_does_not(substring: Matcher,
                                                               token: Matcher) -> None:
    text = "维护国家安全和网络安全，巩固国防建设。"
    assert terms(run(substring, text)) == Counter(
        {"安全": 2, "国家安全": 1, "网络安全": 1, "国防": 1})
    assert terms(run(token, text)) == Counter({"国家安全": 1, "网络安全": 1, "国防": 1})


@pytest.mark.parametrize(("text", "expected"), [
    ("National Security matters. SECURITY!", {"national security": 1, "security": 2}),
    ("cybersecurity is not security-free", {"cybersecurity": 1, "security": 1}),
    ("national  security", {"national security": 1, "security": 1}),
    ("national\nsecurity", {"security": 1}),
    ("insecure unsafe safes", {}),
    ("the threat; threats; risks", {"threat": 1, "threats": 1, "risks": 1}),
    ("military-civil fusion", {"military-civil fusion": 1, "military": 1}),
])
def test_english_case_insensitive_whole_words(substring: Matcher, text: str,
                                              expected: dict[str, int]) -> None:
    assert dict(terms(run(substring, text, "en"))) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("National Security and security", {"national security": 1, "security": 1}),
    ("national-security", {"security": 1}),
    ("military-civil fusion", {"military-civil fusion": 1}),
    ("national  security risks", {"national security": 1, "risks": 1}),
])
def test_english_token_convention(token: Matcher, text: str, expected: dict[str, int]) -> None:
    assert dict(terms(run(token, text, "en"))) == expected


@pytest.mark.parametrize(("text", "sense", "rule"), [
    ("维护国家安全。", "security", "zh.sense.national_security"),
    ("保障数据安全。", "security", "zh.sense.data_security"),
    ("核心技术安全可控。", "security", "zh.sense.secure_controllable|zh.sense.technology_security"),
    ("加强安全生产。", "safety", "zh.sense.work_safety"),
    ("保障食品安全。", "safety", "zh.sense.food_safety"),
    ("产品安全可靠。", "safety", "zh.sense.product_safety|zh.sense.safe_reliable"),
    ("社会安全运行。", "undetermined", "zh.sense.safe_operation|zh.sense.societal_security"),
    ("提升公共安全保障。", "undetermined", "zh.sense.public_security_or_safety"),
    ("加强安全监管。", "undetermined", ""),
])
def test_sense_of_anquan(substring: Matcher, text: str, sense: str, rule: str) -> None:
    ms = [m for m in run(substring, text) if m.term == "安全"]
    assert len(ms) == 1
    assert (ms[0].sense, ms[0].sense_rule) == (sense, rule)


def test_longest_pattern_wins(substring: Matcher) -> None:
    # 食品安全 (safety, 4) vs 安全和保密 (security, 5): the longer pattern decides
    ms = [m for m in run(substring, "食品安全和保密。") if m.term == "安全"]
    assert (ms[0].sense, ms[0].sense_rule) == ("security", "zh.sense.confidentiality")


@pytest.mark.parametrize(("text", "term", "sense", "rule"), [
    ("Security is key.", "security", "security", "en.sense.security"),
    ("AI safety matters.", "safety", "safety", "en.sense.safety"),
    ("for public safety.", "safety", "safety", "en.sense.public_safety"),
    ("the Social Security Administration", "security", "name", "en.name.social_security"),
    ("cuts to social security payments", "security", "undetermined", "en.sense.social_security"),
    ("a safe harbor", "safe", "undetermined", "en.sense.safe_harbor"),
    ("safe, secure AI", "secure", "security", "en.sense.secure"),
])
def test_english_senses(substring: Matcher, text: str, term: str, sense: str,
                        rule: str) -> None:
    ms = [m for m in run(substring, text, "en") if m.term == term]
    assert [(m.sense, m.sense_rule) for m in ms] == [(sense, rule)]


def test_non_ambiguous_entries_are_not_applicable(substring: Matcher) -> None:
    for m in run(substring, "维护国家安全，巩固国防。"):
        if m.term != "安全":
            assert (m.sense, m.sense_rule) == ("not_applicable", "")


def test_kwic_row(substring: Matcher) -> None:
    text = "第一段\n\u3000\u3000有效保障国家安全。\n下文很长很长"
    ms = [m for m in run(substring, text) if m.term == "国家安全"]
    m = ms[0]
    assert m.sentence_index == 1 and m.doc_id == "d" and m.convention == "substring"
    assert (m.entry_id, m.category, m.sector) == ("zh.sec.national_security", "sector", "national")
    assert m.left == "第一段 有效保障" and m.right == "。 下文很长很长"
    narrow = compile_matcher(load_lexicon(), load_sense_rules(), MatchOptions(context_chars=2))
    m2 = next(x for x in run(narrow, text) if x.term == "国家安全")
    assert (m2.left, m2.right) == ("保障", "。 ")


@pytest.mark.parametrize("s", ["", " ", "a", "a b", " a\n\u3000b ", "\n\n", "安全\t", "x  y",
                               "a ", " a b", "a\u00a0b", "a\u2028b"])
def test_collapse_equals_regex(s: str) -> None:
    import re
    assert _collapse(s) == re.sub(r"\s+", " ", s)


WORDS = ["安全", "国家安全", "国防", "建设", "，", "。", "\n", "\u3000", "网络", "生产", "风险",
         "的"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40).map("".join))
def test_offsets_slice_back_and_counts_equal_overlapping_find(
        substring: Matcher, exact: Matcher, lexicon: Lexicon, text: str) -> None:
    from seclens.normalize import join_cjk_breaks

    ms = run(exact, text)
    for x in ms:
        assert text[x.start:x.end] == x.matched_text == x.term
    joined_ms = run(substring, text)  # default: compounds broken by whitespace joined
    for x in joined_ms:
        assert text[x.start:x.end] == x.matched_text
        assert "".join(x.matched_text.split()) == x.term
    joined = join_cjk_breaks(text).text
    for e in lexicon.for_lang("zh"):
        for source, found in ((text, ms), (joined, joined_ms)):
            n, i = 0, source.find(e.term)
            while i >= 0:
                n, i = n + 1, source.find(e.term, i + 1)
            assert terms(found)[e.term] == n


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Security", "national", " ", "safety", "SAFE", ".", "\n",
                                 "cyber", "risks", "-", "İ"]), max_size=30).map("".join))
def test_english_offsets_slice_back(substring: Matcher, token: Matcher, text: str) -> None:
    for x in run(substring, text, "en") + run(token, text, "en"):
        assert text[x.start:x.end] == x.matched_text
        assert " ".join(x.matched_text.lower().split()) == x.term


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, " ", "x"]), max_size=40).map("".join),
       st.integers(min_value=0, max_value=12))
def test_kwic_context_is_the_collapsed_neighbourhood(lexicon: Lexicon, rules: SenseRules,
                                                     text: str, ctx: int) -> None:
    import re
    m = compile_matcher(lexicon, rules, MatchOptions(context_chars=ctx))
    for x in run(m, text):
        assert x.left == re.sub(r"\s+", " ", text[max(0, x.start - ctx):x.start])
        assert x.right == re.sub(r"\s+", " ", text[x.end:x.end + ctx])


@dataclass(frozen=True)
class SpaceFreeText:
    """A toy normalization: drop whitespace, keep a map back to the original."""

    original: str
    text: str
    pos: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> SpaceFreeText:
        pos = tuple(i for i, c in enumerate(original) if not c.isspace())
        return cls(original, "".join(original[i] for i in pos), pos)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.pos[start], self.pos[end - 1] + 1


def test_analysis_text_spans_map_back_to_the_original(substring: Matcher,
                                                     exact: Matcher) -> None:
    text = "维护国家\n安全，国 防。"
    d = doc(text)
    sents = split_sentences("d", text, "zh")
    plain = terms(exact.find(d, sents))
    assert plain["国家安全"] == 0 and plain["国防"] == 0
    joined = terms(substring.find(d, sents))  # default: broken compounds joined
    assert joined["国家安全"] == 1 and joined["国防"] == 1
    ms = exact.find(d, sents, SpaceFreeText.of(text))
    got = {(x.term, x.matched_text) for x in ms}
    assert ("国家安全", "国家\n安全") in got and ("国防", "国 防") in got
    for x in ms:
        assert x.matched_text == text[x.start:x.end]


def test_analysis_text_of_another_text_is_rejected(substring: Matcher) -> None:
    d = doc("国家安全。")
    with pytest.raises(AnalysisError) as info:
        substring.find(d, split_sentences("d", d.text, "zh"), SpaceFreeText.of("别的。"))
    assert info.value.code == "E304"


def test_sentences_of_another_text_are_rejected(substring: Matcher) -> None:
    d = doc("前言很长很长很长。国家安全。")
    with pytest.raises(AnalysisError) as info:
        substring.find(d, split_sentences("d", "前言。", "zh"))
    assert info.value.code == "E305"
    with pytest.raises(AnalysisError) as info:  # regression: no sentences at all
        substring.find(d, [])
    assert info.value.code == "E305"
    shuffled = list(reversed(split_sentences("d", d.text, "zh")))  # any order is accepted
    assert substring.find(d, shuffled) == substring.find(d, split_sentences("d", d.text, "zh"))


def test_unsupported_language_is_an_error(substring: Matcher) -> None:
    with pytest.raises(AnalysisError) as info:
        substring.find(doc("texte", "other"), [])
    assert info.value.code == "E302"


@pytest.mark.parametrize("kwargs", [{"convention": "regex"}, {"context_chars": -1},
                                    {"context_chars": 2.5}])
def test_invalid_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as info:
        MatchOptions(**kwargs)  # type: ignore[arg-type]
    assert info.value.code == "E301"


def test_unmatchable_reports_terms_the_segmenter_cannot_produce(rules: SenseRules) -> None:
    odd = [LexiconEntry("u.space", "国家 安全", "zh", "sector", "national", "S"),
           LexiconEntry("u.usa", "u.s.", "en", "sector", "national", "S"),
           LexiconEntry("u.ok", "国防", "zh", "sector", "military", "S")]
    lx = Lexicon("u", "1", "T", "S", tuple(odd))
    bad = compile_matcher(lx, rules, MatchOptions("token")).unmatchable()
    assert sorted(e.entry_id for e, _ in bad) == ["u.space", "u.usa"]
    assert all(reason for _, reason in bad)
    assert compile_matcher(lx, rules, MatchOptions("substring")).unmatchable() == []


def test_matches_are_sorted_and_deterministic(substring: Matcher) -> None:
    ms = run(substring, "国家安全与国防安全。安全生产。")
    keys = [(m.start, m.end) for m in ms]
    assert keys == sorted(keys)
    assert ms == run(substring, "国家安全与国防安全。安全生产。")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["安全", "国家", "生产", "社会", "运行", "公共", "食品", "和保密",
                                 "、可靠", "。"]), max_size=25).map("".join))
def test_cached_sense_equals_uncached(rules: SenseRules, text: str) -> None:
    from seclens.match.senses import build_resolvers
    resolver = build_resolvers(rules)[("zh", "安全")]
    cache: dict[str, object] = {}
    i = text.find("安全")
    while i >= 0:
        assert resolver.decide_cached(text, i, cache) == resolver.decide(text, i)  # type: ignore[arg-type]
        i = text.find("安全", i + 1)


EN_PIECES = ["national", "security", "Security", " ", "  ", "\n", "cyber", "-", "safe", "ty",
             "public", "safety", "AI", "ai", "countries", "of", "concern", "risks", "x", ".",
             "military-civil", "fusion", "\u3000", "\t", "homeland", "s"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EN_PIECES), max_size=30).map("".join))
def test_english_substring_equals_a_naive_regex_reference(substring: Matcher, lexicon: Lexicon,
                                                          text: str) -> None:
    """Regression guard for the fast paths (base-term reuse, phrases from the last word)."""
    import re
    hspace = r"[^\S\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+"
    expected = set()
    for e in lexicon.for_lang("en"):
        body = hspace.join(re.escape(w) for w in e.term.split(" "))
        pat = re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)
        i = 0
        while True:  # overlapping search
            m = pat.search(text, i)
            if m is None:
                break
            expected.add((m.start(), m.end(), e.entry_id))
            i = m.start() + 1
    got = {(m.start, m.end, m.entry_id) for m in run(substring, text, "en")}
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["安全", "国家", "网络", "意识形态", "总体", "观", "国防", "军民",
                                 "融合", "可控", "科技", "。", "\n"]), max_size=30).map("".join))
def test_chinese_substring_equals_naive_find(exact: Matcher, substring: Matcher,
                                             lexicon: Lexicon, text: str) -> None:
    expected = set()
    for e in lexicon.for_lang("zh"):
        i = text.find(e.term)
        while i >= 0:
            expected.add((i, i + len(e.term), e.entry_id))
            i = text.find(e.term, i + 1)
    assert {(m.start, m.end, m.entry_id) for m in run(exact, text)} == expected
    # default: the same naive find on the joined text, spans mapped back
    from seclens.normalize import join_cjk_breaks

    nt = join_cjk_breaks(text)
    joined = set()
    for e in lexicon.for_lang("zh"):
        i = nt.text.find(e.term)
        while i >= 0:
            joined.add((*nt.to_original(i, i + len(e.term)), e.entry_id))
            i = nt.text.find(e.term, i + 1)
    assert {(m.start, m.end, m.entry_id) for m in run(substring, text)} == joined


def test_traditional_text_matches_through_the_normalizer(substring: Matcher) -> None:
    normalize = pytest.importorskip("seclens.normalize")
    text = "維護國家安全，鞏固國防建設。"
    d = doc(text)
    view = normalize.Converter("t2s").convert(text)
    ms = substring.find(d, split_sentences("d", text, "zh"), view)
    got = {(m.term, m.matched_text) for m in ms}
    assert {("国家安全", "國家安全"), ("安全", "安全"), ("国防", "國防")} <= got
    for m in ms:
        assert text[m.start:m.end] == m.matched_text


def test_found_matches_are_ordinary_match_objects(substring: Matcher) -> None:
    names = [f.name for f in fields(Match)]
    for m in run(substring, "维护国家安全，巩固国防。安全生产。") + run(
            substring, "National security and safety.", "en"):
        assert list(vars(m)) == names
        assert m == Match(**{n: getattr(m, n) for n in names})
        assert hash(m) == hash(Match(**{n: getattr(m, n) for n in names}))


def test_scan_plan_reuses_contained_terms(substring: Matcher) -> None:
    """Terms containing a shorter lexicon term are found from its hits, not by a new scan."""
    plan = {t.entry.term: (base, off) for t, base, off in substring._plans["zh"]}
    terms = [t.entry.term for t, _, _ in substring._plans["zh"]]
    base, off = plan["国家安全"]
    assert terms[base] == "安全" and off == 2
    base, off = plan["总体国家安全观"]
    assert terms[base] == "国家安全" and off == 2
    assert plan["安全"] == (-1, 0) and plan["国防"] == (-1, 0)
    en = {t.entry.term: (base, off) for t, base, off in substring._plans["en"]}
    en_terms = [t.entry.term for t, _, _ in substring._plans["en"]]
    assert en_terms[en["threats"][0]] == "threat"
    assert en_terms[en["cybersecurity"][0]] == "security"


def naive_occurrences(lexicon: Lexicon, text: str, lang: str = "zh") -> set[tuple[int, int, str]]:
    out = set()
    for e in lexicon.for_lang(lang):
        i = text.find(e.term)
        while i >= 0:
            out.add((i, i + len(e.term), e.entry_id))
            i = text.find(e.term, i + 1)
    return out


def test_chinese_scan_uses_one_regex_pass_for_the_default_lexicon(substring: Matcher) -> None:
    program = substring._programs["zh"]
    assert program.regex is not None
    assert substring._programs["en"].regex is None  # str.find loops for English


OVERLAPPING = [LexiconEntry("o.risk", "风险", "zh", "threat", "general", "S"),
               LexiconEntry("o.danger", "险情", "zh", "threat", "general", "S"),  # 风险情
               LexiconEntry("o.haha", "哈哈", "zh", "threat", "general", "S"),    # 哈哈哈
               LexiconEntry("o.dup", "风险", "zh", "threat", "general", "S"),     # duplicate
               LexiconEntry("o.sec", "安全", "zh", "security", "general", "S"),
               LexiconEntry("o.nsec", "国家安全", "zh", "sector", "national", "S"),
               LexiconEntry("o.nsec2", "国家安全", "zh", "sector", "national", "S")]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["风", "险", "情", "哈", "安全", "国家", "。"]),
                max_size=30).map("".join))
def test_regression_overlapping_or_duplicate_terms_fall_back_to_find_loops(
        rules: SenseRules, text: str) -> None:
    lx = Lexicon("o", "1", "T", "S", tuple(OVERLAPPING))
    matcher = compile_matcher(lx, rules)
    assert matcher._programs["zh"].regex is None  # 风险/险情 and 哈哈/哈哈 can overlap
    assert {(m.start, m.end, m.entry_id) for m in run(matcher, text)} == naive_occurrences(
        lx, text)
    # without the overlapping terms the regex pass is used, with the same result
    lx2 = Lexicon("o", "1", "T", "S", tuple(e for e in OVERLAPPING
                                          if e.entry_id not in ("o.danger", "o.haha")))
    m2 = compile_matcher(lx2, rules)
    assert m2._programs["zh"].regex is not None
    assert {(m.start, m.end, m.entry_id) for m in run(m2, text)} == naive_occurrences(lx2, text)


def reference_sense(rules: SenseRules, lang: str, anchor: str, text: str,
                    start: int) -> tuple[str, str]:
    """The precedence of docs/counting.md, rule by rule (no grouping, no precomputation)."""
    def word(ch: str) -> bool:
        return ch.isalnum() or ch == "_"
    fired = []
    for r in rules.rules:
        if r.lang != lang or r.anchor != anchor:
            continue
        ws, we = start - r.offset, start - r.offset + len(r.pattern)
        if ws < 0 or we > len(text) or text[ws:we] != r.pattern:
            continue
        if lang == "en" and ((word(r.pattern[0]) and ws > 0 and word(text[ws - 1]))
                             or (word(r.pattern[-1]) and we < len(text) and word(text[we]))):
            continue
        fired.append(r)
    if not fired:
        return "undetermined", ""
    longest = max(len(r.pattern) for r in fired)
    top = [r for r in fired if len(r.pattern) == longest]
    senses = {r.sense for r in top}
    ids = "|".join(sorted(r.rule_id for r in top))
    return (senses.pop() if len(senses) == 1 else "undetermined"), ids


def _assert_every_decision(rules: SenseRules, text: str) -> None:
    """Each 安全 in ``text``: the resolver decides as the rule-by-rule reference."""
    from seclens.match.senses import build_resolvers

    resolver = build_resolvers(rules)[("zh", "安全")]
    i = text.find("安全")
    while i >= 0:
        dec = resolver.decide(text, i)
        assert (dec.sense, dec.rule) == reference_sense(rules, "zh", "安全", text, i)
        i = text.find("安全", i + 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["安全", "国家", "生产", "社会", "运行", "公共", "食品", "和保密",
                                 "、可靠", "。", "人工智能", "产品", "可控", "网络"]),
                max_size=25).map("".join))
def test_chinese_senses_equal_the_rule_by_rule_reference(rules: SenseRules, text: str) -> None:
    _assert_every_decision(rules, text)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_chinese_sense_prefilter_keeps_every_decision(rules: SenseRules,
                                                      data: st.DataObject) -> None:
    """Regression guard for the quick necessary condition in ``SenseResolver.decide``
    (the characters just before and after the anchor): texts built from the characters
    of the rules' own patterns, so that the rules fire, nearly fire and do not fire."""
    chars = sorted({c for r in rules.rules if r.lang == "zh" for c in r.pattern} | set("的。 \n"))
    text = data.draw(st.lists(st.sampled_from([*chars, "安全", "安全"]), max_size=40).map("".join))
    _assert_every_decision(rules, text)


def test_sense_prefilter_is_off_when_a_pattern_is_the_anchor_alone() -> None:
    from seclens.lexicon import SenseRule, SenseRules
    from seclens.match.senses import build_resolvers
    rules = SenseRules("t", "1", (
        SenseRule("r1", "zh", "安全", "安全", "security", "S"),
        SenseRule("r2", "zh", "安全生产", "安全", "safety", "S"),
    ))
    resolver = build_resolvers(rules)[("zh", "安全")]
    assert resolver._before is None  # the quick check is off
    assert resolver.decide("的安全的", 1).rule == "r1"
    assert resolver.decide("的安全生产", 1).rule == "r2"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*EN_PIECES, "social", "interest", "harbor", "secure", "_"]),
                max_size=25).map("".join))
def test_english_senses_equal_the_rule_by_rule_reference(rules: SenseRules, text: str) -> None:
    from seclens.match.senses import build_resolvers
    low = text.lower()
    for (lang, anchor), resolver in build_resolvers(rules).items():
        if lang != "en":
            continue
        i = low.find(anchor)
        while i >= 0:
            dec = resolver.decide(low, i)
            assert (dec.sense, dec.rule) == reference_sense(rules, "en", anchor, low, i)
            i = low.find(anchor, i + 1)


def test_english_terms_sharing_a_prefix_are_located_by_one_scan(substring: Matcher) -> None:
    needles = dict(substring._programs["en"].needles)
    assert needles["secur"] == ("secure", "security")
    assert needles["military"] == ("military", "military-civil")  # phrase head from a term
    from seclens.match.matcher import _needle_groups
    assert _needle_groups(["abcdx", "abcdy", "abcdxz", "ab"]) == (
        ("ab", ("ab",)), ("abcd", ("abcdx", "abcdxz", "abcdy")))


def _lower_same_length_reference(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(["National SECURITY", " ", "\n", "“", "”", "—", "é", "É", "Σ",
                              "ΟΔΟΣ", "σ", "İ", "\u212a", "ẞ", "ß", "ǅ", "安全", "\ud800", "x"]),
             max_size=20).map("".join)))
def test_lower_same_length_fast_path_equals_the_definition(text: str) -> None:
    """Regression guard for the UTF-8 ``bytes.lower`` fast path of the English matcher."""
    from seclens.match.matcher import _lower_same_length

    assert _lower_same_length(text) == _lower_same_length_reference(text)



def test_english_text_with_a_lone_surrogate_is_matched_by_find_loops(substring: Matcher
                                                                     ) -> None:
    """A lone surrogate has no UTF-8 form, so the Aho–Corasick pass cannot take the text;
    the matcher falls back to ``str.find`` loops and finds the same matches."""
    from seclens.match.scan import WordScanner

    scanner = substring._programs["en"].scanner
    assert isinstance(scanner, WordScanner)
    text = "National security\udc80 risks. Secure systems and national  security."
    assert scanner.hits(text) is None
    assert terms(run(substring, text, "en")) == terms(
        run(substring, text.replace("\udc80", " "), "en"))
    assert terms(run(substring, text, "en"))["security"] == 2
