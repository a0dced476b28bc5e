"""Yearly series, trend charts and the report sections (autoescaped)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from seclens.compare.report import comparison_section, standalone_page, trend_section
from seclens.compare.trends import SERIES_COLUMNS, trend_figure, yearly_series
from seclens.errors import CompareError
from seclens.report.charts import svg_markup

TABLE = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d", "e", "f", "g"],
        "level": ["central", "central", "central", "central", "municipal", "<b>x</b>", "central"],
        "date": [
            "2017-07-08",
            "2017-12-14",
            "2017-01-01",
            "2018-04-02",
            "2020-06-02",
            "2020-01-01",
            "",
        ],
        "language": ["zh"] * 7,
        "rate": [10.0, 20.0, math.nan, 5.0, 1.0, 2.0, 3.0],
    }
)


def test_yearly_series_by_level() -> None:
    s = yearly_series(TABLE, ["rate"], by="level", small_n=3)
    assert tuple(s.columns) == SERIES_COLUMNS
    central = s[s.group == "central"].set_index("year")
    # 2017: three documents, one with an undefined rate -> mean of 10 and 20
    assert central.loc[2017, "n_docs"] == 3 and central.loc[2017, "n_excluded"] == 1
    assert central.loc[2017, "mean"] == pytest.approx(15.0)
    assert not central.loc[2017, "small_n"] and central.loc[2018, "small_n"]
    assert s.attrs["undated"] == ["g"]
    keys = s[["group", "year"]].values.tolist()
    assert keys == sorted(keys)


def test_yearly_series_single_group_and_errors() -> None:
    s = yearly_series(TABLE, ["rate"])
    assert set(s.group) == {"all"}
    assert s.set_index("year").loc[2020, "n_docs"] == 2
    with pytest.raises(CompareError) as err:
        yearly_series(TABLE, ["nope"])
    assert err.value.code == "E501"


def test_chart_and_section_escape_labels() -> None:
    s = yearly_series(TABLE, ["rate"], by="level")
    svg = svg_markup(trend_figure(s, "rate"))
    assert svg.startswith("<svg") and "<!--" not in svg
    assert "<b>x</b>" not in svg  # matplotlib escapes text in SVG
    section = trend_section(s)
    assert section.section_id == "trends"
    assert "<b>x</b>" not in section.html and "&lt;b&gt;x&lt;/b&gt;" in section.html
    page = standalone_page("t <script>", [section])
    assert "<script>" not in page and page.count("<svg") == 1


def test_sections_in_report_html(corpus_dir: Path, tmp_path: Path) -> None:
    from seclens.api import analyze
    from seclens.compare.corpus import CorpusOptions, compare_tables, document_table
    from seclens.report import write_report

    table, _ = document_table(corpus_dir, CorpusOptions(moves=False))
    # tiny word counts stand in for the segmented documents (keyness is tested elsewhere)
    freqs = {
        d: (lang, Counter({"安全": i % 3 * 5, "发展": 10}), 10 + i % 3 * 5)
        for i, (d, lang) in enumerate(zip(table.doc_id, table.language, strict=True))
    }
    res = compare_tables(
        table,
        freqs,
        "level=central",
        "level=municipal",  # type: ignore[arg-type]
        CorpusOptions(moves=False),
    )
    series = yearly_series(table, ["security_per_10k"], by="level")
    paths = write_report(
        analyze([corpus_dir]),
        tmp_path / "r",
        sections=[comparison_section(res), trend_section(series)],
    )
    html = paths.report_html.read_text(encoding="utf-8")
    assert 'id="comparison"' in html and 'id="trends"' in html
