"""Reports from a store equal reports from a folder (reference corpus)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from seclens.api import AnalysisResult, analyze
from seclens.engine.process import Task
from seclens.report import write_report
from seclens.store import load_analysis, open_store
from seclens.store.sync import StoreIngestOptions, ingest_corpus


@pytest.fixture(scope="session")
def reference_pair(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[AnalysisResult, AnalysisResult, Path]:
    root = corpus_dir.resolve()
    db = tmp_path_factory.mktemp("store") / "corpus.duckdb"
    summary = ingest_corpus([root], db)
    assert len(summary.added) == 28
    with open_store(db, read_only=True) as store:
        from_store = load_analysis(store)
    return analyze([root]), from_store, db


def _frame(rows: tuple[object, ...]) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(r) for r in rows])  # type: ignore[call-overload]


def test_store_holds_what_analyze_computes(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path]) -> None:
    folder, store, _ = reference_pair
    assert store.documents == folder.documents
    assert store.matches == folder.matches
    pd.testing.assert_frame_equal(_frame(store.counts), _frame(folder.counts))
    assert store.exclusions == folder.exclusions


def test_known_figures_from_the_store(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path]) -> None:
    # 2017 State Council plan: 安全 48 (国家安全 8), 国防 11 under substring counting.
    _, _, db = reference_pair
    with open_store(db, read_only=True) as store:
        counts = store.table("counts")
    plan = counts[(counts["doc_id"] == "cn-sc-2017-aidp") & (counts["key_type"] == "term")]
    got = dict(zip(plan["key"], plan["count"], strict=True))
    assert (got["安全"], got["国家安全"], got["国防"]) == (48, 8, 11)


def test_report_from_store_matches_report_from_folder(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path], tmp_path: Path) -> None:
    folder, store, _ = reference_pair
    a = write_report(folder, tmp_path / "folder")
    b = write_report(store, tmp_path / "store")
    for name in ("counts.csv", "matches.csv", "documents.csv"):
        assert (tmp_path / "folder" / name).read_bytes() == (tmp_path / "store" / name
                                                              ).read_bytes(), name
    assert a is not None and b is not None


def test_store_provenance_names_segmenters_and_roots(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path]) -> None:
    folder, store, db = reference_pair
    assert store.provenance.segmenters == folder.provenance.segmenters
    assert store.provenance.unmatchable == folder.provenance.unmatchable
    assert store.provenance.input_roots == folder.provenance.input_roots
    assert store.provenance.extra["store"] == str(db)
    # Regression: a report from the store listed no ignored documentation (README)
    assert store.provenance.ignored_files == folder.provenance.ignored_files
    assert [Path(p).name for p in store.provenance.ignored_files] == ["README.md"]


def test_stored_ignored_files_follow_the_newest_run(tmp_path: Path,
                                                    make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 2)
    (corpus / "README.md").write_text("about this corpus", encoding="utf-8")
    (corpus / "LICENSE").write_text("CC-BY", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus], db, options=StoreIngestOptions(workers=2))
    with open_store(db, read_only=True) as store:
        assert load_analysis(store).provenance.ignored_files == (
            str(corpus.resolve() / "LICENSE"), str(corpus.resolve() / "README.md"))
    (corpus / "README.md").unlink()
    ingest_corpus([corpus], db)
    with open_store(db, read_only=True) as store:
        assert load_analysis(store).provenance.ignored_files == (
            str(corpus.resolve() / "LICENSE"),)


def test_store_lexicon_and_rules_provenance_equal_analyze(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path]) -> None:
    folder, store, _ = reference_pair
    assert store.provenance.lexicons == folder.provenance.lexicons
    assert store.provenance.sense_rules == folder.provenance.sense_rules
    assert store.provenance.options == folder.provenance.options


def test_store_t2s_provenance_names_opencc_like_analyze(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    # Regression: a report from a store built with --t2s lacked the OpenCC converter
    # that the same report from the folder names (both now ask the one Pipeline).
    from seclens.api import AnalysisOptions
    from seclens.engine import EngineConfig

    folder = tmp_path / "c"
    make_corpus(folder, 3, seed=5)
    ingest_corpus([folder], tmp_path / "s.duckdb", EngineConfig(to_simplified=True))
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        from_store = load_analysis(store)
    direct = analyze([folder], AnalysisOptions(to_simplified=True))
    assert from_store.matches == direct.matches
    assert from_store.provenance.segmenters == direct.provenance.segmenters
    assert any(s.get("name") == "opencc t2s" for s in from_store.provenance.segmenters)


def _manifests(result: AnalysisResult) -> list[object]:
    return [i for i in result.provenance.inputs if i.role == "manifest"]


def test_store_provenance_lists_the_manifest_as_analyze_does(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path], corpus_dir: Path
        ) -> None:
    """Regression: run.json of a report from a store listed every document with its
    SHA-256 but not the manifest the metadata came from, which a report from the
    folder lists; the ingest now records it with the run."""
    import hashlib

    folder, store, _ = reference_pair
    manifest = corpus_dir.resolve() / "manifest.csv"
    expected = hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert [(m.path, m.sha256) for m in _manifests(folder)] == [  # type: ignore[attr-defined]
        (str(manifest), expected)]
    assert _manifests(store) == _manifests(folder)


def test_stored_manifests_keep_the_newest_hash_and_old_runs_read_as_none(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    import hashlib
    import json

    from seclens.store.results import stored_manifests

    folder = tmp_path / "c"
    paths = make_corpus(folder, 2)
    manifest = folder / "manifest.csv"
    manifest.write_text("id,title\n" + "".join(f"{p.stem},t\n" for p in paths),
                        encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db)
    manifest.write_text("id,title\n" + "".join(f"{p.stem},new\n" for p in paths),
                        encoding="utf-8")
    ingest_corpus([folder], db)
    with open_store(db) as store:
        assert stored_manifests(store) == [
            {"path": str(manifest.resolve()),
             "sha256": hashlib.sha256(manifest.read_bytes()).hexdigest()}]
        assert [m.sha256 for m in _manifests(load_analysis(store))] == [  # type: ignore[attr-defined]
            hashlib.sha256(manifest.read_bytes()).hexdigest()]
        # runs recorded by a seclens without the key: no manifest, no error
        for run_id, text in store.con.execute(
                "SELECT run_id, provenance_json FROM runs").fetchall():
            record = json.loads(text)
            record.pop("manifests")
            store.con.execute("UPDATE runs SET provenance_json = ? WHERE run_id = ?",
                              [json.dumps(record), run_id])
        assert stored_manifests(store) == []
        assert _manifests(load_analysis(store)) == []


def test_store_rows_are_columnar_tables_per_document(
        reference_pair: tuple[AnalysisResult, AnalysisResult, Path]) -> None:
    """Matches and counts from a store are per-document columnar tables, chained, as
    analyze builds them (rows as objects cost about 1 KB each), equal row for row."""
    from seclens.match.table import MatchChain
    from seclens.measures.counts import CountChain

    folder, store, _ = reference_pair
    assert isinstance(store.matches, MatchChain) and isinstance(store.counts, CountChain)
    assert [t.doc_id for t in store.matches.tables] == [
        d.doc_id for d in store.documents if d.n_matches]
    assert list(store.matches) == list(folder.matches)
    assert list(store.counts) == list(folder.counts)


def test_rows_whose_document_fields_disagree_stay_rows() -> None:
    """A document whose rows disagree on a field a table holds once (convention; size,
    unit, convention or reason of count rows) is given as rows, not forced into one
    table."""
    from seclens.measures.counts import CountRow
    from seclens.store.results import _chained
    from seclens.types import Match

    m = [Match("d", 0, 0, 2, "安全", "安全", "zh.anquan", "security", "general", "security",
               "r", "substring"),
         Match("d", 0, 4, 6, "安全", "安全", "zh.anquan", "security", "general", "security",
               "r", "token")]
    names = [f.name for f in dataclasses.fields(Match)]
    assert _chained(_frame(tuple(m)), names, "matches") == tuple(m)
    assert isinstance(_chained(_frame(tuple(m)), names, "matches"), tuple)
    c = [CountRow("d", "term", "安全", "zh.anquan", 2, 100, "characters", 200.0,
                  "substring", "", "security", "general"),
         CountRow("d", "total", "all", "", 2, 101, "characters", 198.0, "substring", "",
                  "", "")]
    names = [f.name for f in dataclasses.fields(CountRow)]
    assert list(_chained(_frame(tuple(c)), names, "counts")) == c
    assert isinstance(_chained(_frame(tuple(c)), names, "counts"), tuple)


def test_non_utf8_file_name_is_stored_as_an_exclusion(tmp_path: Path,
                                                      make_corpus: Callable) -> None:
    # Regression (helper's trial): the two-worker ingest crashed while planning and
    # left a store with a run still "running"
    import os

    corpus = tmp_path / "c"
    make_corpus(corpus, 3)
    with open(os.path.join(os.fsencode(corpus), b"bad\xff.txt"), "wb") as fh:
        fh.write("网络安全。".encode())
    db = tmp_path / "s.duckdb"
    summary = ingest_corpus([corpus], db, options=StoreIngestOptions(workers=2))
    assert len(summary.added) == 3
    assert [(Path(e.path).name, e.code) for e in summary.excluded] == [("bad\\xff.txt", "E116")]
    with open_store(db, read_only=True) as store:
        assert store.table("runs")["status"].tolist() == ["complete"]
        assert store.table("exclusions")["code"].tolist() == ["E116"]


def test_file_gone_between_planning_and_reingest_is_an_exclusion(
        tmp_path: Path, make_corpus: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression (helper's trial): a re-ingest hashed each planned file to see whether
    # it changed, and a file removed after planning crashed it with FileNotFoundError
    import seclens.store.sync as sync

    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 3)
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus], db)
    gone = paths[1]
    read = sync.read_task_plan_parts

    def vanishing(*args: Any, **kwargs: Any) -> Iterator[Task]:
        for task in read(*args, **kwargs):
            if Path(task.path) == gone.resolve():
                gone.unlink()  # after planning, before the store looks at it
            yield task

    monkeypatch.setattr(sync, "read_task_plan_parts", vanishing)
    summary = ingest_corpus([corpus], db)
    assert [(e.doc_id, e.code) for e in summary.excluded] == [(gone.stem, "E101")]
    assert summary.removed == (gone.stem,) and len(summary.unchanged) == 2
    with open_store(db, read_only=True) as store:
        assert store.table("runs")["status"].tolist() == ["complete", "complete"]
