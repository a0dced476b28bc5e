"""Regression tests for the generalisation round (engineering dev set, docs/annotation.md).

Each test names the general rule it fixes; the sentences are written for the test (no
corpus text is copied into the repository).
"""

from __future__ import annotations

import pytest

from seclens.annotate import RuleAnnotator
from seclens.annotate.types import SentenceAnnotation
from seclens.types import Sentence


def _ann(
    annotator: RuleAnnotator,
    text: str,
    lang: str = "zh",
    prev: str = "",
    nxt: str = "",
    level: str = "",
) -> SentenceAnnotation:
    return annotator.annotate(Sentence("d", 0, 0, len(text), text), lang, prev, nxt, level=level)


@pytest.mark.parametrize(
    "text",
    [
        "(iv) the Secretary of Homeland Security;",
        "The Assistant to the President for National Security Affairs shall convene the group.",
        "(i) sources of funds secured or likely to be secured for the project;",
    ],
)
def test_names_of_offices_and_secured_funds_are_no_sense_use(
    annotator: RuleAnnotator, text: str
) -> None:
    a = _ann(annotator, text, "en")
    assert a.security_sense == "none"
    assert "military" not in a.sector and a.referent_object == ("none",)


def test_member_list_item_performs_no_act(annotator: RuleAnnotator) -> None:
    assert _ann(annotator, "(vii) the Secretary of Labor;", "en").vuori_act == "none"


def test_must_without_threat_is_no_urgency(annotator: RuleAnnotator) -> None:
    assert (
        _ann(annotator, "(a) Artificial Intelligence must be safe and secure.", "en").urgency == 0
    )
    a = _ann(annotator, "We must act against the threat of attacks on our networks.", "en")
    assert a.urgency == 1


def test_bixu_in_a_security_sentence_is_urgency(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "当前国家安全形势复杂，必须统筹发展，保障国家安全。")
    assert a.urgency == 1
    assert _ann(annotator, "必须坚持以人为本。").urgency == 0


def test_elevation_to_national_strategy_level(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "必须把网络安全放在国家战略层面统筹谋划，有效维护国家安全。")
    assert a.extraordinary_measures == 1 and a.securitizing_move == 1


@pytest.mark.parametrize(
    "text",
    ["加强潜在风险研判，建立风险预警机制。", "加强系统运行状态和潜在风险的实时监测。"],
)
def test_risk_as_object_of_monitoring_is_no_threat(annotator: RuleAnnotator, text: str) -> None:
    assert _ann(annotator, text).threat == 0


def test_heading_on_a_topic_presents_no_threat(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "5.2 针对数据安全风险")
    assert a.threat == 0 and a.vuori_act == "none"
    b = _ann(annotator, "7.市场风险预测。")
    assert b.threat == 0 and b.vuori_act == "none"


def test_bare_security_risk_heading_is_mixed(annotator: RuleAnnotator) -> None:
    assert _ann(annotator, "3.4 应用安全风险").security_sense == "mixed"


def test_purpose_statement_performs_no_act(annotator: RuleAnnotator) -> None:
    a = _ann(annotator, "为加快推进人工智能产业发展，结合本地实际，制定本方案。")
    assert a.vuori_act == "none"


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("增强底线思维，提升风险应对能力。", "request"),
        ("举办高水平学术会议，创办学术期刊。", "request"),
        ("赋予科研团队技术路线决定权。", "request"),
    ],
)
def test_more_directive_verbs(annotator: RuleAnnotator, text: str, act: str) -> None:
    assert _ann(annotator, text).vuori_act == act


@pytest.mark.parametrize(
    ("text", "lang", "level", "audience"),
    [
        # object of a task is not the addressee; the local document's own apparatus is
        ("加大对我市优秀企业的宣传推广力度。", "zh", "", ("local_government",)),
        ("培育一批人工智能领军企业。", "zh", "central", ()),
        ("引进一批高校毕业生。", "zh", "central", ()),
        # named actors who are directed or mobilized are addressed
        ("鼓励龙头企业开放应用场景。", "zh", "central", ("enterprises",)),
        ("支持高校和科研院所开展基础研究。", "zh", "central", ("academia",)),
        ("有关部门应加强监督检查。", "zh", "central", ("ministries",)),
        # the public interest is not the public; the Department of Defense is a ministry
        (
            "The Secretary of Defense shall, consistent with the public interest, review it.",
            "en",
            "foreign",
            ("ministries",),
        ),
        # an opening purpose clause is not the subject
        (
            "(b) To promote competition in the chip industry, the Secretary of Commerce shall act.",
            "en",
            "foreign",
            ("ministries",),
        ),
        # the object of a task is not its addressee
        (
            "The Secretary shall set reporting requirements for transmission providers.",
            "en",
            "foreign",
            ("ministries",),
        ),
    ],
)
def test_audience_in_addressee_position(
    annotator: RuleAnnotator, text: str, lang: str, level: str, audience: tuple[str, ...]
) -> None:
    assert _ann(annotator, text, lang, level=level).audience == audience


def test_task_item_inherits_the_lead_in_addressee(annotator: RuleAnnotator) -> None:
    prev = "(c) Within 90 days of the date of this order, the Secretary of Energy shall:"
    item = _ann(annotator, "(i) publish guidance on grid interconnection;", "en", prev=prev)
    assert item.audience == ("ministries",)
    content = _ann(annotator, "(i) reporting requirements for grid operators;", "en", prev=prev)
    assert content.audience == ()


def test_cooperation_vocabulary_is_no_security_frame(annotator: RuleAnnotator) -> None:
    # a risk heading next to a sentence about international cooperation is not a move
    a = _ann(annotator, "(c)模型风险。", nxt="深化人工智能国际合作，推动各国交流。")
    assert a.securitizing_move == 0


def test_lowercase_homeland_security_is_a_sense_use(annotator: RuleAnnotator) -> None:
    # office names are matched with their capitals only
    a = _ann(annotator, "AI could pose threats to homeland security.", "en")
    assert a.security_sense == "security" and a.securitizing_move == 1
