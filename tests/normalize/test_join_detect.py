"""Joining Chinese text broken by whitespace; Traditional-script detection."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import ConfigError
from seclens.normalize import (
    Converter,
    compose,
    join_cjk_breaks,
    looks_traditional,
    to_simplified,
    traditional_note,
    traditional_share,
)

ALPHABET = "国家安全网络数据 \n\u3000\t\r，。Aa1"


@pytest.mark.parametrize(("text", "joined"), [
    ("维护国家\n安全", "维护国家安全"),
    ("国家 安全", "国家安全"),
    ("国家\u3000安全", "国家安全"),
    ("国家  \t 安全", "国家安全"),
    ("国家 \n安全", "国家安全"),              # trailing spaces of the broken line too
    ("国家\r\n安全", "国家安全"),
    ("标题\n\u3000\u3000正文", "标题\n\u3000\u3000正文"),  # indented new line: paragraph
    ("段落\n\n段落", "段落\n\n段落"),          # blank line: paragraph break
    ("AI 安全", "AI 安全"),                    # not between two Han characters
    ("安全。\n国家", "安全。\n国家"),
    ("", ""),
])
def test_join_table(text: str, joined: str) -> None:
    nt = join_cjk_breaks(text)
    assert nt.text == joined and nt.original == text


def test_join_maps_compound_to_original_span() -> None:
    text = "维护国家\n安全。"
    nt = join_cjk_breaks(text)
    s = nt.text.index("国家安全")
    a, b = nt.to_original(s, s + 4)
    assert text[a:b] == "国家\n安全"
    a, b = nt.to_original(s, s + 2)
    assert text[a:b] == "国家"  # the removed run belongs to no character


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.data())
def test_join_offsets_in_bounds_and_monotone(text: str, data: st.DataObject) -> None:
    nt = join_cjk_breaks(text)
    n = len(nt.text)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    k = data.draw(st.integers(j, n))
    a1, b1 = nt.to_original(i, j)
    a2, b2 = nt.to_original(j, k)
    assert 0 <= a1 <= b1 <= len(text) and 0 <= a2 <= b2 <= len(text)
    assert a1 <= a2 and b1 <= b2
    if i < j < k:
        assert b1 <= a2
    # every joined character is the original character it maps to
    for x in range(n):
        a, b = nt.to_original(x, x + 1)
        assert b == a + 1 and text[a] == nt.text[x]
    # only whitespace was removed
    assert "".join(text.split()) == "".join(nt.text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="国家安全，。Aa1", max_size=60))
def test_join_without_whitespace_is_identity(text: str) -> None:
    nt = join_cjk_breaks(text)
    assert nt.text == text and nt.starts is None


def test_compose_join_then_t2s() -> None:
    text = "維護國家\n安全與記憶\n體"
    joined = join_cjk_breaks(text)
    conv = to_simplified(joined.text, "tw2sp")
    both = compose(joined, conv)
    assert both.text == "维护国家安全与内存" and both.original == text
    s = both.text.index("国家安全")
    a, b = both.to_original(s, s + 4)
    assert text[a:b] == "國家\n安全"
    s = both.text.index("内存")
    a, b = both.to_original(s, s + 2)
    assert text[a:b] == "記憶\n體"


def test_compose_rejects_unrelated() -> None:
    with pytest.raises(ConfigError) as err:
        compose(join_cjk_breaks("国家 安全"), to_simplified("别的"))
    assert err.value.code == "E152"


# ---------------------------------------------------------------- Traditional detection
def test_traditional_share_reference_corpus(corpus_dir: Path) -> None:
    import opencc

    s2t = opencc.OpenCC("s2t")
    conv = Converter("t2s")
    for f in sorted((corpus_dir / "docs").glob("cn-*.txt"))[:6]:
        text = f.read_text(encoding="utf-8")
        assert traditional_share(text, conv) < 0.01
        assert not looks_traditional(text, converter=conv)
        assert traditional_note(text, conv) is None
        trad = s2t.convert(text)
        assert traditional_share(trad, conv) > 0.2
        note = traditional_note(trad, conv)
        assert note is not None and "--t2s" in note


def test_traditional_share_edge_cases() -> None:
    assert traditional_share("") == 0.0
    assert traditional_share("Security only.") == 0.0
    assert traditional_share("國") == 1.0
    with pytest.raises(ConfigError):
        traditional_share("國", sample=0)


def test_whitespace_class_equals_isspace() -> None:
    import re

    from seclens.normalize.join import WHITESPACE

    ws = re.compile(f"[{WHITESPACE}]")
    assert all(c.isspace() == bool(ws.match(c)) for c in map(chr, range(0x110000)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.data())
def test_compact_joined_text_maps_like_normalized_text(text: str, data: st.DataObject) -> None:
    from seclens.normalize.join import join_gaps

    compact = join_gaps(text)
    full = compact.normalized()
    assert full == join_cjk_breaks(text) and compact.text == full.text
    n = len(compact.text)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    if i < j:
        assert compact.to_original(i, j) == full.to_original(i, j)
    else:
        a, b = compact.to_original(i, j)
        assert a == b and 0 <= a <= len(text)
    with pytest.raises(ConfigError):
        compact.to_original(0, n + 1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=60), st.data())
def test_spans_to_original_equals_to_original_per_span(text: str, data: st.DataObject) -> None:
    from seclens.normalize.join import join_gaps

    compact = join_gaps(text)
    n = len(compact.text)
    if n == 0:
        return
    spans = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(
        lambda s: s[0] < s[1]), max_size=12))
    starts, ends = [a for a, _ in spans], [b for _, b in spans]
    expected = [compact.to_original(a, b) for a, b in spans]
    assert list(zip(*compact.spans_to_original(starts, ends), strict=True)) == expected
    with pytest.raises(ConfigError):
        compact.spans_to_original([0], [n + 1])
    with pytest.raises(ConfigError):
        compact.spans_to_original([0], [0])


_SPACES = [c for c in map(chr, range(0x3001)) if c.isspace()]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_SPACES, "\r\n", "\r\n", " ", "\n", "\r"]), min_size=1,
                max_size=6).map("".join))
def test_wrapped_run_equals_the_line_break_regex_definition(run: str) -> None:
    """Regression guard: ``_wrapped`` by ``str.splitlines`` keeps the definition (no line
    break, or exactly one at the end of the run; ``\\r\\n`` is one break)."""
    from seclens.normalize.join import _LINE_BREAKS, _wrapped

    breaks = list(_LINE_BREAKS.finditer(run))
    expected = not breaks or (len(breaks) == 1 and breaks[0].end() == len(run))
    assert _wrapped(run) == expected
