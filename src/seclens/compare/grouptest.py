"""Compare stage: tests of per-document securitization measures between two groups.

Input is a table with one row per document, an id column and one column per measure
(e.g. security vocabulary per 10,000 characters, share of sentences that are
securitizing moves, a sector's share of matches). For each measure the two groups are
compared with

- a permutation test of the difference in means (:func:`scipy.stats.permutation_test`;
  exact when the number of distinct relabelings ``C(n1+n2, n1)`` is at most
  ``n_resamples``, else Monte Carlo with the given seed);
- the Mann–Whitney U test (:func:`scipy.stats.mannwhitneyu`, two-sided, ``method="auto"``);
- effect sizes: difference in means and in medians (target − reference) and Cliff's
  delta ``δ = (#(x > y) − #(x < y)) / (n1 n2)`` (Cliff 1993), which equals the
  rank-biserial correlation ``2 U1 / (n1 n2) − 1`` (Kerby 2014);
- a bootstrap confidence interval of the difference in means
  (:func:`scipy.stats.bootstrap`, BCa by default, fixed seed).

Documents whose measure is undefined (NaN, e.g. a securitizing-move share of a
document without sentences) are excluded *per measure* and listed in
``GroupTestResult.exclusions`` with the reason; they are never dropped silently.

References
----------
Cliff, N. (1993). Dominance statistics. Psychological Bulletin 114(3), 494–509.
Kerby, D. S. (2014). The simple difference formula. Comprehensive Psychology 3, 1.
Mann, H. B. & Whitney, D. R. (1947). Annals of Mathematical Statistics 18(1), 50–60.
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from seclens.errors import CompareError, ConfigError

GROUPTEST_COLUMNS: tuple[str, ...] = (
    "measure",
    "target",
    "reference",
    "n_target",
    "n_reference",
    "n_excluded_target",
    "n_excluded_reference",
    "mean_target",
    "mean_reference",
    "median_target",
    "median_reference",
    "diff_means",
    "diff_medians",
    "cliffs_delta",
    "mwu_u",
    "mwu_p",
    "perm_p",
    "perm_method",
    "ci_low",
    "ci_high",
    "ci_level",
    "ci_method",
    "note",
)
"""Fixed column order of :attr:`GroupTestResult.tests`."""


@dataclass(frozen=True)
class GroupTestOptions:
    """Options of :func:`compare_groups`.

    Attributes
    ----------
    n_resamples : int
        Permutations (Monte Carlo) and bootstrap resamples.
    seed : int
        Seed of the random generator (results are reproducible).
    confidence : float
        Confidence level of the bootstrap interval, in (0, 1).
    ci_method : {"BCa", "percentile", "basic"}
        Bootstrap interval method.
    """

    n_resamples: int = 9999
    seed: int = 0
    confidence: float = 0.95
    ci_method: str = "BCa"

    def validate(self) -> None:
        """Raise :class:`ConfigError` ``E001`` naming the bad parameter."""
        if self.n_resamples < 100:
            raise ConfigError("E001", f"n_resamples must be >= 100, got {self.n_resamples}")
        if not 0 < self.confidence < 1:
            raise ConfigError("E001", f"confidence must be in (0, 1), got {self.confidence}")
        if self.ci_method not in ("BCa", "percentile", "basic"):
            raise ConfigError(
                "E001", f"ci_method must be BCa, percentile or basic; got {self.ci_method!r}"
            )


@dataclass(frozen=True)
class GroupTestResult:
    """Result of :func:`compare_groups`.

    Attributes
    ----------
    tests : pandas.DataFrame
        One row per measure, columns :data:`GROUPTEST_COLUMNS`.
    exclusions : pandas.DataFrame
        Columns ``doc_id, group, measure, reason``: documents left out of a measure.
    """

    tests: pd.DataFrame
    exclusions: pd.DataFrame


def cliffs_delta(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Cliff's delta ``(#(x_i > y_j) − #(x_i < y_j)) / (n_x n_y)`` (Cliff 1993).

    Parameters
    ----------
    x, y : array_like, shapes (n_x,), (n_y,)
        Values of the two groups (no NaN).

    Returns
    -------
    float
        In [−1, 1]; positive when x tends to be larger. NaN if a group is empty.
    """
    x_ = np.asarray(x, dtype=float)
    y_ = np.asarray(y, dtype=float)
    if x_.size == 0 or y_.size == 0:
        return float("nan")
    # a NaN difference (a NaN value, or inf - inf) made the mean sign NaN
    if np.isnan(x_).any() or np.isnan(y_).any() or any(
            np.isin(v, x_).any() and np.isin(v, y_).any() for v in (np.inf, -np.inf)):
        return float("nan")
    # counted by binary search in the sorted y, not over the n_x × n_y matrix of
    # differences (10,000 × 30,000 documents: 2.4 GB); the counts are exact integers
    ys = np.sort(y_)
    greater = int(np.searchsorted(ys, x_, side="left").sum())  # y_j < x_i
    less = int((ys.size - np.searchsorted(ys, x_, side="right")).sum())  # y_j > x_i
    return float((greater - less) / (x_.size * y_.size))


