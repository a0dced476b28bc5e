"""Compare stage: groups of documents, keyness, group tests and trends.

Builds on plain inputs (frequency counters, pandas DataFrames of per-document
measures with metadata columns), so every function can be used without running the
whole pipeline. Public API:

- :func:`seclens.compare.groups.parse_group_expression`, :func:`select_group`,
  :func:`split_by` — groups from manifest/metadata columns or derived fields;
- :func:`seclens.compare.keyness.keyness` — keyness (log-likelihood G², chi² with
  Yates' correction, log ratio, %DIFF, odds ratio, BIC, ELL, simple maths);
- :func:`seclens.compare.grouptest.compare_groups` — permutation test, Mann–Whitney U,
  Cliff's delta and bootstrap CI of per-document measures between two groups;
- :func:`seclens.compare.trends.yearly_series` — per-year series by group, with charts.

Imports are lazy: importing this package loads nothing heavy.
"""

from __future__ import annotations

__all__: list[str] = []
