"""The store-writer thread of ``--workers N > 1``: order, errors, progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seclens.errors import StoreError
from seclens.store import open_store
from seclens.store.store import Store
from seclens.store.sync import StoreIngestOptions, ingest_corpus


def test_error_in_the_writer_thread_reaches_the_caller(
        tmp_path: Path, make_corpus: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression guard for the threaded writer: a failed transaction (E605) must stop
    the ingest with its code, not vanish in the background thread."""
    corpus = tmp_path / "c"
    make_corpus(corpus, 12, seed=5)
    calls = 0
    original = Store.write_tables

    def failing(self: Store, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StoreError("E605", "writing documents failed and was rolled back: test")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "write_tables", failing)
    with pytest.raises(StoreError) as err:
        ingest_corpus([corpus], tmp_path / "s.duckdb",
                      options=StoreIngestOptions(workers=2, batch_size=2, commit_every=2))
    assert err.value.code == "E605" and "test" in err.value.message
    # the first transaction is kept, nothing after the failed one was written
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        assert len(store.table("documents")) == 2


def test_progress_lines_count_commits_in_order(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 10, seed=6)
    lines: list[str] = []
    summary = ingest_corpus([corpus], tmp_path / "s.duckdb", options=StoreIngestOptions(
        workers=2, batch_size=2, commit_every=4, progress=lines.append))
    assert len(summary.added) == 10
    counts = [int(line.split()[1]) for line in lines]
    assert counts == sorted(counts) and counts[-1] == 10
    assert all(c % 4 == 0 for c in counts[:-1])


class _SlowStore:
    """A stand-in for Store whose write blocks until released (a DuckDB checkpoint)."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.written: list[list[str]] = []

    def write_tables(self, tables: dict, *, run_id: int, fingerprint: str,
                     meta_hashes: list[str], known: object = None, commit: bool = True) -> None:
        self.release.wait(timeout=30)
        self.written.append([str(x) for x in tables["documents"].column("doc_id").to_pylist()])

    def write_exclusions(self, run_id: int, exclusions: list, commit: bool = True) -> None:
        pass

    def commit(self) -> None:
        pass


def _batch(doc_id: str, nbytes: int) -> object:
    import pyarrow as pa

    from seclens.engine.tables import TableBatch

    docs = pa.table({"doc_id": [doc_id], "text": ["x" * nbytes]})
    return TableBatch({"documents": docs}, ())


def test_a_busy_writer_does_not_block_the_caller_below_the_byte_bound() -> None:
    """Regression guard for the checkpoint stall: while the writer is busy (a DuckDB
    checkpoint blocks inserts for seconds), the caller queues transactions up to
    ``max_bytes`` and goes on analysing; beyond it, it waits; order is kept."""
    import threading

    from seclens.store.sync import _Writer

    store = _SlowStore()
    writer = _Writer(store, 1, "f", None, threaded=True, max_bytes=50_000)  # type: ignore[arg-type]
    for i in range(4):  # about 10 kB each: all four fit while the first is being written
        writer.put(_batch(f"d{i}", 10_000), [""], [])  # type: ignore[arg-type]
    assert writer.queued_bytes > 40_000 and store.written == []
    assert not writer.keeping_up()  # transactions wait behind the one being written
    blocked = threading.Event()
    done = threading.Event()

    def put_big() -> None:
        blocked.set()
        writer.put(_batch("big", 30_000), [""], [])  # type: ignore[arg-type]
        done.set()

    thread = threading.Thread(target=put_big)
    thread.start()
    blocked.wait(5)
    assert not done.wait(0.3), "a put beyond max_bytes must wait for the writer"
    store.release.set()
    assert done.wait(10)
    thread.join()
    writer.close()
    assert store.written == [["d0"], ["d1"], ["d2"], ["d3"], ["big"]]
    assert writer.queued_bytes == 0 and writer.peak_queued_bytes <= 50_000
    assert writer.keeping_up()


def test_one_transaction_larger_than_the_bound_is_accepted() -> None:
    from seclens.store.sync import _Writer

    store = _SlowStore()
    store.release.set()
    writer = _Writer(store, 1, "f", None, threaded=True, max_bytes=1_000)  # type: ignore[arg-type]
    writer.put(_batch("huge", 100_000), [""], [])  # type: ignore[arg-type]
    writer.close()
    assert store.written == [["huge"]]
