"""Parsers of bibliographic exports, on small files written in each real format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.biblio.records import detect_format, parse_text, parse_year, read_records
from seclens.errors import CompareError

REFWORKS = """RT Journal Article
SR 1
A1 张三;李四;
AD 清华大学;
T1 人工智能安全风险与治理
JF 信息安全研究
YR 2020
IS 05
vo 6
OP 1-5
K1 人工智能;安全;治理
AB 本文讨论人工智能安全。
AI technology raises new security questions.
SN 2096-1057
DS CNKI

RT Journal Article
SR 1
A1 王五;
T1 深度学习在医学影像中的应用
JF 中国医学影像技术
YR 2018
K1 深度学习;医学影像
DS CNKI

RT Journal Article
A1 赵六;
T1 没有年份的人工智能安全文章
DS CNKI
"""

ENDNOTE = """%0 Journal Article
%A 张三
%A 李四
%+ 清华大学
%T 人工智能与国家安全
%J 国际安全研究
%D 2019
%V 37
%N 3
%K 人工智能;国家安全
%X 摘要第一行
摘要第二行
%P 3-22
%@ 2095-574X
%W CNKI

%0 Journal Article
%A Smith J
%T Saying "AIDS" is not AI
%D 2021
%W CNKI
"""

NOTEEXPRESS = """{Reference Type}: Journal Article
{Title}: 生成式人工智能的安全挑战
{Author}: 张三;李四;
{Journal}: 网络空间安全
{Year}: 2023
{Keywords}: 生成式人工智能;安全
{Database Provider}: CNKI

{Reference Type}：Journal Article
{Title}：人工智能教育应用
{Author}：王五;
{Year}：2017
"""

RIS = """TY  - JOUR
TI  - AI and national security
AU  - Smith, J.
PY  - 2020///
JO  - Survival
ER  -

TY  - JOUR
T1  - Safety of autonomous systems
DA  - 2016/05/01/
ER  -
"""

WOS = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Smith, J
   Doe, A
TI Artificial intelligence and national security: a
   strategic
   review
SO JOURNAL OF STRATEGIC STUDIES
PY 2020
ER

PT J
AU Roe, R
TI Machine learning for crop yields
SO AGRONOMY
EA JAN 2022
ER

EF
"""

BIBTEX = """@comment{exported}
@article{smith2020,
  title = {{AI} and Security: A
           Review},
  author = {Smith, J.},
  journal = {Survival},
  year = {2020},
}

@article{li2021,
  title = {人工智能安全治理},
  journaltitle = {中国行政管理},
  date = {2021-05},
}
"""

