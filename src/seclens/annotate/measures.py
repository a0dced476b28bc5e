"""Annotation stage: document and group measures of securitizing moves; Vuori chains.

Measures (all pure functions of sentence annotations):

* **move share**: securitizing moves / sentences (0-1), ``NaN`` for a document with no
  sentences (with an exclusion reason), never a silent 0.
* **securitization index** = 100 × (securitizing moves / sentences), unit *securitizing
  moves per 100 sentences* (``rules.yaml`` ``index``). A plain rate, not a weighted
  score: each component (threat, urgency, extraordinary measures) is already part of
  the move definition, and a rate per 100 units is the standard way sentence-level
  coding is compared across documents of different length (cf. Baele & Sterck 2015).
* **profiles**: counts of sentences per sector, referent object and audience, among
  all sentences and among securitizing moves.
* **Vuori directive chains** (Vuori 2008, directive securitization): a ``claim``
  followed by a ``warning`` followed by a ``request``, each within ``window`` sentences
  of the previous element (default 5, ``rules.yaml`` ``chains.window``). Chains are
  found greedily left to right and do not share sentences.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from seclens.annotate.types import AUDIENCES, REFERENT_OBJECTS, SECTORS, SentenceAnnotation
from seclens.errors import AnnotationError


@dataclass(frozen=True)
class ChainStep:
    """One sentence of a Vuori chain (act, index, document offsets, text)."""

    act: str
    sentence_index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class VuoriChain:
    """A claim → warning → request sequence within one document."""

    doc_id: str
    steps: tuple[ChainStep, ...]

    @property
    def span(self) -> int:
        """Sentences from the claim to the request, inclusive."""
        return self.steps[-1].sentence_index - self.steps[0].sentence_index + 1


def find_chains(
    annotations: Sequence[SentenceAnnotation],
    window: int = 5,
    sequence: tuple[str, ...] = ("claim", "warning", "request"),
) -> list[VuoriChain]:
    """Vuori directive chains in the annotated sentences of ONE document.

    Parameters
    ----------
    annotations : sequence of SentenceAnnotation
        In document order.
    window : int
        Maximum distance in sentences between consecutive steps (>= 1).
    sequence : tuple of str
        The acts in order (default ``claim, warning, request``).

    Returns
    -------
    list[VuoriChain]
        Non-overlapping chains, in document order.

    Raises
    ------
    AnnotationError
        ``E420`` if ``window`` < 1 or the annotations mix documents.
    """
    if window < 1:
        raise AnnotationError("E420", f"chain window must be >= 1 sentence, got {window}")
    if len({a.doc_id for a in annotations}) > 1:
        raise AnnotationError("E420", "find_chains expects the sentences of one document")
    chains: list[VuoriChain] = []
    used: set[int] = set()
    for i, a in enumerate(annotations):
        if a.vuori_act != sequence[0] or i in used:
            continue
        picked = [i]
        j = i
        for act in sequence[1:]:
            nxt = next(
                (
                    k
                    for k in range(j + 1, min(len(annotations), j + window + 1))
                    if annotations[k].vuori_act == act and k not in used
                ),
                None,
            )
            if nxt is None:
                break
            picked.append(nxt)
            j = nxt
        if len(picked) == len(sequence):
            used.update(picked)
            chains.append(
                VuoriChain(
                    a.doc_id,
                    tuple(
                        ChainStep(
                            annotations[k].vuori_act,
                            annotations[k].sentence_index,
                            annotations[k].start,
                            annotations[k].end,
                            annotations[k].text,
                        )
                        for k in picked
                    ),
                )
            )
    return chains


@dataclass(frozen=True)
class DocumentMeasures:
    """Securitization measures of one document.

    Attributes
    ----------
    doc_id : str
    n_sentences : int
    n_moves : int
        Sentences coded ``securitizing_move = 1``.
    move_share : float
        ``n_moves / n_sentences`` (0-1); NaN when ``n_sentences == 0``.
    index : float
        Securitization index, securitizing moves per 100 sentences; NaN when empty.
    n_threat, n_urgency, n_extraordinary : int
    security_sense : dict[str, int]
        Sentences per sense label.
    sector, referent_object, audience : dict[str, int]
        Sentences per label (all sentences).
    move_sector, move_referent_object, move_audience : dict[str, int]
        Sentences per label among securitizing moves.
    vuori : dict[str, int]
        Sentences per Vuori act.
    chains : tuple[VuoriChain, ...]
    exclusion : str
        Reason when a measure is NaN, else "".
    """

    doc_id: str
    n_sentences: int
    n_moves: int
    move_share: float
    index: float
    n_threat: int
    n_urgency: int
    n_extraordinary: int
    security_sense: dict[str, int]
    sector: dict[str, int]
    referent_object: dict[str, int]
    audience: dict[str, int]
    move_sector: dict[str, int]
    move_referent_object: dict[str, int]
    move_audience: dict[str, int]
    vuori: dict[str, int]
    chains: tuple[VuoriChain, ...] = field(default=())
    exclusion: str = ""


def _count(
    annotations: Iterable[SentenceAnnotation], attr: str, labels: Sequence[str]
) -> dict[str, int]:
    c: Counter[str] = Counter()
    for a in annotations:
        val = getattr(a, attr)
        for lab in (val,) if isinstance(val, str) else val:
            c[lab] += 1
    return {lab: c[lab] for lab in labels}


def document_measures(
    doc_id: str, annotations: Sequence[SentenceAnnotation], chain_window: int = 5
) -> DocumentMeasures:
    """Measures of one document from its sentence annotations (in document order).

    Formula: ``index = 100 * n_moves / n_sentences`` (securitizing moves per 100
    sentences). Empty documents give NaN with ``exclusion`` set.
    """
    n = len(annotations)
    moves = [a for a in annotations if a.securitizing_move]
    refs = tuple(r for r in REFERENT_OBJECTS if r != "none")
    share = len(moves) / n if n else math.nan
    return DocumentMeasures(
        doc_id=doc_id,
        n_sentences=n,
        n_moves=len(moves),
        move_share=share,
        index=100.0 * share if n else math.nan,
        n_threat=sum(a.threat for a in annotations),
        n_urgency=sum(a.urgency for a in annotations),
        n_extraordinary=sum(a.extraordinary_measures for a in annotations),
        security_sense=_count(
            annotations, "security_sense", ("security", "safety", "mixed", "none")
        ),
        sector=_count(annotations, "sector", SECTORS),
        referent_object=_count(annotations, "referent_object", refs),
        audience=_count(annotations, "audience", AUDIENCES),
        move_sector=_count(moves, "sector", SECTORS),
        move_referent_object=_count(moves, "referent_object", refs),
        move_audience=_count(moves, "audience", AUDIENCES),
        vuori=_count(annotations, "vuori_act", ("claim", "warning", "request", "none")),
        chains=tuple(find_chains(annotations, chain_window)) if n else (),
        exclusion="" if n else "E421: document has no sentences; measures undefined",
    )


def group_index(measures: Sequence[DocumentMeasures]) -> float:
    """Pooled securitization index of a group: 100 × Σ moves / Σ sentences.

    Pooling weights documents by length (a long plan counts more than a short notice);
    use the mean of ``DocumentMeasures.index`` for the unweighted alternative. NaN for
    a group without sentences.
    """
    return pooled_index(sum(m.n_moves for m in measures), sum(m.n_sentences for m in measures))


def pooled_index(n_moves: int, n_sentences: int) -> float:
    """``100 * n_moves / n_sentences`` (securitizing moves per 100 sentences); NaN for
    no sentences. The index of :func:`group_index` from the group's sums."""
    return 100.0 * n_moves / n_sentences if n_sentences else math.nan
