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
