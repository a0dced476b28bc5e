"""Keyness statistics against hand-computed values and scipy's contingency tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from seclens.compare.keyness import (
    KEYNESS_COLUMNS,
    FrequencyList,
    KeynessOptions,
    adjust_p,
    bic,
    chi2_yates,
    dispersion,
    ell,
    juilland_d,
    keyness,
    log_likelihood,
    log_ratio,
    odds_ratio,
    pct_diff,
    simple_maths,
)
from seclens.errors import CompareError, ConfigError

# a=10 in a target of c=1000 tokens, b=2 in a reference of d=1000 tokens.
# N = 2000; E1 = E2 = 1000 * 12 / 2000 = 6; E3 = E4 = 1000 * 1988 / 2000 = 994.
A, B, C, D = 10, 2, 1000, 1000


def test_g2_two_term_by_hand() -> None:
    # 2 (10 ln(10/6) + 2 ln(2/6)) = 2 (5.108256 - 2.197225) = 5.822063
    hand = 2 * (10 * math.log(10 / 6) + 2 * math.log(2 / 6))
    assert hand == pytest.approx(5.822063, abs=1e-6)
    assert log_likelihood(A, B, C, D, terms=2)[0] == pytest.approx(hand, rel=1e-12)


def test_g2_four_term_by_hand_and_scipy() -> None:
    # the 2-term sum plus 990 ln(990/994) + 998 ln(998/994) = -3.991941 + 4.008038
    hand = 2 * (
        10 * math.log(10 / 6)
        + 2 * math.log(2 / 6)
        + 990 * math.log(990 / 994)
        + 998 * math.log(998 / 994)
    )
    assert hand == pytest.approx(5.854257, abs=1e-6)
    assert log_likelihood(A, B, C, D)[0] == pytest.approx(hand, rel=1e-12)
    g, _, _, _ = stats.chi2_contingency(
        [[A, B], [C - A, D - B]], correction=False, lambda_="log-likelihood"
    )
    assert log_likelihood(A, B, C, D)[0] == pytest.approx(g, rel=1e-10)


def test_g2_zero_cell() -> None:
    # a=0, b=6, c=d=1000: E1 = E2 = 3; 2-term = 2 (0 + 6 ln(6/3)) = 12 ln 2 = 8.317766
    assert log_likelihood(0, 6, 1000, 1000, terms=2)[0] == pytest.approx(12 * math.log(2))
    four = 2 * (6 * math.log(2) + 1000 * math.log(1000 / 997) + 994 * math.log(994 / 997))
    assert log_likelihood(0, 6, 1000, 1000)[0] == pytest.approx(four)
    assert np.isfinite(log_likelihood(0, 0, 10, 10)).all()


def test_chi2_yates_by_hand_and_scipy() -> None:
    # N (|a(d-b) - b(c-a)| - N/2)^2 / ((a+b)(N-a-b) c d)
    # = 2000 (|10*998 - 2*990| - 1000)^2 / (12 * 1988 * 1000 * 1000) = 2000 * 7000^2 / 2.3856e10
    hand = 2000 * 7000**2 / (12 * 1988 * 1000 * 1000)
    assert hand == pytest.approx(4.107981, abs=1e-6)
    assert chi2_yates(A, B, C, D)[0] == pytest.approx(hand)
    chi, _, _, _ = stats.chi2_contingency([[A, B], [C - A, D - B]], correction=True)
    assert chi2_yates(A, B, C, D)[0] == pytest.approx(chi)
    # zero cell: [[0, 6], [1000, 994]]
    chi0, _, _, _ = stats.chi2_contingency([[0, 6], [1000, 994]], correction=True)
    assert chi2_yates(0, 6, 1000, 1000)[0] == pytest.approx(chi0)


def test_effect_sizes_by_hand() -> None:
    # log ratio: log2((10/1000)/(2/1000)) = log2(5) = 2.321928
    assert log_ratio(A, B, C, D)[0] == pytest.approx(math.log2(5))
    # %DIFF: (0.01 - 0.002) * 100 / 0.002 = 400
    assert pct_diff(A, B, C, D)[0] == pytest.approx(400.0)
    # odds ratio: (10 * 998) / (2 * 990) = 5.040404
    assert odds_ratio(A, B, C, D)[0] == pytest.approx(9980 / 1980)
    # simple maths, n=1: fpm 10000 and 2000 -> (10001)/(2001) = 4.997501
    assert simple_maths(A, B, C, D)[0] == pytest.approx(10001 / 2001)
    # simple maths, n=100: 10100/2100
    assert simple_maths(A, B, C, D, n=100)[0] == pytest.approx(10100 / 2100)
    g2 = log_likelihood(A, B, C, D, terms=2)
    # BIC = G2 - ln(2000) = 5.822063 - 7.600902 = -1.778839
    assert bic(g2, C + D)[0] == pytest.approx(5.822063 - math.log(2000), abs=1e-6)
    # ELL = G2 / (N ln(min(E1, E2))) = 5.822063 / (2000 ln 6) = 0.0016246
    assert ell(g2, A, B, C, D)[0] == pytest.approx(5.822063 / (2000 * math.log(6)), rel=1e-6)


def test_zero_frequency_adjustments() -> None:
    # b = 0: log2((6/1000) / (0.5/1000)) = log2(12); %DIFF = (0.006 - 0.0005)*100/0.0005 = 1100
    assert log_ratio(6, 0, 1000, 1000)[0] == pytest.approx(math.log2(12))
    assert pct_diff(6, 0, 1000, 1000)[0] == pytest.approx(1100.0)
    # a = 0: log2(0.5/6) ; %DIFF = -100 (no adjustment needed)
    assert log_ratio(0, 6, 1000, 1000)[0] == pytest.approx(math.log2(0.5 / 6))
    assert pct_diff(0, 6, 1000, 1000)[0] == pytest.approx(-100.0)
    # odds ratio with a zero cell: Haldane-Anscombe, (6.5 * 1000.5) / (0.5 * 994.5)
    assert odds_ratio(6, 0, 1000, 1000)[0] == pytest.approx(6.5 * 1000.5 / (0.5 * 994.5))
    # ELL undefined when min expected <= 1: a=1,b=1,c=d=1000 -> E = 1
    assert math.isnan(ell(log_likelihood(1, 1, 1000, 1000), 1, 1, 1000, 1000)[0])
    # simple maths with zero in the reference: (6000 + 1) / (0 + 1)
    assert simple_maths(6, 0, 1000, 1000)[0] == pytest.approx(6001.0)


def test_juilland_d() -> None:
    # equal relative frequencies -> D = 1; all in one of 4 parts -> D = 0
    assert juilland_d([2, 4], [100, 200]) == pytest.approx(1.0)
    assert juilland_d([5, 0, 0, 0], [100, 100, 100, 100]) == pytest.approx(0.0)
    # [1, 3] in equal parts: mean 2, sd 1, V = 0.5, D = 1 - 0.5/1 = 0.5
    assert juilland_d([1, 3], [10, 10]) == pytest.approx(0.5)
    assert math.isnan(juilland_d([3], [10]))
    assert math.isnan(juilland_d([0, 0], [10, 10]))


def test_adjust_p() -> None:
    p = np.array([0.01, 0.04, 0.03])
    # BH: sorted 0.01, 0.03, 0.04 -> 0.03, 0.045 (min over 0.045,0.04 = 0.04) ...
    # p_(3)=0.04*3/3=0.04; p_(2)=min(0.03*3/2, 0.04)=0.04; p_(1)=min(0.01*3, 0.04)=0.03
    assert adjust_p(p, "bh") == pytest.approx([0.03, 0.04, 0.04])
    assert adjust_p(p, "bonferroni") == pytest.approx([0.03, 0.12, 0.09])
    assert adjust_p(p, "none") == pytest.approx(p)
    with pytest.raises(ConfigError):
        adjust_p(p, "holm")


def _sides() -> tuple[FrequencyList, FrequencyList]:
    target = FrequencyList.from_documents(
        [["安全"] * 5 + ["发展"] * 5, ["安全"] * 5 + ["国防"] * 3 + ["发展"] * 2]
    )
    reference = FrequencyList.from_documents(
        [["发展"] * 8 + ["产业"] * 2, ["发展"] * 6 + ["产业"] * 3 + ["安全"]]
    )
    return target, reference


def test_keyness_table_shape_order_and_values() -> None:
    target, reference = _sides()
    table = keyness(target, reference, KeynessOptions(min_freq=1))
    assert tuple(table.columns) == KEYNESS_COLUMNS
    assert list(table["G2"]) == sorted(table["G2"], reverse=True)
    row = table.set_index("feature").loc["安全"]
    assert (row.n_target, row.n_reference, row.docs_target, row.docs_reference) == (10, 1, 2, 1)
    assert row.G2 == pytest.approx(log_likelihood(10, 1, 20, 20)[0])
    assert row.direction == "target"
    assert row.per_10k_target == pytest.approx(10 / 20 * 1e4)
    gf = table.set_index("feature").loc["国防"]
    assert gf.n_reference == 0 and "zero_reference" in gf.notes
    assert gf.log_ratio == pytest.approx(math.log2((3 / 20) / (0.5 / 20)))
    num = table.drop(columns=["ell", "juilland_d_target", "juilland_d_reference"])
    assert not num.isna().any().any()
    assert table.attrs["target_tokens"] == 20 and table.attrs["ll_terms"] == 4


def test_keyness_filters_and_determinism() -> None:
    target, reference = _sides()
    t1 = keyness(target, reference, KeynessOptions(min_freq=4))
    assert set(t1["feature"]) == {"安全", "发展", "产业"}
    t2 = keyness(target, reference, KeynessOptions(min_freq=1, min_docs=3))
    assert set(t2["feature"]) == {"安全", "发展"}
    pd.testing.assert_frame_equal(t1, keyness(target, reference, KeynessOptions(min_freq=4)))


def test_keyness_empty_side_is_an_error() -> None:
    target, _ = _sides()
    with pytest.raises(CompareError) as err:
        keyness(target, FrequencyList.from_counts({}))
    assert err.value.code == "E503"


def test_keyness_bad_option_names_parameter() -> None:
    target, reference = _sides()
    with pytest.raises(ConfigError, match="correction"):
        keyness(target, reference, KeynessOptions(correction="holm"))


@given(st.integers(0, 200), st.integers(0, 200), st.integers(201, 5000), st.integers(201, 5000))
def test_statistics_are_finite_and_nonnegative(a: int, b: int, c: int, d: int) -> None:
    g4 = log_likelihood(a, b, c, d)[0]
    g2 = log_likelihood(a, b, c, d, terms=2)[0]
    assert g4 >= 0 and np.isfinite(g4) and np.isfinite(g2)
    for value in (
        chi2_yates(a, b, c, d),
        log_ratio(a, b, c, d),
        pct_diff(a, b, c, d),
        odds_ratio(a, b, c, d),
        simple_maths(a, b, c, d),
    ):
        assert np.isfinite(value).all()
    if a + b > 0:
        g, _, _, _ = stats.chi2_contingency(
            [[a, b], [c - a, d - b]], correction=False, lambda_="log-likelihood"
        )
        assert g4 == pytest.approx(g, rel=1e-7, abs=1e-9)


def test_g2_four_term_closed_form() -> None:
    # Closed form of G for a 2x2 table with cells p, q, r, s (n = p + q + r + s):
    # G = 2 [p ln p + q ln q + r ln r + s ln s + n ln n - (p+q) ln(p+q) - (r+s) ln(r+s)
    #        - (p+r) ln(p+r) - (q+s) ln(q+s)], here with p=a, q=b, r=c-a, s=d-b.
    p, q, r, s = 25.0, 4.0, 9975.0, 19996.0  # a=25 in c=10,000; b=4 in d=20,000

    def xl(x: float) -> float:
        return x * math.log(x)

    n = p + q + r + s
    closed = 2 * (
        xl(p) + xl(q) + xl(r) + xl(s) + xl(n) - xl(p + q) - xl(r + s) - xl(p + r) - xl(q + s)
    )
    assert log_likelihood(25, 4, 10_000, 20_000)[0] == pytest.approx(closed, rel=1e-9)
    # Lancaster LL wizard (2-term): E1 = 10000*29/30000, E2 = 20000*29/30000
    e1, e2 = 10_000 * 29 / 30_000, 20_000 * 29 / 30_000
    two = 2 * (25 * math.log(25 / e1) + 4 * math.log(4 / e2))
    assert log_likelihood(25, 4, 10_000, 20_000, terms=2)[0] == pytest.approx(two)


_VOCAB = ["安全", "发展", "国防", "产业", "数据"]


@given(st.lists(st.tuples(st.dictionaries(st.sampled_from(_VOCAB), st.integers(0, 30)),
                          st.integers(0, 5)), min_size=1, max_size=12))
def test_dispersion_equals_the_documents_by_features_matrix(
        docs: list[tuple[dict[str, int], int]]) -> None:
    """Regression (compare of a 6,028-document corpus needed 1.9 GB): document counts
    and Juilland's D are computed from the (document, feature) pairs that occur,
    equal to those of the dense documents x features matrix they replace."""
    from collections import Counter

    per_doc = tuple(Counter(c) for c, _ in docs)
    sizes = tuple(sum(c.values()) + extra for c, extra in docs)  # some of size 0
    side = FrequencyList(counts=dict(sum(per_doc, Counter())), total=max(1, sum(sizes)),
                         per_doc=per_doc, doc_sizes=sizes)
    features = [*_VOCAB, "未见"]  # one feature in no document
    matrix = np.array([[c.get(f, 0) for f in features] for c in per_doc],
                      dtype=float).reshape(len(per_doc), len(features))
    n_docs, jd = dispersion(side, features)
    assert n_docs.tolist() == (matrix > 0).sum(axis=0).tolist()
    expected = [juilland_d(matrix[:, j], sizes) for j in range(len(features))]
    np.testing.assert_allclose(jd, expected, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_dispersion_without_per_document_counts() -> None:
    n_docs, jd = dispersion(FrequencyList.from_counts({"安全": 3}), ["安全", "发展"])
    assert n_docs.tolist() == [-1, -1] and np.isnan(jd).all()
