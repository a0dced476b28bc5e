"""Annotation stage: the rule-based securitizing-move detector (the shipped default).

:class:`RuleAnnotator` codes one sentence (read with the sentence before and after it,
as ``CODEBOOK.md`` prescribes) on the nine codebook fields. Every label carries its
evidence: the cue spans (sentence and document offsets) and the id of the cue entry or
rule that fired. Cue vocabulary lives in ``seclens/data/cues/{zh,en}.yaml``; the
decision rules below combine the cues as documented in ``docs/annotation.md``:

* **security_sense**: each occurrence of 安全 / security / safety is classified by the
  longest sense compound covering it (国家安全 → security, 安全生产 → safety); bare
  occurrences are resolved by sentence context cues; both senses → ``mixed``.
* **threat**: threat cues minus procedural compounds (风险评估, "risk management": a
  routine measure, not a threat), cues in a procedural scope (评估…风险), negated cues
  (没有/不存在, "no"/"not" within the same clause before the cue), harms inside a
  prohibition (不得以窃取…: a rule of conduct), definitions, and topic headings
  (2.1 安全风险方面). Measure verbs (防范, 防止, 避免, "prevent") keep the named danger:
  it is presented, and the verb makes the sentence a *request*.
* **weak cues** (国际, 数据, "must" ...) count only when the sentence carries a security
  anchor (security sense, or an anchor cue such as 国防, 攻击, "adversaries").
* **securitizing_move** (compositional, codebook definition): referent object ≠ none
  AND (threat OR urgency OR extraordinary measures) AND a security frame (security or
  mixed sense, anchor, or a strong security-sector cue; for sentences with no 安全/
  security word the frame may come from the previous or next sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Any

from seclens.annotate.cues import CueBook, Hit, load_cuebook, load_data_file
from seclens.annotate.types import (
    AUDIENCES,
    REFERENT_OBJECTS,
    SECTORS,
    VUORI_ACTS,
    Evidence,
    SentenceAnnotation,
    order_labels,
)
from seclens.errors import AnnotationError
from seclens.types import DocumentMeta, Sentence

_CLAUSE_END = {"zh": "，,；;：:。！？!?", "en": ",;:.!?"}
#: Texts whose cue hits :meth:`RuleAnnotator._cue_hits` keeps (a sentence and its
#: neighbours are searched within a few sentences of each other).
_HITS_MEMO = 64
_HEADING_PREFIX = re.compile(
    r"^\s*(?:[—\-–·•]+|第[一二三四五六七八九十百0-9]+[章节条步][，,\s　]*|"
    r"[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十0-9a-zA-Z]+[）)]|[0-9]+(?:\.[0-9]+)*[、.．]?|[a-zA-Z][.)])\s*"
)
# Strong sectors whose cue alone frames the sentence as security talk.
_FRAME_SECTORS = frozenset(
    {
        "military",
        "political",
        "cyber_data",
        "technological",
        "ideological",
        "international",
        "economic",
        "societal",
    }
)
# Sectors that turn a safety-sense sentence into security talk (codebook rule 2).
_SAFETY_FRAME_SECTORS = frozenset({"military", "political", "ideological", "cyber_data"})
_HEADING_MAX = {"zh": 16, "en": 60}
_MASKABLE = frozenset({"sector", "referent_object", "anchor", "urgency", "extraordinary_measures"})
# Members of an enumeration of application domains (……、军民融合等领域): the domain
# names its sector (strong sector cues only) but is no measure, referent object,
# security anchor or addressee.
_DOMAIN_MASKABLE = frozenset(
    {"anchor", "referent_object", "threat", "urgency", "extraordinary_measures", "audience"}
)
# Names of offices, programmes and documents (Secretary of Homeland Security) mask every
# content cue inside them: the name does not use its words in a sense.
_NAME_MASKABLE = frozenset(
    {
        "sense_word",
        "sense",
        "sense_context",
        "anchor",
        "sector",
        "referent_object",
        "protect",
        "threat",
        "urgency",
        "extraordinary_measures",
    }
)
_EN_ITEM = re.compile(r"^\s*\((?:[a-zA-Z]{1,4}|[0-9]{1,3})\)\s")
# A list item that starts with an imperative verb: a task of its lead-in's subject
# ("(ii) consider publishing ..."), unlike content items ("(B) AI standards ...").
_EN_TASK_ITEM = re.compile(
    r"^\s*\((?:[a-zA-Z]{1,4}|[0-9]{1,3})\)\s+"
    r"(?:(?:within|no later than|not later than|by)\s[^,]{1,40},\s*)?"
    r"(?!(?:the|any|an?|such|all|each|its|their)\b)[a-z]+(?<!ing)(?<!s)\b"
)
_EN_MODALS = frozenset({"shall", "must", "should", "will", "is", "are", "it"})
# an English possessive right after an actor (vendors’ claims, the agency's plan)
_EN_POSSESSIVE = re.compile(r"(?:[’']s?)(?=\s)")
_EN_PURPOSE = re.compile(r"^\s*(?:\([a-zA-Z0-9]{1,4}\)\s*)?(?:To|In order to)\b")
# An English section heading in title case ("Strengthening AI Governance and Risk
# Management."): every word of four or more letters capitalised, at most 12 words.
_EN_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


_EN_SECTION_NUMBER = re.compile(r"^\s*(?:Sec(?:tion)?\.?\s*)?[0-9]+(?:\.[0-9]+)*\.?\s+")


def _en_title_heading(text: str) -> bool:
    """True for a short title-case English heading (no directive addressed to anyone).

    A section number may precede it ("3.1. Promoting Progress, Innovation, and
    Competition in United States AI Development.").
    """
    body = _EN_SECTION_NUMBER.sub("", text).strip().rstrip(".")
    words = _EN_TITLE_WORD.findall(body)
    if not words or len(words) > 12 or any(ch in body for ch in ";:"):
        return False
    return all(w[0].isupper() for w in words if len(w) >= 4)


def _adjacent(text: str, end: int, start: int) -> bool:
    """True when ``start`` follows ``end`` with at most whitespace in between."""
    return start >= end and not text[end:start].strip()


def _clause_ids(text: str, lang: str) -> list[int]:
    """Clause number of every character (clauses end at ，；：、 / , ; :).

    ``ids[i]`` is the number of clause ends in ``text[:i]`` (``len(text) + 1``
    entries): a running sum, computed in C by ``itertools.accumulate``.
    """
    return list(accumulate(map(_CLAUSE_END[lang].__contains__, text), initial=0))


class _Spans:
    """Hits sorted by start, with bisect look-ups (keeps annotation near-linear).

    A sentence of n characters with k cue hits used to be coded with pairwise scans
    (O(k²)); every look-up below visits only the hits whose start lies in a window
    bounded by the longest hit, so a long single-line document costs O(k log k).
    Order of ``hits`` is preserved (the cue finder sorts by start), so "the first hit
    that ..." answers are the same as a scan of the whole list.
    """

    __slots__ = ("hits", "maxlen", "starts")

    def __init__(self, hits: Sequence[Hit]) -> None:
        self.hits = list(hits)
        if any(a.start > b.start for a, b in zip(self.hits, self.hits[1:], strict=False)):
            self.hits.sort(key=lambda h: h.start)  # stable: ties keep their order
        self.starts = [h.start for h in self.hits]
        self.maxlen = max((h.end - h.start for h in self.hits), default=0)

    def between(self, lo: int, hi: int) -> Iterator[Hit]:
        """Hits with ``lo <= start <= hi``, in order."""
        i = bisect_left(self.starts, lo)
        j = bisect_right(self.starts, hi)
        for k in range(i, j):
            yield self.hits[k]

    def index_at(self, pos: int) -> int:
        """Index of the first hit starting at or after ``pos`` (``len(hits)`` if none)."""
        return bisect_left(self.starts, pos)

    def covering(self, start: int, end: int) -> Iterator[Hit]:
        """Hits ``m`` with ``m.start <= start`` and ``m.end >= end``, in order."""
        for m in self.between(start - self.maxlen, start):
            if m.end >= end:
                yield m


def _clause_begins(clauses: list[int]) -> list[int]:
    """Offset of the first character of every clause (index: clause number)."""
    begins = [0]
    for i in range(1, len(clauses)):
        if clauses[i] != clauses[i - 1]:
            begins.append(i)
    return begins


_WORD = re.compile(r"\S+")


def _word_starts(text: str) -> list[int]:
    """Prefix counts of whitespace-separated word starts: ``ws[i]`` counts ``text[:i]``.

    A word starts where a run of non-whitespace (``\\S``: not ``str.isspace``) starts;
    ``ws`` has ``len(text) + 1`` entries, a running sum of the starts.
    """
    marks = bytearray(len(text) + 1)
    for m in _WORD.finditer(text):
        marks[m.start() + 1] = 1
    return list(accumulate(marks))


def _words_between(text: str, ws: list[int], a: int, b: int) -> int:
    """``len(text[a:b].split())`` in O(1) from the prefix counts of :func:`_word_starts`."""
    if a >= b:
        return 0
    n = ws[b] - ws[a]
    if a > 0 and not text[a].isspace() and not text[a - 1].isspace():
        n += 1  # the slice starts inside a word
    return n


@dataclass(frozen=True)
class _DocAudience:
    """One ``document_audience`` entry of ``rules.yaml`` (compiled)."""

    entry_id: str
    titles: tuple[re.Pattern[str], ...]
    levels: tuple[str, ...]
    audience: str
    acts: tuple[str, ...]

    def matches(self, meta: DocumentMeta) -> bool:
        """Every title regex found in the title or English title; level allowed."""
        if self.levels and meta.level not in self.levels:
            return False
        return all(p.search(meta.title) or p.search(meta.title_en) for p in self.titles)

    def evidence(self) -> Evidence:
        """Evidence of an audience inferred from the document (no span)."""
        return Evidence.inferred("audience", self.audience,
                                 f"rule.document_audience.{self.entry_id}")


@dataclass(frozen=True)
class _Ctx:
    """Security-frame evidence found in a neighbouring sentence."""

    hits: tuple[Hit, ...]
    where: str


class RuleAnnotator:
    """Rule-based annotator for Chinese and English sentences.

    Parameters
    ----------
    cuebooks : dict[str, CueBook], optional
        Cue lexicons by language; default: the packaged ``zh`` and ``en`` files.
    rules : dict, optional
        Parameters (``negation_window`` ...); default: packaged ``rules.yaml``.

    Notes
    -----
    Instances are immutable after construction and hold no global state; compiling
    the packaged cues takes a few milliseconds.
    """

    def __init__(
        self,
        cuebooks: dict[str, CueBook] | None = None,
        rules: dict[str, Any] | None = None,
    ) -> None:
        self._books = dict(cuebooks) if cuebooks else {}
        self._rules = rules if rules is not None else load_data_file("rules")
        # Per-instance memo of neighbour frames: each sentence is the neighbour of two others.
        self._frames: dict[tuple[str, str], _Ctx | None] = {}
        # Per-instance memo of the audience each document implies (title, title_en, level).
        self._doc_aud_memo: dict[tuple[str, str, str], _DocAudience | None] = {}
        # Per-instance memo of the cue hits of recent texts (see _cue_hits).
        self._hits: dict[tuple[str, str], tuple[Hit, ...]] = {}

    def _book(self, lang: str) -> CueBook:
        if lang not in self._books:
            if lang not in ("zh", "en"):
                raise AnnotationError(
                    "E405", f"cannot annotate language {lang!r}; supported: zh, en"
                )
            self._books[lang] = load_cuebook(lang)
        return self._books[lang]

    def _cue_hits(self, book: CueBook, text: str, fields: Sequence[str] | None = None
                  ) -> tuple[Hit, ...]:
        """``book.find(text, fields)``, from the full hits of ``text`` when known.

        Each sentence is searched several times: as the sentence coded and as the
        neighbour of the two around it (its frame, a list's lead-in), each time for
        some fields. The full hits of the last texts are kept (at most
        ``_HITS_MEMO`` texts), and a search for some fields keeps the hits of those
        fields: the same hits in the same order as ``book.find(text, fields)``, which
        sorts by ``(start, -length, cue_id)`` (equal keys are equal hits).
        """
        key = (book.lang, text)
        found = self._hits.get(key)
        if found is None:
            if len(self._hits) >= _HITS_MEMO:
                self._hits.clear()
            found = self._hits[key] = tuple(book.find(text))
        if fields is None:
            return found
        return tuple(h for h in found if h.cue.field in fields)

    @cached_property
    def version(self) -> str:
        """Detector id: rule-file and cue-file versions."""
        return "rules:" + "+".join(
            [
                str(self._rules.get("version", "")),
                self._book("zh").version,
                self._book("en").version,
            ]
        )

    # ------------------------------------------------------------------ public API
    def annotate(
        self,
        sentence: Sentence,
        lang: str,
        prev: str = "",
        next: str = "",
        *,
        has_doc_offsets: bool = True,
        level: str = "",
        meta: DocumentMeta | None = None,
    ) -> SentenceAnnotation:
        """Code one sentence on the nine codebook fields.

        Parameters
        ----------
        sentence : seclens.types.Sentence
            The sentence; its ``start`` is used to give evidence document offsets.
        lang : str
            ``zh`` or ``en``.
        prev, next : str
            Text of the previous and next sentence ("" at document edges).
        has_doc_offsets : bool
            False when ``sentence.start`` is not a real document offset (e.g. gold
            sentences); evidence then has ``doc_start = doc_end = -1``.
        level : str
            Administrative level of the issuing document (``central``, ``provincial``,
            ``municipal``, ``county``, ``foreign``; "" when unknown). Used only for the
            implicit audience of requests without a named addressee
            (``rules.yaml`` ``implicit_audience``). When empty, ``meta.level`` is used.
        meta : seclens.types.DocumentMeta, optional
            Metadata of the issuing document (manifest row). Used only for the audience
            the document implies (``rules.yaml`` ``document_audience``: an international
            initiative addresses the international community, a presidential memorandum
            the executive departments and agencies), given to sentences that perform one
            of the entry's acts and name no addressee.

        Returns
        -------
        SentenceAnnotation

        Raises
        ------
        AnnotationError
            ``E405`` for an unsupported language; ``E401``/``E402`` for a malformed
            ``document_audience`` entry (missing key, unknown audience or act, bad regex).
        """
        book = self._book(lang)
        if not level and meta is not None and meta.level != "unknown":
            level = meta.level
        doc_aud = self._document_audience(meta)
        text = sentence.text
        off = sentence.start if has_doc_offsets else None
        hits = self._cue_hits(book, text)
        # procedural compounds mask the cues inside them (国际竞争力 is not 国际竞争)
        masks = _Spans([h for h in hits if h.cue.field == "threat_procedural"])
        names = _Spans([h for h in hits if h.cue.field == "name"])
        # nominal uses of directive words (国防建设等领域, 提供算力支持, 等要求) are no act
        nominal = _Spans([h for h in hits if h.cue.field == "vuori_nominal"])
        # an enumeration of application domains (金融、公共安全、军民融合等领域) names
        # where something is applied: its members are neither measures, referents,
        # anchors nor addressees (the sector they name is kept)
        domains = _Spans([h for h in hits if h.cue.field == "domain_list"])
        by: dict[str, list[Hit]] = {}
        for h in hits:
            if h.cue.field in ("vuori", "vuori_verb") and any(
                True for _ in nominal.covering(h.start, h.end)
            ):
                continue
            if h.cue.field in _MASKABLE and any(
                (m.end - m.start) > (h.end - h.start) for m in masks.covering(h.start, h.end)
            ):
                continue
            if h.cue.field in _NAME_MASKABLE and any(True for _ in names.covering(h.start, h.end)):
                continue
            if h.cue.field in _DOMAIN_MASKABLE and any(
                True for _ in domains.covering(h.start, h.end)
            ):
                continue
            if (
                h.cue.field == "sector"
                and h.cue.strength == "weak"
                and any(d.cue.label == "application" for d in domains.covering(h.start, h.end))
            ):
                # a weak sector cue in an attributive list of application fields
                # (面向金融、……等领域的产业) names where a product is used; only a strong
                # cue (公共安全, 军民融合) names a security sector there
                continue
            if h.cue.field == "audience" and any(
                n.cue.label == "policy" for n in names.covering(h.start, h.end)
            ):
                # a policy name (科教兴国、……军民融合等战略) addresses nobody; office
                # names (National Security Agency) are addressees and stay
                continue
            by.setdefault(h.cue.field, []).append(h)
        ev: list[Evidence] = []

        def add(field: str, label: str, h: Hit, note: str = "") -> None:
            ev.append(
                Evidence(
                    field,
                    label,
                    h.cue.cue_id,
                    h.start,
                    h.end,
                    h.matched,
                    -1 if off is None else off + h.start,
                    -1 if off is None else off + h.end,
                    note,
                )
            )

        # ---- security_sense
        sense = self._sense(by, add, lang, text)
        anchors = by.get("anchor", [])
        for h in anchors:
            add("anchor", "security", h)

        # ---- threat (with procedural and negation suppression)
        threat_hits = self._threats(text, lang, by, add)
        # a heading that names a topic or response (2.1 安全风险方面, 系统安全风险应对)
        # does not present the threat it mentions
        topic = self._topic_heading(text, lang, by)
        if topic is not None and threat_hits:
            add("threat", "0", topic, "suppressed:topic-heading")
            threat_hits = []
        threat = int(bool(threat_hits))

        # ---- clause-local security anchors for weak cues
        clauses = _clause_ids(text, lang)
        anchor_spans = list(anchors) + list(threat_hits)
        if sense in ("security", "mixed"):
            anchor_spans += by.get("sense_word", [])
        # weak urgency/measure cues (必须, must, 国家战略 ...) need security talk in their clause
        security_clauses = {clauses[h.start] for h in anchors}
        if sense in ("security", "mixed"):
            security_clauses |= {clauses[h.start] for h in by.get("sense_word", [])}
        threat_clauses = {clauses[h.start] for h in threat_hits}
        # weak urgency (必须, must) needs a threat or an anchor in its clause ("AI must be
        # safe and secure" is a plain directive); in Chinese a security-sense sentence
        # also carries it (当前国家安全形势……，必须……)
        urgency_clauses = {clauses[h.start] for h in anchors} | threat_clauses
        urgency_anywhere = lang == "zh" and sense in ("security", "mixed")

        # ---- sectors
        sectors: set[str] = set()
        strong_sector_hits: list[Hit] = []
        # an anchor word that is itself a strong cue of another sector (国防 in
        # 经济社会发展和国防) names a domain beside the weak cue, not security talk about it
        strong_spans = _Spans([h for h in by.get("sector", []) if h.cue.strength == "strong"])
        domain_anchor: dict[int, set[str]] = {}
        for h in anchor_spans:
            # (``next`` is the neighbouring sentence here, not the builtin)
            covers = list(strong_spans.covering(h.start, h.end)) if h.cue.field == "anchor" else []
            domain_anchor.setdefault(clauses[h.start], set()).add(
                covers[0].cue.label if covers else "*"
            )

        def anchored(h: Hit) -> bool:
            labs = domain_anchor.get(clauses[h.start], set())
            # other countries beside a security domain (各国……军事领域) is international
            # security talk: the relational sector keeps any anchor
            return bool(labs) and (
                "*" in labs or h.cue.label in labs or h.cue.label == "international"
            )

        for h in by.get("sector", []):
            if h.cue.strength == "strong" or anchored(h):
                sectors.add(h.cue.label)
                add("sector", h.cue.label, h)
                if h.cue.strength == "strong":
                    strong_sector_hits.append(h)

        context_implied: set[str] = set()
        if not sectors and sense == "security":
            # the security sense rests on context words only (政务, 泄露): the sector those
            # words belong to is implied (rules.yaml context_sector); not for mixed
            # sentences, whose 安全 also speaks of safety (安全要求 of operation)
            implied = self._context_sector(lang)
            for h in by.get("sense_context", []):
                lab = implied.get(h.matched)
                if lab is not None:
                    sectors.add(lab)
                    context_implied.add(lab)
                    add("sector", lab, h, "context-sector")
                    break

        # ---- referent objects
        refs: set[str] = set()
        ref_hits: list[Hit] = []
        # codebook: what is presented as needing protection or advancement *for the sake
        # of security*: a referent needs a threat, a protection verb or security talk
        # in the sentence (a list of actors or domains names no referent object)
        protected = bool(
            threat_hits or anchors or by.get("protect") or sense in ("security", "mixed")
        )
        sources = _Spans(by.get("threat_source", []))
        for h in by.get("referent_object", []):
            # clause numbers grow with the offset: only the first source at or after the
            # referent can share its clause
            i_src = sources.index_at(h.end)
            nxt_source = sources.hits[i_src] if i_src < len(sources.hits) else None
            if (
                h.cue.strength == "weak"
                and nxt_source is not None
                and clauses[nxt_source.start] == clauses[h.start]
            ):
                # 人工智能技术也带来……风险: the source of the danger, not its referent
                continue
            if (h.cue.strength == "strong" and protected) or clauses[h.start] in threat_clauses:
                refs.add(h.cue.label)
                ref_hits.append(h)
                add("referent_object", h.cue.label, h)
        inferred_ref = False

        # ---- urgency and extraordinary measures (referent inference below needs them)
        urgency = 0
        tux_hits: list[Hit] = list(threat_hits)
        for h in by.get("urgency", []):
            if (
                h.cue.strength == "strong"
                or urgency_anywhere
                or clauses[h.start] in urgency_clauses
            ):
                urgency = 1
                tux_hits.append(h)
                add("urgency", "1", h)
        xm = 0
        for h in by.get("extraordinary_measures", []):
            if h.cue.strength == "strong" or clauses[h.start] in security_clauses:
                xm = 1
                tux_hits.append(h)
                add("extraordinary_measures", "1", h)

        # ---- sector-implied referent object (BWW 1998: each sector's typical referent)
        # a security capability against a named threat (攻击检测, 威胁预警) protects the
        # sector's referent although it presents no threat
        capability = any(m.cue.label == "capability" for m in masks.hits)
        # a sector implied by context words only (context_sector) is too weak to infer
        # a referent from (coding rule 4; the coders split on such sentences)
        if not refs and sectors - context_implied and (threat or urgency or xm or capability):
            mapping = self._rules.get("sector_referent", {})
            for sec in order_labels(sectors - context_implied, SECTORS):
                ro = mapping.get(sec)
                if isinstance(ro, str) and ro in REFERENT_OBJECTS:
                    refs.add(ro)
                    inferred_ref = True
                    ev.append(
                        Evidence.inferred("referent_object", ro, f"rule.sector_referent.{sec}")
                    )

        # ---- Vuori act
        act = self._vuori(text, lang, by, threat, add, prev)
        if by.get("heading_topic") and act != "none" and not by.get("vuori"):
            act = "none"

        # ---- audience: whom a directive addresses (requests only, codebook 'address or
        # seek to mobilize'); unnamed addressee -> the issuer's own apparatus by level.
        aud: set[str] = set()
        if doc_aud is not None and act in doc_aud.acts and act != "request":
            # a claim or warning of a document addressed as a whole (an international
            # initiative) addresses that audience; requests are handled below
            aud.add(doc_aud.audience)
            ev.append(doc_aud.evidence())
        if act == "request" or by.get("responsibility"):
            named = by.get("audience", [])
            if not by.get("responsibility"):
                named = self._addressed(text, lang, named, by)
            for h in named:
                aud.add(h.cue.label)
                add("audience", h.cue.label, h)
            if (
                not aud
                and lang == "en"
                and _EN_TASK_ITEM.match(text)
                and prev.rstrip().endswith(":")
            ):
                # an item of a task list is addressed to the subject of its lead-in
                # ("the Secretary of Commerce shall:")
                pby: dict[str, list[Hit]] = {}
                for h in self._cue_hits(book, prev, ("audience", "vuori", "mobilize")):
                    pby.setdefault(h.cue.field, []).append(h)
                for h in self._addressed(prev, lang, pby.get("audience", []), pby):
                    if h.cue.label not in aud:
                        aud.add(h.cue.label)
                        ev.append(
                            Evidence(
                                "audience",
                                h.cue.label,
                                h.cue.cue_id,
                                h.start,
                                h.end,
                                h.matched,
                                -1,
                                -1,
                                "context:prev (lead-in)",
                            )
                        )
            implicit_map = self._rules.get("implicit_audience", {})
            implicit = implicit_map.get(level or "", "")
            rule_level = level
            if not implicit and not level and book.find(text + prev + next, ["local_self"]):
                # no document metadata: a sentence or neighbour speaking of 我市/全省 is
                # a local government's own document
                rule_level = "self-reference"
                implicit = implicit_map.get("municipal", "")
            # a numbered heading naming a programme (（七）……行动) addresses nobody
            programme = self._is_programme_heading(text, lang, by)
            if programme:
                implicit = ""
            if (
                not aud
                and doc_aud is not None
                and act in doc_aud.acts
                and not programme
                and not (lang == "en" and _en_title_heading(text))
            ):
                # the addressee the document implies takes precedence over the level
                aud.add(doc_aud.audience)
                ev.append(doc_aud.evidence())
            elif not aud and implicit:
                aud.add(str(implicit))
                ev.append(Evidence.inferred("audience", str(implicit),
                                            f"rule.implicit_audience.{rule_level}"))

        # ---- securitizing move (compositional)
        frame_hits = [
            h for h in strong_sector_hits if h.cue.label in _FRAME_SECTORS and h.cue.frame
        ]
        if sense == "safety":
            # coding rule 2: safety talk is a move only with a hard-security sector cue
            framed = any(h.cue.label in _SAFETY_FRAME_SECTORS for h in frame_hits)
        else:
            framed = sense in ("security", "mixed") or bool(anchors) or bool(frame_hits)
        ctx_note = ""
        ctx_rules = self._rules.get("context", {})
        if (
            not framed
            and sense == "none"
            and ctx_rules.get("use_prev_next", True)
            and self._is_fragment(text, lang)
        ):
            for where, ctx_text in (("prev", prev), ("next", next)):
                ctx = self._frame_of(ctx_text, book, lang, where)
                if ctx is not None:
                    framed = True
                    ctx_note = f"context:{where}"
                    for h in ctx.hits:
                        ev.append(
                            Evidence(
                                "securitizing_move",
                                "frame",
                                h.cue.cue_id,
                                h.start,
                                h.end,
                                h.matched,
                                -1,
                                -1,
                                ctx_note,
                            )
                        )
                    break
        # the move links two elements: a referent and a distinct threat/urgency/measure span
        linked = inferred_ref or any(
            r.end <= t.start or t.end <= r.start for r in ref_hits for t in tux_hits
        )
        move = int(bool(refs) and bool(threat or urgency or xm) and framed and linked)
        if move:
            ev.append(
                Evidence(
                    "securitizing_move",
                    "1",
                    "rule.move.compositional",
                    0,
                    len(text),
                    text,
                    -1 if off is None else off,
                    -1 if off is None else off + len(text),
                    ctx_note,
                )
            )
        ref_t = order_labels(refs, REFERENT_OBJECTS) or ("none",)
        return SentenceAnnotation(
            doc_id=sentence.doc_id,
            sentence_index=sentence.index,
            lang=lang,
            text=text,
            start=sentence.start if has_doc_offsets else -1,
            end=sentence.end if has_doc_offsets else -1,
            security_sense=sense,
            sector=order_labels(sectors, SECTORS),
            referent_object=ref_t,
            threat=threat,
            urgency=urgency,
            extraordinary_measures=xm,
            vuori_act=act,
            audience=order_labels(aud, AUDIENCES),
            securitizing_move=move,
            evidence=tuple(ev),
            detector=self.version,
        )

    def annotate_many(
        self,
        sentences: Iterable[Sentence],
        lang: str,
        *,
        has_doc_offsets: bool = True,
        level: str = "",
        meta: DocumentMeta | None = None,
    ) -> list[SentenceAnnotation]:
        """Annotate consecutive sentences of one document, giving each its neighbours.

        ``level`` and ``meta`` are those of the document (see :meth:`annotate`).
        """
        sents = list(sentences)
        out = []
        for i, s in enumerate(sents):
            prev = sents[i - 1].text if i > 0 else ""
            nxt = sents[i + 1].text if i + 1 < len(sents) else ""
            out.append(
                self.annotate(
                    s, lang, prev, nxt, has_doc_offsets=has_doc_offsets, level=level, meta=meta
                )
            )
        return out

    def document_audience(self, meta: DocumentMeta | None) -> str:
        """The audience a document implies (``rules.yaml`` ``document_audience``), or "".

        Parameters
        ----------
        meta : seclens.types.DocumentMeta or None
            Title, English title and level of the document are matched.

        Returns
        -------
        str
            An audience label of the codebook (``international``, ``ministries`` ...) or
            "" when no entry matches.

        Raises
        ------
        AnnotationError
            ``E401``/``E402`` for a malformed ``document_audience`` entry.
        """
        found = self._document_audience(meta)
        return found.audience if found is not None else ""

    # ------------------------------------------------------------------ decisions
    @cached_property
    def _document_audience_entries(self) -> tuple[_DocAudience, ...]:
        """The validated ``document_audience`` entries of ``rules.yaml``."""
        raw = self._rules.get("document_audience", []) or []
        if not isinstance(raw, list):
            raise AnnotationError("E401", "rules.yaml: document_audience must be a list")
        out = []
        for i, e in enumerate(raw):
            where = f"rules.yaml document_audience[{i}]"
            if not isinstance(e, dict) or not all(
                e.get(k) for k in ("id", "title", "audience", "acts", "source")
            ):
                raise AnnotationError(
                    "E401", f"{where}: needs id, title, audience, acts and source"
                )
            titles = e["title"] if isinstance(e["title"], list) else [e["title"]]
            acts = tuple(str(a) for a in e["acts"])
            levels = tuple(str(x) for x in e.get("level", []) or [])
            if e["audience"] not in AUDIENCES or not set(acts) <= set(VUORI_ACTS) - {"none"}:
                raise AnnotationError(
                    "E401",
                    f"{where} ({e['id']}): audience {e['audience']!r} or acts {list(acts)} "
                    f"outside the codebook (audiences {list(AUDIENCES)}; acts claim, "
                    "warning, request)",
                )
            try:
                patterns = tuple(re.compile(str(t)) for t in titles)
            except re.error as exc:
                raise AnnotationError("E402", f"{where} ({e['id']}): bad regex: {exc}") from exc
            out.append(_DocAudience(str(e["id"]), patterns, levels, str(e["audience"]), acts))
        return tuple(out)

    def _context_sector(self, lang: str) -> dict[str, str]:
        """Context word -> implied sector (``rules.yaml`` ``context_sector``).

        Raises
        ------
        AnnotationError
            ``E401`` for a sector outside the codebook or a malformed entry.
        """
        raw = self._rules.get("context_sector", {}) or {}
        by_lang = raw.get(lang, {}) if isinstance(raw, dict) else None
        if not isinstance(by_lang, dict):
            raise AnnotationError("E401", f"rules.yaml: context_sector.{lang} must be a mapping")
        out: dict[str, str] = {}
        for sector, words in by_lang.items():
            if sector not in SECTORS or not isinstance(words, list):
                raise AnnotationError(
                    "E401",
                    f"rules.yaml context_sector.{lang}: {sector!r} is not a codebook sector "
                    f"with a list of context words (sectors {list(SECTORS)})",
                )
            for w in words:
                out[str(w)] = str(sector)
        return out

    def _document_audience(self, meta: DocumentMeta | None) -> _DocAudience | None:
        """First ``document_audience`` entry matching the document's titles and level."""
        if meta is None:
            return None
        key = (meta.title, meta.title_en, meta.level)
        if key not in self._doc_aud_memo:
            found = None
            for entry in self._document_audience_entries:
                if entry.matches(meta):
                    found = entry
                    break
            self._doc_aud_memo[key] = found
        return self._doc_aud_memo[key]

    def _sense(self, by: dict[str, list[Hit]], add: Any, lang: str, text: str = "") -> str:
        words = by.get("sense_word", [])
        if not words:
            return "none"
        compounds = _Spans(by.get("sense", []))
        explicit: set[str] = set()
        bare: list[Hit] = []
        for w in words:
            cover = list(compounds.covering(w.start, w.end))
            if cover:
                # 安全 + a two-character head noun (安全防护, 安全监测) decides the sense
                # (人工智能安全防护 is security protection); otherwise the longest
                # compound, on a tie the left-most (交通安全管理 is traffic safety)
                best = max(
                    cover,
                    key=lambda c: (
                        c.start == w.start and c.end - c.start >= 4,
                        c.end - c.start,
                        -c.start,
                        c.cue.label == "security",
                    ),
                )
                if best.cue.label == "mixed":  # 公共安全: public safety and public security
                    explicit.update(("security", "safety"))
                else:
                    explicit.add(best.cue.label)
                add("security_sense", best.cue.label, best)
            else:
                bare.append(w)
        if not bare:
            labels = explicit
        else:
            ctx = {h.cue.label for h in by.get("sense_context", [])}
            for h in by.get("sense_context", []):
                add("security_sense", h.cue.label, h, "sense-context")
            if explicit == {"security"}:
                resolved = {"security"}
            elif explicit == {"safety"}:
                resolved = {"security", "safety"} if ctx == {"security"} else {"safety"}
            elif ctx == {"security"}:
                resolved = {"security"}
            elif ctx == {"security", "safety"}:
                resolved = {"security", "safety"}
            elif (
                not explicit
                and not ctx
                and lang == "zh"
                and all(text.startswith("风险", w.end) for w in bare)
            ):
                # bare 安全风险 with nothing to decide it: risks to both safety and
                # security (the generic "AI security risks" of governance frameworks)
                resolved = {"security", "safety"}
            else:
                resolved = {"safety"}
            for w in bare:
                add("security_sense", "bare", w, "bare:" + "+".join(sorted(resolved)))
            labels = explicit | resolved
        if labels == {"security", "safety"}:
            return "mixed"
        return next(iter(labels))

    def _threats(self, text: str, lang: str, by: dict[str, list[Hit]], add: Any) -> list[Hit]:
        procedural = _Spans(by.get("threat_procedural", []))
        scopes = _Spans(by.get("threat_scope", []))
        prohibitions = _Spans(by.get("prohibition", []))
        boiler = by.get("vuori_boiler", [])
        clauses = _clause_ids(text, lang)
        begins = _clause_begins(clauses)
        negators = _Spans(by.get("negation", []))
        ws = _word_starts(text) if lang == "en" else []
        window = int(self._rules.get("negation_window", {}).get(lang, 6))
        # a lag cue in a sentence about other countries (发展中国家, 各国) and not about
        # China (我国; 中国 inside 发展中国家 does not count)
        others = _Spans(by.get("lag_other", []))
        own = [
            m for m in by.get("lag_self", []) if next(others.covering(m.start, m.end), None) is None
        ]
        others_only = bool(others.hits) and not own
        kept: list[Hit] = []
        for h in by.get("threat", []):
            proc = next(procedural.covering(h.start, h.end), None)
            if proc is not None:
                add("threat", "0", proc, "suppressed:procedural")
                continue
            clause = clauses[h.start]
            clause_begin = begins[clause]
            if h.cue.cue_id.endswith(".threat.generic"):
                # a scope noun before the cue in its clause, or (zh) one just after it
                # (潜在风险的实时监测: the measure noun follows the risk)
                after_de = lang == "zh" and text.startswith("的", h.end)
                scope = next(
                    (
                        c
                        for c in scopes.between(clause_begin, h.end + 8 if after_de else h.start)
                        if clauses[c.start] == clause
                        and (c.end <= h.start or (after_de and c.start >= h.end))
                    ),
                    None,
                )
                if scope is not None:
                    add("threat", "0", scope, "suppressed:procedural-scope")
                    continue
            banned = next(
                (
                    p
                    for p in prohibitions.between(clause_begin, h.start)
                    if p.end <= h.start and clauses[p.start] == clause
                ),
                None,
            )
            if banned is not None:
                add("threat", "0", banned, "suppressed:prohibition")
                continue
            if boiler:
                add("threat", "0", boiler[0], "suppressed:definition")
                continue
            if h.cue.cue_id.endswith(".threat.lag") and others_only:
                # the lag of other countries (发展中国家 … 差距), not China's own
                add("threat", "0", by["lag_other"][0], "suppressed:others-lag")
                continue
            neg = self._negator(text, lang, h, negators, window, clause_begin, ws)
            if neg is not None:
                add("threat", "0", neg, "suppressed:negation")
                continue
            kept.append(h)
            add("threat", "1", h)
        return kept

    @staticmethod
    def _negator(
        text: str,
        lang: str,
        h: Hit,
        negators: _Spans,
        window: int,
        clause_begin: int,
        ws: list[int],
    ) -> Hit | None:
        """The first negator before ``h`` in its clause within ``window`` (characters in
        Chinese, words in English), or None.

        Only negators that start between the clause start (less the longest negator)
        and ``h`` are visited; for Chinese also no further back than the window.
        """
        lo = clause_begin - negators.maxlen
        if lang == "zh":
            lo = max(lo, h.start - window - negators.maxlen)
        elif ws:
            # a negator ending before the window's first word is too far
            lo = max(lo, bisect_left(ws, ws[h.start] - window) - 1 - negators.maxlen)
        for n in negators.between(lo, h.start):
            if n.end > h.start or n.end < clause_begin:
                continue  # overlaps the cue, or a clause end lies between
            dist = h.start - n.end if lang == "zh" else _words_between(text, ws, n.end, h.start)
            if dist <= window:
                return n
        return None

    def _vuori(
        self, text: str, lang: str, by: dict[str, list[Hit]], threat: int, add: Any, prev: str
    ) -> str:
        """Dominant Vuori act; order of checks documented in docs/annotation.md."""
        acts: dict[str, list[Hit]] = {}
        for h in by.get("vuori", []):
            acts.setdefault(h.cue.label, []).append(h)
        book = self._book(lang)
        head = _HEADING_PREFIX.match(text)
        body = text[head.end() :] if head else text
        shift = len(text) - len(body)
        task = [
            Hit(h.cue, h.start + shift, h.end + shift, h.matched)
            for h in (book.find(body, ["vuori_task"]) if head
                      else self._cue_hits(book, text, ("vuori_task",)))
        ]
        # a task word used as a noun or gerund subject (Harnessing AI … requires) is no task
        nominal = by.get("vuori_nominal", [])
        task = [h for h in task if not any(n.start <= h.start < n.end for n in nominal)]
        modal = acts.get("request", [])
        boiler = by.get("vuori_boiler", [])
        if boiler:
            for h in boiler:
                add("vuori_act", "none", h)
            return "none"
        purpose = by.get("vuori_purpose", [])
        if purpose:
            # 为……，制定本规划: the document announces itself (no directive act); when
            # the purpose names a threat to avert (有效防范化解……安全风险，制定本框架) the
            # sentence asserts the situation: a claim, as for other non-directive
            # sentences that present a threat
            for h in purpose:
                add("vuori_act", "claim" if threat else "none", h)
            return "claim" if threat else "none"
        if threat and acts.get("warning") and not modal and not task:
            for h in acts["warning"]:
                add("vuori_act", "warning", h)
            return "warning"
        is_heading = (
            lang == "zh" and head is not None and len(body.rstrip("。.")) <= _HEADING_MAX[lang]
        )
        if is_heading and by.get("heading_topic"):
            for h in by["heading_topic"]:
                add("vuori_act", "none", h)
            return "none"
        if is_heading:
            # Headings: a verb-object heading (完善学科评价机制) is a task; a compound noun
            # (保障措施, 总体要求: at most two characters before the topic noun) is a topic.
            noun = by.get("vuori_heading_noun", [])
            stem = body.rstrip("。.")
            compound_noun = bool(noun) and len(stem) - (noun[-1].end - noun[-1].start) <= 2
            # a heading that ends in a threat noun labels a risk: a claim (3.1 数据安全风险)
            if threat and any(
                h.cue.field == "threat" for h in by.get("threat", []) if h.end >= shift + len(stem)
            ):
                return "claim"
            verbs = [h for h in by.get("vuori_verb", []) if h.start >= shift]
            heading_task = by.get("vuori_heading_task", [])
            if (task or verbs or heading_task) and not compound_noun:
                for h in task or verbs or heading_task:
                    add("vuori_act", "request", h)
                return "request"
            return "claim" if threat else "none"
        if modal or task:
            for h in modal + task:
                add("vuori_act", "request", h)
            return "request"
        if by.get("vuori_goal") and not modal:
            verbs = by.get("vuori_verb", [])
            if verbs:
                for h in verbs:
                    add("vuori_act", "request", h)
                return "request"
            for h in by["vuori_goal"]:
                add("vuori_act", "none", h)
            return "none"
        if lang == "en" and head is not None and _EN_ITEM.match(text) and not nominal:
            # A lettered/numbered list item without its own directive inherits the act of
            # its list: none inside savings clauses and definitions, else request (the
            # lists of US orders enumerate tasks and deliverables). An item whose gerund
            # is the subject of a finite verb ("(g) Establishing … will require") states
            # its own claim.
            if any(self._cue_hits(book, t, ("vuori_boiler",)) for t in (prev, text)):
                return "none"
            add_note = "context:list-item"
            ev_hits = by.get("vuori_none", []) or by.get("vuori", [])
            for h in ev_hits[:1]:
                add("vuori_act", "request", h, add_note)
            return "request"
        nones = by.get("vuori_none", [])
        if nones:
            for h in nones:
                add("vuori_act", "none", h)
            return "claim" if threat else "none"
        if threat or acts.get("claim"):
            for h in acts.get("claim", []):
                add("vuori_act", "claim", h)
            return "claim"
        verbs = by.get("vuori_verb", [])
        if verbs:
            for h in verbs:
                add("vuori_act", "request", h)
            return "request"
        if lang == "en" and head is not None and prev.rstrip().endswith((":", ";")):
            return "request"
        return "none"

    @staticmethod
    def _addressed(text: str, lang: str, named: list[Hit], by: dict[str, list[Hit]]) -> list[Hit]:
        """Audience cues that name an addressee (codebook: whom the sentence addresses
        or seeks to mobilize).

        Every named actor counts except (a) the object of a cultivating, attracting or
        publicising task (培育领军企业, 引进高校人才, 加大对企业的宣传: the actor is what the
        task produces or promotes, not whom it directs; cue field ``audience_object``
        immediately before the actor, same clause, or anywhere later in the clause when
        the verb is followed by a quantifier, cue field ``audience_quantity``:
        培育一批细分领域的高新技术企业) and (b) actors in an English purpose
        clause that opens the sentence ("To promote competition in the semiconductor
        industry, the Secretary shall ...") or after "for"/"to" in an English noun
        phrase ("requirements for transmission providers").
        """
        if not named:
            return named
        objects = _Spans(by.get("audience_object", []))
        lead_end = -1
        if lang == "en" and _EN_PURPOSE.match(text):
            modals = [
                h.start
                for h in by.get("vuori", [])
                if h.cue.label == "request" and h.matched.lower().split()[0] in _EN_MODALS
            ]
            if modals:
                # an opening purpose clause runs to the last comma before the modal
                lead_end = max(text.rfind(",", 0, min(modals)), 0)
        clauses = _clause_ids(text, lang)
        window = 8 if lang == "zh" else 24
        # 培育一批……企业: an object verb followed by a quantifier (一批, 若干) opens a noun
        # phrase; every actor up to the end of its clause is the object of the task
        qstarts = {q.start for q in by.get("audience_quantity", [])}
        quantified: dict[int, int] = {}
        for o in objects.hits:
            if o.end in qstarts:
                quantified.setdefault(clauses[o.start], o.end)
        # 公众和企业需求, 公众反应: an actor (or a coordination of actors) that possesses
        # the noun after it (cue field audience_possessed) is not addressed
        actor_end: dict[int, int] = {}
        for h in named:
            actor_end[h.start] = max(actor_end.get(h.start, h.end), h.end)
        possessed = {p.start for p in by.get("audience_possessed", [])}

        def possessor(h: Hit) -> bool:
            pos = h.end
            while pos + 1 < len(text) and text[pos] in "和与及、" and pos + 1 in actor_end:
                pos = actor_end[pos + 1]
            if pos < len(text) and text[pos] == "的":
                pos += 1
            return pos in possessed

        out = []
        for h in named:
            if h.start < lead_end:
                continue
            q_end = quantified.get(clauses[h.start], -1)
            if 0 <= q_end <= h.start:
                continue
            if lang == "zh" and possessed and possessor(h):
                continue
            if lang == "en" and _EN_POSSESSIVE.match(text, h.end):
                # vendors’ claims, Americans’ rights: the possessor of a noun is the
                # subject matter of the task, not its addressee
                continue
            if any(
                clauses[o.start] == clauses[h.start]
                and (
                    (o.end <= h.start and h.start - o.end <= window)
                    # 加大对企业的宣传: the actor is the object of the noun that follows
                    or (
                        lang == "zh"
                        and o.start >= h.end
                        and o.start - h.end <= 6
                        and "的" in text[h.end : o.start]
                    )
                )
                for o in objects.between(h.start - window - objects.maxlen, h.end + 6)
            ):
                continue
            out.append(h)
        return out

    @staticmethod
    def _topic_heading(text: str, lang: str, by: dict[str, list[Hit]]) -> Hit | None:
        """The topic/response noun ending a short numbered Chinese heading, if any."""
        head = _HEADING_PREFIX.match(text)
        if lang != "zh" or head is None:
            return None
        stem = text.rstrip("。. ")
        if len(stem) - head.end() > _HEADING_MAX[lang]:
            return None
        if by.get("heading_topic"):
            return by["heading_topic"][0]
        ends = by.get("vuori_heading_noun", []) + [
            h for h in by.get("vuori_heading_task", []) if h.matched.startswith("应对")
        ]
        return next((h for h in ends if h.end >= len(stem)), None)

    @staticmethod
    def _is_programme_heading(text: str, lang: str, by: dict[str, list[Hit]]) -> bool:
        """A numbered Chinese heading that names a programme (（七）……行动), no verb first.

        ``（一）实施……行动`` starts with a task verb: a verb-object heading (a task), not
        a programme name.
        """
        head = _HEADING_PREFIX.match(text)
        if lang != "zh" or head is None or not by.get("heading_programme"):
            return False
        if len(text[head.end() :].rstrip("。. ")) > _HEADING_MAX[lang]:
            return False
        return not any(h.start == head.end() for h in by.get("vuori_verb", []))

    def _is_fragment(self, text: str, lang: str) -> bool:
        """Headings, list items and short fragments take their frame from their neighbours."""
        limit = int(self._rules.get("context", {}).get("fragment_max", {}).get(lang, 30))
        size = len(text) if lang == "zh" else len(text.split())
        return bool(_HEADING_PREFIX.match(text)) or size <= limit

    def _frame_of(self, text: str, book: CueBook, lang: str, where: str) -> _Ctx | None:
        """Security-frame cues of a neighbour (security sense, anchors, strong frame sectors)."""
        if not text:
            return None
        key = (lang, text)
        if key in self._frames:
            ctx = self._frames[key]
            return None if ctx is None else _Ctx(ctx.hits, where)
        if len(self._frames) > 4096:
            self._frames.clear()
        hits = self._cue_hits(book, text, ("sense", "anchor", "sector"))
        frame = [
            h
            for h in hits
            if (h.cue.field == "sense" and h.cue.label == "security")
            or h.cue.field == "anchor"
            or (
                h.cue.field == "sector"
                and h.cue.strength == "strong"
                and h.cue.frame
                and h.cue.label in _FRAME_SECTORS
            )
        ]
        result = _Ctx(tuple(frame), where) if frame else None
        self._frames[key] = result
        return result
