"""Compare stage: ``report.html`` sections for comparisons and trends.

Rendered with an autoescaping Jinja2 environment and the templates in
``seclens/compare/templates/``; charts are inline SVG made by matplotlib (text escaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from seclens.compare.corpus import ComparisonResult
from seclens.compare.trends import trend_figure
from seclens.report.charts import svg_markup
from seclens.report.sections import ReportSection

if TYPE_CHECKING:
    from jinja2 import Environment


def _env() -> Environment:
    from jinja2 import Environment, PackageLoader

    return Environment(
        loader=PackageLoader("seclens.compare", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )


def _fmt(value: object, digits: int = 3) -> str:
    """Format a table cell: NaN as "NaN", tiny numbers in scientific notation."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value != 0 and abs(value) < 1e-3:
            return f"{value:.2e}"
        return f"{value:.{digits}f}"
    return str(value)


KEYNESS_SUMMARY_COLUMNS: tuple[str, ...] = (
    "feature", "n_target", "n_reference", "G2", "p_adj", "log_ratio", "bic", "docs_target",
    "docs_reference",
)
"""Keyness columns shown in summaries (CLI and report), in display order."""

TEST_SUMMARY_COLUMNS: tuple[str, ...] = (
    "language",
    "measure",
    "n_target",
    "n_reference",
    "mean_target",
    "mean_reference",
    "diff_means",
    "ci_low",
    "ci_high",
    "cliffs_delta",
    "mwu_p",
    "perm_p",
)
"""Group-test columns shown in summaries (CLI and report), in display order."""


def trend_section(series: pd.DataFrame, measures: Sequence[str] | None = None) -> ReportSection:
    """A ``report.html`` section with the per-year series (tables and charts).

    Parameters
    ----------
    series : pandas.DataFrame
        From :func:`seclens.compare.trends.yearly_series`.
    measures : sequence of str, optional
        Measures to chart (default: all in the series).
    """
    names = list(measures) if measures is not None else sorted(set(series["measure"]))
    charts = [(m, svg_markup(trend_figure(series, m), f"trend-{m}")) for m in names]
    rows = [{k: _fmt(v) for k, v in r.items()} for r in series.to_dict("records")]
    html = (
        _env()
        .get_template("trends.html.j2")
        .render(
            charts=charts,
            rows=rows,
            columns=list(series.columns),
            undated=series.attrs.get("undated", []),
            ungrouped=series.attrs.get("ungrouped", []),
            by=series.attrs.get("by", ""),
            small_n=series.attrs.get("small_n", 3),
        )
    )
    from markupsafe import Markup

    return ReportSection("trends", "Trends by year", Markup(html))


def comparison_section(result: ComparisonResult, top: int = 20) -> ReportSection:
    """A ``report.html`` section with the keyness tables (top ``top`` per direction) and
    the group tests of a :class:`~seclens.compare.corpus.ComparisonResult`."""
    cols = list(KEYNESS_SUMMARY_COLUMNS)
    keyness = []
    for lang, table in result.keyness.items():
        for direction in ("target", "reference"):
            part = table[table["direction"] == direction].head(top)
            keyness.append(
                {
                    "lang": lang,
                    "direction": direction,
                    "rows": [[_fmt(r[c]) for c in cols] for r in part.to_dict("records")],
                }
            )
    test_cols = [*TEST_SUMMARY_COLUMNS, "perm_method", "note"]
    tests = [[_fmt(r[c]) for c in test_cols] for r in result.tests.to_dict("records")]
    excl = result.exclusions.to_dict("records")
    html = (
        _env()
        .get_template("compare.html.j2")
        .render(
            target=result.target,
            reference=result.reference,
            keyness=keyness,
            cols=cols,
            tests=tests,
            test_cols=test_cols,
            exclusions=excl,
            notes=result.notes,
        )
    )
    from markupsafe import Markup

    return ReportSection("comparison", "Comparison of groups", Markup(html))


def standalone_page(title: str, sections: Sequence[ReportSection]) -> str:
    """A minimal standalone HTML page holding report sections (for ``--out`` folders)."""
    return _env().get_template("page.html.j2").render(title=title, sections=sections)
