"""Regression tests for the fourth codebook round (rules-2026.11.5, zh-cues-2026.11.6).

Each test is named after the convention or error category it covers; the sentences are
written for the tests (not taken from the reference gold or the corpus). Every case pairs
the new reading with a counter-case that must keep the old one.
"""

from __future__ import annotations

import pytest

from seclens.annotate import RuleAnnotator
from seclens.annotate.types import SentenceAnnotation
from seclens.errors import AnnotationError
from seclens.types import Sentence


def _ann(annotator: RuleAnnotator, text: str, lang: str) -> SentenceAnnotation:
    return annotator.annotate(Sentence("d", 0, 0, len(text), text), lang, "", "")


# CODEBOOK extraordinary_measures: ordinary programme steps are 0 unless framed as
# extraordinary. Military-civil fusion named as one application domain of a product
# (……、军民融合等领域) is a domain, not a measure; its sector is kept.
def test_application_domain_list_is_no_measure_referent_or_addressee(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "支持企业开发面向交通、医疗、军民融合等领域的智能传感器产品。", "zh")
    assert a.extraordinary_measures == 0
    assert a.securitizing_move == 0
    assert "military" in a.sector
    assert "military" not in a.audience
    assert "nation_state" not in a.referent_object
    # a threat word that names a domain (金融风险、财税、统计等领域) presents no threat
    b = _ann(annotator, "推广智能算法在金融风险、财税、统计等领域的应用。", "zh")
    assert b.threat == 0
    # counter-cases: military-civil fusion requested as a measure stays extraordinary,
    # and an actor before the list (推动企业在……等领域) stays the addressee
    c = _ann(annotator, "必须深入推进军民融合，维护国家安全。", "zh")
    assert c.extraordinary_measures == 1 and c.securitizing_move == 1
    d = _ann(annotator, "推动企业在语音识别、图像处理、虚拟仿真等领域开发智能软件。", "zh")
    assert "enterprises" in d.audience


# CODEBOOK sector: in an attributive list of application fields a weak sector cue (金融)
# names where a product is used; a list that scopes a risk measure keeps it.
def test_weak_sector_cue_in_application_list_names_no_sector(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "发展面向金融、公共安全、物流、军民融合等领域的智能终端产业。", "zh")
    assert "economic" not in a.sector
    assert {"military", "public_safety"} <= set(a.sector)
    b = _ann(annotator, "围绕数据安全、金融、就业等领域建立风险防范机制。", "zh")
    assert "economic" in b.sector


# CODEBOOK sector military (national defence): nuclear and radiological risks are a
# defence matter; nuclear energy is not.
def test_nuclear_and_radiological_risk_is_military_sector(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator,
        "(2) The Secretary of Energy shall report on the nuclear and radiological risks of "
        "frontier AI models.",
        "en",
    )
    assert "military" in a.sector
    assert a.threat == 1
    b = _ann(annotator, "(3) The Secretary shall assess nuclear energy for data centers.", "en")
    assert "military" not in b.sector


# Vuori: a request directs action. A sentence-initial gerund that is the subject of a
# finite verb ("Strengthening X requires …", "(c) Training Y will help …") states what
# something takes: a claim, not a task heading or an inherited list task.
def test_gerund_subject_of_finite_verb_is_a_claim(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "Strengthening critical infrastructure requires investment.", "en")
    assert a.vuori_act == "claim"
    b = _ann(annotator, "(c) Training cleared personnel will help agencies adopt AI.", "en")
    assert b.vuori_act == "claim"
    # counter-cases: a gerund heading and a gerund task item stay requests
    assert _ann(annotator, "Strengthening Federal Data Governance.", "en").vuori_act == "request"
    c = _ann(annotator, "(D) Developing guidance on the procurement of AI systems;", "en")
    assert c.vuori_act == "request"