#: Values (resamples × documents) scipy's permutation test and bootstrap may hold at
#: once, 8 million float64 (64 MB); with more documents they resample in batches.
RESAMPLE_ELEMENTS = 8_000_000


def resample_batch(n: int, n_resamples: int, elements: int = RESAMPLE_ELEMENTS) -> int | None:
    """The ``batch`` argument of :func:`scipy.stats.permutation_test` and
    :func:`scipy.stats.bootstrap` for ``n`` documents in all.

    ``None`` (scipy's default: all resamples at once, and for BCa the ``n``
    jackknife samples at once) while ``n * max(n_resamples, n)`` values fit in
    ``elements``; else the most resamples that fit. Without it the tests of 6,028
    documents held 1.4 GB (10,000 resamples × 6,028 values, and a 6,028 × 6,028
    jackknife), those of 41,000 would need some 16 GB. Batches draw the same random
    numbers in another grouping, so Monte Carlo p-values and intervals of such
    groups differ in the last digits from one unbatched run with the same seed (they
    stay reproducible run to run).

    Parameters
    ----------
    n : int
        Documents in both groups.
    n_resamples : int
    elements : int

    Returns
    -------
    int or None
    """
    if n * max(n_resamples, n) <= elements:
        return None
    return max(1, elements // max(n, 1))


def _mean_diff(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], axis: int = -1) -> object:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _one_measure(
    measure: str,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    labels: tuple[str, str],
    excluded: tuple[int, int],
    opts: GroupTestOptions,
) -> dict[str, object]:
    from scipy import stats

    row: dict[str, object] = {
        "measure": measure,
        "target": labels[0],
        "reference": labels[1],
        "n_target": int(x.size),
        "n_reference": int(y.size),
        "n_excluded_target": excluded[0],
        "n_excluded_reference": excluded[1],
        "mean_target": float(np.mean(x)) if x.size else math.nan,
        "mean_reference": float(np.mean(y)) if y.size else math.nan,
        "median_target": float(np.median(x)) if x.size else math.nan,
        "median_reference": float(np.median(y)) if y.size else math.nan,
        "ci_level": opts.confidence,
        "ci_method": opts.ci_method,
    }
    row["diff_means"] = float(row["mean_target"]) - float(row["mean_reference"])  # type: ignore[arg-type]
    row["diff_medians"] = float(row["median_target"]) - float(row["median_reference"])  # type: ignore[arg-type]
    row["cliffs_delta"] = cliffs_delta(x, y)
    if x.size < 2 or y.size < 2:
        row.update(
            mwu_u=math.nan,
            mwu_p=math.nan,
            perm_p=math.nan,
            perm_method="not run",
            ci_low=math.nan,
            ci_high=math.nan,
            note="fewer than 2 documents in a group: tests not run",
        )
        return row
    mwu = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    row["mwu_u"], row["mwu_p"] = float(mwu.statistic), float(mwu.pvalue)
    n_partitions = math.comb(x.size + y.size, x.size)
    exact = n_partitions <= opts.n_resamples
    batch = resample_batch(x.size + y.size, opts.n_resamples)
    perm = stats.permutation_test(
        (x, y),
        _mean_diff,
        permutation_type="independent",
        vectorized=True,
        n_resamples=opts.n_resamples,
        batch=batch,
        alternative="two-sided",
        rng=opts.seed,
    )
    row["perm_p"] = float(perm.pvalue)
    row["perm_method"] = (
        f"exact ({n_partitions} relabelings)"
        if exact
        else f"monte carlo ({opts.n_resamples} permutations, seed {opts.seed})"
    )
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        boot = stats.bootstrap(
            (x, y),
            _mean_diff,
            vectorized=True,
            n_resamples=opts.n_resamples,
            batch=batch,
            confidence_level=opts.confidence,
            method=opts.ci_method,
            rng=opts.seed,
        )
    low, high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    if any("degenerate" in str(w.message).lower() for w in caught) or math.isnan(low):
        notes.append("bootstrap CI undefined (degenerate resampling distribution)")
    row["ci_low"], row["ci_high"] = low, high
    row["note"] = "; ".join(notes)
    return row


