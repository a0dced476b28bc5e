"""Rule-based annotator: table tests per codebook decision, evidence, negation/hedging."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.annotate import RuleAnnotator
from seclens.errors import AnnotationError
from seclens.types import Sentence


def _ann(
    annotator: RuleAnnotator,
    text: str,
    lang: str = "zh",
    prev: str = "",
    nxt: str = "",
    start: int = 0,
):
    return annotator.annotate(Sentence("d", 0, start, start + len(text), text), lang, prev, nxt)


@pytest.mark.parametrize(
    ("text", "lang", "sense"),
    [
        ("维护国家安全和网络安全。", "zh", "security"),
        ("加强安全生产和交通安全管理。", "zh", "safety"),
        ("保障人身安全，维护国家安全。", "zh", "mixed"),
        ("发展智能制造产业。", "zh", "none"),
        ("数据安全风险需要防范。", "zh", "security"),
        ("人工智能产品应安全可靠。", "zh", "safety"),
        ("建立完善人工智能安全防护体系。", "zh", "security"),  # head noun 防护 decides
        ("推动人工智能安全治理。", "zh", "safety"),  # AI-system safety (codebook)
        ("保障公共安全。", "zh", "mixed"),  # public safety and public security
        ("AI must serve national security.", "en", "security"),
        ("Ensuring the Safety and Security of AI Technology.", "en", "mixed"),
        ("Ensure product safety.", "en", "safety"),
        ("The insecurity of markets.", "en", "none"),
    ],
)
def test_security_sense(annotator: RuleAnnotator, text: str, lang: str, sense: str) -> None:
    assert _ann(annotator, text, lang).security_sense == sense


@pytest.mark.parametrize(
    ("text", "lang", "threat", "note"),
    [
        ("防范化解重大风险。", "zh", 1, ""),  # measure verb keeps the named danger
        ("共同做好风险防范。", "zh", 0, "suppressed:procedural"),  # generic 风险防范 = a measure
        ("开展风险评估和风险管理。", "zh", 0, "suppressed:procedural"),
        ("评估人工智能技术在城市环境下的风险。", "zh", 0, "suppressed:procedural-scope"),
        ("该系统不存在重大风险。", "zh", 0, "suppressed:negation"),
        ("面临网络攻击的威胁。", "zh", 1, ""),
        ("Apply risk management practices.", "en", 0, "suppressed:procedural"),
        ("This is not a threat to anyone.", "en", 0, "suppressed:negation"),
        ("Adversaries could exploit vulnerabilities.", "en", 1, ""),
        ("Agencies shall prevent misuse of AI.", "en", 1, ""),
    ],
)
def test_threat_with_negation_and_procedural_hedges(
    annotator: RuleAnnotator, text: str, lang: str, threat: int, note: str
) -> None:
    a = _ann(annotator, text, lang)
    assert a.threat == threat
    if note:
        assert any(e.note == note for e in a.evidence_for("threat"))


def test_prohibition_is_a_request_and_harms_in_its_scope_are_not_threats(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "不得以窃取、篡改、泄露等方式非法收集个人信息。")
    assert a.vuori_act == "request"
    assert a.threat == 0
    assert any(e.note == "suppressed:prohibition" for e in a.evidence_for("threat"))
    # a threat outside the prohibition's clause still counts
    b = _ann(annotator, "人工智能可能被恶意利用，不得擅自部署。")
    assert b.threat == 1


def test_definitions_present_no_threat(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator, "(z) The term \u201cred-teaming\u201d means testing to find harmful flaws.", "en"
    )
    assert a.threat == 0 and a.vuori_act == "none"


@pytest.mark.parametrize(
    ("text", "lang", "act"),
    [
        ("各地要加强人工智能安全监管。", "zh", "request"),
        ("加快培育人工智能产业集群。", "zh", "request"),
        ("四、保障措施", "zh", "none"),
        ("（三）加强宣贯推广。", "zh", "request"),
        ("人工智能是引领未来的战略性技术。", "zh", "claim"),
        ("算法面临被攻击窃取的风险，可能导致商业机密泄露。", "zh", "warning"),
        ("The Secretary of Commerce shall issue guidance.", "en", "request"),
        (
            "By the authority vested in me as President, it is hereby ordered as follows:",
            "en",
            "none",
        ),
    ],
)
def test_vuori_act(annotator: RuleAnnotator, text: str, lang: str, act: str) -> None:
    assert _ann(annotator, text, lang).vuori_act == act


def test_weak_sector_cue_needs_a_security_anchor_in_the_clause(annotator: RuleAnnotator) -> None:
    assert "international" not in _ann(annotator, "加强国际科技交流。").sector
    assert "international" in _ann(annotator, "应对国际安全威胁。").sector
    assert "military" in _ann(annotator, "推动国防建设。").sector  # strong cue


def test_securitizing_move_is_compositional(annotator: RuleAnnotator) -> None:
    move = _ann(annotator, "人工智能可能威胁国家安全，必须加强防范。")
    assert (move.securitizing_move, move.threat) == (1, 1)
    assert "nation_state" in move.referent_object
    assert any(e.rule_id == "rule.move.compositional" for e in move.evidence)
    # referent but no threat / urgency / extraordinary measures -> not a move
    assert _ann(annotator, "维护国家安全。").securitizing_move == 0
    # safety-only sentence with a threat -> not a move (codebook rule 2)
    assert _ann(annotator, "防范安全生产事故风险，保障人身安全。").securitizing_move == 0


def test_context_from_neighbouring_sentence_frames_a_fragment(annotator: RuleAnnotator) -> None:
    text = "（a）模型被滥用风险。"
    alone = _ann(annotator, text)
    framed = _ann(annotator, text, prev="3.1 数据安全风险")
    assert framed.securitizing_move == 1
    assert any(e.note == "context:prev" for e in framed.evidence)
    assert alone.securitizing_move == 0


def test_evidence_offsets_slice_sentence_and_document(annotator: RuleAnnotator) -> None:
    doc = "前言。当前，我国国家安全形势复杂，必须抢抓机遇。"
    start = doc.index("当前")
    text = doc[start:]
    a = _ann(annotator, text, start=start)
    assert a.urgency == 1
    for e in a.evidence:
        if e.start >= 0 and e.note == "" and e.rule_id != "rule.move.compositional":
            assert text[e.start : e.end] == e.text
            assert doc[e.doc_start : e.doc_end] == e.text


def test_gold_mode_has_no_document_offsets(annotator: RuleAnnotator) -> None:
    text = "维护国家安全。"
    a = annotator.annotate(Sentence("d", 3, 0, len(text), text), "zh", has_doc_offsets=False)
    assert a.start == -1 and all(e.doc_start == -1 for e in a.evidence)


def test_unsupported_language_raises(annotator: RuleAnnotator) -> None:
    with pytest.raises(AnnotationError) as exc:
        annotator.annotate(Sentence("d", 0, 0, 3, "abc"), "fr")
    assert exc.value.code == "E405"


def test_full_width_and_half_width_punctuation_agree(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "面临网络攻击风险，必须加强国家安全保障。")
    b = _ann(annotator, "面临网络攻击风险,必须加强国家安全保障.")
    assert a.labels() == b.labels()


def test_annotation_is_deterministic(annotator: RuleAnnotator) -> None:
    text = "Adversaries threaten United States national security; agencies must act urgently."
    assert (
        _ann(annotator, text, "en").to_record()
        == RuleAnnotator().annotate(Sentence("d", 0, 0, len(text), text), "en").to_record()
    )


def test_guiding_ideology_list_of_national_strategies_is_not_a_move() -> None:
    """Case: the boilerplate 全面贯彻党的十九大精神…围绕科教兴国、人才强国、创新驱动发展、
    军民融合等战略实施… was coded a securitizing move (军民融合 as extraordinary measure
    and military frame) and became top evidence. A list of named strategies names
    policies; no strategy in it is presented as an extraordinary measure."""
    ann = RuleAnnotator()
    text = (
        "全面贯彻党的十九大精神，围绕科教兴国、人才强国、创新驱动发展、军民融合等战略实施，"
        "加快构建人才培养体系，为我国构筑人工智能发展先发优势提供战略支撑。"
    )
    a = _ann(ann, text)
    assert a.securitizing_move == 0 and a.extraordinary_measures == 0
    assert "military" not in a.sector
    # outside an enumeration of strategies 军民融合 still counts
    b = _ann(ann, "深入推进军民融合，防范国家安全风险。")
    assert "military" in b.sector


def test_lag_of_developing_countries_is_no_falling_behind_threat() -> None:
    """Case: 增强发展中国家…代表性…弥合智能鸿沟和治理能力差距 was coded a falling-behind
    threat (差距): the gap is other countries', not China's."""
    ann = RuleAnnotator()
    a = _ann(ann, "增强发展中国家的代表性和发言权，不断弥合智能鸿沟和治理能力差距。")
    assert a.threat == 0
    assert any(e.note == "suppressed:others-lag" for e in a.evidence)
    # China's own lag still counts, also when other countries are named
    b = _ann(ann, "与发达国家相比，我国在核心算法方面仍存在较大差距，各国竞争激烈。")
    assert b.threat == 1
    c = _ann(ann, "我国人工智能整体发展水平与发达国家相比仍存在差距。")
    assert c.threat == 1


# ---------------------------------------------------------------- helpers = their definitions
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="安全，,；;：:。！？!? \n\u3000ab", max_size=40),
       st.sampled_from(["zh", "en"]))
def test_clause_ids_count_clause_ends_before_each_offset(text: str, lang: str) -> None:
    from seclens.annotate.rules import _CLAUSE_END, _clause_ids

    ids = _clause_ids(text, lang)
    assert len(ids) == len(text) + 1
    assert ids == [sum(ch in _CLAUSE_END[lang] for ch in text[:i])
                   for i in range(len(text) + 1)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\t\u3000\u00a0x.", max_size=40))
def test_word_starts_count_whitespace_separated_words_before_each_offset(text: str) -> None:
    from seclens.annotate.rules import _word_starts, _words_between

    ws = _word_starts(text)
    assert ws == [len(text[:i].split()) for i in range(len(text) + 1)]
    for a in range(len(text) + 1):
        for b in range(a, len(text) + 1):
            assert _words_between(text, ws, a, b) == len(text[a:b].split())


def test_cue_hits_memo_is_bounded_and_gives_what_find_gives() -> None:
    from seclens.annotate.rules import _HITS_MEMO

    ann = RuleAnnotator()
    book = ann._book("zh")
    texts = [f"第{i}条 要加强网络安全、数据安全等领域的风险防范。" for i in range(3 * _HITS_MEMO)]
    for text in texts:
        assert list(ann._cue_hits(book, text)) == book.find(text)
        fields = ("vuori", "sector")
        assert list(ann._cue_hits(book, text, fields)) == book.find(text, list(fields))
        assert len(ann._hits) <= _HITS_MEMO
