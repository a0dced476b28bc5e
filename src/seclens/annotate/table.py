"""Annotation stage: the securitization framework table (Zeng 2021, Table 1).

Rows follow the Copenhagen School framework as tabulated by Zeng (2021): securitizing
actor, securitizing move, referent object, audience, facilitating conditions. Each
cell carries a count and its top evidence sentences (document id, sentence index,
character offsets into ``Document.text``), so every entry can be traced to the text.

* securitizing actor: the documents' issuers mapped to English actor names by
  ``data/cues/actors.yaml`` (count = documents; evidence = their securitizing moves);
* securitizing move: sentences coded ``securitizing_move = 1`` (count) and the group's
  pooled securitization index (moves per 100 sentences); then, per document, Vuori's
  directive chains claim → warning → request (count = chains; evidence = the three
  sentences of the tightest chain, each labelled with its act);
* referent object / audience: labels among securitizing moves (count = sentences);
* facilitating conditions: sentences containing a term of the lexicons in
  ``data/cues/facilitating.yaml`` (count = sentences, all sentences of the group).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

from seclens.annotate.corpus import AnnotatedDocument
from seclens.annotate.cues import load_data_file
from seclens.annotate.measures import pooled_index
from seclens.annotate.types import AUDIENCES, REFERENT_OBJECTS, SentenceAnnotation
from seclens.report.sections import ReportSection


@dataclass(frozen=True)
class EvidenceSentence:
    """A sentence supporting a table cell."""

    doc_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    cue_start: int = -1
    cue_end: int = -1
    label: str = ""


@dataclass(frozen=True)
class TableCell:
    """One entry of a framework-table row: label, count (with unit) and evidence."""

    label: str
    count: int
    unit: str
    evidence: tuple[EvidenceSentence, ...]
    detail: str = ""


@dataclass(frozen=True)
class FrameworkTable:
    """The framework table of one group of documents.

    Attributes
    ----------
    group : str
        Group description (e.g. ``level=central``).
    n_documents, n_sentences, n_moves : int
    index : float
        Pooled securitization index, securitizing moves per 100 sentences.
    rows : dict[str, tuple[TableCell, ...]]
        Keys: ``securitizing_actor``, ``securitizing_move``, ``referent_object``,
        ``audience``, ``facilitating_conditions``.
    """

    group: str
    n_documents: int
    n_sentences: int
    n_moves: int
    index: float
    rows: dict[str, tuple[TableCell, ...]]


ROW_TITLES = {
    "securitizing_actor": "Securitizing actor",
    "securitizing_move": "Securitizing move",
    "referent_object": "Referent object",
    "audience": "Audience",
    "facilitating_conditions": "Facilitating conditions",
}


def actor_name(issuer: str, actors: Sequence[Mapping[str, str]] | None = None) -> tuple[str, str]:
    """English securitizing-actor name and rule id for an issuer string.

    The first-named issuer wins (lead issuer of joint documents), then the longest
    matching ``zh`` term of ``actors.yaml``; unknown issuers are
    returned unchanged with rule id ``actor.unmapped``.
    """
    entries = actors if actors is not None else load_data_file("actors")["entries"]
    best = None
    best_key = (0, 0)
    for e in entries:
        pos = issuer.find(e["zh"]) if e["zh"] else -1
        if pos < 0:
            continue
        key = (-pos, len(e["zh"]))  # lead (first-named) issuer, then longest term
        if best is None or key > best_key:
            best, best_key = e, key
    if best is None:
        return (issuer or "unknown issuer"), "actor.unmapped"
    return str(best["en"]), str(best["id"])


def _strength(a: SentenceAnnotation) -> tuple[int, int, int]:
    refs = sum(r != "none" for r in a.referent_object)
    return (a.threat + a.urgency + a.extraordinary_measures, refs, -len(a.text))


def _ev(a: SentenceAnnotation, cue: tuple[int, int] | None = None) -> EvidenceSentence:
    cs, ce = cue if cue else (-1, -1)
    return EvidenceSentence(a.doc_id, a.sentence_index, a.start, a.end, a.text, cs, ce)


def build_framework_table(
    docs: Sequence[AnnotatedDocument], group: str = "", top: int = 3
) -> FrameworkTable:
    """Build the framework table of the documents of a group.

    Parameters
    ----------
    docs : sequence of AnnotatedDocument
        The group's documents (already filtered).
    group : str
        Label of the group, for display.
    top : int
        Evidence sentences kept per cell (strongest moves first: most of threat/
        urgency/extraordinary measures, then most referent objects, then shortest).
    """
    table = FrameworkAccumulator(group, top)
    for d in docs:
        table.add(d)
    return table.table()


class _Top:
    """The first ``top`` items of a stable sort of everything added, without keeping
    everything: the kept items are re-sorted and cut whenever the list doubles.

    ``sorted(items, key=key, reverse=reverse)[:top]`` over all items added, in the
    order added (ties keep that order, as Python's sort is stable also in reverse).
    """

    def __init__(self, top: int, key: Any, reverse: bool) -> None:
        self.top, self.key, self.reverse = top, key, reverse
        self.items: list[Any] = []
        self.count = 0

    def add(self, item: Any) -> None:
        self.count += 1
        if self.top <= 0:
            return
        self.items.append(item)
        if len(self.items) >= 2 * self.top + 32:
            self.items = self.first()

    def first(self) -> list[Any]:
        return sorted(self.items, key=self.key, reverse=self.reverse)[:self.top]


def _fc_key(found: tuple[SentenceAnnotation, tuple[int, int]]) -> tuple[int, int, str]:
    a = found[0]
    return (-a.securitizing_move, _strength(a)[0] * -1, a.doc_id)


class FrameworkAccumulator:
    """The framework table of a group, built one document at a time.

    :func:`build_framework_table` adds every document of a list; a caller streaming a
    large corpus adds each document as it is annotated and keeps, per cell, its count
    and its ``top`` strongest evidence sentences only (with the doc_ids of each actor
    and one chain cell per document with a directive chain), not every annotated
    document: the table is the same (one code path), its memory no longer grows with
    the sentences of the corpus.

    Parameters
    ----------
    group : str
        Label of the group, for display.
    top : int
        Evidence sentences per cell.
    """

    def __init__(self, group: str = "", top: int = 3) -> None:
        self.group = group
        self.top = top
        self._fc = load_data_file("facilitating")["entries"]
        self._actors = load_data_file("actors")["entries"]
        self.n_documents = 0
        self.n_sentences = 0
        self.n_moves = 0  # move sentences among the annotations added
        self._measured_moves = 0  # moves of the documents' measures (the index)
        self._moves = _Top(top, _strength, True)
        self._by_actor: dict[str, tuple[list[str], _Top]] = {}
        self._chains: list[TableCell] = []
        self._refs = {lab: _Top(top, _strength, True)
                      for lab in REFERENT_OBJECTS if lab != "none"}
        self._audiences = {lab: _Top(top, _strength, True) for lab in AUDIENCES}
        self._found = [_Top(top, _fc_key, False) for _ in self._fc]

    def add(self, d: AnnotatedDocument) -> None:
        """Add one document of the group (documents in group order)."""
        self.n_documents += 1
        self.n_sentences += d.measures.n_sentences
        self._measured_moves += d.measures.n_moves
        moves = [a for a in d.annotations if a.securitizing_move]
        self.n_moves += len(moves)
        name, _ = actor_name(d.document.meta.issuer, self._actors)
        if name not in self._by_actor:
            self._by_actor[name] = ([], _Top(self.top, _strength, True))
        ids, actor_moves = self._by_actor[name]
        ids.append(d.document.doc_id)
        for a in moves:
            self._moves.add(a)
            actor_moves.add(a)
            for lab, kept in self._refs.items():
                if lab in a.referent_object:
                    kept.add(a)
            for lab, kept in self._audiences.items():
                if lab in a.audience:
                    kept.add(a)
        chains = d.measures.chains
        if chains:
            tightest = min(chains, key=lambda c: (c.span, c.steps[0].sentence_index))
            self._chains.append(TableCell(
                "Vuori directive chain: " + " → ".join(step.act for step in tightest.steps),
                len(chains), "chains",
                tuple(EvidenceSentence(d.document.doc_id, st.sentence_index, st.start,
                                       st.end, st.text, label=st.act)
                      for st in tightest.steps),
                d.document.doc_id))
        lang = d.document.meta.language
        for entry, kept in zip(self._fc, self._found, strict=True):
            terms = entry.get(lang) or []
            needs_self = set((entry.get("needs_self") or {}).get(lang) or [])
            own_terms = (entry.get("self") or {}).get(lang) or []
            other_terms = (entry.get("others") or {}).get(lang) or []
            for a in d.annotations:
                text = a.text if lang == "zh" else a.text.lower()
                own = _speaks_of(text, own_terms, other_terms)
                if other_terms and not own and any(o in text for o in other_terms):
                    continue  # other countries' gap, not the issuer's anxiety
                for t in terms:
                    if t in needs_self and not own:
                        continue
                    k = text.find(t if lang == "zh" else t.lower())
                    if k >= 0:
                        kept.add((a, (a.start + k, a.start + k + len(t))))
                        break

    def table(self) -> FrameworkTable:
        """The table of the documents added so far."""
        actor_cells = [
            TableCell(name, len(ids), "documents", tuple(_ev(a) for a in mv.first()),
                      "; ".join(sorted(ids)))
            for name, (ids, mv) in sorted(self._by_actor.items(),
                                          key=lambda kv: (-len(kv[1][0]), kv[0]))
        ]
        move_cell = TableCell(
            "securitizing moves",
            self.n_moves,
            "sentences",
            tuple(_ev(a) for a in self._moves.first()),
            f"{pooled_index(self._measured_moves, self.n_sentences):.1f} moves per 100 "
            "sentences"
            if self.n_sentences
            else "no sentences",
        )
        ref_cells = [TableCell(lab, kept.count, "moves", tuple(_ev(a) for a in kept.first()))
                     for lab, kept in self._refs.items() if kept.count]
        aud_cells = [TableCell(lab, kept.count, "moves", tuple(_ev(a) for a in kept.first()))
                     for lab, kept in self._audiences.items() if kept.count]
        fc_cells = [
            TableCell(str(entry["label"]), kept.count, "sentences",
                      tuple(_ev(a, c) for a, c in kept.first()), str(entry["id"]))
            for entry, kept in zip(self._fc, self._found, strict=True)
        ]
        return FrameworkTable(
            group=self.group or "all documents",
            n_documents=self.n_documents,
            n_sentences=self.n_sentences,
            n_moves=self.n_moves,
            index=pooled_index(self._measured_moves, self.n_sentences),
            rows={
                "securitizing_actor": tuple(actor_cells),
                "securitizing_move": (move_cell, *self._chains),
                "referent_object": tuple(ref_cells),
                "audience": tuple(aud_cells),
                "facilitating_conditions": tuple(fc_cells),
            },
        )


def facilitating_terms() -> dict[str, tuple[str, ...]]:
    """Every facilitating-condition term by language (``zh`` as written, ``en`` lower
    case, as :func:`build_framework_table` matches them)."""
    entries = load_data_file("facilitating")["entries"]
    return {lang: tuple(t if lang == "zh" else t.lower()
                        for entry in entries for t in (entry.get(lang) or []))
            for lang in ("zh", "en")}


def table_evidence(item: AnnotatedDocument,
                   terms: Mapping[str, Sequence[str]] | None = None) -> AnnotatedDocument:
    """What :func:`build_framework_table` reads of a document, and nothing more.

    The table reads a document's metadata, its measures, its securitizing moves and
    the sentences containing a facilitating-condition term
    (``data/cues/facilitating.yaml``, the document's language; matched as the table
    matches them). The returned document keeps those annotations only, and its
    document without the text: the table built from it is the same, and a corpus of
    thousands of documents no longer holds every sentence annotation and every text
    while its report is written (6,028 synthetic documents: 2.3 GB peak for
    ``seclens analyze`` before).

    Parameters
    ----------
    item : AnnotatedDocument
    terms : mapping of str to sequence of str, optional
        :func:`facilitating_terms` (read from the data file when omitted; pass it
        when compacting many documents).

    Returns
    -------
    AnnotatedDocument
        ``document.text`` is ``""``; ``annotations`` the moves and
        facilitating-condition sentences, in order, without their evidence items
        (the table shows sentences; their cue-level evidence is ``seclens annotate``'s
        output, and was most of what the compacted documents held: 6,028 synthetic
        documents, about 330 MB); ``measures`` unchanged.
    """
    import dataclasses

    lang = item.document.meta.language
    wanted = (terms if terms is not None else facilitating_terms()).get(lang, ())
    kept = tuple(dataclasses.replace(a, evidence=()) for a in item.annotations
                 if a.securitizing_move or _has_any(a.text if lang == "zh" else a.text.lower(),
                                                    wanted))
    return AnnotatedDocument(dataclasses.replace(item.document, text=""), kept, item.measures)


def _has_any(text: str, terms: Sequence[str]) -> bool:
    return any(t in text for t in terms)


def _speaks_of(text: str, own: Sequence[str], others: Sequence[str]) -> bool:
    """True when a term of ``own`` occurs outside every occurrence of ``others``
    (中国 inside 发展中国家 is not China)."""
    for t in own:
        k = text.find(t)
        while k >= 0:
            if not any(_inside(text, k, len(t), o) for o in others):
                return True
            k = text.find(t, k + 1)
    return False


def _inside(text: str, k: int, n: int, other: str) -> bool:
    """Whether ``text[k:k+n]`` lies within an occurrence of ``other``."""
    start = max(0, k + n - len(other))
    j = text.find(other, start)
    while 0 <= j <= k:
        if j + len(other) >= k + n:
            return True
        j = text.find(other, j + 1)
    return False


def plural(n: int, noun: str) -> str:
    """``1 document``, ``2 documents`` (count units end in a regular ``s``)."""
    singular = noun[:-1] if noun.endswith("s") else noun
    return f"{n} {singular if n == 1 else singular + 's'}"


def format_table(table: FrameworkTable, width: int = 90) -> str:
    """Plain-text rendering (the ``seclens table`` output)."""
    lines = [
        f"Framework table - {table.group}: {plural(table.n_documents, 'documents')}, "
        f"{plural(table.n_sentences, 'sentences')}, "
        f"{plural(table.n_moves, 'securitizing moves')}, "
        f"index {table.index:.1f} moves per 100 sentences",
    ]
    for key, cells in table.rows.items():
        lines.append("")
        lines.append(ROW_TITLES[key])
        if not cells:
            lines.append("  (none found)")
        for c in cells:
            extra = f" [{c.detail}]" if c.detail else ""
            lines.append(f"  {c.label}: {plural(c.count, c.unit)}{extra}")
            for e in c.evidence:
                snippet = e.text if len(e.text) <= width else e.text[: width - 1] + "…"
                act = f"{e.label}: " if e.label else ""
                lines.append(
                    f"    - {act}{e.doc_id} #{e.sentence_index} [{e.start}:{e.end}] {snippet}"
                )
    return "\n".join(lines)


def framework_section(tables: Sequence[FrameworkTable]) -> ReportSection:
    """A :class:`ReportSection` with the framework table(s); evidence in ``<details>``.

    Rendered with an autoescaping Jinja2 environment (document text is untrusted).
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = env.get_template("framework_table.html.j2").render(tables=tables, titles=ROW_TITLES)
    return ReportSection("framework-table", "Securitization framework table", Markup(html))


def _load_template(name: str) -> str:
    return (resources.files("seclens.annotate") / "templates" / name).read_text(encoding="utf-8")