# CODEBOOK threat ('present a threat … to a referent object'): risks weighed against
# benefits name the two sides of an assessment; a security-qualified risk still counts.
def test_risks_weighed_against_benefits_are_no_threat(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "评估智能机器人的潜在风险与收益，形成评估报告。", "zh")
    assert a.threat == 0
    b = _ann(annotator, "(c) publish guidance on the benefits and risks of open models;", "en")
    assert b.threat == 0
    # counter-cases
    assert _ann(annotator, "智能机器人存在被恶意攻击的风险。", "zh").threat == 1
    c = _ann(annotator, "(d) address the national security risks and benefits of AI;", "en")
    assert c.threat == 1


# CODEBOOK sector economic (economic security, industrial chains, supply): an industrial
# system described as secure invokes the security of the industrial base.
def test_secure_industrial_system_is_economic_sector(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "着力打造安全高效、韧性强的智能制造产业体系。", "zh")
    assert "economic" in a.sector
    # counter-case: an industrial system without security talk names no sector
    b = _ann(annotator, "着力打造高效、韧性强的智能制造产业体系。", "zh")
    assert "economic" not in b.sector


# CODEBOOK sector public_safety: the chemical-and-biological dual-use domain is coded
# like biosecurity (reference convention); chemistry alone is not.
def test_chemical_and_biological_domain_is_public_safety(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "(ii) evaluate AI models for chemical and biological threats;", "en")
    assert "public_safety" in a.sector
    assert a.threat == 1
    b = _ann(annotator, "(iii) support research in chemical engineering and materials;", "en")
    assert "public_safety" not in b.sector


# Vuori: a purpose statement (为……，制定本规划) performs no directive act; when its purpose
# names a threat to avert it asserts the situation (claim), like other non-directives.
def test_purpose_statement_naming_a_threat_is_a_claim(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "为有效防范数据泄露和网络攻击风险，保障数据安全，制定本办法。", "zh")
    assert a.threat == 1 and a.vuori_act == "claim"
    b = _ann(annotator, "为促进智能制造产业高质量发展，制定本办法。", "zh")
    assert b.vuori_act == "none"


# CODEBOOK threat ('threat, risk, danger, challenge or vulnerability'): a violation of a
# law is a compliance matter, not a threat presented; an attack still is.
def test_law_violations_are_no_threat(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "(v) advise agencies on avoiding violations of copyright law;", "en")
    assert a.threat == 0
    b = _ann(annotator, "(vi) advise agencies on attacks against copyright databases;", "en")
    assert b.threat == 1


# CODEBOOK sector societal (social order, employment shocks) and securitizing_move: a
# risk to social order is societal security talk and frames the move by itself; ethics
# risks named as a topic or attitude do not.
def test_social_order_risk_frames_a_move(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "(c)冲击现有社会秩序的风险。", "zh")
    assert "societal" in a.sector and a.threat == 1
    assert a.securitizing_move == 1
    b = _ann(annotator, "客观看待伦理风险，加强伦理知识普及。", "zh")
    assert "societal" in b.sector
    assert b.securitizing_move == 0


# CODEBOOK sector cyber_data ('networks, information, data'): a sentence that is security
# talk only through government-affairs or information-security context words (政务, 泄露)
# invokes cyber security; mixed safety/security sentences and sentences with a named
# sector are left as they are, and no referent object is inferred from such a sector.
def test_government_information_context_implies_cyber_sector(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "政务部门应加强政务系统大模型的安全管理，防范安全风险。", "zh")
    assert a.security_sense == "security"
    assert a.sector == ("cyber_data",)
    # the implied sector does not license a referent inference (coders split)
    assert a.referent_object == ("none",) and a.securitizing_move == 0
    b = _ann(annotator, "加强国防领域大模型的安全管理。", "zh")
    assert "cyber_data" not in b.sector


@pytest.mark.parametrize(
    "bad", [{"zh": {"cyber": ["政务"]}}, {"zh": {"cyber_data": "政务"}}, {"zh": ["政务"]}]
)
def test_malformed_context_sector_is_an_error(bad: object) -> None:
    from seclens.annotate.cues import load_data_file

    rules = dict(load_data_file("rules"))
    rules["context_sector"] = bad
    ann = RuleAnnotator(rules=rules)
    with pytest.raises(AnnotationError) as exc:
        _ann(ann, "政务部门应加强政务系统的安全管理。", "zh")
    assert exc.value.code == "E401"
