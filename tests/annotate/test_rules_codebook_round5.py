"""Regression tests for the fifth codebook round (zh-cues-2026.11.7, en-cues-2026.11.5).

Each test is named after the convention or error category it covers; the sentences are
written for the tests (not taken from the reference gold, the engineering sets or the
corpus). Every case pairs the new reading with a counter-case that must keep the old one.
"""

from __future__ import annotations

from seclens.annotate import RuleAnnotator
from seclens.annotate.cues import load_cuebook
from seclens.annotate.types import SentenceAnnotation
from seclens.types import Sentence


def _ann(annotator: RuleAnnotator, text: str, lang: str) -> SentenceAnnotation:
    return annotator.annotate(Sentence("d", 0, 0, len(text), text), lang, "", "")


# CODEBOOK referent_object: the supply chain whose security is at stake is the AI
# industry's (chips, frameworks, tools), like 产业安全 — technology_industry, not the
# national economy; the sector stays economic (industrial chains, supply).
def test_supply_chain_security_protects_the_technology_industry(
    annotator: RuleAnnotator,
) -> None:
    a = _ann(annotator, "(f)供应链中断风险。", "zh")
    b = _ann(annotator, "提高智能芯片和开发工具的供应链安全水平，防范断供风险。", "zh")
    for x in (a, b):
        assert "technology_industry" in x.referent_object
        assert "economy" not in x.referent_object
    assert "economic" in b.sector
    # counter-case: economic security and financial risk keep the economy as referent
    c = _ann(annotator, "防范化解金融风险，维护国家经济安全。", "zh")
    assert "economy" in c.referent_object


# CODEBOOK referent_object individuals (persons): intellectual property is a property
# right to respect or a service topic, not persons presented as needing protection.
def test_intellectual_property_is_no_individuals_referent(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "加强人工智能领域的知识产权保护，建设知识产权公共服务平台。", "zh")
    assert "individuals" not in a.referent_object
    b = _ann(annotator, "生成内容可能侵犯知识产权，带来安全风险。", "zh")
    assert "individuals" not in b.referent_object
    # counter-case: personal information stays an individuals referent
    c = _ann(annotator, "加强个人信息保护，防范个人信息泄露风险。", "zh")
    assert "individuals" in c.referent_object


# CODEBOOK security_sense ("does the sentence use … security"): the name of a body built
# like the National Security Council uses no word in a sense; its member stays an
# addressee. The defined term "national security systems" is not a body name.
def test_body_names_with_national_security_are_names(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator,
        "The chair of the Committee on National Security Systems may join the working group.",
        "en",
    )
    assert a.security_sense == "none"
    assert a.sector == ()
    assert a.referent_object == ("none",)
    b = _ann(
        annotator,
        "The AI National Security Coordination Group shall meet quarterly.",
        "en",
    )
    assert b.security_sense == "none" and "ministries" in b.audience
    # counter-case: protecting national security systems is security talk about them
    c = _ann(annotator, "Agencies shall protect national security systems from attacks.", "en")
    assert c.security_sense == "security"
    assert "nation_state" in c.referent_object


# CODEBOOK referent_object ("what is presented as needing protection"): an enumeration
# of the topics of standards (……、隐私保护等技术标准) names what standards cover.
def test_standards_topic_list_names_no_referent(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "研究制定术语定义、数据标注、网络安全、隐私保护等技术标准。", "zh")
    assert a.referent_object == ("none",)
    assert "cyber_data" in a.sector  # strong sector cue in the list is kept
    # an actor list before 将标准 is no standards-topic list
    b = _ann(annotator, "鼓励企业、高校、研究机构等将标准应用于产品研发。", "zh")
    assert {"enterprises", "academia"} <= set(b.audience)
    # counter-case: privacy protected against a threat outside such a list stays
    c = _ann(annotator, "强化数据安全与隐私保护，防范隐私泄露风险。", "zh")
    assert "individuals" in c.referent_object


# CODEBOOK audience ("whom does the sentence address"): the addressee lines of a
# presidential memorandum name its addressees, like the responsibility notes of Chinese
# plans; they perform no act.
def test_memorandum_addressee_lines_address_ministries(annotator: RuleAnnotator) -> None:
    for line in (
        "THE SECRETARY OF AGRICULTURE",
        "THE DIRECTOR OF THE NATIONAL PARK SERVICE",
        "THE ATTORNEY GENERAL",
        "THE ADMINISTRATOR OF GENERAL SERVICES",
    ):
        a = _ann(annotator, line, "en")
        assert a.audience == ("ministries",), line
        assert a.vuori_act == "none", line
    # counter-cases: a signature line and a title-case heading address nobody
    assert _ann(annotator, "THE WHITE HOUSE,", "en").audience == ()
    assert _ann(annotator, "Strengthening Federal Data Governance.", "en").audience == ()


# CODEBOOK sector cyber_data ("networks, information, data"): model weights are the
# parameters of a model; widely available weights are a matter of openness, their theft
# or protection (a security anchor in the clause) is information security.
def test_model_weights_need_a_security_anchor_for_cyber_data(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator,
        "(iii) the benefits of open models whose model weights are widely available;",
        "en",
    )
    assert "cyber_data" not in a.sector
    b = _ann(
        annotator,
        "(B) the cybersecurity measures taken to protect model weights against theft;",
        "en",
    )
    assert "cyber_data" in b.sector
    assert "technology_industry" in b.referent_object


# CODEBOOK sector ideological (values, public opinion, ideology): values named as the
# norm a policy follows invoke no security sector; values contested by adversaries do.
def test_values_as_a_norm_are_no_ideological_sector(annotator: RuleAnnotator) -> None:
    a = _ann(
        annotator,
        "Agencies shall use AI in ways that are consistent with democratic values.",
        "en",
    )
    assert "ideological" not in a.sector
    b = _ann(
        annotator,
        "Adversaries use AI to undermine democratic values and spread propaganda.",
        "en",
    )
    assert "ideological" in b.sector
    c = _ann(annotator, "Adversaries seek to undermine our values.", "en")
    assert "ideological" in c.sector


def test_round5_cue_versions() -> None:
    assert load_cuebook("zh").version == "zh-cues-2026.11.7"
    assert load_cuebook("en").version == "en-cues-2026.11.5"
