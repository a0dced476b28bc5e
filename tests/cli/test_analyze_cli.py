"""``seclens analyze`` in-process (CliRunner)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main


def _corpus(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text("维护国家安全。保障网络安全。加强国防。", encoding="utf-8")
    (docs / "blank.txt").write_text("\n\n", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"not a pdf")
    (root / "manifest.csv").write_text(
        "id,title,level,language\na,<b>甲</b>,central,zh\nblank,空,municipal,zh\n",
        encoding="utf-8",
    )
    return root


def test_analyze_writes_report_and_summary(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "Analysed 1 document (" in res.output  # regression: "1 documents"
    assert "excluded 2" in res.output
    assert "excluded blank: [E1" in res.output  # empty text, with its code and reason
    assert "Top terms: 安全 2, 国家安全 1, 国防 1, 网络安全 1" in res.output
    for name in ("report.html", "documents.csv", "counts.csv", "matches.csv", "run.json"):
        assert (out / name).is_file()
        assert str(out / name) in res.output
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["doc_id"]: r["status"] for r in rows} == {
        "a": "analysed", "blank": "excluded", "broken": "excluded",
    }
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["convention"] == "substring"


def test_analyze_refuses_output_in_corpus(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(corpus / "docs")])
    assert res.exit_code == 2
    assert "E020" in res.output
    assert not (corpus / "docs" / "report.html").exists()


def test_analyze_bad_context_is_a_clean_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(
        main, ["analyze", str(corpus), "--out", str(tmp_path / "o"), "--context", "-5"]
    )
    assert res.exit_code == 2
    assert "E010" in res.output and "context_chars" in res.output
    assert "Traceback" not in res.output


def test_analyze_reference_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["analyze", str(corpus_dir), "--out", str(tmp_path / "o"), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "Analysed 28 documents" in res.output
    assert "excluded 0" in res.output
    run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    # the corpus README.md is its documentation: ignored with a record, not an exclusion
    assert run["ignored_files"] == [str(corpus_dir / "README.md")]


USER_LEXICON = """\
lexicon_id: test.user
version: "0.1"
title: test lexicon
source: written for this test
entries:
  - {id: zh.test.ai, term: 人工智能, lang: zh, category: topic, sector: general,
     source: test}
