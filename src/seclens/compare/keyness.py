"""Compare stage: keyness of features between a target and a reference corpus.

Notation (used in every docstring below), for one feature:

====  ==========================================================
a     frequency of the feature in the target corpus
b     frequency of the feature in the reference corpus
c     size of the target corpus (tokens)
d     size of the reference corpus (tokens)
N     c + d
E1    c (a + b) / N  — expected frequency in the target
E2    d (a + b) / N  — expected frequency in the reference
====  ==========================================================

The 2×2 contingency table is ``[[a, b], [c - a, d - b]]`` (rows: this feature / all
other tokens; columns: target / reference).

Zero frequencies (documented per statistic; no statistic crashes on zeros):

- G², chi²: ``0 · ln 0 = 0``; nothing else is needed.
- log ratio and %DIFF: a zero frequency is replaced by 0.5 (Hardie 2014's suggested
  adjustment), only for the zero cell; the ``notes`` column records it.
- odds ratio: when any cell of the 2×2 table is zero, 0.5 is added to all four cells
  (Haldane–Anscombe correction); recorded in ``notes``.
- simple maths: needs no adjustment (the constant n is added to both sides).
- ELL: undefined when ``min(E1, E2) <= 1`` (its logarithm is ≤ 0); the value is NaN and
  ``notes`` says ``ell_undefined``. This is the only statistic that can be NaN.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    Computational Linguistics 19(1), 61–74.
Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling.
    Proceedings of the Workshop on Comparing Corpora, ACL 2000, 1–6.
Hardie, A. (2014). Log Ratio — an informal introduction. CASS blog, Lancaster University.
Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and practical issues.
    CADS International Conference, Bologna.
Wilson, A. (2013). Embracing Bayes factors for key item analysis in corpus linguistics.
    In New Approaches to the Study of Linguistic Variability, 3–11. Peter Lang.
Johnston, J. E., Berry, K. J. & Mielke, P. W. (2006). Measures of effect size for chi-squared
    and likelihood-ratio goodness-of-fit tests. Perceptual and Motor Skills 103, 412–414.
Kilgarriff, A. (2009). Simple maths for keywords. Proceedings of Corpus Linguistics 2009.
Juilland, A. & Chang-Rodríguez, E. (1964). Frequency Dictionary of Spanish Words. Mouton.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57, 289–300.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from seclens.errors import ConfigError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike

ZERO_ADJUSTMENT = 0.5
"""Value substituted for a zero frequency in log ratio and %DIFF (Hardie 2014)."""

KEYNESS_COLUMNS: tuple[str, ...] = (
    "feature",
    "n_target",
    "n_reference",
    "per_10k_target",
    "per_10k_reference",
    "docs_target",
    "docs_reference",
    "juilland_d_target",
    "juilland_d_reference",
    "G2",
    "p",
    "p_adj",
    "chi2_yates",
    "log_ratio",
    "pct_diff",
    "odds_ratio",
    "bic",
    "ell",
    "simple_maths",
    "direction",
    "notes",
)
"""Fixed column order of the table returned by :func:`keyness`."""


# --------------------------------------------------------------------------- statistics
def _xlogy(x: FloatArray, y: FloatArray) -> FloatArray:
    """``x * ln(x / y)`` with ``0 · ln 0 = 0``."""
    out = np.zeros_like(x, dtype=float)
    pos = x > 0
    out[pos] = x[pos] * np.log(x[pos] / y[pos])
    return out


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    return [np.atleast_1d(np.asarray(v, dtype=float)) for v in values]


def log_likelihood(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike, terms: Literal[2, 4] = 4
) -> FloatArray:
    """Log-likelihood G² of a feature's frequencies in two corpora.

    ``terms=4`` (default, as AntConc and Dunning 1993): ``G² = 2 Σ O ln(O/E)`` over the
    four cells of ``[[a, b], [c-a, d-b]]`` with expected values from the margins.
    ``terms=2`` (Rayson & Garside 2000; Lancaster "LL wizard"):
    ``G² = 2 (a ln(a/E1) + b ln(b/E2))``. ``0 · ln 0 = 0`` in both.

    Parameters
    ----------
    a, b : array_like, shape (n,)
        Frequencies in target and reference (counts).
    c, d : array_like
        Corpus sizes in tokens (scalars or shape (n,)).
    terms : {4, 2}

    Returns
    -------
    numpy.ndarray, shape (n,)
        G² (≥ 0); compare with χ²(1) (3.84 at p < 0.05, 6.63 at p < 0.01).

    Raises
    ------
    ConfigError
        ``E001`` when ``terms`` is not 2 or 4.
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    n = c_ + d_
    e1 = c_ * (a_ + b_) / n
    e2 = d_ * (a_ + b_) / n
    if terms == 2:
        return 2.0 * (_xlogy(a_, e1) + _xlogy(b_, e2))
    if terms != 4:
        raise ConfigError("E001", f"log-likelihood terms must be 2 or 4, got {terms!r}")
    rest = n - a_ - b_
    e3 = c_ * rest / n
    e4 = d_ * rest / n
    g2 = 2.0 * (_xlogy(a_, e1) + _xlogy(b_, e2) + _xlogy(c_ - a_, e3) + _xlogy(d_ - b_, e4))
    return np.maximum(g2, 0.0)  # rounding can give -1e-16 for identical rates


