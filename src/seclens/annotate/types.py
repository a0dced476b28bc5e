"""Annotation stage: result types of sentence-level securitizing-move annotation.

Field names and label sets follow ``CODEBOOK.md`` exactly, so an annotation can be
written in the gold ``.jsonl`` format and compared with hand coding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECURITY_SENSES = ("security", "safety", "mixed", "none")
SECTORS = (
    "military",
    "political",
    "economic",
    "societal",
    "cyber_data",
    "technological",
    "ideological",
    "public_safety",
    "international",
)
REFERENT_OBJECTS = (
    "nation_state",
    "regime",
    "economy",
    "society_public",
    "individuals",
    "technology_industry",
    "none",
)
VUORI_ACTS = ("claim", "warning", "request", "none")
AUDIENCES = (
    "local_government",
    "ministries",
    "enterprises",
    "academia",
    "public",
    "military",
    "international",
)
BINARY = (0, 1)

#: Single-valued (nominal) fields and their allowed values.
NOMINAL_FIELDS: dict[str, tuple[Any, ...]] = {
    "security_sense": SECURITY_SENSES,
    "threat": BINARY,
    "urgency": BINARY,
    "extraordinary_measures": BINARY,
    "vuori_act": VUORI_ACTS,
    "securitizing_move": BINARY,
}
#: Multi-label fields and their label sets (``none`` of referent_object is the empty set).
MULTI_FIELDS: dict[str, tuple[str, ...]] = {
    "sector": SECTORS,
    "referent_object": tuple(r for r in REFERENT_OBJECTS if r != "none"),
    "audience": AUDIENCES,
}
CODEBOOK_FIELDS = (
    "security_sense",
    "sector",
    "referent_object",
    "threat",
    "urgency",
    "extraordinary_measures",
    "vuori_act",
    "audience",
    "securitizing_move",
)


@dataclass(frozen=True)
class Evidence:
    """Why a label was assigned: one cue occurrence or rule decision.

    Attributes
    ----------
    field : str
        Codebook field (``threat``, ``sector`` ...).
    label : str
        The label supported (``1``, ``military`` ...).
    rule_id : str
        Id of the cue entry (``zh.threat.core``), rule (``rule.move.compositional``)
        or model (``model:<sha>``) that fired.
    start, end : int
        Half-open offsets into the sentence text (``-1`` for whole-sentence decisions).
    text : str
        ``sentence.text[start:end]``.
    doc_start, doc_end : int
        Offsets into ``Document.text`` (``-1`` when the sentence has no document offsets).
    note : str
        ``context:prev`` / ``context:next`` when the cue came from a neighbouring
        sentence, ``suppressed:negation`` / ``suppressed:procedural`` for cues
        deliberately not counted, ``inferred`` for a label a rule infers without a
        span (see :meth:`inferred`), else ``""``.
    """

    field: str
    label: str
    rule_id: str
    start: int
    end: int
    text: str
    doc_start: int = -1
    doc_end: int = -1
    note: str = ""

    @classmethod
    def inferred(cls, field: str, label: str, rule_id: str) -> Evidence:
        """Evidence of a label a rule infers for the whole sentence (no cue span)."""
        return cls(field, label, rule_id, -1, -1, "", -1, -1, "inferred")


@dataclass(frozen=True)
class SentenceAnnotation:
    """The nine codebook fields of one sentence, with their evidence.

    Attributes
    ----------
    doc_id : str
    sentence_index : int
    lang : str
    text : str
    start, end : int
        Offsets of the sentence in ``Document.text`` (``-1`` when unknown).
    security_sense, vuori_act : str
    sector, referent_object, audience : tuple[str, ...]
        Sorted in codebook order; ``referent_object`` is ``("none",)`` when empty,
        as in the gold files.
    threat, urgency, extraordinary_measures, securitizing_move : int
        0 or 1.
    evidence : tuple[Evidence, ...]
    detector : str
        ``rules:<cue versions>`` or ``model:<sha256 prefix>``.
    """

    doc_id: str
    sentence_index: int
    lang: str
    text: str
    start: int
    end: int
    security_sense: str
    sector: tuple[str, ...]
    referent_object: tuple[str, ...]
    threat: int
    urgency: int
    extraordinary_measures: int
    vuori_act: str
    audience: tuple[str, ...]
    securitizing_move: int
    evidence: tuple[Evidence, ...] = field(default=())
    detector: str = ""

    def labels(self) -> dict[str, Any]:
        """The nine codebook fields in the gold ``.jsonl`` representation."""
        return {
            "security_sense": self.security_sense,
            "sector": list(self.sector),
            "referent_object": list(self.referent_object),
            "threat": self.threat,
            "urgency": self.urgency,
            "extraordinary_measures": self.extraordinary_measures,
            "vuori_act": self.vuori_act,
            "audience": list(self.audience),
            "securitizing_move": self.securitizing_move,
        }

    def evidence_for(self, field_name: str) -> tuple[Evidence, ...]:
        """Evidence items of one field."""
        return tuple(e for e in self.evidence if e.field == field_name)

    def to_record(self) -> dict[str, Any]:
        """JSON-serialisable record (gold fields plus offsets and evidence)."""
        rec: dict[str, Any] = {
            "doc_id": self.doc_id,
            "sentence_index": self.sentence_index,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        rec.update(self.labels())
        rec["detector"] = self.detector
        rec["evidence"] = [
            {
                "field": e.field,
                "label": e.label,
                "rule_id": e.rule_id,
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "doc_start": e.doc_start,
                "doc_end": e.doc_end,
                "note": e.note,
            }
            for e in self.evidence
        ]
        return rec


def order_labels(labels: set[str], universe: tuple[str, ...]) -> tuple[str, ...]:
    """Labels in codebook order (deterministic output)."""
    return tuple(x for x in universe if x in labels)