def compare_groups(
    table: pd.DataFrame,
    measures: Sequence[str],
    target: pd.Series,
    reference: pd.Series,
    *,
    labels: tuple[str, str] = ("target", "reference"),
    id_column: str = "doc_id",
    options: GroupTestOptions | None = None,
) -> GroupTestResult:
    """Compare per-document measures between a target and a reference group.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per document, shape ``(n_documents, ...)``; ``id_column`` and the
        ``measures`` columns (floats; NaN = undefined for that document).
    measures : sequence of str
        Columns to compare, e.g. ``security_per_10k`` (per 10,000 characters).
    target, reference : pandas.Series of bool
        Masks (indexed like ``table``), e.g. from
        :func:`seclens.compare.groups.select_group`. Must not overlap.
    labels : (str, str)
        Names of the two groups in the output (e.g. the group expressions).
    id_column : str
    options : GroupTestOptions, optional

    Returns
    -------
    GroupTestResult

    Raises
    ------
    CompareError
        ``E501`` unknown measure or id column; ``E504`` a group is empty;
        ``E505`` the groups overlap (the message lists the shared documents).
    ConfigError
        ``E001`` bad option.
    """
    opts = options or GroupTestOptions()
    opts.validate()
    missing = [c for c in [id_column, *measures] if c not in table.columns]
    if missing:
        raise CompareError(
            "E501",
            f"unknown column(s) {', '.join(missing)}; "
            f"available: {', '.join(map(str, table.columns))}",
        )
    both = table.loc[target & reference, id_column].astype(str).tolist()
    if both:
        raise CompareError(
            "E505",
            f"target and reference groups overlap on {len(both)} document(s): "
            f"{', '.join(both[:10])}; make the group expressions disjoint",
        )
    for mask, name in ((target, labels[0]), (reference, labels[1])):
        if not bool(mask.any()):
            raise CompareError("E504", f"group {name!r} selects no document")
    rows: list[dict[str, object]] = []
    excl: list[dict[str, str]] = []
    for measure in measures:
        values: list[npt.NDArray[np.float64]] = []
        n_excl: list[int] = []
        for mask, name in ((target, labels[0]), (reference, labels[1])):
            sub = table.loc[mask, [id_column, measure]]
            vals = pd.to_numeric(sub[measure], errors="coerce")
            bad = vals.isna() | ~np.isfinite(vals.fillna(0.0))
            for doc_id, raw in zip(sub.loc[bad, id_column], sub.loc[bad, measure], strict=True):
                excl.append(
                    {
                        "doc_id": str(doc_id),
                        "group": name,
                        "measure": measure,
                        "reason": f"measure undefined ({raw!r})",
                    }
                )
            values.append(vals[~bad].to_numpy(dtype=float))
            n_excl.append(int(bad.sum()))
        rows.append(
            _one_measure(measure, values[0], values[1], labels, (n_excl[0], n_excl[1]), opts)
        )
    tests = pd.DataFrame(rows, columns=list(GROUPTEST_COLUMNS))
    tests["note"] = tests["note"].fillna("")
    exclusions = pd.DataFrame(excl, columns=["doc_id", "group", "measure", "reason"])
    return GroupTestResult(tests=tests, exclusions=exclusions)
