"""Crash safety: ``seclens ingest`` killed with SIGKILL mid-run resumes to the same store."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from seclens.errors import StoreError
from seclens.store import load_analysis, open_store
from seclens.store.sync import ingest_corpus

TABLES = ("documents", "sentences", "matches", "counts")
VOLATILE = ["run_id", "removed_run_id"]


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with open_store(db, read_only=True) as store:
        out = {n: store.table(n) for n in TABLES}
    out["documents"] = out["documents"].drop(columns=VOLATILE)
    return out


def _kill_after(proc: subprocess.Popen[str], documents: int) -> int:
    """SIGKILL ``proc`` once its progress lines report ``documents`` committed (or it
    ends); the last count seen."""
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        if line.startswith("committed: "):
            seen = int(line.split()[1])
            if seen >= documents:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    return seen


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from seclens.cli import main; main()", *args]


def _reference(tmp_path: Path, make_corpus: Callable, n: int, seed: int
               ) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A generated corpus of ``n`` documents and the tables of its uninterrupted ingest."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, n, seed=seed, sentences=25)
    reference = tmp_path / "reference.duckdb"
    ingest_corpus([corpus], reference)
    return corpus, _tables(reference)


def _committed(db: Path, expected: dict[str, pd.DataFrame]) -> set[str]:
    """The doc_ids a killed store holds, after checking each one's rows in every table
    equal the uninterrupted ingest's."""
    got = _tables(db)
    kept = set(got["documents"]["doc_id"])
    for name in TABLES:
        want = expected[name][expected[name]["doc_id"].isin(kept)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got[name], want, check_dtype=False)
    return kept


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_mid_ingest_then_resume(tmp_path: Path, make_corpus: Callable,
                                        workers: str) -> None:
    """With 2 workers the commits happen in the store-writer thread while the pool
    and the calling thread analyse: a kill still leaves whole transactions only."""
    corpus, expected = _reference(tmp_path, make_corpus, 200, seed=7)
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        _cli("ingest", str(corpus), "--db", str(db), "--commit-every", "4", "-v",
             "--workers", workers),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = _kill_after(proc, 40)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    assert seen >= 40

    # The store opens and holds every batch committed before the kill, each complete.
    kept = _committed(db, expected)
    assert seen <= len(kept) < 200
    assert len(kept) % 4 == 0  # whole transactions only
    # ... but is no analysis until the run is finished: a fraction of the corpus would
    # be reported as the whole (E610; regression, session 6)
    with open_store(db, read_only=True) as store, pytest.raises(StoreError) as err:
        load_analysis(store)
    assert err.value.code == "E610" and "did not finish" in str(err.value)

    # A re-run resumes: committed documents are unchanged, the rest are added.
    result = subprocess.run(_cli("ingest", str(corpus), "--db", str(db)),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"unchanged: {len(kept)}" in result.stdout
    assert f"added: {200 - len(kept)}" in result.stdout
    final = _tables(db)
    for name in TABLES:
        pd.testing.assert_frame_equal(final[name], expected[name], check_dtype=False)
    with open_store(db, read_only=True) as store:
        assert store.table("runs")["status"].tolist() == ["interrupted", "complete"]
        assert len(load_analysis(store).documents) == 200


_SPANNING = """
import sys
from seclens.store.sync import StoreIngestOptions, ingest_corpus
ingest_corpus([{corpus!r}], {db!r}, options=StoreIngestOptions(
    workers={workers}, batch_size=2, group_docs=2, commit_every=8,
    progress=lambda line: print(line, file=sys.stderr, flush=True)))
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_while_a_transaction_spans_insert_groups(tmp_path: Path, make_corpus: Callable,
                                                         workers: int) -> None:
    """Insert groups of 2 documents written into transactions of 8: a kill between two
    groups of one transaction loses the whole open transaction, nothing else."""
    corpus, expected = _reference(tmp_path, make_corpus, 120, seed=8)
    db = tmp_path / "killed.duckdb"
    code = _SPANNING.format(corpus=str(corpus), db=str(db), workers=workers)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen = _kill_after(proc, 24)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    kept = _committed(db, expected)
    assert seen <= len(kept) < 120
    assert len(kept) % 8 == 0  # whole transactions only, never a lone insert group
