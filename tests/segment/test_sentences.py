"""Segment stage: sentence splitting tables, invariance and offset properties."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.errors import ConfigError
from seclens.segment import sentence_table, split_sentences
from seclens.types import Sentence


def units(text: str, lang: str = "zh") -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in split_sentences("d", text, lang)]


@pytest.mark.parametrize(("text", "expected"), [
    ("维护国家安全。加强国防！是否可行？",
     [("维护国家安全。", "sentence"), ("加强国防！", "sentence"), ("是否可行？", "sentence")]),
    ("他说：“要安全。”然后走了。", [("他说：“要安全。”", "sentence"), ("然后走了。", "sentence")]),
    ("（见附件。）下文", [("（见附件。）", "sentence"), ("下文", "sentence")]),
    ("第一，加强；第二，完善。", [("第一，加强；第二，完善。", "sentence")]),
    ("真的吗？！好。", [("真的吗？！", "sentence"), ("好。", "sentence")]),
    ("　　一、战略态势\n　　人工智能。", [("一、战略态势", "heading"), ("人工智能。", "sentence")]),
    ("（一）总体要求。坚持安全。", [("（一）总体要求。", "heading"), ("坚持安全。", "sentence")]),
    ("第一章 总则\n第一条 为了安全，制定本条例。", [("第一章 总则", "heading"),
                                       ("第一条 为了安全，制定本条例。", "item")]),
    ("1.智能教育。利用智能技术。", [("1.智能教育。", "item"), ("利用智能技术。", "sentence")]),
    ("（1）数据安全\n(2)网络安全", [("（1）数据安全", "item"), ("(2)网络安全", "item")]),
    ("①安全可控", [("①安全可控", "item")]),
    ("●智能制造。●智能农业", [("●智能制造。", "item"), ("●智能农业", "item")]),
    ("增长1.5倍。", [("增长1.5倍。", "sentence")]),
    ("没有句号的段落\n第二段。", [("没有句号的段落", "sentence"), ("第二段。", "sentence")]),
    ("\u3000\u3000 \n\n", []),
    ("", []),
])
def test_chinese_units(text: str, expected: list[tuple[str, str]]) -> None:
    assert units(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. leads. It will act.",
     [("The U.S. leads.", "sentence"), ("It will act.", "sentence")]),
    ("See e.g. the plan. Then act!", [("See e.g. the plan.", "sentence"),
                                      ("Then act!", "sentence")]),
    ("Dr. Smith met No. 4 today. Good.", [("Dr. Smith met No. 4 today.", "sentence"),
                                         ("Good.", "sentence")]),
    ("Sec. 4. Ensuring Safety. (a) Within 90 days, act.",
     [("Sec. 4. Ensuring Safety.", "heading"), ("(a) Within 90 days, act.", "item")]),
    ("Section 1. Purpose. The United States leads.",
     [("Section 1. Purpose.", "heading"), ("The United States leads.", "sentence")]),
    ("(i) expedite the work; and\n(ii) report.", [("(i) expedite the work; and", "item"),
                                                  ("(ii) report.", "item")]),
    ("He said “Stop.” Then left.", [("He said “Stop.”", "sentence"), ("Then left.", "sentence")]),
    ("It is 3.5 times larger. Yes.",
     [("It is 3.5 times larger.", "sentence"), ("Yes.", "sentence")]),
    ("signed by D. J. Trump today.", [("signed by D. J. Trump today.", "sentence")]),
    ("see 44 U.S.C. 3552. Next.", [("see 44 U.S.C. 3552.", "sentence"), ("Next.", "sentence")]),
])
def test_english_units(text: str, expected: list[tuple[str, str]]) -> None:
    assert units(text, "en") == expected


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        split_sentences("d", "x", "fr")
    assert info.value.code == "E301"


HALF = str.maketrans({"！": "!", "？": "?", "；": ";", "，": ",", "：": ":", "（": "(", "）": ")"})


@pytest.mark.parametrize("text", [
    "维护国家安全！加强国防？推进军民融合；保障数据安全，完善（一）机制。",
    "（一）总体要求！坚持安全可控？好；",
    "人工智能安全风险挑战！！我们怎么办？？",
])
def test_full_and_half_width_punctuation_give_the_same_units(text: str) -> None:
    full = split_sentences("d", text, "zh")
    half = split_sentences("d", text.translate(HALF), "zh")
    assert [(s.start, s.end, s.kind) for s in full] == [(s.start, s.end, s.kind) for s in half]


def check_partition(text: str, sents: list[Sentence]) -> None:
    prev_end = 0
    covered = [0] * len(text)
    for i, s in enumerate(sents):
        assert s.index == i
        assert prev_end <= s.start < s.end <= len(text)
        assert s.text == text[s.start:s.end]
        assert not s.text[0].isspace() and not s.text[-1].isspace()
        assert s.kind in ("sentence", "heading", "item")
        for k in range(s.start, s.end):
            covered[k] += 1
        prev_end = s.end
    for k, ch in enumerate(text):
        if not ch.isspace():
            assert covered[k] == 1, (k, ch)


ALPHABET = st.sampled_from([*"安全国防一二、（）()1.。！？!?；;”」’』\n \u3000\tAbUS.eg", "Sec. ",
                            "第一条"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join), st.sampled_from(["zh", "en"]))
def test_units_partition_the_non_whitespace_text(text: str, lang: str) -> None:
    check_partition(text, split_sentences("doc", text, lang))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["zh", "en"]))
def test_units_partition_arbitrary_unicode(text: str, lang: str) -> None:
    check_partition(text, split_sentences("doc", text, lang))


def test_reference_corpus_documents_partition(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "docs").glob("*.txt")):
        lang = "en" if path.name.startswith("us-") else "zh"
        text = path.read_text(encoding="utf-8")
        sents = split_sentences(path.stem, text, lang)
        assert len(sents) > 5, path.name
        check_partition(text, sents)


def test_fast_sentence_constructor_equals_dataclass() -> None:
    (s,) = split_sentences("d", "  国家安全。 ", "zh")
    assert s == Sentence(doc_id="d", index=0, start=2, end=7, text="国家安全。", kind="sentence")
    assert vars(s) == vars(Sentence("d", 0, 2, 7, "国家安全。", "sentence"))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="一二安全。！？\n 「」”.!?ABCabc()（）1、第章", max_size=80),
       st.sampled_from(["zh", "en"]))
def test_sentence_table_equals_split_sentences(text: str, lang: str) -> None:
    table = sentence_table("d", text, lang)
    rows = split_sentences("d", text, lang)
    assert list(table) == rows and table == rows and len(table) == len(rows)
    assert [table[i] for i in range(len(rows))] == rows
    assert table.starts == [s.start for s in rows] and table.ends == [s.end for s in rows]
    assert table.kinds == [s.kind for s in rows]
    if rows:
        assert table[-1] == rows[-1] and table[:2] == rows[:2]
    with pytest.raises(IndexError):
        table[len(rows)]
    assert pickle.loads(pickle.dumps(table)) == table
