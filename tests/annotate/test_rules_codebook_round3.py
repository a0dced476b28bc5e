"""Regression tests for the third codebook round (rules-2026.11.4 and later cue versions).

Each test is named after the convention or error category it covers; the sentences are
written for the tests (not taken from the reference gold or the corpus). Every case pairs
the new reading with a counter-case that must keep the old one.
"""

from __future__ import annotations

import pytest

from seclens.annotate import RuleAnnotator
from seclens.annotate.types import SentenceAnnotation
from seclens.errors import AnnotationError
from seclens.types import DocumentMeta, Sentence

INITIATIVE = DocumentMeta("init", title="全球数据治理倡议", level="central", language="zh")
MEMO = DocumentMeta(
    "memo",
    title="Memorandum on Strengthening Federal Cyber Defenses",
    level="foreign",
    language="en",
)
PLAN = DocumentMeta("plan", title="数据产业发展行动计划", level="central", language="zh")


def _ann(
    annotator: RuleAnnotator,
    text: str,
    lang: str,
    level: str = "",
    meta: DocumentMeta | None = None,
) -> SentenceAnnotation:
    return annotator.annotate(
        Sentence("d", 0, 0, len(text), text), lang, "", "", level=level, meta=meta
    )


# CODEBOOK audience 'whom does the sentence address': an international initiative
# addresses the international community in its claims and requests alike.
def test_international_initiative_implies_international_audience(
    annotator: RuleAnnotator,
) -> None:
    req = _ann(annotator, "推动建立数据跨境流动规则，加强政策沟通。", "zh", meta=INITIATIVE)
    assert req.vuori_act == "request"
    assert req.audience == ("international",)
    assert any(e.rule_id == "rule.document_audience.international_initiative" for e in req.evidence)
    claim = _ann(annotator, "数据治理是全人类面临的共同课题。", "zh", meta=INITIATIVE)
    assert claim.vuori_act == "claim" and claim.audience == ("international",)
    # the same sentences in a domestic action plan address no one in particular
    for text in ("推动建立数据跨境流动规则，加强政策沟通。", "数据治理是全人类面临的共同课题。"):
        assert _ann(annotator, text, "zh", meta=PLAN).audience == ()


def test_named_addressee_wins_over_the_document_audience(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "鼓励企业参与制定数据治理规则。", "zh", meta=INITIATIVE)
    assert a.audience == ("enterprises",)


# A presidential memorandum is issued to the heads of executive departments and
# agencies: its directives without a named addressee address ministries; section
# headings and sentences without a directive do not.
def test_memorandum_directive_addresses_ministries(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "Federal cyber defenses must keep pace with the threat.", "en", meta=MEMO)
    assert a.vuori_act == "request" and a.audience == ("ministries",)
    for title in (
        "Hardening Federal Information Systems.",
        "2.3. Hardening, Monitoring, and Recovery of Federal Information Systems.",
    ):
        assert "ministries" not in _ann(annotator, title, "en", meta=MEMO).audience
    claim = _ann(annotator, "Ransomware attacks have grown more frequent.", "en", meta=MEMO)
    assert claim.audience == ()
    # an executive order (no memorandum) keeps the open addressee
    order = DocumentMeta("eo", title="Executive Order on Cyber Defenses", level="foreign")
    b = _ann(annotator, "Federal cyber defenses must keep pace with the threat.", "en", meta=order)
    assert b.audience == ()


def test_document_audience_needs_metadata_and_level_comes_from_meta(
    annotator: RuleAnnotator,
) -> None:
    text = "推动建立数据跨境流动规则，加强政策沟通。"
    assert _ann(annotator, text, "zh").audience == ()
    assert annotator.document_audience(INITIATIVE) == "international"
    assert annotator.document_audience(PLAN) == ""
    assert annotator.document_audience(None) == ""
    # meta.level feeds the implicit audience of local documents when level is not given
    local = DocumentMeta("m", title="某市数据产业行动计划", level="municipal")
    assert _ann(annotator, "加快建设数据中心。", "zh", meta=local).audience == ("local_government",)


_ENTRY = {"id": "x", "title": ["倡议"], "audience": "public", "acts": ["request"], "source": "s"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"audience": "everyone"}, "E401"),
        ({"acts": ["none"]}, "E401"),
        ({"source": ""}, "E401"),
        ({"title": ["(倡议"]}, "E402"),
    ],
)
def test_malformed_document_audience_entry_is_an_error(
    change: dict[str, object], code: str
) -> None:
    from seclens.annotate.cues import load_data_file

    rules = dict(load_data_file("rules"))
    rules["document_audience"] = [{**_ENTRY, **change}]
    ann = RuleAnnotator(rules=rules)
    with pytest.raises(AnnotationError) as exc:
        _ann(ann, "推动建立规则。", "zh", meta=INITIATIVE)
    assert exc.value.code == code


# CODEBOOK audience local_government vs ministries: a city's development and reform
# commission is a local office; the national commission is a ministry.
def test_local_development_and_reform_commission_is_local_government(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "（责任单位：区政府，市发展改革委、市财政局）", "zh")
    assert a.audience == ("local_government",)
    b = _ann(annotator, "（牵头单位：国家发展改革委、工业和信息化部）", "zh")
    assert b.audience == ("ministries",)
    c = _ann(annotator, "发展改革委要加强统筹协调。", "zh")
    assert c.audience == ("ministries",)


