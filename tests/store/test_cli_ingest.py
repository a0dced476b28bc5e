"""``seclens ingest``: incremental runs report what they did; a report from the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main


def test_ingest_twice_then_report(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 5)
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(corpus), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "added: 5" in first.output
    paths[0].unlink()
    second = runner.invoke(main, ["ingest", str(corpus), "--db", str(db), "--workers", "2",
                                  "--report", str(tmp_path / "rep")])
    assert second.exit_code == 0, second.output
    assert "unchanged: 4" in second.output and "removed: 1" in second.output
    assert "removed (source gone or no longer readable; rows kept): doc-000" in second.output
    counts = (tmp_path / "rep" / "counts.csv").read_text(encoding="utf-8-sig")
    assert "doc-001" in counts and "doc-000" not in counts


def test_ingest_without_db_is_a_clean_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["ingest", str(tmp_path)])
    assert res.exit_code == 2
    assert "E601" in res.output and "--db" in res.output


def test_ingest_db_inside_corpus_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("维护国家安全。", encoding="utf-8")
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(corpus / "x.duckdb")])
    assert res.exit_code == 2, res.output
    assert "E020" in res.output
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(tmp_path / "s.duckdb"),
                                    "--report", str(corpus / "rep")])
    assert res.exit_code == 2 and "E020" in res.output
    assert not (tmp_path / "s.duckdb").exists()  # refused before any work


def test_ingest_corpus_library_refuses_db_in_corpus(tmp_path: Path) -> None:
    from seclens.errors import SeclensError
    from seclens.store.sync import ingest_corpus

    (tmp_path / "a.txt").write_text("维护国家安全。", encoding="utf-8")
    with pytest.raises(SeclensError) as err:
        ingest_corpus([tmp_path], tmp_path / "x.duckdb")
    assert err.value.code == "E020"


def test_ingest_of_only_unsupported_files_is_an_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 1, res.output
    assert "[E102]" in res.output and "unsupported type .doc" in res.output
    assert "error E115: nothing analysed" in res.output
