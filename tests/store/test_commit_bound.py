"""Transactions end at --commit-every documents or --commit-mb MB of result tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seclens.errors import ConfigError
from seclens.store.sync import StoreIngestOptions, ingest_corpus


@pytest.mark.parametrize("workers", [1, 2])
def test_megabyte_bound_ends_transactions_early(tmp_path: Path, make_corpus: Callable,
                                                workers: int) -> None:
    """Large documents must not make one transaction hold commit_every documents: with
    a bound below one batch's tables, every batch is its own transaction."""
    corpus = tmp_path / "c"
    make_corpus(corpus, 8, seed=11)
    lines: list[str] = []
    summary = ingest_corpus([corpus], tmp_path / f"s{workers}.duckdb", options=StoreIngestOptions(
        workers=workers, batch_size=2, commit_every=100, commit_mb=0.001,
        progress=lines.append))
    assert len(summary.added) == 8
    assert [int(line.split()[1]) for line in lines] == [2, 4, 6, 8]


def test_document_bound_still_applies(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 8, seed=12)
    lines: list[str] = []
    ingest_corpus([corpus], tmp_path / "s.duckdb", options=StoreIngestOptions(
        batch_size=2, commit_every=4, progress=lines.append))
    assert [int(line.split()[1]) for line in lines] == [4, 8]


@pytest.mark.parametrize("bad", [0, -1.0, True, "64"])
def test_bad_commit_mb_is_a_config_error(bad: object) -> None:
    with pytest.raises(ConfigError) as err:
        StoreIngestOptions(commit_mb=bad)  # type: ignore[arg-type]
    assert err.value.code == "E601"


def test_a_transaction_spans_insert_groups(tmp_path: Path, make_corpus: Callable) -> None:
    """Insert groups of 2 documents, transactions of 6: commits after 6, 12, then the rest."""
    corpus = tmp_path / "c"
    make_corpus(corpus, 14, seed=13)
    lines: list[str] = []
    summary = ingest_corpus([corpus], tmp_path / "s.duckdb", options=StoreIngestOptions(
        batch_size=2, group_docs=2, commit_every=6, progress=lines.append))
    assert len(summary.added) == 14
    assert [int(line.split()[1]) for line in lines] == [6, 12, 14]


@pytest.mark.parametrize("field", ["group_docs", "group_mb"])
def test_bad_insert_group_is_a_config_error(field: str) -> None:
    with pytest.raises(ConfigError) as err:
        StoreIngestOptions(**{field: 0})  # type: ignore[arg-type]
    assert err.value.code == "E601"