"""


def _ai_corpus(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text("人工智能关系国家安全。發展人工智能。", encoding="utf-8")
    return root


def _terms(out: Path) -> list[str]:
    with (out / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        return sorted(row["term"] for row in csv.DictReader(fh))


def test_user_lexicon_added_or_replacing(tmp_path: Path) -> None:
    corpus = _ai_corpus(tmp_path / "corpus")
    lex = tmp_path / "user.yaml"
    lex.write_text(USER_LEXICON, encoding="utf-8")
    runner = CliRunner()
    args = ["analyze", str(corpus), "--lexicon", str(lex), "--no-progress"]
    res = runner.invoke(main, [*args, "--out", str(tmp_path / "added")])
    assert res.exit_code == 0, res.output
    assert _terms(tmp_path / "added") == ["人工智能", "人工智能", "国家安全", "安全"]
    res = runner.invoke(main, [*args, "--replace-lexicon", "--out", str(tmp_path / "only")])
    assert res.exit_code == 0, res.output
    assert _terms(tmp_path / "only") == ["人工智能", "人工智能"]
    run = json.loads((tmp_path / "only" / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["replace_lexicon"] is True
    assert run["lexicons"][0]["lexicon_id"] == "test.user"


def test_replace_lexicon_without_lexicon_is_a_config_error(tmp_path: Path) -> None:
    corpus = _ai_corpus(tmp_path / "corpus")
    res = CliRunner().invoke(
        main, ["analyze", str(corpus), "--replace-lexicon", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 2
    assert "E010" in res.output and "replace_lexicon" in res.output


def test_t2s_matches_traditional_text_with_original_offsets(tmp_path: Path) -> None:
    docs = tmp_path / "corpus" / "docs"
    docs.mkdir(parents=True)
    text = "維護國家安全，鞏固國防。"
    (docs / "t.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    base = ["analyze", str(tmp_path / "corpus"), "--no-progress"]
    assert runner.invoke(main, [*base, "--out", str(tmp_path / "plain")]).exit_code == 0
    assert "国家安全" not in _terms(tmp_path / "plain")
    res = runner.invoke(main, [*base, "--t2s", "--out", str(tmp_path / "t2s")])
    assert res.exit_code == 0, res.output
    with (tmp_path / "t2s" / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = {r["term"]: r for r in rows}
    assert found["国家安全"]["matched_text"] == "國家安全"
    assert found["国防"]["matched_text"] == "國防"
    for r in rows:
        assert text[int(r["start"]):int(r["end"])] == r["matched_text"]


def test_many_exclusions_are_summarised(tmp_path: Path, corpus_dir: Path) -> None:
    # one file with the full manifest: 27 manifest rows have no file (all in documents.csv)
    out = tmp_path / "o"
    res = CliRunner().invoke(main, [
        "analyze", str(corpus_dir / "docs" / "cn-sc-2017-aidp.txt"),
        "--manifest", str(corpus_dir / "manifest.csv"), "--out", str(out), "--no-progress",
    ])
    assert res.exit_code == 0, res.output
    assert "excluded 27" in res.output
    assert res.output.count("  excluded ") == 10
    assert "... and 17 more" in res.output
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert sum(r["status"] == "excluded" for r in csv.DictReader(fh)) == 27


def test_run_with_every_input_excluded_still_reports(tmp_path: Path) -> None:
    # The report is written (it explains the exclusions), then the run fails with E115.
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("", encoding="utf-8")
    res = CliRunner().invoke(
        main, ["analyze", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "--no-progress"]
    )
    assert res.exit_code == 1, res.output
    assert "Analysed 0 documents" in res.output and "excluded 1" in res.output
    assert "error E115: nothing analysed" in res.output
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "no body text" in html or "E1" in html


def test_folder_of_only_doc_files_is_an_error_with_exclusions(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / "b.wps").write_bytes(b"x")
    out = tmp_path / "o"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out), "--no-progress"])
    assert res.exit_code == 1, res.output
    assert "excluded 2" in res.output
    assert "[E102] unsupported type .doc: convert to .docx or .txt" in res.output
    assert "error E115: nothing analysed" in res.output and "2 inputs excluded" in res.output
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(Path(r["path"]).name, r["exclusion_code"]) for r in rows] == [
        ("a.doc", "E102"), ("b.wps", "E102"),
    ]
    assert "unsupported type .wps" in (out / "report.html").read_text(encoding="utf-8")


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(
        main, ["analyze", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--no-progress"]
    )
    assert res.exit_code == 1, res.output
    assert "error E115: nothing analysed: no file found" in res.output


def test_summary_pluralisation_one_document_one_match(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("巩固国防。", encoding="utf-8")
    res = CliRunner().invoke(
        main, ["analyze", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "Analysed 1 document (substring convention, 1 match); excluded 0." in res.output


def test_regression_manifest_without_level_column_is_said_on_the_console(tmp_path: Path
                                                                          ) -> None:
    # the missing level was noted only in documents.csv: now one warning line per reason
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(5):
        (corpus / f"d{i}.txt").write_text("维护国家安全。", encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "id,title,language\n" + "".join(f"d{i},t{i},zh\n" for i in range(5)),
        encoding="utf-8")
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(tmp_path / "o"),
                                    "--no-progress"])
    assert res.exit_code == 0, res.output
    lines = [x for x in res.stderr.splitlines() if "level unknown" in x]
    assert len(lines) == 1
    assert "5 documents" in lines[0] and "and 2 more" in lines[0]
    assert "has no 'level' column" in lines[0]


def test_report_limit_options_reach_the_report(tmp_path: Path) -> None:
    """--report-documents/--report-kwic bound report.html; the CSV files keep every row;
    the options' defaults are those of ReportLimits; 0 is a usage error."""
    from seclens.cli.limits import DEFAULT_CHART_DOCUMENTS, DEFAULT_DOCUMENTS, DEFAULT_KWIC_ROWS
    from seclens.report import ReportLimits

    assert ReportLimits() == ReportLimits(documents=DEFAULT_DOCUMENTS,
                                          kwic_rows=DEFAULT_KWIC_ROWS,
                                          chart_documents=DEFAULT_CHART_DOCUMENTS)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"d{i}.txt").write_text("维护国家安全。保障网络安全。" * 3, encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out), "--no-progress",
                                    "--no-sections", "--report-documents", "2",
                                    "--report-kwic", "5", "--report-bars", "3"])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "The first 2 of 4 documents" in html and html.count("<article id=") == 2
    assert "5 of 48 matches" in html and "at most 2 per document" in html
    assert "One box per level and language" in html
    with (out / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 48
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out),
                                    "--report-kwic", "0"])
    assert res.exit_code == 2 and "--report-kwic" in res.output


def test_analyze_of_a_large_corpus_suggests_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import seclens.cli.analyze as cli_analyze

    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(tmp_path / "a"),
                                    "--no-progress"])
    assert res.exit_code == 0 and "analyze holds every match" not in res.stderr
    monkeypatch.setattr(cli_analyze, "LARGE_CORPUS_BYTES", 10)
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(tmp_path / "b"),
                                    "--no-progress"])
    assert res.exit_code == 0, res.output
    size = sum(p.stat().st_size for p in (corpus / "docs").iterdir())
    assert f"note: 3 files, {size / 1e6:,.0f} MB: analyze holds every match" in res.stderr
    assert "seclens ingest CORPUS --db corpus.duckdb" in res.stderr
