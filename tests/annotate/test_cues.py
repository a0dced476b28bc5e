"""Cue lexicons are data: ids, versions, sources; malformed files give coded errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.annotate.cues import (
    FIELDS,
    CueBook,
    load_cuebook,
    load_data_file,
    parse_cuebook,
    required_literals,
)
from seclens.errors import AnnotationError


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_packaged_cuebook_entries_have_ids_sources_and_known_fields(lang: str) -> None:
    book = load_cuebook(lang)
    assert book.version.startswith(f"{lang}-cues-")
    ids = [c.cue_id for c in book.cues]
    assert len(ids) == len(set(ids))
    for c in book.cues:
        assert c.cue_id.startswith(f"{lang}.")
        assert c.field in FIELDS
        assert c.source.strip()
        assert c.terms or c.regex is not None


def test_auxiliary_data_files_have_versions_and_sources() -> None:
    for name in ("rules", "facilitating", "actors"):
        data = load_data_file(name)
        assert data["version"]
    for e in load_data_file("facilitating")["entries"]:
        assert e["id"] and e["source"] and (e["zh"] or e["en"])
    for e in load_data_file("actors")["entries"]:
        assert e["id"] and e["en"] and e["source"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            {
                "lang": "zh",
                "entries": [{"id": "a", "field": "threat", "label": "1", "terms": ["风险"]}],
            },
            "E401",
        ),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "nope", "label": "1", "terms": ["x"], "source": "s"}
                ],
            },
            "E401",
        ),
        ({"lang": "xx", "entries": []}, "E401"),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "threat", "label": "1", "patterns": ["("], "source": "s"}
                ],
            },
            "E402",
        ),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "threat", "label": "1", "terms": ["x"], "source": "s"},
                    {"id": "a", "field": "threat", "label": "1", "terms": ["y"], "source": "s"},
                ],
            },
            "E403",
        ),
        (
            {
                "lang": "zh",
                "entries": [{"id": "a", "field": "threat", "label": "1", "source": "s"}],
            },
            "E401",
        ),
    ],
)
def test_malformed_cue_files_raise_coded_errors(data: dict, code: str) -> None:
    with pytest.raises(AnnotationError) as exc:
        parse_cuebook(data, "test.yaml")
    assert exc.value.code == code


def test_unsupported_language_is_an_error_not_a_fallback() -> None:
    with pytest.raises(AnnotationError) as exc:
        load_cuebook("fr")
    assert exc.value.code == "E405"


_BOOKS = {lang: load_cuebook(lang) for lang in ("zh", "en")}


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("国家安全风险威胁网络数据防范评估，。的和a b")), max_size=40
    )
)
def test_zh_hits_slice_back_to_matched_text(text: str) -> None:
    book = _BOOKS["zh"]
    for h in book.find(text):
        assert text[h.start : h.end] == h.matched


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["national", "security", "Risk", "management", "not", "a", "threat", ",", "AI", "must"]
        ),
        max_size=12,
    )
)
def test_en_hits_slice_back_and_respect_word_boundaries(words: list[str]) -> None:
    text = " ".join(words)
    book = _BOOKS["en"]
    for h in book.find(text):
        assert text[h.start : h.end] == h.matched
        assert h.start == 0 or not text[h.start - 1].isalnum()
        assert h.end == len(text) or not text[h.end].isalnum()


def test_english_terms_do_not_match_inside_words() -> None:
    book = load_cuebook("en")
    matched = {h.matched.lower() for h in book.find("The insecurity of unsafely built systems")}
    assert "security" not in matched and "safely" not in matched


# ---------------------------------------------------------------- fast find = reference
def _reference_find(book: CueBook, text: str, fields: list[str] | None = None
                    ) -> list[tuple[str, int, int, str]]:
    """The cue finder's definition, without its shortcuts: every term at every
    position (Chinese: a character loop; English: the token index), every pattern by
    ``regex.finditer`` with its lookbehind, no required-literal filter."""
    from seclens.annotate.cues import _en_tokens

    out: list[tuple[str, int, int, str]] = []
    for cue in book.cues:
        if fields is not None and cue.field not in fields:
            continue
        if book.lang == "zh":
            for term in cue.terms:
                i = text.find(term)
                while i >= 0:
                    out.append((cue.cue_id, i, i + len(term), term))
                    i = text.find(term, i + 1)
        else:
            toks = _en_tokens(text)
            for term in cue.terms:
                words = [t for t, _, _ in _en_tokens(term)]
                if not cue.case_sensitive:
                    words = [w.lower() for w in words]
                for i in range(len(toks) - len(words) + 1):
                    seq = [t for t, _, _ in toks[i:i + len(words)]]
                    if not cue.case_sensitive:
                        seq = [w.lower() for w in seq]
                    if words and seq == words:
                        s, e = toks[i][1], toks[i + len(words) - 1][2]
                        out.append((cue.cue_id, s, e, text[s:e]))
        if cue.regex is not None:
            out += [(cue.cue_id, m.start(), m.end(), m.group(0))
                    for m in cue.regex.finditer(text) if m.end() > m.start()]
    return sorted(out, key=lambda h: (h[1], h[1] - h[2], h[0], h[3]))


def _found(book: CueBook, text: str, fields: list[str] | None = None
           ) -> list[tuple[str, int, int, str]]:
    hits = [(h.cue.cue_id, h.start, h.end, h.matched) for h in book.find(text, fields)]
    assert hits == sorted(hits, key=lambda h: (h[1], h[1] - h[2], h[0]))
    return sorted(hits, key=lambda h: (h[1], h[1] - h[2], h[0], h[3]))


ZH_PIECES = ["安全", "国家安全", "网络安全", "风险", "隐患", "、", "，", "。", "领域", "行业", "要",
             "应", "应用", "重要", "制定本", "规划", "印发", "包括", "（", "牵头", "战略", "金融",
             "公共", "军民融合", "等", "人工智能", "向", "省", "市", "县", "发展改革委", "标准",
             "到2030年", "威胁", "攻击", "\n", " ", "😀"]
EN_PIECES = ["potential", "security", "Security", "securities", "safe", "unsafe", "safety", "-",
             " ",
             "cyber", "national", "National", "risks", "benefits", "and", ",", ".", "(a)",
             "Strengthening", "the", "Secretary", "shall", "States", "United", "the public",
             "interest", "nuclear", "threats", "secure", "funding", "THE WHITE HOUSE", "_",
             "é", "\n", "Sec. 4", "within", "30", "days"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ZH_PIECES), max_size=40).map("".join))
def test_zh_find_equals_the_reference_finder(text: str) -> None:
    """The Aho–Corasick pass over the terms and the required-literal filter of the
    patterns change no hit (every term occurrence, overlapping ones included)."""
    book = load_cuebook("zh")
    assert _found(book, text) == _reference_find(book, text)
    fields = ["vuori", "audience", "domain_list"]
    assert _found(book, text, fields) == _reference_find(book, text, fields)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EN_PIECES), max_size=40).map("".join))
def test_en_find_equals_the_reference_finder(text: str) -> None:
    """English patterns are searched without their word-boundary lookbehind, which is
    checked after each candidate (then one character further): the same hits as the
    patterns with the lookbehind, also where a rejected candidate overlaps an accepted
    one (unsafe safe) or the text starts with a hyphen or word character."""
    book = load_cuebook("en")
    assert _found(book, text) == _reference_find(book, text)


def test_regression_bounded_scan_retries_one_character_after_a_rejected_candidate() -> None:
    """A candidate rejected by the lookbehind (``-potential benefits and risks``: a
    hyphen before it) may contain a valid match of the same cue (``benefits and
    risks``): the scan resumes one character on, not after the candidate."""
    book = load_cuebook("en")
    text = "-potential benefits and risks"
    hits = [(h.start, h.matched) for h in book.find(text, ["threat_procedural"])]
    assert hits == _reference_find_positions(book, text, "threat_procedural")
    assert hits == [(11, "benefits and risks")]
    text = "unsafe -safe safe_x safe.safety"
    hits = [(h.start, h.matched) for h in book.find(text, ["sense_word"])]
    assert hits == _reference_find_positions(book, text, "sense_word")
    assert (13, "safe") not in hits  # safe_x: a word character follows
    assert (20, "safe") in hits and (25, "safety") in hits


def _reference_find_positions(book: CueBook, text: str, field: str) -> list[tuple[int, str]]:
    return [(s, m) for _, s, _, m in _reference_find(book, text, [field])]


def test_a_pattern_that_can_match_empty_is_searched_as_written() -> None:
    """An empty match makes the fast scan give way to ``regex.finditer`` for the text
    (empty matches are not hits, but ``finditer`` continues differently after them)."""
    book = parse_cuebook({"version": "t", "lang": "en", "entries": [
        {"id": "en.t.opt", "field": "threat", "label": "1", "source": "test",
         "patterns": ["(?:risk)?s?"]}]}, "test.yaml")
    text = "risks and s risk xrisk"
    assert _found(book, text) == _reference_find(book, text)
    assert [h.matched for h in book.find(text)] == ["risks", "s", "risk"]


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    ("国家安全", 0, ("国家安全",)),
    ("(?:危害|风险)(?:与|和)收益", 0, ("收益",)),
    ("(?:^包括)|(?:印发$)", 0, ("包括", "印发")),
    ("[（(]牵头", 0, ("牵头",)),
    ("(?:[\u4e00-\u9fff]{2,8}、){2,}", 0, ("、",)),
    ("(?:风险)?评估", 0, ("评估",)),
    ("(?:风险)?", 0, None),  # nothing required
    ("a+b*", 0, ("a",)),
    ("States", 0, ("States",)),
    ("States", re.IGNORECASE, None),  # a literal also matches other characters
    ("(?i:s)tates", 0, ("tates",)),
    ("[a-z]+", 0, None),
    ("(", 0, None),  # not a pattern: no filter (compiling it reports the error)
])
def test_required_literals(pattern: str, flags: int, expected: tuple[str, ...] | None
                           ) -> None:
    assert required_literals(pattern, flags) == expected


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["(?:危害|风险)(?:与|和)收益", "(?:^包括)|(?:印发$)", "[（(]牵头",
                        "(?:[\u4e00-\u9fff]{2,8}、){2,}[\u4e00-\u9fff]{2,8}等领域",
                        "(?:特|现)?制定本(?:规划|方案)", "要(?![素点])|(?<!适)应(?!用)"]),
       st.lists(st.sampled_from(ZH_PIECES), max_size=30).map("".join))
def test_every_match_contains_a_required_literal(pattern: str, text: str) -> None:
    required = required_literals(pattern)
    assert required is not None
    for m in re.finditer(pattern, text):
        assert any(r in m.group(0) for r in required)
