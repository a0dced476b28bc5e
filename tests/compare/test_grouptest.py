"""Group tests of per-document measures (permutation, Mann-Whitney U, Cliff's delta, CI)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.compare.grouptest import (
    GROUPTEST_COLUMNS,
    RESAMPLE_ELEMENTS,
    GroupTestOptions,
    cliffs_delta,
    compare_groups,
    resample_batch,
)
from seclens.errors import CompareError, ConfigError


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["t1", "t2", "t3", "r1", "r2", "r3"],
            "group": ["t", "t", "t", "r", "r", "r"],
            "rate": [1.0, 2.0, 3.0, 4.0, 5.0, math.nan],
        }
    )


def test_cliffs_delta_by_hand() -> None:
    # pairs (x, y): x=[1, 3], y=[2]: 1<2 (-1), 3>2 (+1) -> 0 / 2 = 0
    assert cliffs_delta([1, 3], [2]) == 0.0
    # x=[3, 4], y=[1, 2, 3]: 3 vs (1,2,3) -> +1 +1 0; 4 -> +1 +1 +1 = 5 / 6
    assert cliffs_delta([3, 4], [1, 2, 3]) == pytest.approx(5 / 6)
    assert math.isnan(cliffs_delta([], [1]))


def test_small_groups_exact_by_hand() -> None:
    table = _table()
    res = compare_groups(table, ["rate"], table.group == "t", table.group == "r")
    row = res.tests.iloc[0]
    assert tuple(res.tests.columns) == GROUPTEST_COLUMNS
    assert (row.n_target, row.n_reference, row.n_excluded_reference) == (3, 2, 1)
    assert row.diff_means == pytest.approx(2.0 - 4.5)
    assert row.cliffs_delta == -1.0
    # Exact permutation: of the C(5,3)=10 relabelings of {1,...,5}, only {1,2,3} (sum 6)
    # and {3,4,5} (sum 12) give |mean difference| >= 2.5, so p = 2/10.
    assert row.perm_method.startswith("exact (10")
    assert row.perm_p == pytest.approx(0.2)
    # Mann-Whitney: U1 = 0; exact two-sided p = 2 * P(U <= 0) = 2 * 1/10.
    assert row.mwu_u == 0.0 and row.mwu_p == pytest.approx(0.2)
    assert row.ci_low <= row.diff_means <= row.ci_high
    assert list(res.exclusions.doc_id) == ["r3"]
    assert "undefined" in res.exclusions.reason.iloc[0]


def test_monte_carlo_reproducible_with_seed() -> None:
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(30)],
            "x": rng.normal(size=30),
            "g": ["a"] * 15 + ["b"] * 15,
        }
    )
    opts = GroupTestOptions(n_resamples=999, seed=7)
    r1 = compare_groups(table, ["x"], table.g == "a", table.g == "b", options=opts).tests
    r2 = compare_groups(table, ["x"], table.g == "a", table.g == "b", options=opts).tests
    pd.testing.assert_frame_equal(r1, r2)
    assert r1.perm_method.iloc[0].startswith("monte carlo (999 permutations, seed 7")


def test_too_few_documents_reported_not_crashing() -> None:
    table = _table()
    res = compare_groups(table, ["rate"], table.doc_id == "t1", table.group == "r")
    row = res.tests.iloc[0]
    assert row.perm_method == "not run" and "fewer than 2" in row.note
    assert row.n_target == 1


def test_errors() -> None:
    table = _table()
    with pytest.raises(CompareError) as err:
        compare_groups(table, ["rate"], table.group == "t", table.doc_id != "")
    assert err.value.code == "E505"
    with pytest.raises(CompareError) as err:
        compare_groups(table, ["rate"], table.group == "x", table.group == "r")
    assert err.value.code == "E504"
    with pytest.raises(CompareError) as err:
        compare_groups(table, ["nope"], table.group == "t", table.group == "r")
    assert err.value.code == "E501"
    with pytest.raises(ConfigError, match="confidence"):
        compare_groups(
            table,
            ["rate"],
            table.group == "t",
            table.group == "r",
            options=GroupTestOptions(confidence=1.5),
        )


_VALUES = st.one_of(st.integers(-5, 5).map(float),
                    st.sampled_from([math.inf, -math.inf, math.nan]))


@given(st.lists(_VALUES, max_size=30), st.lists(_VALUES, max_size=30))
def test_cliffs_delta_equals_the_matrix_of_differences(x: list[float], y: list[float]) -> None:
    """Regression (memory): counted by binary search, Cliff's delta equals the mean
    sign of the n_x × n_y differences it replaces: ties, infinities and NaN (a NaN
    difference makes it NaN) included."""
    got = cliffs_delta(x, y)
    if not x or not y:
        assert math.isnan(got)
        return
    with np.errstate(invalid="ignore"):
        signs = np.sign(np.subtract.outer(np.asarray(x, float), np.asarray(y, float)))
    expected = float(signs.sum() / (len(x) * len(y)))
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_resample_batch_keeps_small_groups_in_one_batch() -> None:
    assert resample_batch(28, 9999) is None  # the reference corpus: as scipy's default
    assert resample_batch(800, 9999) is None
    assert resample_batch(6028, 9999) == RESAMPLE_ELEMENTS // 6028
    assert resample_batch(10**9, 100) == 1


def test_regression_group_tests_of_large_groups_stay_in_bounded_memory() -> None:
    """Regression: the permutation test and bootstrap held every resample at once (and
    the BCa jackknife an n × n array): 1.4 GB for 6,028 documents. 12,000 documents
    would take 12,000² float64 (1.15 GB) in the jackknife alone."""
    import tracemalloc

    rng = np.random.default_rng(1)
    n = 12_000
    table = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)],
                          "security_per_10k": rng.gamma(2.0, 3.0, n)})
    target = pd.Series(np.arange(n) < n // 3)
    tracemalloc.start()
    try:
        res = compare_groups(table, ["security_per_10k"], target, ~target,
                             options=GroupTestOptions(n_resamples=999))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    row = res.tests.iloc[0]
    assert row.n_target == 4000 and row.n_reference == 8000
    assert row.ci_low <= row.diff_means <= row.ci_high
    assert peak < 300 * 2**20, peak
