"""REFI-QDA .qdpx and CSV: structure, round trips of codes and offsets."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from seclens.annotate.types import AUDIENCES, SECTORS
from seclens.errors import AnnotationError
from seclens.qda import (
    SampleUnit,
    check_project,
    read_coded_csv,
    read_qdpx,
    write_qdpx,
    write_sample_csv,
)
from seclens.qda.qdpx import NS

DOC = '前言。人工智能可能威胁国家安全，必须加强防范。\nAI & <tags> "quoted" text.'
CODES = {
    "security_sense": "security",
    "sector": ["international", "military"],
    "referent_object": ["nation_state"],
    "threat": 1,
    "urgency": 1,
    "extraordinary_measures": 0,
    "vuori_act": "request",
    "audience": ["ministries"],
    "securitizing_move": 1,
}


def _units() -> list[SampleUnit]:
    s1 = DOC.index("人工智能")
    e1 = DOC.index("\n")
    s2 = DOC.index("AI")
    return [
        SampleUnit("s-0001", "doc-a", "zh", 1, s1, e1, "前言。", DOC[s1:e1], "", "security", CODES),
        SampleUnit(
            "s-0002",
            "doc-a",
            "en",
            2,
            s2,
            len(DOC),
            "",
            DOC[s2:],
            "",
            "random",
            {
                **CODES,
                "security_sense": "none",
                "sector": [],
                "referent_object": ["none"],
                "threat": 0,
                "urgency": 0,
                "vuori_act": "none",
                "audience": [],
                "securitizing_move": 0,
            },
        ),
    ]


def test_qdpx_structure_and_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "s.qdpx"
    write_qdpx(_units(), out, {"doc-a": DOC})
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert "project.qde" in names
        srcs = [n for n in names if n.startswith("sources/")]
        assert len(srcs) == 1
        raw = z.read(srcs[0])
        assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8") == DOC
        root = etree.fromstring(z.read("project.qde"))
    assert etree.QName(root).namespace == NS and etree.QName(root).localname == "Project"
    assert check_project(root) == []
    q = f"{{{NS}}}"
    assert [etree.QName(c).localname for c in root] == ["Users", "CodeBook", "Sources"]
    src = root.find(f"{q}Sources/{q}TextSource")
    assert src.get("plainTextPath") == f"internal://{srcs[0].split('/')[1]}"
    sels = src.findall(f"{q}PlainTextSelection")
    assert [(int(s.get("startPosition")), int(s.get("endPosition"))) for s in sels] == [
        (u.start, u.end) for u in _units()
    ]
    back = read_qdpx(out)
    for a, b in zip(back, _units(), strict=True):
        assert (a.sid, a.doc_id, a.start, a.end, a.text) == (
            b.sid,
            b.doc_id,
            b.start,
            b.end,
            b.text,
        )
        assert dict(a.codes) == dict(b.codes)


def test_qdpx_without_documents_uses_sentence_sources(tmp_path: Path) -> None:
    out = tmp_path / "s.qdpx"
    write_qdpx(_units(), out)
    back = read_qdpx(out)
    assert [u.text for u in back] == [u.text for u in _units()]
    assert [dict(u.codes) for u in back] == [dict(u.codes) for u in _units()]


def test_check_project_reports_schema_problems() -> None:
    bad = etree.fromstring(
        f'<Project xmlns="{NS}"><Sources><TextSource name="x"><PlainTextSelection guid="nope" '
        'startPosition="5" endPosition="2"/></TextSource></Sources><Users/></Project>'
    )
    problems = check_project(bad)
    joined = " ".join(problems)
    assert "name" in joined and "order" in joined and "guid" in joined and "positions" in joined


def test_offsets_that_do_not_match_the_document_are_refused(tmp_path: Path) -> None:
    u = replace(_units()[0], start=0)
    with pytest.raises(AnnotationError) as exc:
        write_qdpx([u], tmp_path / "x.qdpx", {"doc-a": DOC})
    assert exc.value.code == "E443"


def test_outputs_never_overwrite(tmp_path: Path) -> None:
    p = tmp_path / "exists.qdpx"
    p.write_bytes(b"user data")
    with pytest.raises(AnnotationError):
        write_qdpx(_units(), p)
    assert p.read_bytes() == b"user data"


def test_not_a_qdpx_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "x.qdpx"
    p.write_text("hello", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        read_qdpx(p)
    assert exc.value.code == "E444"


codes_strategy = st.fixed_dictionaries(
    {
        "security_sense": st.sampled_from(["security", "safety", "mixed", "none"]),
        "sector": st.lists(st.sampled_from(SECTORS), unique=True).map(sorted),
        "referent_object": st.sampled_from(
            [["none"], ["nation_state"], ["economy", "individuals"]]
        ),
        "threat": st.integers(0, 1),
        "urgency": st.integers(0, 1),
        "extraordinary_measures": st.integers(0, 1),
        "vuori_act": st.sampled_from(["claim", "warning", "request", "none"]),
        "audience": st.lists(st.sampled_from(AUDIENCES), unique=True).map(sorted),
        "securitizing_move": st.integers(0, 1),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=codes_strategy, text=st.text(min_size=1, max_size=30).filter(lambda t: "\r" not in t))
def test_csv_and_qdpx_round_trip_any_codes(
    tmp_path_factory: pytest.TempPathFactory, codes: dict, text: str
) -> None:
    d = tmp_path_factory.mktemp("rt")
    doc = "x" + text + "y"
    u = SampleUnit("s-0000", "doc", "zh", 0, 1, 1 + len(text), "p", text, "n", "random", codes)
    write_sample_csv([u], d / "s.csv")
    assert dict(read_coded_csv(d / "s.csv")[0].codes) == codes
    write_qdpx([u], d / "s.qdpx", {"doc": doc})
    back = read_qdpx(d / "s.qdpx")[0]
    assert dict(back.codes) == codes and (back.start, back.end, back.text) == (
        1,
        1 + len(text),
        text,
    )
