"""Keyword matching and per-year counts of bibliographic records."""

from __future__ import annotations

import pytest

from seclens.biblio.count import KeywordQuery, count_by_year, figure_svg_png, term_matches
from seclens.biblio.records import BiblioRecord
from seclens.errors import CompareError


def rec(title: str, year: int | None, **fields: str) -> BiblioRecord:
    return BiblioRecord("t", 1, "ris", title, year, str(year or ""), {"title": title, **fields})


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [
        ("AI", "AI safety", True),
        ("AI", "ai governance", True),
        ("AI", "AI安全研究", True),
        ("AI", "(AI)", True),
        ("AI", "ＡＩ与安全", True),  # full-width letters, NFKC
        ("AI", "AIDS prevention", False),
        ("AI", "he said", False),
        ("AI", "AIGC", False),
        ("security", "Cybersecurity", False),
        ("security", "SECURITY studies", True),
        ("national security", "national  security", False),
        ("national security", "National Security strategy", True),
        ("安全", "国家安全", True),
        ("安全", "安全性评估", True),
        ("人工智能", "生成式人工智能", True),
        ("人工智能", "智能制造", False),
    ],
)
def test_term_matches(term: str, text: str, hit: bool) -> None:
    assert term_matches(term, text) is hit


def test_count_by_year_table() -> None:
    records = [
        rec("人工智能安全风险", 2018),
        rec("AI safety", 2018),
        rec("人工智能教育", 2018),
        rec("AIDS and security", 2020),
        rec("人工智能与国家安全", 2020),
        rec("人工智能与国家安全", 2020),  # duplicate
        rec("人工智能安全治理", None),
        rec("深度学习", None),
    ]
    q = KeywordQuery.from_strings(["人工智能,AI", "安全,safety,security"])
    res = count_by_year(records, q)
    # years 2018..2020; 2019 present with zero records (a true zero, not missing)
    assert res.table.to_dict("list") == {
        "year": [2018, 2019, 2020],
        "records": [3, 0, 3],
        "matching": [2, 0, 2],
        "share_matching": [2 / 3, 0.0, 2 / 3],
    }
    assert (res.n_records, res.undated_records, res.undated_matching) == (8, 2, 1)
    assert res.duplicates == 1 and res.n_matching == 5
    deduped = count_by_year(records, q, dedupe=True)
    assert deduped.table["matching"].tolist() == [2, 0, 1] and deduped.n_records == 7
    ranged = count_by_year(records, q, year_range=(2019, 2021))
    assert ranged.table["year"].tolist() == [2019, 2020, 2021]
    assert ranged.table.attrs["outside_range"] == 3


def test_fields_option() -> None:
    records = [rec("A study", 2020, keywords="人工智能;安全")]
    assert count_by_year(records, KeywordQuery.from_strings(["人工智能"])).n_matching == 0
    q = KeywordQuery.from_strings(["人工智能"], fields=("title", "keywords"))
    assert count_by_year(records, q).n_matching == 1
    assert q.label() == "(人工智能) in title+keywords"


@pytest.mark.parametrize(
    ("sets", "fields"), [([], ("title",)), (["a,,b"], ("title",)), (["a"], ("body",))]
)
def test_bad_queries(sets: list[str], fields: tuple[str, ...]) -> None:
    with pytest.raises(CompareError) as err:
        KeywordQuery.from_strings(sets, fields)
    assert err.value.code == "E512"


def test_chart() -> None:
    res = count_by_year(
        [rec("AI safety", 2018), rec("AI safety", 2020)], KeywordQuery.from_strings(["AI"])
    )
    svg, png = figure_svg_png(res, "test")
    assert "<svg" in svg and png.startswith(b"\x89PNG")
