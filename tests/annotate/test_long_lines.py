"""Regression: annotation of long single-line documents is near-linear.

Case (reviewer, new-user trial): a single-line text of 165k characters with 30k cue
matches took 154 s (55k characters: 5 s; 1.65 MB: unfinished after 10 min). Every
sense word was checked against every sense compound of the sentence, every threat
against every negator, scope and prohibition (O(k²) in the number of cue hits).
The look-ups now bisect sorted hit starts (``rules._Spans``); these tests count the
hits visited rather than timing them.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.annotate import RuleAnnotator, rules
from seclens.types import Document, DocumentMeta, Sentence

_UNITS = {
    "zh": "国家安全风险评估，不得窃取数据，没有威胁，人工智能技术也带来风险，必须防范攻击，"
    "加大对企业的宣传，潜在风险的实时监测，",
    "en": "national security risks and threats, no risk assessment, must prevent attacks "
    "by adversaries, Secretary of Homeland Security, there is not a single threat; ",
}


def _visits(monkeypatch: pytest.MonkeyPatch, text: str, lang: str) -> tuple[int, int]:
    """(hits visited by the span look-ups, evidence items) for one long sentence."""
    count = [0]
    original = rules._Spans.between

    def counting(self: rules._Spans, lo: int, hi: int):  # type: ignore[no-untyped-def]
        for h in original(self, lo, hi):
            count[0] += 1
            yield h

    monkeypatch.setattr(rules._Spans, "between", counting)
    ann = RuleAnnotator()
    a = ann.annotate(Sentence("d", 0, 0, len(text), text), lang)
    return count[0], len(a.evidence)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_single_line_annotation_is_near_linear(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    small, ev_small = _visits(monkeypatch, _UNITS[lang] * 100, lang)
    large, ev_large = _visits(monkeypatch, _UNITS[lang] * 400, lang)
    # same coding per unit (plus one sentence-level item: the move's evidence)
    assert ev_large - 1 == 4 * (ev_small - 1)
    assert small > 0
    # linear: 4x the text visits about 4x the hits (the old pairwise scans: 16x)
    assert large <= 5 * small


def _doc(text: str) -> Document:
    meta = DocumentMeta(doc_id="long", language="zh")
    return Document(meta=meta, text=text, path="long.txt")


@pytest.mark.slow
def test_long_single_line_document_200k_characters_completes() -> None:
    from seclens.annotate.corpus import AnnotatedDocument, annotate_document

    text = (_UNITS["zh"] * (200_000 // len(_UNITS["zh"]) + 1))[:200_000]
    out = annotate_document(_doc(text), RuleAnnotator())
    assert isinstance(out, AnnotatedDocument)
    assert sum(len(a.evidence) for a in out.annotations) > 30_000


@given(st.text(alphabet=" ab\t\u3000", max_size=40), st.data())
def test_words_between_equals_split(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    ws = rules._word_starts(text)
    assert rules._words_between(text, ws, a, b) == len(text[a:b].split())
