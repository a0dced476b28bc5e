"""Validation stage: agreement and accuracy measures for coded fields.

* Precision, recall, F1 per label and macro (scikit-learn conventions; a label with
  no predicted/true positives gets 0 for the undefined ratio, reported with its support).
* Krippendorff's alpha, nominal level (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"), via the ``krippendorff`` package. Multi-label fields: alpha per
  label on presence/absence (1/0) and the unweighted mean over labels, exactly the
  method of ``reference/gold/agreement.json``. When every value is identical alpha is
  undefined; it is reported as ``NaN`` and left out of the mean (never a silent 0 or 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np

from seclens.annotate.types import MULTI_FIELDS, NOMINAL_FIELDS


def nominal_alpha(*codings: Sequence[Any]) -> float:
    """Krippendorff's alpha (nominal) between coders over the same units.

    Parameters
    ----------
    *codings : sequence
        One sequence of values per coder, aligned by unit; ``None`` = missing.

    Returns
    -------
    float
        Alpha in [-1, 1]; ``NaN`` when undefined (fewer than two distinct values).
    """
    values = sorted({v for c in codings for v in c if v is not None}, key=repr)
    if len(values) < 2:
        return math.nan
    index = {v: i for i, v in enumerate(values)}
    data = np.array(
        [[np.nan if v is None else float(index[v]) for v in c] for c in codings], dtype=float
    )
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def pct_agree(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Share of units (0-1) on which two codings are identical."""
    if not a:
        return math.nan
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall, F1 of one label (support = true count, predicted = predicted count)."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def label_scores(
    true: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]
) -> list[LabelScore]:
    """One-vs-rest precision/recall/F1 of each label of a single-valued field."""
    out = []
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(true, pred, strict=True))
        fp = sum(t != lab and p == lab for t, p in zip(true, pred, strict=True))
        fn = sum(t == lab and p != lab for t, p in zip(true, pred, strict=True))
        p, r, f = _prf(tp, fp, fn)
        out.append(LabelScore(str(lab), p, r, f, tp + fn, tp + fp))
    return out


def confusion(true: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]) -> list[list[int]]:
    """Confusion matrix, rows = gold label, columns = predicted label (in ``labels`` order)."""
    idx = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(true, pred, strict=True):
        m[idx[t]][idx[p]] += 1
    return m


@dataclass(frozen=True)
class FieldReport:
    """Scores of one codebook field (detector vs gold, or coder vs coder).

    Attributes
    ----------
    field : str
    kind : str
        ``nominal`` or ``multi``.
    n : int
        Units compared.
    accuracy : float
        Exact agreement (0-1); for multi-label fields, on the whole label set.
    alpha : float
        Nominal alpha (single-valued fields) or mean per-label alpha (multi-label).
    macro_f1 : float
        Unweighted mean F1 over labels with support or predictions.
    labels : tuple[LabelScore, ...]
    label_alpha : dict[str, float]
        Multi-label fields only: alpha per label.
    label_order : tuple[str, ...]
    matrix : list[list[int]]
        Confusion matrix (single-valued fields; for multi-label fields a 2x2 per
        label is implied by the scores and is not stored).
    """

    field: str
    kind: str
    n: int
    accuracy: float
    alpha: float
    macro_f1: float
    labels: tuple[LabelScore, ...]
    label_alpha: dict[str, float]
    label_order: tuple[str, ...]
    matrix: list[list[int]]

    def score(self, label: str) -> LabelScore:
        """The :class:`LabelScore` of one label."""
        return next(s for s in self.labels if s.label == label)


def _macro(scores: Sequence[LabelScore]) -> float:
    used = [s.f1 for s in scores if s.support or s.predicted]
    return sum(used) / len(used) if used else math.nan


def compare_field(field: str, true: Sequence[Any], pred: Sequence[Any]) -> FieldReport:
    """Score ``pred`` against ``true`` on one codebook field.

    Parameters
    ----------
    field : str
        A codebook field name.
    true, pred : sequence
        Aligned values; multi-label values as iterables of labels (``none`` ignored).
    """
    if field in NOMINAL_FIELDS:
        labels = NOMINAL_FIELDS[field]
        scores = label_scores(true, pred, labels)
        return FieldReport(
            field,
            "nominal",
            len(true),
            pct_agree(true, pred),
            nominal_alpha(list(true), list(pred)),
            _macro(scores),
            tuple(scores),
            {},
            tuple(str(x) for x in labels),
            confusion(true, pred, labels),
        )
    labels_m = MULTI_FIELDS[field]
    tset = [frozenset(x for x in t if x != "none") for t in true]
    pset = [frozenset(x for x in p if x != "none") for p in pred]
    scores_m: list[LabelScore] = []
    alphas: dict[str, float] = {}
    for lab in labels_m:
        tb = [int(lab in t) for t in tset]
        pb = [int(lab in p) for p in pset]
        tp = sum(a and b for a, b in zip(tb, pb, strict=True))
        fp = sum((not a) and b for a, b in zip(tb, pb, strict=True))
        fn = sum(a and (not b) for a, b in zip(tb, pb, strict=True))
        p, r, f = _prf(tp, fp, fn)
        scores_m.append(LabelScore(lab, p, r, f, tp + fn, tp + fp))
        alphas[lab] = nominal_alpha(tb, pb)
    defined = [a for a in alphas.values() if not math.isnan(a)]
    return FieldReport(
        field,
        "multi",
        len(true),
        pct_agree(tset, pset),
        sum(defined) / len(defined) if defined else math.nan,
        _macro(scores_m),
        tuple(scores_m),
        alphas,
        labels_m,
        [],
    )
