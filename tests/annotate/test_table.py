"""Framework table: actors, cells with evidence, HTML section escaping."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.annotate.table import (
    actor_name,
    build_framework_table,
    format_table,
    framework_section,
)


@pytest.mark.parametrize(
    ("issuer", "name"),
    [
        ("国务院 (State Council)", "State Council"),
        ("科技部、教育部、工业和信息化部", "Ministry of Science and Technology"),
        ("工业和信息化部 (MIIT)", "Ministry of Industry and Information Technology"),
        ("President of the United States (J. R. Biden Jr.)", "President of the United States"),
    ],
)
def test_actor_mapping_uses_lead_issuer(issuer: str, name: str) -> None:
    assert actor_name(issuer)[0] == name


def test_unmapped_issuer_is_kept_and_flagged() -> None:
    assert actor_name("Some Agency") == ("Some Agency", "actor.unmapped")


def test_central_table_has_state_council_and_evidence_offsets(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    docs = [d for d in annotated_corpus if d.document.meta.level == "central"]
    t = build_framework_table(docs, "level=central")
    actors = {c.label for c in t.rows["securitizing_actor"]}
    assert "State Council" in actors
    assert t.rows["securitizing_move"][0].count == t.n_moves > 0
    texts = {d.document.doc_id: d.document.text for d in docs}
    for cells in t.rows.values():
        for c in cells:
            for e in c.evidence:
                assert texts[e.doc_id][e.start : e.end] == e.text
                if e.cue_start >= 0:
                    assert e.start <= e.cue_start < e.cue_end <= e.end
    assert {c.label for c in t.rows["facilitating_conditions"]} >= {"geopolitical competition"}
    assert "State Council" in format_table(t)


def test_report_section_escapes_document_text(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    doc = annotated_corpus[0]
    evil = [
        replace(a, text="<script>alert(1)</script>") if a.securitizing_move else a
        for a in doc.annotations
    ]
    t = build_framework_table([replace(doc, annotations=tuple(evil))], "x")
    html = str(framework_section([t]).html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<details>" in html


def test_central_table_lists_the_2017_plan_directive_chain(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    docs = [d for d in annotated_corpus if d.document.meta.level == "central"]
    t = build_framework_table(docs, "level=central")
    chains = [c for c in t.rows["securitizing_move"] if c.unit == "chains"]
    plan = [c for c in chains if c.detail == "cn-sc-2017-aidp"]
    assert plan, "the 2017 plan's claim → warning → request chain is missing"
    steps = plan[0].evidence
    assert [e.label for e in steps] == ["claim", "warning", "request"]
    assert [e.sentence_index for e in steps] == sorted(e.sentence_index for e in steps)
    text = next(d.document.text for d in docs if d.document.doc_id == "cn-sc-2017-aidp")
    assert all(text[e.start : e.end] == e.text for e in steps)
    assert "request: cn-sc-2017-aidp" in format_table(t)
    assert "<strong>claim</strong>" in str(framework_section([t]).html)


def test_one_document_table_says_1_document(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    """Case: outputs said "1 documents"."""
    t = build_framework_table([annotated_corpus[0]], "one")
    text = format_table(t)
    assert "one: 1 document, " in text and "1 documents" not in text
    html = str(framework_section([t]).html)
    assert "1 document," in html and "1 documents" not in html
    assert " 1 sentences" not in text and " 1 moves" not in text


def test_falling_behind_needs_china_not_other_countries() -> None:
    """Case: 增强发展中国家…代表性…差距 evidenced "historical anxiety about falling
    behind" (a facilitating condition): the gap of other countries is not China's
    anxiety; non-comparative terms (先发优势, 核心技术) need China as subject."""
    from seclens.annotate.corpus import AnnotatedDocument, annotate_document
    from seclens.types import Document, DocumentMeta

    text = (
        "增强发展中国家的代表性和发言权，弥合智能鸿沟和治理能力差距。"  # others' gap
        "突破核心技术。"  # no subject: not counted
        "我国在核心技术方面仍受制于人。"  # China's lag: counted
        "为我国构筑先发优势。"  # China + weak term: counted
    )
    doc = annotate_document(Document(DocumentMeta(doc_id="fc", language="zh"), text))
    assert isinstance(doc, AnnotatedDocument)
    t = build_framework_table([doc], "fc")
    cell = next(c for c in t.rows["facilitating_conditions"] if c.detail == "fc.falling_behind")
    assert cell.count == 2
    assert all("我国" in e.text for e in cell.evidence)


def test_table_evidence_keeps_what_the_table_reads(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    """The framework table of the compacted documents (moves and facilitating-condition
    sentences, no text) is the table of the full ones, for every level group and the
    whole reference corpus; the compaction drops most sentences."""
    from seclens.annotate.table import facilitating_terms, table_evidence

    terms = facilitating_terms()
    compact = [table_evidence(d, terms) for d in annotated_corpus]
    assert all(c.document.text == "" for c in compact)
    assert all(a.evidence == () for c in compact for a in c.annotations)
    assert any(a.evidence for d in annotated_corpus for a in d.annotations)
    assert [c.measures for c in compact] == [d.measures for d in annotated_corpus]
    assert build_framework_table(compact, "all") == build_framework_table(annotated_corpus, "all")
    for level in ("central", "provincial", "municipal", "foreign"):
        full = [d for d in annotated_corpus if d.document.meta.level == level]
        small = [c for c in compact if c.document.meta.level == level]
        assert build_framework_table(small, level, 5) == build_framework_table(full, level, 5)
    kept = sum(len(c.annotations) for c in compact)
    total = sum(len(d.annotations) for d in annotated_corpus)
    assert kept < total / 2
    assert table_evidence(annotated_corpus[0]) == compact[0]  # terms read when omitted


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=300),
       st.integers(0, 12), st.booleans())
def test_top_keeps_the_first_items_of_a_stable_sort(keys: list[tuple[int, int]], top: int,
                                                    reverse: bool) -> None:
    """_Top cuts its list as it goes (the framework table's evidence of a large
    corpus); what it keeps is what sorting everything would put first, ties in the
    order added."""
    from seclens.annotate.table import _Top

    kept = _Top(top, key=lambda item: item[0], reverse=reverse)
    items = [(k, i) for i, k in enumerate(keys)]
    for item in items:
        kept.add(item)
    assert kept.first() == sorted(items, key=lambda item: item[0], reverse=reverse)[:top]
    assert kept.count == len(items)


def test_the_accumulated_table_keeps_the_strongest_evidence(annotated_corpus) -> None:  # type: ignore[no-untyped-def]
    """Documents added one at a time (small tops cut the evidence lists as they come):
    the move cell holds the strongest moves of a plain sort of all of them, and each
    referent-object cell the strongest of its moves."""
    from seclens.annotate.table import FrameworkAccumulator, _strength

    moves = [a for d in annotated_corpus for a in d.annotations if a.securitizing_move]
    for top in (0, 1, 2, 5):
        acc = FrameworkAccumulator("all", top)
        for d in annotated_corpus:
            acc.add(d)
        table = acc.table()
        assert table.n_documents == len(annotated_corpus)
        cell = table.rows["securitizing_move"][0]
        assert cell.count == len(moves)
        strongest = sorted(moves, key=_strength, reverse=True)[:top]
        assert [(e.doc_id, e.sentence_index) for e in cell.evidence] == [
            (a.doc_id, a.sentence_index) for a in strongest]
        for ref in table.rows["referent_object"]:
            mine = [a for a in moves if ref.label in a.referent_object]
            assert ref.count == len(mine)
            assert [(e.doc_id, e.sentence_index) for e in ref.evidence] == [
                (a.doc_id, a.sentence_index)
                for a in sorted(mine, key=_strength, reverse=True)[:top]]
