"""Charts: Chinese document ids are drawn with a CJK font, or replaced by ASCII labels."""

from __future__ import annotations

import warnings

import pytest

from seclens.api import DocumentSummary
from seclens.report.aggregate import DocumentFigures
from seclens.report.charts import cjk_font, security_by_level_svg
from seclens.types import DocumentMeta


def _figures(ids: list[str]) -> list[DocumentFigures]:
    out = []
    for n, doc_id in enumerate(ids):
        summary = DocumentSummary(
            meta=DocumentMeta(doc_id=doc_id, level="central", language="zh"), path="",
            fmt="txt", encoding="utf-8", sha256="", notes=(), n_chars=100, size=100,
            unit="characters", n_sentences=1, n_matches=1,
        )
        out.append(DocumentFigures(f"d{n}", summary, 1, n + 1, float(n + 1), (), (), {}))
    return out


IDS = ["国务院新一代人工智能发展规划", "上海市人工智能安全指引", "ascii-id"]


def test_chinese_file_names_without_cjk_font_get_ascii_labels_and_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" warning fails the test
        chart = str(security_by_level_svg(_figures(IDS), families=("No Such Font",),
                                          font_files=()))
    assert 'class="chart-key"' in chart
    import re

    key = dict(re.findall(r"<tr><td>(D\d+)</td><td>([^<]+)</td></tr>", chart))
    assert sorted(key) == ["D1", "D2", "D3"] and sorted(key.values()) == sorted(IDS)
    svg = chart[: chart.index("</svg>")]
    assert not any(ord(ch) >= 0x2E80 for ch in svg)  # no Chinese drawn (no boxes)


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed")
def test_chinese_file_names_with_cjk_font_draw_glyphs_and_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = str(security_by_level_svg(_figures(IDS)))
    assert "chart-key" not in chart


def test_ascii_ids_need_no_font_and_no_key() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = str(security_by_level_svg(_figures(["a", "b"]), families=(), font_files=()))
    assert chart.startswith("<svg") and "chart-key" not in chart


def test_svg_markup_is_the_same_every_run() -> None:
    # Regression (session 6): matplotlib named clip paths and markers from a random
    # UUID, so two runs of the same report differed in every chart.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from seclens.report.charts import svg_markup

    def chart() -> Figure:
        fig = Figure(figsize=(3, 2))
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2], marker="o")
        return fig

    first = svg_markup(chart(), "trend-rate")
    assert "clip-path" in first and "url(#" in first
    assert svg_markup(chart(), "trend-rate") == first
    assert svg_markup(chart(), "another") != first  # ids differ between charts


def test_box_chart_groups_by_level_and_language_and_survives_missing_rates() -> None:
    """One box per (level, language); a group whose documents all lack a rate (size 0)
    is drawn empty instead of failing; same SVG every run; no warnings."""
    import math

    from seclens.report.charts import security_by_level_box_svg

    figures = _figures([f"d{i}" for i in range(30)])
    nan_summary = DocumentSummary(
        meta=DocumentMeta(doc_id="empty", level="county", language="en"), path="",
        fmt="txt", encoding="utf-8", sha256="", notes=(), n_chars=0, size=0,
        unit="words", n_sentences=0, n_matches=0)
    figures.append(DocumentFigures("dx", nan_summary, 0, 0, math.nan, (), (), {}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = str(security_by_level_box_svg(figures))
    assert chart.startswith("<svg") and "<!--" not in chart
    assert chart == str(security_by_level_box_svg(figures))


def test_regression_dollar_signs_in_ids_are_drawn_as_text_not_math() -> None:
    """A document id such as ``$\\alpha^$`` (invalid mathtext) made the bar chart, and
    with it the whole report, fail while laying out; ``price $5 and $6`` was drawn as
    math. Chart text is now drawn as written."""
    import math

    from seclens.report.charts import security_by_level_box_svg

    ids = ["$\\alpha^$", "price $5 and $6", "plain"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = str(security_by_level_svg(_figures(ids), families=(), font_files=()))
    assert chart.startswith("<svg")
    summary = DocumentSummary(
        meta=DocumentMeta(doc_id="x", level="$\\alpha^$", language="zh"), path="",
        fmt="txt", encoding="utf-8", sha256="", notes=(), n_chars=100, size=100,
        unit="characters", n_sentences=1, n_matches=1)
    figures = [*_figures(ids), DocumentFigures("dx", summary, 1, 1, 1.0, (), (), {})]
    assert not math.isnan(figures[-1].security_per_10k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert str(security_by_level_box_svg(figures)).startswith("<svg")


def test_regression_dollar_signs_in_trend_groups_are_drawn_as_text() -> None:
    import pandas as pd

    from seclens.compare.trends import trend_figure
    from seclens.report.charts import svg_markup

    series = pd.DataFrame({
        "measure": ["security_per_10k"] * 2, "group": ["$\\alpha^$", "$\\alpha^$"],
        "language": ["zh", "zh"], "year": [2019, 2020], "mean": [1.0, 2.0],
        "n_docs": [3, 3], "small_n": [False, False]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert str(svg_markup(trend_figure(series, "security_per_10k"))).startswith("<svg")
