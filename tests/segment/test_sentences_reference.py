"""The one-pass sentence splitter equals the straightforward per-paragraph reference.

``reference_split`` below is the earlier implementation of the rules in
``docs/counting.md`` (paragraphs by line breaks, terminator runs searched per paragraph
after a leading marker, abbreviations found by walking back character by character).
The optimized splitter must give exactly the same units (offsets and kinds).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.segment import sentences as fast
from seclens.segment import split_sentences

_PARA = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")
_ZH_END = re.compile(rf"[。！？!?｡]+[{fast._CLOSERS}]*")
_EN_END = re.compile(rf"[.!?]+[{fast._CLOSERS}]*(?=\s+[A-Z\"“‘'(])")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    core = piece.lstrip()
    if not core:
        return end, end
    start += len(piece) - len(core)
    return start, start + len(core.rstrip())


def _marker(text: str, pos: int, end: int, lang: str) -> tuple[str, int]:
    if text[pos] not in fast._MARKER_FIRST[lang]:
        return "", pos
    m = fast._MARKERS[lang].match(text, pos, end)
    if m is None:
        return "", pos
    return ("heading" if m.group("heading") is not None else "item"), m.end()


def _split_paragraph(text: str, start: int, end: int, lang: str) -> list[tuple[int, int, str]]:
    start, end = _strip_span(text, start, end)
    if start >= end:
        return []
    kind, search_from = _marker(text, start, end, lang)
    cuts: list[int] = []
    if lang == "zh":
        cuts = [m.end() for m in _ZH_END.finditer(text, search_from, end)]
    else:
        for m in _EN_END.finditer(text, search_from, end):
            last = m.group().rstrip(fast._CLOSERS)
            if last.endswith(".") and fast._en_is_abbreviation(
                    text, m.start() + len(last) - 1, start):
                continue
            cuts.append(m.end())
    units: list[tuple[int, int, str]] = []
    prev = start
    for cut in [*cuts, end]:
        s, e = _strip_span(text, prev, cut)
        prev = cut
        if s < e:
            if units:
                kind = _marker(text, s, e, lang)[0]
            units.append((s, e, kind or "sentence"))
    return units


def reference_split(text: str, lang: str) -> list[tuple[int, int, str]]:
    return [u for p in _PARA.finditer(text)
            for u in _split_paragraph(text, p.start(), p.end(), lang)]


def units(text: str, lang: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.kind) for s in split_sentences("d", text, lang)]


PIECES = st.sampled_from([
    *"。！？!?｡.」”’）』》】〕\"')](（“‘ \t\u3000\n\r\u2028\x0b\x1c\x1f\x85",
    *"aAbZ一二十第章条节、．1２9①•-*–_İKé²",
    "\u212a", "U.S.", "u.s.", "Sec.", "SEC.", "Section ", "Part ", "Article ", "e.g.", "No.",
    "approx.", "U.\u212a.", "A.", "a..", "b...", "İ.", " X", " (", "(a)", "(iv)", "1.", "1.2.",
    "一、", "（一）", "第一章", "第3条", "(1)", "Sec. 4.", "Sec. 4..", "Section IV.", "Part V.",
    "Mr. ", "Yahoo!.", "word", "Hello. World", "安全。", "a" * 12 + ".",
    "x" + "." * 10 + " Y",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from(["zh", "en"]))
def test_units_equal_the_reference_splitter(text: str, lang: str) -> None:
    assert units(text, lang) == reference_split(text, lang)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["zh", "en"]))
def test_units_equal_the_reference_splitter_on_arbitrary_unicode(text: str, lang: str) -> None:
    assert units(text, lang) == reference_split(text, lang)


@pytest.mark.parametrize("text", [
    "Part V.......... Foo bar.",          # marker ending inside a run of dots
    "Sec. 4.. Next one. Another",         # ditto, marker with its own dot
    "See A.......... B is next.",         # single initial followed by many dots
    "Go to the U.\u212a. Then",           # Kelvin sign lower-cases to k: an abbreviation
    "He met İ. Then left.",               # İ lower-cases to two characters: not an initial
    "x" * 30 + ". Next sentence.",        # a word longer than any abbreviation
])
def test_regression_abbreviation_edge_cases(text: str) -> None:
    assert units(text, "en") == reference_split(text, "en")


def test_fast_abbreviation_check_equals_the_character_loop() -> None:
    words = ["U.S.", "u.s.c.", "Sec.", "approx.", "A.", "a...", "ab.", "x" * 9 + ".",
             "İ.", "U.\u212a.", "²." , "Ⅻ.", "é.", "e.g.", "...", "a!.", "(Dr.", "“No."]
    for w in words:
        for prefix in ("", " ", "long", "(", "\n"):
            text = prefix + w
            dot = len(text) - 1
            run_start = dot
            while run_start > 0 and text[run_start - 1] in ".!?":
                run_start -= 1
            ps = 0
            for i in range(run_start - 1, -1, -1):
                if text[i].isspace():
                    ps = i + 1
                    break
            assert fast._en_rejects_cut(text, run_start, dot + 1) == \
                fast._en_is_abbreviation(text, dot, ps), text


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["security", "approx", "u.s", "Sec", "a", "B", "İ", "\u212a",
                                 "²", ".", ".", "..", "!", " ", "\n", "(", "“", "e.g",
                                 "xxxxxxx", "abcdef"]), max_size=20).map("".join))
def test_fast_abbreviation_check_equals_the_character_loop_on_random_text(text: str) -> None:
    """Regression guard for the letters-only fast path of ``_en_rejects_cut`` (a word of
    at least ``_ABBR_MAX`` letters before the dots is no abbreviation)."""
    for m in re.finditer(r"[.!?]+", text):
        if not text[m.end() - 1] == ".":
            continue
        ps = 0
        for i in range(m.start() - 1, -1, -1):
            if text[i].isspace():
                ps = i + 1
                break
        assert fast._en_rejects_cut(text, m.start(), m.end()) == \
            fast._en_is_abbreviation(text, m.end() - 1, ps), text


def test_reference_corpus_units_equal_the_reference_splitter(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "docs").glob("*.txt")):
        lang = "en" if path.name.startswith("us-") else "zh"
        text = path.read_text(encoding="utf-8")
        assert units(text, lang) == reference_split(text, lang), path.name