def chi2_yates(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> FloatArray:
    """Pearson's chi-squared with Yates' continuity correction on ``[[a, b], [c-a, d-b]]``.

    ``χ² = N · max(0, |a(d-b) − b(c-a)| − N/2)² / ((a+b)(N−a−b) c d)`` — identical to
    :func:`scipy.stats.chi2_contingency` with ``correction=True`` (Yates 1934).

    Parameters
    ----------
    a, b, c, d : array_like, shape (n,) or scalars
        See the module notation.

    Returns
    -------
    numpy.ndarray, shape (n,)
        χ² (≥ 0); 0 when a row margin is zero.
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    n = c_ + d_
    num = n * np.maximum(0.0, np.abs(a_ * (d_ - b_) - b_ * (c_ - a_)) - n / 2.0) ** 2
    den = (a_ + b_) * (n - a_ - b_) * c_ * d_
    out = np.zeros_like(num)
    ok = den > 0
    out[ok] = num[ok] / den[ok]
    return out


def log_ratio(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike, zero: float = ZERO_ADJUSTMENT
) -> FloatArray:
    """Log ratio (Hardie 2014): ``log2((a/c) / (b/d))``, binary log of the ratio of relative
    frequencies. Each doubling of the relative frequency adds 1.

    A zero frequency is replaced by ``zero`` (default 0.5, Hardie's suggestion) so the
    value stays finite; only the zero cell is adjusted.

    Parameters
    ----------
    a, b, c, d : array_like
        See the module notation.
    zero : float
        Substitute for a zero frequency (> 0).

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    a_adj = np.where(a_ == 0, zero, a_)
    b_adj = np.where(b_ == 0, zero, b_)
    return np.asarray(np.log2((a_adj / c_) / (b_adj / d_)), dtype=float)


def pct_diff(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike, zero: float = ZERO_ADJUSTMENT
) -> FloatArray:
    """%DIFF (Gabrielatos & Marchi 2012): ``(NF_t − NF_r) · 100 / NF_r`` with ``NF`` the
    normalized frequencies ``a/c`` and ``b/d``. −100 means absent from the target.

    When the reference frequency is zero the formula is undefined; Gabrielatos & Marchi
    substitute a very small number (which gives an arbitrarily huge value). We substitute
    ``zero`` (0.5, as for log ratio) so the value is finite and comparable.

    Parameters
    ----------
    a, b, c, d : array_like
    zero : float

    Returns
    -------
    numpy.ndarray, shape (n,)
        Percent difference of the normalized frequencies.
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    b_adj = np.where(b_ == 0, zero, b_)
    nf_t = a_ / c_
    nf_r = b_adj / d_
    return np.asarray((nf_t - nf_r) * 100.0 / nf_r, dtype=float)


def odds_ratio(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> FloatArray:
    """Odds ratio of the 2×2 table: ``(a (d−b)) / (b (c−a))``.

    When any of the four cells is zero, 0.5 is added to all four (Haldane–Anscombe
    correction; Haldane 1956), so the value is finite.

    Parameters
    ----------
    a, b, c, d : array_like

    Returns
    -------
    numpy.ndarray, shape (n,)
        > 1 when the feature is relatively more frequent in the target.
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    cells = np.stack([a_, b_, c_ - a_, d_ - b_])
    adj = np.where((cells == 0).any(axis=0), 0.5, 0.0)
    o11, o12, o21, o22 = cells + adj
    return np.asarray((o11 * o22) / (o12 * o21), dtype=float)


def bic(g2: ArrayLike, n_total: ArrayLike, df: int = 1) -> FloatArray:
    """Bayes factor approximation BIC (Wilson 2013): ``BIC = G² − df · ln(N)``.

    Wilson's reading: BIC > 2 positive evidence for a difference, > 6 strong, > 10 very
    strong; negative values favour no difference.

    Parameters
    ----------
    g2 : array_like
        Log-likelihood values (whichever convention; see :func:`log_likelihood`).
    n_total : array_like
        ``N = c + d`` total tokens of both corpora.
    df : int
        Degrees of freedom (1 for a two-corpus comparison).

    Returns
    -------
    numpy.ndarray
    """
    g2_, n_ = _arrays(g2, n_total)
    return np.asarray(g2_ - df * np.log(n_), dtype=float)


def ell(g2: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> FloatArray:
    """Effect size for log-likelihood, ELL (Johnston et al. 2006):
    ``ELL = G² / (N · ln(min(E1, E2)))``.

    Undefined (NaN) when ``min(E1, E2) <= 1`` because the logarithm is ≤ 0.

    Parameters
    ----------
    g2, a, b, c, d : array_like

    Returns
    -------
    numpy.ndarray, shape (n,)
        In [0, 1] when defined.
    """
    g2_, a_, b_, c_, d_ = _arrays(g2, a, b, c, d)
    n = c_ + d_
    emin = np.minimum(c_ * (a_ + b_) / n, d_ * (a_ + b_) / n)
    out = np.full_like(g2_ * emin, np.nan)
    ok = emin > 1
    out[ok] = (g2_ * np.ones_like(emin))[ok] / ((n * np.ones_like(emin))[ok] * np.log(emin[ok]))
    return out


def simple_maths(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike, n: float = 1.0
) -> FloatArray:
    """Kilgarriff's (2009) simple maths keyness: ``(fpm_t + n) / (fpm_r + n)`` where
    ``fpm`` is the frequency per million tokens and ``n`` the smoothing parameter
    (default 1; larger n favours commoner words).

    Parameters
    ----------
    a, b, c, d : array_like
    n : float
        Smoothing constant (> 0), in occurrences per million tokens.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a_, b_, c_, d_ = _arrays(a, b, c, d)
    return np.asarray((a_ / c_ * 1e6 + n) / (b_ / d_ * 1e6 + n), dtype=float)


def juilland_d(freqs: ArrayLike, sizes: ArrayLike) -> float:
    """Juilland's D dispersion over parts (here: documents) of unequal size.

    ``D = 1 − V / sqrt(n − 1)`` with ``V = sd / mean`` of the relative frequencies
    ``freq_i / size_i`` (population sd), n the number of parts (Juilland &
    Chang-Rodríguez 1964; relative frequencies for unequal parts as in Gries 2008).
    1 = perfectly even, 0 = all in one part.

    Parameters
    ----------
    freqs : array_like, shape (n_parts,)
        Frequency of the feature in each part.
    sizes : array_like, shape (n_parts,)
        Size of each part in tokens (parts of size 0 are ignored).

    Returns
    -------
    float
        NaN when fewer than two parts or the feature is absent (dispersion undefined).
    """
    f = np.asarray(freqs, dtype=float)
    s = np.asarray(sizes, dtype=float)
    keep = s > 0
    rel = f[keep] / s[keep]
    if rel.size < 2 or rel.mean() == 0:
        return float("nan")
    v = rel.std() / rel.mean()
    return float(1.0 - v / np.sqrt(rel.size - 1))


def adjust_p(p: ArrayLike, method: str = "bh") -> FloatArray:
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    p : array_like, shape (m,)
    method : {"bh", "bonferroni", "none"}
        ``bh``: Benjamini–Hochberg false discovery rate
        (:func:`scipy.stats.false_discovery_control`); ``bonferroni``: ``min(1, m·p)``.

    Returns
    -------
    numpy.ndarray, shape (m,)

    Raises
    ------
    ConfigError
        ``E001`` unknown method.
    """
    from scipy import stats

    p_ = np.asarray(p, dtype=float)
    if p_.size == 0 or method == "none":
        return p_.copy()
    if method == "bh":
        return np.asarray(stats.false_discovery_control(p_, method="bh"), dtype=float)
    if method == "bonferroni":
        return np.minimum(1.0, p_ * p_.size)
    raise ConfigError(
        "E001", f"p-value correction must be one of bh, bonferroni, none; got {method!r}"
    )


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class FrequencyList:
    """Feature frequencies of one side of a comparison (target or reference).

    Attributes
    ----------
    counts : Mapping[str, int]
        Total frequency per feature.
    total : int
        Size of the corpus in tokens (the denominator of every normalization).
    per_doc : tuple[Mapping[str, int], ...]
        Frequencies per document (empty when only totals are known; then document
        counts and Juilland's D are not available).
    doc_sizes : tuple[int, ...]
        Tokens per document, aligned with ``per_doc``.
    """

    counts: Mapping[str, int]
    total: int
    per_doc: tuple[Mapping[str, int], ...] = ()
    doc_sizes: tuple[int, ...] = field(default=())

    @classmethod
    def from_documents(cls, documents: Iterable[Sequence[str]]) -> FrequencyList:
        """Build from tokenized documents (one sequence of feature strings each)."""
        per_doc: list[Counter[str]] = []
        sizes: list[int] = []
        total: Counter[str] = Counter()
        for toks in documents:
            cnt = Counter(toks)
            per_doc.append(cnt)
            sizes.append(len(toks))
            total.update(cnt)
        return cls(
            counts=dict(total), total=sum(sizes), per_doc=tuple(per_doc), doc_sizes=tuple(sizes)
        )

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], total: int | None = None) -> FrequencyList:
        """Build from a frequency table; ``total`` defaults to the sum of the counts."""
        return cls(counts=dict(counts), total=int(sum(counts.values()) if total is None else total))


@dataclass(frozen=True)
class KeynessOptions:
    """Options of :func:`keyness`.

    Attributes
    ----------
    ll_terms : {4, 2}
        Log-likelihood convention: 4-term (Dunning 1993; AntConc default) or 2-term
        (Rayson & Garside 2000).
    min_freq : int
        Keep features with ``a + b >= min_freq``.
    min_docs : int
        Keep features occurring in at least this many documents (target + reference).
    min_juilland_d : float or None
        Keep features whose Juilland's D in the side where they are key is at least this.
    correction : {"bh", "bonferroni", "none"}
        Multiple-comparison correction over the features tested (after filtering).
    simple_maths_n : float
        Kilgarriff's smoothing constant, per million tokens.
    zero_adjustment : float
        Substitute for zero frequencies in log ratio and %DIFF.
    """

    ll_terms: Literal[2, 4] = 4
    min_freq: int = 5
    min_docs: int = 1
    min_juilland_d: float | None = None
    correction: str = "bh"
    simple_maths_n: float = 1.0
    zero_adjustment: float = ZERO_ADJUSTMENT

    def validate(self) -> None:
        """Raise :class:`ConfigError` ``E001`` naming the bad parameter."""
        if self.ll_terms not in (2, 4):
            raise ConfigError("E001", f"ll_terms must be 2 or 4, got {self.ll_terms!r}")
        if self.min_freq < 0 or self.min_docs < 0:
            raise ConfigError("E001", "min_freq and min_docs must be >= 0")
        if self.correction not in ("bh", "bonferroni", "none"):
            raise ConfigError(
                "E001", f"correction must be bh, bonferroni or none; got {self.correction!r}"
            )
        if self.simple_maths_n <= 0 or self.zero_adjustment <= 0:
            raise ConfigError("E001", "simple_maths_n and zero_adjustment must be > 0")
        if self.min_juilland_d is not None and not 0 <= self.min_juilland_d <= 1:
            raise ConfigError(
                "E001", f"min_juilland_d must be in [0, 1], got {self.min_juilland_d}"
            )


def dispersion(side: FrequencyList, features: Sequence[str]) -> tuple[IntArray, FloatArray]:
    """Documents containing each feature and its Juilland's D, from sparse counts.

    The same figures as ``(counts > 0).sum(axis=0)`` and :func:`juilland_d` of each
    column of the documents × features matrix of ``side.per_doc``, computed without
    that matrix (at 41,000 documents and 100,000 word types it would take 33 GB):
    from the (document, feature) pairs that occur. With ``r`` the relative
    frequencies ``freq / size`` of a feature in the ``n`` documents of size > 0 (``k``
    of them containing it), ``mean = Σr / n`` and the population variance
    ``(Σ_k (r − mean)² + (n − k) · mean²) / n`` (the ``n − k`` zeros' deviations:
    the two-pass formula, not ``E[r²] − mean²``, which loses the digits of an even
    dispersion). Results agree with :func:`juilland_d` to rounding (sums in another
    order).

    Parameters
    ----------
    side : FrequencyList
        With ``per_doc`` and ``doc_sizes``.
    features : sequence of str, shape (m,)

    Returns
    -------
    docs : numpy.ndarray of int, shape (m,)
        Documents whose count of the feature is > 0; -1 everywhere when ``per_doc``
        is empty.
    juilland : numpy.ndarray of float, shape (m,)
        Juilland's D over the documents of size > 0; NaN where fewer than two or the
        feature is absent (as :func:`juilland_d`).
    """
    m = len(features)
    if not side.per_doc:
        return np.full(m, -1, dtype=np.int64), np.full(m, np.nan)
    # two passes over the documents' pairs (columns, counts), made again for the
    # second instead of held: 16 bytes a pair, half a GB at 1 GB of text
    docs = np.zeros(m, dtype=np.int64)
    sums = np.zeros(m)
    n = 0
    pairs = _feature_pairs(side.per_doc, features)
    for (col, f), size in zip(pairs, side.doc_sizes, strict=True):
        np.add.at(docs, col, 1)
        if size > 0:
            n += 1
            np.add.at(sums, col, f / size)
    jd = np.full(m, np.nan)
    if n < 2:
        return docs, jd
    mean = sums / n
    squares = np.zeros(m)
    k = np.zeros(m, dtype=np.int64)  # documents of size > 0 holding the feature
    pairs = _feature_pairs(side.per_doc, features)
    for (col, f), size in zip(pairs, side.doc_sizes, strict=True):
        if size > 0:
            np.add.at(squares, col, (f / size - mean[col]) ** 2)
            np.add.at(k, col, 1)
    present = mean > 0
    sd = np.sqrt((squares[present] + (n - k[present]) * mean[present] ** 2) / n)
    jd[present] = 1.0 - (sd / mean[present]) / np.sqrt(n - 1)
    return docs, jd


def _feature_pairs(per_doc: Sequence[Mapping[str, int]], features: Sequence[str]
                   ) -> Iterator[tuple[IntArray, FloatArray]]:
    """Per document, the columns (in ``features``) of the features it holds with a
    count > 0, and those counts; vectorised for
    :class:`~seclens.compare.frequencies.TokenCounts` of one vocabulary."""
    from seclens.compare.frequencies import TokenCounts

    index = {f: i for i, f in enumerate(features)}
    column_of: dict[int, IntArray] = {}  # per vocabulary: vocabulary id -> column or -1
    for cnt in per_doc:
        if isinstance(cnt, TokenCounts):
            vocab = cnt.vocabulary
            columns = column_of.get(id(vocab))
            if columns is None or len(columns) < len(vocab):
                columns = np.array([index.get(t, -1) for t in vocab.tokens], dtype=np.int64)
                column_of[id(vocab)] = columns
            col = columns[cnt.ids]
            keep = col >= 0
            yield col[keep], cnt.counts[keep].astype(float)
            continue
        found = [(index[t], float(v)) for t, v in cnt.items() if v > 0 and t in index]
        yield (np.array([c for c, _ in found], dtype=np.int64),
               np.array([v for _, v in found], dtype=float))


def keyness(
    target: FrequencyList,
    reference: FrequencyList,
    options: KeynessOptions | None = None,
) -> pd.DataFrame:
    """Keyness table of every feature of target ∪ reference.

    Parameters
    ----------
    target, reference : FrequencyList
        Frequencies (tokens) of the two corpora; both totals must be > 0.
    options : KeynessOptions, optional

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS`, one row per feature passing the filters, sorted
        by ``G2`` descending then ``feature``. ``per_10k_*`` are per 10,000 tokens;
        ``docs_*`` number of documents containing the feature (-1 when per-document
        frequencies were not given); ``direction`` is ``target`` (relatively more
        frequent in the target), ``reference`` or ``none``; ``p`` from χ²(1) on G²,
        ``p_adj`` after the chosen correction. ``df.attrs`` records totals and options.

    Raises
    ------
    ConfigError
        ``E001`` bad option; ``E503`` (as :class:`CompareError`) when a corpus is empty.
    """
    from scipy import stats

    from seclens.errors import CompareError

    opts = options or KeynessOptions()
    opts.validate()
    if target.total <= 0 or reference.total <= 0:
        raise CompareError(
            "E503",
            f"keyness needs tokens on both sides (target {target.total}, reference "
            f"{reference.total}); check the group expressions and the language filter",
        )
    features = sorted(set(target.counts) | set(reference.counts))
    a = np.array([target.counts.get(f, 0) for f in features], dtype=float)
    b = np.array([reference.counts.get(f, 0) for f in features], dtype=float)
    c, d = float(target.total), float(reference.total)

    docs_t, jd_t = dispersion(target, features)
    docs_r, jd_r = dispersion(reference, features)

    keep = (a + b) >= opts.min_freq
    if opts.min_docs > 1:
        if not (target.per_doc and reference.per_doc):
            raise ConfigError("E001", "min_docs needs per-document frequencies on both sides")
        keep &= (docs_t + docs_r) >= opts.min_docs
    idx = np.flatnonzero(keep)
    feats = [features[i] for i in idx]
    a, b, docs_t, docs_r = a[idx], b[idx], docs_t[idx], docs_r[idx]
    jd_t, jd_r = jd_t[idx], jd_r[idx]

    rel_t, rel_r = a / c, b / d
    direction = np.where(rel_t > rel_r, "target", np.where(rel_t < rel_r, "reference", "none"))
    if opts.min_juilland_d is not None:
        jd_key = np.where(direction == "reference", jd_r, jd_t)
        ok = np.nan_to_num(jd_key, nan=-1.0) >= opts.min_juilland_d
        feats = [f for f, k in zip(feats, ok, strict=True) if k]
        a, b, docs_t, docs_r, jd_t, jd_r = a[ok], b[ok], docs_t[ok], docs_r[ok], jd_t[ok], jd_r[ok]
        rel_t, rel_r, direction = rel_t[ok], rel_r[ok], direction[ok]

    g2 = log_likelihood(a, b, c, d, terms=opts.ll_terms) if len(feats) else np.zeros(0)
    p = stats.chi2.sf(g2, 1) if len(feats) else np.zeros(0)
    table = pd.DataFrame(
        {
            "feature": feats,
            "n_target": a.astype(int),
            "n_reference": b.astype(int),
            "per_10k_target": rel_t * 1e4,
            "per_10k_reference": rel_r * 1e4,
            "docs_target": np.asarray(docs_t, dtype=int),
            "docs_reference": np.asarray(docs_r, dtype=int),
            "juilland_d_target": jd_t,
            "juilland_d_reference": jd_r,
            "G2": g2,
            "p": p,
            "p_adj": adjust_p(p, opts.correction),
            "chi2_yates": chi2_yates(a, b, c, d) if len(feats) else np.zeros(0),
            "log_ratio": log_ratio(a, b, c, d, opts.zero_adjustment) if len(feats) else [],
            "pct_diff": pct_diff(a, b, c, d, opts.zero_adjustment) if len(feats) else [],
            "odds_ratio": odds_ratio(a, b, c, d) if len(feats) else [],
            "bic": bic(g2, c + d) if len(feats) else [],
            "ell": ell(g2, a, b, c, d) if len(feats) else [],
            "simple_maths": simple_maths(a, b, c, d, opts.simple_maths_n) if len(feats) else [],
            "direction": direction,
            "notes": [_notes(x, y, c, d) for x, y in zip(a, b, strict=True)],
        },
        columns=list(KEYNESS_COLUMNS),
    )
    table = table.sort_values(["G2", "feature"], ascending=[False, True], kind="mergesort")
    table = table.reset_index(drop=True)
    table.attrs.update(
        {
            "target_tokens": int(c),
            "reference_tokens": int(d),
            "target_docs": len(target.per_doc),
            "reference_docs": len(reference.per_doc),
            "ll_terms": opts.ll_terms,
            "correction": opts.correction,
            "min_freq": opts.min_freq,
            "min_docs": opts.min_docs,
            "min_juilland_d": opts.min_juilland_d,
            "zero_adjustment": opts.zero_adjustment,
            "simple_maths_n": opts.simple_maths_n,
            "features_tested": len(table),
        }
    )
    return table


def _notes(a: float, b: float, c: float, d: float) -> str:
    notes: list[str] = []
    if a == 0:
        notes.append("zero_target:log_ratio_0.5")
    if b == 0:
        notes.append("zero_reference:log_ratio_pct_diff_0.5")
    if a == 0 or b == 0 or a == c or b == d:
        notes.append("odds_ratio_haldane")
    n = c + d
    if min(c * (a + b) / n, d * (a + b) / n) <= 1:
        notes.append("ell_undefined")
    return ";".join(notes)
