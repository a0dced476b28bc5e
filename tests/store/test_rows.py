"""A store's match and count rows read a batch of documents at a time (seclens.store.rows)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.api import AnalysisResult, analyze
from seclens.errors import StoreError
from seclens.match.table import MatchChain
from seclens.measures.counts import CountChain
from seclens.store import load_analysis, open_store
from seclens.store.rows import StoredTables, batch_starts
from seclens.store.sync import ingest_corpus
from seclens.types import TableSource


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.conftest import _write_generated_corpus

    root = tmp_path_factory.mktemp("rows")
    folder = root / "c"
    _write_generated_corpus(folder, 12, seed=11)
    db = root / "s.duckdb"
    ingest_corpus([folder], db)
    return folder, db


def _loaded(db: Path, batch_rows: int | None = None) -> AnalysisResult:
    with open_store(db, read_only=True) as store:
        result = load_analysis(store)
    if batch_rows is None:
        return result
    return dataclasses.replace(result, matches=MatchChain(_rebatched(result.matches, batch_rows)),
                               counts=CountChain(_rebatched(result.counts, batch_rows)))


def _rebatched(chain: MatchChain | CountChain, batch_rows: int) -> StoredTables[object]:
    tables = chain.tables
    assert isinstance(tables, StoredTables)
    return StoredTables(tables._snapshot, tables._table, tables._fields, tables._doc_ids,
                        tables._lengths, tables._build, batch_rows)


def test_store_rows_are_read_lazily_and_equal_the_folder_analysis(
        small_store: tuple[Path, Path]) -> None:
    folder, db = small_store
    direct = analyze([folder])
    for batch_rows in (None, 1, 7, 100):
        stored = _loaded(db, batch_rows)
        assert isinstance(stored.matches, MatchChain)
        assert isinstance(stored.matches.tables, TableSource)
        assert isinstance(stored.counts, CountChain)
        assert len(stored.matches) == len(direct.matches)
        assert stored.matches == direct.matches, batch_rows
        assert stored.counts == direct.counts, batch_rows


def test_stored_chain_indexing_rows_at_and_columns_equal_eager_rows(
        small_store: tuple[Path, Path]) -> None:
    _, db = small_store
    stored = _loaded(db, batch_rows=9)
    eager = list(stored.matches)
    n = len(eager)
    assert n > 20
    for i in (0, 1, n // 3, n // 2, n - 1, -1, -n):
        assert stored.matches[i] == eager[i]
    positions = list(range(0, n, 7))
    assert stored.matches.rows_at(positions) == [eager[i] for i in positions]
    assert stored.matches.rows_at([3]) == [eager[3]]
    assert stored.matches.rows_at([]) == []
    assert stored.matches.column("doc_id") == [m.doc_id for m in eager]
    assert stored.matches.column("term") == [m.term for m in eager]
    tables = stored.matches.tables
    assert isinstance(tables, StoredTables)
    assert [t.doc_id for t in tables.head(3)] == list(tables.doc_ids()[:3])
    assert list(tables.head(0)) == []
    with pytest.raises(IndexError):
        stored.matches[n]
    with pytest.raises(IndexError):
        stored.matches.rows_at([n])


def test_an_ingest_after_loading_is_refused_not_mixed(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    folder = tmp_path / "c"
    paths = make_corpus(folder, 4, seed=3)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db)
    stored = _loaded(db)
    paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n国家安全。\n",
                        encoding="utf-8")
    ingest_corpus([folder], db)
    with pytest.raises(StoreError) as err:
        list(stored.matches)
    assert err.value.code == "E614"
    assert "changed while" in str(err.value)
    with pytest.raises(StoreError) as err:
        stored.counts[0]
    assert err.value.code == "E614"


def test_rows_counted_at_loading_are_checked_when_read(
        small_store: tuple[Path, Path]) -> None:
    _, db = small_store
    stored = _loaded(db)
    tables = stored.matches.tables
    assert isinstance(tables, StoredTables)
    wrong = StoredTables(tables._snapshot, tables._table, tables._fields, tables._doc_ids,
                         [n + 1 for n in tables._lengths], tables._build)
    with pytest.raises(StoreError) as err:
        wrong[0]
    assert err.value.code == "E614"


def test_an_analysis_loaded_from_an_open_writable_store_reads_through_it(
        small_store: tuple[Path, Path], tmp_path: Path) -> None:
    # A second connection to a file open for writing in this process is refused
    # (DuckDB); while the store it came from is open, the rows are read through it.
    import shutil

    _, db = small_store
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    with open_store(copy) as store:
        stored = load_analysis(store)
        inside = list(stored.matches)
    assert list(stored.matches) == inside  # after closing: opened read-only
    assert len(inside) == len(stored.matches)


def test_regression_open_store_leaves_no_unfinished_result(
        small_store: tuple[Path, Path]) -> None:
    """Regression: open_store read the schema version with fetchone(), which leaves
    the result unfinished; DuckDB then refused the next con.sql() on the connection
    ("connection has an unfinished result")."""
    _, db = small_store
    with open_store(db, read_only=True) as store:
        assert store.con.sql("SELECT 1").fetchall() == [(1,)]


def test_documents_are_read_in_batches_in_path_order(
        small_store: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import seclens.store.results as results

    folder, db = small_store
    whole = _loaded(db)
    monkeypatch.setattr(results, "_DOCUMENT_BATCH", 5)
    batched = _loaded(db)
    assert batched.documents == whole.documents == analyze([folder]).documents


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=60),
       st.integers(min_value=1, max_value=80))
def test_batches_cover_every_table_within_the_row_bound(lengths: list[int],
                                                        batch_rows: int) -> None:
    starts = batch_starts(lengths, batch_rows)
    if not lengths:
        assert starts == []
        return
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    bounds = [*starts, len(lengths)]
    for a, b in pairwise(bounds):
        rows = sum(lengths[a:b])
        assert b - a == 1 or rows <= batch_rows  # a larger table is a batch alone
        if b < len(lengths):  # a batch stops only when the next table would not fit
            assert rows + lengths[b] > batch_rows


def test_regression_a_store_made_again_is_not_read_as_the_one_loaded(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    """Regression (found by a helper's trial): a store deleted and ingested again
    starts at run 1 again, so checking the newest run id alone let a loaded analysis
    read the new store's rows (new matches next to the old documents). The snapshot
    also compares when that run started."""
    from seclens.engine import EngineConfig

    folder = tmp_path / "c"
    make_corpus(folder, 3, seed=12)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db)
    stored = _loaded(db)
    db.unlink()
    # the same documents and row counts, other rows (shorter KWIC context)
    ingest_corpus([folder], db, EngineConfig(context_chars=3))
    with pytest.raises(StoreError) as err:
        list(stored.matches)
    assert err.value.code == "E614"


def test_regression_a_half_read_iteration_does_not_lock_the_store(
        small_store: tuple[Path, Path], tmp_path: Path) -> None:
    """Regression (found by a helper's trial): iterating the rows held the read-only
    connection open between batches, so an ingest into the same store in this process
    failed with E602 while an iteration was left half-read."""
    import shutil

    folder, db = small_store
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    stored = _loaded(copy, batch_rows=5)
    rows = iter(stored.matches)
    next(rows)
    summary = ingest_corpus([folder], copy)  # the store can be opened for writing
    assert len(summary.unchanged) == 12
    with pytest.raises(StoreError) as err:
        list(rows)  # the rest of the iteration: the store has a new run now
    assert err.value.code == "E614"
