"""write_report: escaping, offline HTML, CSV columns, run.json, output-folder rules."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from seclens.errors import ConfigError
from seclens.report import OUTPUT_FILES, ReportSection, write_report
from seclens.report.html import script_json
from seclens.report.tables import DOCUMENT_COLUMNS, MATCH_COLUMNS, count_columns


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_report_escapes_document_text(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = write_report(result_factory(), tmp_path / "out")
    html = paths.report_html.read_text(encoding="utf-8")
    assert "alert(1)" in html  # the text is there, escaped
    assert "<script>alert" not in html
    assert "</script><img" not in html
    assert "<img" not in html
    assert "<b>x</b>" not in html
    assert "<i>" not in html  # a hostile doc id, in text, attributes and links
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # only our own two script elements
    assert len(re.findall(r"<script\b", html)) == 2
    assert html.count("</script>") == 2


def test_embedded_json_cannot_close_the_script() -> None:
    text = str(script_json({"t": "</script><!-- & \u2028\u2029"}))
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029"}


@given(st.text())
def test_script_json_round_trips_any_text(text: str) -> None:
    out = str(script_json({"t": text, "l": [text]}))
    assert not any(c in out for c in "<>&\u2028\u2029")
    assert json.loads(out) == {"t": text, "l": [text]}


def test_report_is_self_contained(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = write_report(result_factory(), tmp_path / "out").report_html.read_text(encoding="utf-8")
    assert not re.search(r"<(link|iframe|img|object|embed)\b", html)
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert not re.search(r"url\((?!#)", html)  # only local url(#id) references
    assert "<svg" in html  # the chart is inline


def test_counts_link_to_kwic(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = write_report(result_factory(), tmp_path / "out").report_html.read_text(encoding="utf-8")
    # the 安全 count of evil-doc (2 rows) links to the KWIC view filtered to doc + term
    assert 'href="#kwic:doc=evil-doc&amp;term=%E5%AE%89%E5%85%A8">2</a>' in html
    assert 'id="kwic"' in html and 'id="doc-0"' in html
    assert html.count('<tr data-doc="') == 4


def test_sections_rendered_in_order_with_toc(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sections = [
        ReportSection("framework", "Framework <table>", Markup("<p>first</p>")),
        ReportSection("trends", "Trends", Markup("<p>second</p>")),
    ]
    html = write_report(result_factory(), tmp_path / "out", sections).report_html.read_text(
        encoding="utf-8"
    )
    assert html.index('id="framework"') < html.index('id="trends"')
    assert '<a href="#framework">Framework &lt;table&gt;</a>' in html
    assert '<a href="#trends">Trends</a>' in html


def test_csv_columns_and_rows(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = result_factory()
    paths = write_report(result, tmp_path / "out")
    docs = _read_csv(paths.documents_csv)
    assert list(docs[0]) == list(DOCUMENT_COLUMNS)
    assert [(d["doc_id"], d["status"]) for d in docs] == [
        ("evil-doc", "analysed"), ('local"><i>doc', "analysed"), ("bad", "excluded"),
    ]
    assert docs[2]["exclusion_code"] == "E101" and "cannot read" in docs[2]["exclusion_reason"]
    assert docs[0]["security_occurrences"] == "2"  # 安全 inside 国家安全 and one more
    assert float(docs[0]["security_per_10k"]) == pytest.approx(20.0)
    matches = _read_csv(paths.matches_csv)
    assert list(matches[0]) == list(MATCH_COLUMNS)
    assert len(matches) == len(result.matches)
    assert matches[1]["right"] == '", quoted, \n newline'
    counts = _read_csv(paths.counts_csv)
    assert list(counts[0]) == list(count_columns())
    assert len(counts) == len(result.counts)


def test_run_json_provenance(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = json.loads(write_report(result_factory(), tmp_path / "out").run_json.read_text("utf-8"))
    for key in ("package_version", "python_version", "timestamp_utc", "options", "lexicons",
                "sense_rules", "segmenters", "inputs"):
        assert key in run
    assert run["options"]["convention"] == "substring"
    assert run["inputs"][0]["sha256"] == "ab" * 32
    assert run["documents_analysed"] == 2 and run["documents_excluded"] == 1


def test_refuses_folder_holding_inputs(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    result = result_factory(corpus)
    before = (corpus / "evil.txt").read_bytes()
    for out in (corpus, tmp_path, corpus / "report"):
        with pytest.raises(ConfigError) as err:
            write_report(result, out)
        assert err.value.code == "E020"
    assert (corpus / "evil.txt").read_bytes() == before
    assert not (corpus / "report.html").exists()


def test_refuses_a_file_as_out_dir(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file.txt"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        write_report(result_factory(tmp_path / "c"), target)
    assert err.value.code == "E021"
    assert target.read_text(encoding="utf-8") == "keep"


def test_only_own_files_replaced(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "report.html").write_text("old", encoding="utf-8")
    write_report(result_factory(), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "report.html").read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUT_FILES, "notes.txt"])


def test_end_to_end_hostile_document(tmp_path: Path) -> None:
    from seclens.api import analyze

    corpus = tmp_path / "corpus"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "docs" / "x.txt").write_text(
        "维护安全<script>alert(1)</script>国家安全</script><img src=x>。", encoding="utf-8"
    )
    (corpus / "manifest.csv").write_text(
        'id,title,level,language\nx,"<script>alert(1)</script></script>",central,zh\n',
        encoding="utf-8",
    )
    result = analyze([corpus])
    assert result.documents[0].meta.title.startswith("<script>")
    assert result.matches  # the hostile text sits in the KWIC context
    html = write_report(result, tmp_path / "out").report_html.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<img" not in html
    assert len(re.findall(r"<script\b", html)) == 2
    assert html.count("</script>") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/script&gt;" in html  # the title


def test_csv_outputs_have_utf8_bom_for_excel(result_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    paths = write_report(result_factory(), tmp_path / "out")
    for path in (paths.documents_csv, paths.counts_csv, paths.matches_csv):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path.name
        assert raw.count(b"\xef\xbb\xbf") == 1
        frame = pd.read_csv(path, encoding="utf-8-sig")
        assert not frame.columns[0].startswith("\ufeff")
    docs = pd.read_csv(paths.documents_csv, encoding="utf-8-sig")
    assert list(docs.columns) == list(DOCUMENT_COLUMNS)


def test_output_folder_guard_is_shared(tmp_path: Path) -> None:
    from seclens.errors import SeclensError
    from seclens.outputs import check_output_path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "a.txt"
    doc.write_text("x", encoding="utf-8")
    for out, kind in ((corpus / "x.duckdb", "file"), (corpus / "sub", "folder"), (doc, "file"),
                      (tmp_path, "folder")):
        with pytest.raises(SeclensError) as err:
            check_output_path(out, [corpus, doc], kind=kind)  # type: ignore[arg-type]
        assert err.value.code == "E020", (out, kind)
    check_output_path(tmp_path / "elsewhere", [corpus], kind="folder")
    check_output_path(tmp_path / "x.duckdb", [corpus])
    with pytest.raises(SeclensError) as wrong:
        check_output_path(doc, [tmp_path / "other"], kind="folder")
    assert wrong.value.code == "E021"
