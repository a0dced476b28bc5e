"""CLI regression tests of the new-user review: outputs never in the corpus, closed pipes,
Chinese file names in charts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from seclens.cli import EXIT_BROKEN_PIPE, _SeclensGroup, main


def _corpus(root: Path) -> Path:
    root.mkdir()
    (root / "a.txt").write_text("维护国家安全。加强国防。", encoding="utf-8")
    return root


def test_annotate_out_inside_corpus_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(main, ["annotate", str(corpus), "--out", str(corpus / "a.jsonl")])
    assert res.exit_code == 2, res.output
    assert "E020" in res.output
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_table_html_inside_corpus_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(main, ["table", str(corpus), "--html", str(corpus / "t.html")])
    assert res.exit_code == 2 and "E020" in res.output
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_broken_pipe_exits_quietly() -> None:
    group = _SeclensGroup("g")

    @group.command("spew")
    def spew() -> None:
        raise BrokenPipeError

    res = CliRunner().invoke(group, ["spew"])
    assert res.exit_code == EXIT_BROKEN_PIPE
    assert "Traceback" not in res.output and res.exception is not None


def test_analyze_piped_to_closed_reader_writes_every_file(tmp_path: Path) -> None:
    # `seclens analyze ... | head -0`: every report file is written, no traceback.
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    code = "from seclens.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "analyze", str(corpus), "--out", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before anything is printed
    stderr = proc.stderr.read().decode("utf-8", "replace")
    rc = proc.wait(timeout=120)
    assert "Traceback" not in stderr
    assert rc in (0, EXIT_BROKEN_PIPE)
    for name in ("report.html", "documents.csv", "counts.csv", "matches.csv", "run.json"):
        assert (out / name).is_file(), name


def test_chinese_file_names_chart_prints_no_glyph_warnings(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "国务院规划.txt").write_text("维护国家安全。", encoding="utf-8")
    (corpus / "上海市指引.txt").write_text("保障网络安全。", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from seclens.cli import main; main()", "analyze", str(corpus),
         "--out", str(tmp_path / "o"), "--no-progress"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Glyph" not in proc.stderr and "missing from font" not in proc.stderr


def test_manifest_gaps_are_noted_in_documents_csv_and_report(tmp_path: Path) -> None:
    import csv

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("维护国家安全。", encoding="utf-8")
    (corpus / "b.txt").write_text("保障网络安全。", encoding="utf-8")
    (corpus / "manifest.csv").write_text("id,title,date\na,甲,07/08/2017\n", encoding="utf-8")
    out = tmp_path / "o"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        notes = {row["doc_id"]: row["notes"] for row in csv.DictReader(fh)}
    assert "level unknown: manifest" in notes["a"] and "has no 'level' column" in notes["a"]
    assert "manifest date '07/08/2017' is ambiguous" in notes["a"]
    assert "has no row for this file" in notes["b"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "has no row for this file" in html and "is ambiguous" in html


def test_error_messages_show_control_characters_escaped(tmp_path: Path) -> None:
    # Regression (session 6): error messages name paths and table names from the
    # user's files; an ANSI escape in one reached the terminal as is.
    import duckdb

    db = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(db))
    con.execute('CREATE TABLE "red\x1b[31mtable" (id INTEGER)')
    con.close()
    run = CliRunner().invoke(main, ["table", str(db)])
    assert run.exit_code != 0 and "E602" in run.output
    assert "\x1b" not in run.output and "red\\x1b[31mtable" in run.output
