"""Measures stage: the columnar count table (CountTable, CountChain) against row objects."""

from __future__ import annotations

import math
import pickle
from dataclasses import fields

import pytest

from seclens.errors import AnalysisError
from seclens.lexicon import Lexicon, load_lexicon, load_sense_rules
from seclens.match import Matcher, MatchOptions, MatchTable, compile_matcher
from seclens.measures.counts import (
    COUNT_FIELDS,
    CountChain,
    CountRow,
    CountTable,
    count_table,
    count_table_columns,
)
from seclens.segment import sentence_table
from seclens.types import Document, DocumentMeta

ZH = "维护国家安全和网络安全。\n加强安全生产、食品安全管理！确保人工智能安全可靠可控。"
EN = "The Secretary of Homeland Security shall protect national security and safety."


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="module")
def matcher(lexicon: Lexicon) -> Matcher:
    return compile_matcher(lexicon, load_sense_rules(), MatchOptions("substring"))


def _doc(text: str, lang: str, doc_id: str = "d") -> Document:
    return Document(DocumentMeta(doc_id=doc_id, language=lang), text)


def _matches(m: Matcher, d: Document) -> MatchTable:
    return m.find(d, sentence_table(d.doc_id, d.text, d.meta.language))


def _ref(row: CountRow) -> CountRow:
    return CountRow(**{f.name: getattr(row, f.name) for f in fields(CountRow)})


def test_count_fields_are_the_fields_of_count_row() -> None:
    assert COUNT_FIELDS == tuple(f.name for f in fields(CountRow))


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (EN, "en")])
def test_table_from_columns_equals_table_from_row_objects(
        matcher: Matcher, lexicon: Lexicon, text: str, lang: str) -> None:
    d = _doc(text, lang)
    matches = _matches(matcher, d)
    fast = count_table(d, matches, lexicon, "substring")
    slow = count_table(d, list(matches), lexicon, "substring")  # the Match-object path
    assert isinstance(fast, CountTable)
    assert fast == slow and list(fast) == list(slow)
    rows = list(fast)
    assert [_ref(r) for r in rows] == rows
    assert fast[0] == rows[0] and fast[-1] == rows[-1] and fast[2:4] == rows[2:4]
    for name in COUNT_FIELDS:
        assert fast.column(name) == [getattr(r, name) for r in rows], name
    assert count_table_columns(fast) == count_table_columns(rows)
    total = next(r for r in rows if r.key_type == "total")
    assert total.count == len(matches) > 0
    with pytest.raises(IndexError):
        fast[len(fast)]
    with pytest.raises(KeyError):
        fast.column("nope")


def test_empty_text_rates_are_nan_with_reason(matcher: Matcher, lexicon: Lexicon) -> None:
    d = _doc("   ", "zh")
    t = count_table(d, _matches(matcher, d), lexicon, "substring")
    assert all(math.isnan(r.per_10k) and r.reason for r in t)


def test_match_table_of_another_document_is_e303(matcher: Matcher, lexicon: Lexicon) -> None:
    other = _matches(matcher, _doc(ZH, "zh", "other"))
    with pytest.raises(AnalysisError) as err:
        count_table(_doc(ZH, "zh", "d"), other, lexicon, "substring")
    assert err.value.code == "E303"


def test_pickle_and_chain(matcher: Matcher, lexicon: Lexicon) -> None:
    a = count_table(_doc(ZH, "zh", "a"), _matches(matcher, _doc(ZH, "zh", "a")), lexicon,
                    "substring")
    b = count_table(_doc(EN, "en", "b"), _matches(matcher, _doc(EN, "en", "b")), lexicon,
                    "substring")
    assert pickle.loads(pickle.dumps(a)) == a
    chain = CountChain((a, b))
    rows = [*a, *b]
    assert len(chain) == len(rows) and chain == rows and list(chain) == rows
    assert chain[len(a)] == rows[len(a)] and chain[-1] == rows[-1]
    assert count_table_columns(chain, ["doc_id", "count"]) == \
        [[r.doc_id for r in rows], [r.count for r in rows]]
    assert a + b == rows
