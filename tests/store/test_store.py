"""Store: schema migrations, transactional writes, reading back (no analysis stages)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from seclens.api import DocumentSummary
from seclens.engine.process import AnnotationRow, DocumentResult
from seclens.errors import StoreError
from seclens.store import MIGRATIONS, SCHEMA_VERSION, current_version, migrate, open_store
from seclens.types import Document, DocumentMeta, Exclusion, Match, Sentence


def _result(doc_id: str, text: str = "国家安全。人工智能安全。") -> DocumentResult:
    doc = Document(DocumentMeta(doc_id, title="标题", extra={"k": "v"}), text,
                   path=f"/x/{doc_id}.txt", sha256="h" + doc_id, notes=("n1",))
    sents = (Sentence(doc_id, 0, 0, 5, text[0:5]), Sentence(doc_id, 1, 5, len(text), text[5:]))
    matches = tuple(
        Match(doc_id, 0 if i < 5 else 1, i, i + 2, "安全", "安全", "zh.sec", "security",
              "general", "undetermined", "", "substring")
        for i in range(len(text) - 1) if text[i:i + 2] == "安全")
    ann = (AnnotationRow(doc_id, 0, "rules", "1", "security", 1, "warning",
                         '{"move": "warning"}', "[]"),)
    summary = DocumentSummary(doc.meta, doc.path, doc.fmt, doc.encoding, doc.sha256, doc.notes,
                              len(text), len(text), "characters", len(sents), len(matches))
    return DocumentResult(doc, summary, sents, matches, (), ann)


def test_new_store_has_current_schema(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.schema_version == SCHEMA_VERSION
        versions = store.con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        assert [v[0] for v in versions] == [m.version for m in MIGRATIONS]


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_upgrade_from_v1_keeps_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    assert migrate(con, target=1) == [1]
    assert current_version(con) == 1
    con.execute("INSERT INTO documents (doc_id, text, status) VALUES ('d1', 'abc', 'active')")
    con.close()
    with pytest.raises(StoreError) as err:
        open_store(db, read_only=True)
    assert err.value.code == "E603"
    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.table("documents")["doc_id"].tolist() == ["d1"]
        assert store.table("annotations").empty


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    open_store(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    con.close()
    with pytest.raises(StoreError) as err:
        open_store(db)
    assert err.value.code == "E603"


def test_another_duckdb_database_is_not_made_a_store(tmp_path: Path) -> None:
    # Regression (session 6): a DuckDB file of the user's own (no seclens schema) was
    # "upgraded": seclens added its tables to it; read-only it was E603 "upgrade it".
    db = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE survey (id INTEGER)")
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError) as err:
            open_store(db, read_only=read_only)
        assert err.value.code == "E602" and "not a seclens store" in str(err.value)
        assert "survey" in str(err.value)
    con = duckdb.connect(str(db), read_only=True)
    tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    con.close()
    assert tables == [("survey",)]


def test_an_empty_duckdb_file_is_a_new_store_but_not_an_analysis(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(StoreError) as err:
        open_store(db, read_only=True)
    assert err.value.code == "E602" and "empty DuckDB database" in str(err.value)
    with open_store(db) as store:  # written to: it becomes a store
        assert store.schema_version == SCHEMA_VERSION


def test_write_read_round_trip(tmp_path: Path) -> None:
    results = [_result("b"), _result("a", "国防安全")]
    with open_store(tmp_path / "s.duckdb") as store:
        store.write_results(results, run_id=1, fingerprint="f", meta_hashes=["", ""])
        docs = list(store.iter_documents())
        assert [d.doc_id for d in docs] == ["a", "b"]
        assert docs[1] == results[0].document
        matches = store.table("matches")
        assert matches["doc_id"].tolist() == ["a", "b", "b"]
        for row in matches.itertuples():
            text = {d.doc_id: d.text for d in docs}[row.doc_id]
            assert text[row.start:row.end] == row.matched_text
        assert store.table("sentences").shape[0] == 4
        assert store.table("annotations")["labels_json"].tolist() == ['{"move": "warning"}'] * 2


def test_replacing_a_document_leaves_no_old_rows(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.write_results([_result("a")], run_id=1, fingerprint="f", meta_hashes=[""])
        store.write_results([_result("a", "安全")], run_id=2, fingerprint="f", meta_hashes=[""])
        assert store.table("documents")["text"].tolist() == ["安全"]
        assert store.table("sentences").shape[0] == 2
        assert store.table("matches").shape[0] == 1


def _run_killed(script: str, db: Path) -> None:
    """Run a crash script (``{tests}``/``{db}`` filled in) that ends with SIGKILL."""
    code = script.format(tests=str(Path(__file__).parent), db=str(db))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


_CRASH = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_store import _result
from seclens.store import open_store
store = open_store({db!r})
store.write_results([_result("a")], run_id=1, fingerprint="f", meta_hashes=[""])
store.write_results([_result("a", "安全")], run_id=2, fingerprint="f", meta_hashes=[""])
store.write_results([_result("b")], run_id=2, fingerprint="f", meta_hashes=[""])
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_sigkill_after_replace_replays_wal(tmp_path: Path) -> None:
    # Regression guard for DuckDB WAL replay of delete+insert (duckdb/duckdb#15836):
    # the store has no constraint indexes, so replacing a document replays cleanly.
    db = tmp_path / "s.duckdb"
    _run_killed(_CRASH, db)
    assert (tmp_path / "s.duckdb.wal").exists()
    with open_store(db) as again:
        assert again.table("documents")["text"].tolist() == ["安全", "国家安全。人工智能安全。"]
        assert again.table("matches")["doc_id"].tolist() == ["a", "b", "b"]


def test_duplicate_doc_ids_in_a_batch_are_refused(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(StoreError) as err:
        store.write_results([_result("a"), _result("a")], run_id=1, fingerprint="f",
                            meta_hashes=["", ""])
    assert err.value.code == "E606"


def test_removed_documents_leave_default_views(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.write_results([_result("a"), _result("b")], run_id=1, fingerprint="f",
                            meta_hashes=["", ""])
        store.set_status(["a"], "removed", 2)
        assert [d.doc_id for d in store.iter_documents()] == ["b"]
        assert set(store.table("matches")["doc_id"]) == {"b"}
        assert set(store.table("matches", include_removed=True)["doc_id"]) == {"a", "b"}
        assert store.table("documents", include_removed=True).set_index("doc_id").loc[
            "a", "removed_run_id"] == 2


def test_exclusions_and_runs(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        run = store.begin_run(engine="local", workers=1, inputs=["/x"], config={},
                              provenance={}, fingerprint="f")
        store.write_exclusions(run, [Exclusion("/x/bad.pdf", "", "E104", "no text")])
        assert store.table("exclusions")["code"].tolist() == ["E104"]
        run2 = store.begin_run(engine="local", workers=1, inputs=["/x"], config={},
                               provenance={}, fingerprint="f")
        store.finish_run(run2, {"added": 0})
        assert store.table("runs")["status"].tolist() == ["interrupted", "complete"]


def test_locked_store_gives_coded_error(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db):
        # Same process: DuckDB refuses a second connection with different settings.
        with pytest.raises(StoreError) as err:
            open_store(db, read_only=True)
        assert err.value.code == "E602"


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, {"threads": None, "checkpoint_threshold": "488.2 MiB", "memory_limit": "244.1 MiB"}),
    ({"threads": 1, "checkpoint_threshold": "32MB", "memory_limit": "100MB"},
     {"threads": 1, "checkpoint_threshold": "30.5 MiB", "memory_limit": "95.3 MiB"}),
])
def test_connection_settings_are_explicit(tmp_path: Path, kwargs: dict,
                                          expected: dict) -> None:
    with open_store(tmp_path / "s.duckdb", **kwargs) as store:
        for name, value in expected.items():
            row = store.con.execute(f"SELECT current_setting('{name}')").fetchone()
            assert row is not None
            if value is not None:
                assert row[0] == value, name


def _write(store: object, result: DocumentResult, **kw: object) -> None:
    from seclens.engine.tables import result_tables

    store.write_tables(result_tables([result]), run_id=1, fingerprint="f",  # type: ignore[attr-defined]
                       meta_hashes=[""], **kw)


def test_writes_without_commit_join_one_transaction(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        _write(store, _result("a"), commit=False)
        assert store.in_transaction
        _write(store, _result("b"), commit=False)
        store.write_exclusions(1, [Exclusion("x.txt", "x", "E103", "r")], commit=False)
        _write(store, _result("c"))  # commits all three writes
        assert not store.in_transaction
        _write(store, _result("d"), commit=False)
        # closed with "d" uncommitted: rolled back, as after a kill
    with open_store(db, read_only=True) as store:
        assert store.table("documents")["doc_id"].tolist() == ["a", "b", "c"]
        assert store.table("exclusions")["doc_id"].tolist() == ["x"]


def test_known_doc_ids_replace_without_searching(tmp_path: Path) -> None:
    """``known`` (the ingest's document states) decides which old rows are deleted."""
    with open_store(tmp_path / "s.duckdb") as store:
        _write(store, _result("a"), known=[])
        _write(store, _result("a", "安全"), known=["a"])
        assert store.table("documents")["text"].tolist() == ["安全"]
        assert store.table("matches").shape[0] == 1


_CRASH_OPEN = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_store import _result, _write
from seclens.store import open_store
store = open_store({db!r})
_write(store, _result("a"), commit=False)
_write(store, _result("b"))
_write(store, _result("c"), commit=False)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_sigkill_with_an_open_transaction_keeps_the_committed_ones(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _run_killed(_CRASH_OPEN, db)
    with open_store(db) as again:
        assert again.table("documents")["doc_id"].tolist() == ["a", "b"]
        assert again.table("sentences")["doc_id"].tolist() == ["a", "a", "b", "b"]


def test_store_with_default_row_groups_takes_appends_in_small_ones(tmp_path: Path) -> None:
    """Regression guard for opening a store written before ROW_GROUP_SIZE 2048 (DuckDB's
    122,880-row groups, a last row group larger than 2,048 rows): appends, re-reads and
    re-opens work (DuckDB once failed on a smaller ROW_GROUP_SIZE than the last row
    group's, duckdb/duckdb#22109)."""
    from seclens.engine.tables import result_tables

    db = tmp_path / "s.duckdb"
    many = [_result(f"d{i:04d}") for i in range(1500)]  # 3,000 sentences, 3,000 matches
    with open_store(db, row_group_size=None) as store:
        store.write_tables(result_tables(many), run_id=1, fingerprint="f",
                           meta_hashes=[""] * len(many))
    more = [_result(f"e{i:04d}") for i in range(1500)]
    with open_store(db) as store:
        store.write_tables(result_tables(more), run_id=2, fingerprint="f",
                           meta_hashes=[""] * len(more))
        store.write_results([_result("d0000", "安全")], run_id=2, fingerprint="f",
                            meta_hashes=[""])
    with open_store(db, read_only=True) as store:
        docs = store.table("documents", exclude_columns=("text",))
        assert len(docs) == 3000 and docs["doc_id"].is_unique
        assert store.table("sentences").shape[0] == 2999 * 2 + 2
        assert store.table("matches").shape[0] == 2999 * 2 + 1


def test_extra_manifest_columns_keep_the_manifest_order_in_the_store(tmp_path: Path) -> None:
    """Regression: the store wrote ``extra_json`` with sorted keys, so comparisons and
    reports from a store listed the extra manifest columns in another order than the
    same run on the folder."""
    from seclens.store.sync import ingest_corpus

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("国家安全。", encoding="utf-8")
    (corpus / "manifest.csv").write_text("id,level,zeta,alpha,mid\na,central,1,2,3\n",
                                         encoding="utf-8")
    ingest_corpus([corpus], tmp_path / "s.duckdb")
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        (document,) = list(store.iter_documents())
    assert list(document.meta.extra) == ["zeta", "alpha", "mid"]
