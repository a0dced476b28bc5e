"""QDA stage: stratified samples of sentences for hand coding, and coded units.

A :class:`SampleUnit` is one sentence to code with its context and offsets into its
document. :func:`stratified_sample` draws, per language, a share of units among
sentences with security vocabulary (a security-sense word or a rule-detected threat)
and the rest at random, like the reference gold sample (about 60 % / 40 %),
deterministically from a seed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from seclens.annotate.corpus import AnnotatedDocument
from seclens.errors import AnnotationError


@dataclass(frozen=True)
class SampleUnit:
    """One sentence drawn for hand coding.

    Attributes
    ----------
    sid : str
        Sample id (``s-0000`` ...), unique within a sample.
    doc_id, lang : str
    sentence_index : int
    start, end : int
        Offsets of the sentence in ``Document.text``.
    prev, text, next : str
    stratum : str
        ``security`` or ``random``.
    codes : dict[str, Any]
        The nine codebook fields once coded (empty before coding).
    suggestion_key : str
        Fingerprint of the detector's suggested codes when the sample was exported
        ``--with-suggestions`` (:func:`seclens.qda.csvio.codes_key`); "" otherwise. On
        import, codes with this same fingerprint are unedited suggestions.
    """

    sid: str
    doc_id: str
    lang: str
    sentence_index: int
    start: int
    end: int
    prev: str
    text: str
    next: str
    stratum: str = "random"
    codes: Mapping[str, Any] = field(default_factory=dict)
    suggestion_key: str = ""


def stratified_sample(
    docs: Sequence[AnnotatedDocument],
    n: int,
    *,
    security_share: float = 0.6,
    seed: int = 0,
) -> list[SampleUnit]:
    """Draw ``n`` sentences, per language proportional to its sentences.

    Parameters
    ----------
    docs : sequence of AnnotatedDocument
    n : int
        Sample size (>= 1).
    security_share : float
        Share (0-1) drawn among sentences with security vocabulary.
    seed : int
        Seed of the pseudo-random generator (same seed, same sample).

    Raises
    ------
    AnnotationError
        ``E440`` invalid ``n``/``security_share`` or a corpus without sentences.
    """
    if n < 1 or not 0.0 <= security_share <= 1.0:
        raise AnnotationError(
            "E440",
            f"sample size must be >= 1 and security_share in [0, 1]; "
            f"got n={n}, share={security_share}",
        )
    rng = random.Random(seed)
    pool: dict[str, list[tuple[AnnotatedDocument, int]]] = {}
    for d in docs:
        for i, _ in enumerate(d.annotations):
            pool.setdefault(d.document.meta.language, []).append((d, i))
    total = sum(len(v) for v in pool.values())
    if total == 0:
        raise AnnotationError("E440", "no sentences to sample from")
    n = min(n, total)
    picked: list[tuple[AnnotatedDocument, int, str]] = []
    langs = sorted(pool)
    quotas = {lang: round(n * len(pool[lang]) / total) for lang in langs}
    quotas[langs[-1]] += n - sum(quotas.values())
    for lang in langs:
        items = pool[lang]
        sec = [x for x in items if _is_security(x[0], x[1])]
        rest = [x for x in items if not _is_security(x[0], x[1])]
        k_sec = min(len(sec), round(quotas[lang] * security_share))
        chosen = rng.sample(sec, k_sec)
        k_rest = min(len(rest), quotas[lang] - k_sec)
        chosen_rest = rng.sample(rest, k_rest)
        picked += [(d, i, "security") for d, i in chosen] + [
            (d, i, "random") for d, i in chosen_rest
        ]
    rng.shuffle(picked)
    out = []
    for k, (d, i, stratum) in enumerate(picked):
        a = d.annotations[i]
        prev = d.annotations[i - 1].text if i > 0 else ""
        nxt = d.annotations[i + 1].text if i + 1 < len(d.annotations) else ""
        out.append(
            SampleUnit(
                f"s-{k:04d}",
                a.doc_id,
                d.document.meta.language,
                a.sentence_index,
                a.start,
                a.end,
                prev,
                a.text,
                nxt,
                stratum,
            )
        )
    return out


def _is_security(d: AnnotatedDocument, i: int) -> bool:
    a = d.annotations[i]
    return a.security_sense != "none" or bool(a.threat)