# CODEBOOK threat 'present a threat ... to a referent object': a threat noun that
# modifies a detection or monitoring noun names a capability to build, not a threat.
def test_threat_noun_modifying_a_detection_noun_is_a_capability(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "建设入侵检测、漏洞扫描和威胁信息共享平台。", "zh")
    assert a.threat == 0 and a.securitizing_move == 0
    b = _ann(annotator, "完善城市安全风险综合监测预警系统。", "zh")
    assert b.threat == 0
    # the threat named as such is still presented
    c = _ann(annotator, "关键信息基础设施面临网络入侵和漏洞利用的威胁。", "zh")
    assert c.threat == 1


# Vuori (2008): a request needs a directive verb; directive words used as nouns
# (requirements, support, construction) in descriptions and attainment targets do not
# make a request.
@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("该类标准主要规定数据标注、质量评价等要求。", "none"),
        ("到2030年，智慧城市建设取得显著成效，产业规模超过千亿元。", "none"),
        ("人工智能在智能交通、国防建设等领域得到普遍应用。", "none"),
        ("统一接口标准，为大模型推理提供算力支持。", "none"),
        # real directives keep the request
        ("要求企业落实数据安全保护责任。", "request"),
        ("到2030年，建设一批智能计算中心。", "request"),
        ("支持企业开展大模型研发。", "request"),
    ],
)
def test_nominal_directive_word_is_no_request(
    annotator: RuleAnnotator, text: str, act: str
) -> None:
    assert _ann(annotator, text, "zh").vuori_act == act


# CODEBOOK sector: a weak cue needs security talk about it; a security domain named
# beside it (经济社会发展和国防) is another domain of a list, not an anchor for it.
def test_domain_list_anchor_does_not_carry_another_sectors_weak_cue(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "全面提升经济社会发展和国防建设的智能化水平。", "zh")
    assert "military" in a.sector and "economic" not in a.sector
    # a threat in the clause still anchors the weak cue
    b = _ann(annotator, "防范经济领域的网络攻击。", "zh")
    assert "economic" in b.sector
    # other countries beside a security domain remain international security talk
    c = _ann(annotator, "各国在军事领域使用人工智能应当慎重。", "zh")
    assert {"international", "military"} <= set(c.sector)


# CODEBOOK audience 'whom does the sentence address': an English possessor (vendors’
# claims, Americans’ rights) is the subject matter, as 公众和企业需求 is in Chinese.
def test_english_possessor_is_not_the_addressee(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator,
        "Agencies shall review vendors’ claims and protect Americans’ rights.",
        "en",
    )
    assert a.audience == ("ministries",)
    b = _ann(annotator, "Agencies shall consult vendors and inform Americans.", "en")
    assert {"enterprises", "public"} <= set(b.audience)


# CODEBOOK audience: government-affairs departments (政务部门) are the departments of
# every level of government, ministries and local governments alike.
def test_government_affairs_departments_are_every_level(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "政务部门应健全大模型应用的安全管理制度。", "zh")
    assert set(a.audience) == {"ministries", "local_government"}
    b = _ann(annotator, "有关部门应健全大模型应用的安全管理制度。", "zh")
    assert b.audience == ("ministries",)


# CODEBOOK audience: a numbered heading that names a programme announces a section and
# addresses nobody, even in a municipal plan; a verb-object heading is a task of the
# local apparatus.
@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("（三）智慧交通“提速”行动", ()),
        ("（二）中小学人工智能课程建设工程", ()),
        ("（二）实施智慧交通提速行动。", ("local_government",)),
        ("3.建设城市级算力调度平台。", ("local_government",)),
    ],
)
def test_programme_heading_addresses_nobody(
    annotator: RuleAnnotator, text: str, audience: tuple[str, ...]
) -> None:
    a = _ann(annotator, text, "zh", level="municipal")
    assert a.vuori_act == "request"
    assert a.audience == audience


def test_security_capability_keeps_the_sector_referent(annotator: RuleAnnotator) -> None:
    # no threat is presented, but the capability protects the sector's referent
    a = _ann(annotator, "建设人工智能网络安全平台，开展攻击检测和漏洞挖掘技术攻关。", "zh")
    assert a.threat == 0 and a.securitizing_move == 0
    assert a.referent_object == ("technology_industry",)
    assert any(e.rule_id == "rule.sector_referent.cyber_data" for e in a.evidence)
    # generic risk monitoring names no capability against a threat
    b = _ann(annotator, "建立城市运行风险综合监测预警平台。", "zh")
    assert b.threat == 0 and b.referent_object == ("none",)


# CODEBOOK audience academia = universities and researchers: a discipline or talent
# cultivation named as a topic is no actor; a plan for institutions of higher education
# addresses the universities.
def test_academic_topics_name_no_actor_but_university_plans_address_academia(
    annotator: RuleAnnotator,
) -> None:
    text = "完善人工智能学科评价机制，改进人才培养模式。"
    assert _ann(annotator, text, "zh", level="central").audience == ()
    uni = DocumentMeta("u", title="高等学校数据科学创新行动计划", level="central")
    assert _ann(annotator, text, "zh", meta=uni).audience == ("academia",)
    # universities named as actors stay academia everywhere
    assert _ann(annotator, "支持高校建设人工智能学院。", "zh").audience == ("academia",)
