"""Match stage: the columnar KWIC evidence (MatchTable, MatchChain) against row objects."""

from __future__ import annotations

import pickle
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.lexicon import load_lexicon, load_sense_rules
from seclens.match import (
    MATCH_FIELDS,
    MatchChain,
    Matcher,
    MatchOptions,
    MatchTable,
    compile_matcher,
    match_table_columns,
)
from seclens.segment import sentence_table, split_sentences
from seclens.types import Document, DocumentMeta, Match

ZH = ("维护国家安全和网络安全。\n（一）加强安全生产、食品安全管理！\n"
      "确保人工智能安全可靠可控，防范风险。")
EN = ("The Secretary of Homeland Security shall protect national security.\n"
      "Sec. 2. Safety and  security of AI systems; cyber security risks.")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return compile_matcher(load_lexicon(), load_sense_rules(), MatchOptions("substring"))


def _find(m: Matcher, text: str, lang: str, doc_id: str = "d") -> MatchTable:
    d = Document(DocumentMeta(doc_id=doc_id, language=lang), text)
    return m.find(d, sentence_table(doc_id, text, lang))


def _as_match(row: Match) -> Match:
    """The same row built by the dataclass constructor (the reference)."""
    return Match(**{f.name: getattr(row, f.name) for f in fields(Match)})


def test_match_fields_are_the_fields_of_match() -> None:
    assert MATCH_FIELDS == tuple(f.name for f in fields(Match))


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (EN, "en")])
def test_table_rows_equal_constructed_matches(matcher: Matcher, text: str, lang: str) -> None:
    table = _find(matcher, text, lang)
    rows = list(table)
    assert len(rows) == len(table) > 3
    assert [_as_match(r) for r in rows] == rows
    assert table == rows and rows == table and table == tuple(rows)
    assert [table[i] for i in range(len(table))] == rows
    assert table[-1] == rows[-1]
    assert table[1:3] == rows[1:3]
    for r in rows:
        assert text[r.start:r.end] == r.matched_text
    with pytest.raises(IndexError):
        table[len(table)]


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (EN, "en")])
def test_columns_equal_row_attributes(matcher: Matcher, text: str, lang: str) -> None:
    table = _find(matcher, text, lang)
    rows = list(table)
    for name in MATCH_FIELDS:
        assert table.column(name) == [getattr(r, name) for r in rows], name
    assert match_table_columns(table) == match_table_columns(rows)
    assert table.entry_ids() == [r.entry_id for r in rows]
    with pytest.raises(KeyError):
        table.column("no_such_field")
    with pytest.raises(KeyError):
        match_table_columns(rows, ["no_such_field"])


def test_find_with_sentence_list_equals_find_with_table(matcher: Matcher) -> None:
    d = Document(DocumentMeta(doc_id="d", language="zh"), ZH)
    assert matcher.find(d, split_sentences("d", ZH, "zh")) == \
        matcher.find(d, sentence_table("d", ZH, "zh"))


def test_table_pickles(matcher: Matcher) -> None:
    table = _find(matcher, ZH, "zh")
    back = pickle.loads(pickle.dumps(table))
    assert isinstance(back, MatchTable) and back == table


def test_empty_table() -> None:
    t = MatchTable.empty("d", "substring")
    assert len(t) == 0 and list(t) == [] and t == [] and t.column("term") == []


def test_chain_is_the_concatenation(matcher: Matcher) -> None:
    a = _find(matcher, ZH, "zh", "a")
    b = _find(matcher, EN, "en", "b")
    empty = MatchTable.empty("c", "substring")
    chain = MatchChain((a, empty, b))
    rows = [*a, *b]
    assert len(chain) == len(rows) and list(chain) == rows and chain == rows
    assert [chain[i] for i in range(len(rows))] == rows
    assert chain[-1] == rows[-1] and chain[2:5] == rows[2:5]
    for name in MATCH_FIELDS:
        assert chain.column(name) == [getattr(r, name) for r in rows]
    assert match_table_columns(chain, ["doc_id", "term"]) == \
        [[r.doc_id for r in rows], [r.term for r in rows]]
    assert a + b == rows and list(a) + b == rows
    with pytest.raises(IndexError):
        chain[len(rows)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["国家安全", "安全", "网络", "生产", "。", "\n", "数据安全", " ",
                                 "security", "Safety", "national ", ".", "Homeland "]),
                max_size=30))
def test_columns_equal_rows_for_any_text(matcher: Matcher, parts: list[str]) -> None:
    text = "".join(parts)
    for lang in ("zh", "en"):
        if not text.strip():
            continue
        table = _find(matcher, text, lang)
        rows = list(table)
        assert [_as_match(r) for r in rows] == rows
        for name in ("start", "end", "term", "sense", "left", "right", "sentence_index"):
            assert table.column(name) == [getattr(r, name) for r in rows]