OPENALEX = {
    "meta": {"count": 2},
    "results": [
        {"id": "W1", "title": "AI safety and security", "publication_year": 2022},
        {"id": "W2", "display_name": "Security of AI systems", "publication_year": None},
    ],
}


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (REFWORKS, "refworks"),
        (ENDNOTE, "endnote"),
        (NOTEEXPRESS, "noteexpress"),
        (RIS, "ris"),
        (WOS, "wos"),
        (BIBTEX, "bibtex"),
        (json.dumps(OPENALEX), "openalex"),
    ],
)
def test_detect_format(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


def test_refworks_records_titles_years_and_wrapped_abstract() -> None:
    recs = parse_text(REFWORKS, "refworks", "x.txt")
    assert [r.title for r in recs] == [
        "人工智能安全风险与治理",
        "深度学习在医学影像中的应用",
        "没有年份的人工智能安全文章",
    ]
    assert [r.year for r in recs] == [2020, 2018, None]
    assert [r.line for r in recs] == [1, 17, 26]
    # the English line beginning with "AI " is a continuation, not an "AI" tag
    assert recs[0].fields["abstract"].endswith("AI technology raises new security questions.")
    assert recs[0].fields["keywords"] == "人工智能;安全;治理"


def test_endnote_and_noteexpress_fullwidth_colon() -> None:
    en = parse_text(ENDNOTE, "auto")
    assert [(r.title, r.year) for r in en] == [
        ("人工智能与国家安全", 2019),
        ('Saying "AIDS" is not AI', 2021),
    ]
    assert en[0].fields["abstract"] == "摘要第一行 摘要第二行"
    assert en[0].fields["authors"] == "张三; 李四"
    ne = parse_text(NOTEEXPRESS, "auto")
    assert [(r.title, r.year) for r in ne] == [
        ("生成式人工智能的安全挑战", 2023),
        ("人工智能教育应用", 2017),
    ]


def test_ris_wos_bibtex_openalex() -> None:
    ris = parse_text(RIS, "auto")
    assert [(r.title, r.year) for r in ris] == [
        ("AI and national security", 2020),
        ("Safety of autonomous systems", 2016),
    ]
    wos = parse_text(WOS, "auto")
    assert wos[0].title == "Artificial intelligence and national security: a strategic review"
    assert [r.year for r in wos] == [2020, 2022]  # second from EA (early access)
    assert wos[0].fields["authors"] == "Smith, J Doe, A"
    bib = parse_text(BIBTEX, "auto")
    assert [(r.title, r.year) for r in bib] == [
        ("AI and Security: A Review", 2020),
        ("人工智能安全治理", 2021),
    ]
    assert bib[1].fields["journal"] == "中国行政管理"
    oa = parse_text(json.dumps(OPENALEX), "auto")
    assert [(r.title, r.year) for r in oa] == [
        ("AI safety and security", 2022),
        ("Security of AI systems", None),
    ]
    lines = "\n".join(json.dumps(w) for w in OPENALEX["results"])
    assert len(parse_text(lines, "openalex")) == 2


def test_encodings_bom_crlf(tmp_path: Path) -> None:
    gb = tmp_path / "cnki_gb18030.txt"
    gb.write_bytes(REFWORKS.replace("\n", "\r\n").encode("gb18030"))
    bom = tmp_path / "cnki_bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + NOTEEXPRESS.encode("utf-8"))
    before = gb.read_bytes()
    recs = read_records([gb, bom])
    assert gb.read_bytes() == before  # input never modified
    assert [r.title for r in recs][:3] == [r.title for r in parse_text(REFWORKS, "refworks")]
    assert [r.fmt for r in recs] == ["refworks"] * 3 + ["noteexpress"] * 2
    assert recs[3].title == "生成式人工智能的安全挑战"


@pytest.mark.parametrize(
    ("text", "fmt", "line"),
    [
        ("hello\nRT Journal Article\nT1 x\n", "refworks", 1),
        ("RT Journal Article\nT1 x\n", "wos", 1),
        ("PT J\nTI x\nnot indented\nER\n", "wos", 3),
        ("TY  - JOUR\nTI  - x\n", "ris", 1),
        ("T1 title before RT\n", "refworks", 1),
        ("@article{a, title = {x\n", "bibtex", 1),
        ('{"results": [1, 2', "openalex", 1),
    ],
)
def test_malformed_files_name_the_line(text: str, fmt: str, line: int) -> None:
    with pytest.raises(CompareError) as err:
        parse_text(text, fmt, "bad.txt")
    assert err.value.code == "E511"
    assert f"bad.txt:{line}" in err.value.message


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CompareError) as err:
        parse_text("Lorem ipsum\n", "auto", "x.txt")
    assert err.value.code == "E510" and "x.txt:1" in err.value.message
    with pytest.raises(CompareError) as err:
        parse_text("x", "marc21")
    assert err.value.code == "E510"
    with pytest.raises(CompareError) as err:
        read_records([tmp_path / "missing.ris"])
    assert err.value.code == "E514"


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2020", 2020),
        ("2020-05-01", 2020),
        ("2020///", 2020),
        ("MAY 2020", 2020),
        ("", None),
        ("n.d.", None),
        ("12345", None),
    ],
)
def test_parse_year(raw: str, year: int | None) -> None:
    assert parse_year(raw) == year


_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda s: s != "" and not s.startswith("{"))
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, st.integers(1900, 2100)), min_size=1, max_size=8))
def test_noteexpress_round_trip(items: list[tuple[str, int]]) -> None:
    text = "".join(
        f"{{Reference Type}}: Journal Article\r\n{{Title}}: {t}\r\n{{Year}}: {y}\r\n\r\n"
        for t, y in items
    )
    recs = parse_text(text, "noteexpress")
    assert [(r.title, r.year) for r in recs] == items


_word = st.text(alphabet="abcdefgh人工智能安全", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_word, min_size=1, max_size=4), min_size=1, max_size=6))
def test_wos_wrapped_titles_keep_every_record(titles: list[list[str]]) -> None:
    # each title is written over several indented continuation lines
    body = "".join(
        "PT J\nTI " + "\n   ".join(parts) + f"\nPY {2000 + i}\nER\n\n"
        for i, parts in enumerate(titles)
    )
    recs = parse_text("FN Clarivate Analytics Web of Science\nVR 1.0\n" + body + "EF\n", "wos")
    assert [r.title for r in recs] == [" ".join(parts) for parts in titles]
    assert [r.year for r in recs] == [2000 + i for i in range(len(titles))]
