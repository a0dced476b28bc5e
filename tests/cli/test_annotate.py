"""``seclens annotate``: regression tests.

``annotate`` on an empty folder or an empty store printed the table's header and
exited 0, an empty result where ``analyze`` reports E115. It now fails with E115 too,
before any output when there is nothing at all, after the exclusions when every input
was excluded.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from seclens.cli import main

HEADER = "doc_id\tsentences"


def test_annotate_an_empty_folder_is_e115_not_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    out = tmp_path / "a.jsonl"
    run = CliRunner().invoke(main, ["annotate", str(tmp_path / "c"), "--out", str(out)])
    assert run.exit_code == 1 and "E115" in run.output and "no document" in run.output
    assert HEADER not in run.output and not out.exists()


def test_annotate_an_empty_store_is_e115_not_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    db = tmp_path / "s.duckdb"
    CliRunner().invoke(main, ["ingest", str(tmp_path / "c"), "--db", str(db)])
    assert db.is_file()  # (the ingest of nothing is E115 too, and leaves its record)
    run = CliRunner().invoke(main, ["annotate", str(db)])
    assert run.exit_code == 1 and "E115" in run.output and HEADER not in run.output


def test_annotate_when_every_input_is_excluded_is_e115_after_the_exclusions(
        tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "blank.txt").write_text("   \n", encoding="utf-8")
    run = CliRunner().invoke(main, ["annotate", str(corpus)])
    assert run.exit_code == 1
    assert "excluded: " in run.output and "blank.txt" in run.output
    assert "E115" in run.output and "1 input(s) excluded" in run.output


def test_annotate_with_a_document_still_succeeds(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("必须维护国家安全。\n", encoding="utf-8")
    (corpus / "blank.txt").write_text("   \n", encoding="utf-8")
    run = CliRunner().invoke(main, ["annotate", str(corpus)])
    assert run.exit_code == 0, run.output
    assert HEADER in run.output and "\na\t" in run.output
