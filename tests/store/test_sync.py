"""Incremental ingest into a store: idempotence, changes, removals, exclusions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from seclens.engine import EngineConfig
from seclens.store import open_store
from seclens.store.sync import StoreIngestOptions, ingest_corpus


def test_reingest_unchanged_does_nothing(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 6)
    db = tmp_path / "s.duckdb"
    first = ingest_corpus([corpus], db)
    assert len(first.added) == 6 and not first.changed and not first.unchanged
    with open_store(db) as store:
        before = {n: store.table(n) for n in ("documents", "sentences", "matches", "counts")}
    second = ingest_corpus([corpus], db)
    assert second.as_dict() == {"added": 0, "changed": 0, "unchanged": 6, "removed": 0,
                                "restored": 0, "excluded": 0}
    with open_store(db) as store:
        for name, frame in before.items():
            after = store.table(name)
            if name == "documents":  # run_id of unchanged rows stays the first run's
                assert (after["run_id"] == 1).all()
            pd.testing.assert_frame_equal(frame, after)
        assert store.table("runs")["status"].tolist() == ["complete", "complete"]


def test_changed_file_is_reanalysed_and_replaced(tmp_path: Path, make_corpus: Callable
                                                 ) -> None:
    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 4)
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus], db)
    paths[1].write_text("国家安全。国防。\n", encoding="utf-8")
    summary = ingest_corpus([corpus], db)
    assert summary.changed == ("doc-001",)
    assert len(summary.unchanged) == 3
    with open_store(db) as store:
        doc = store.table("documents").set_index("doc_id").loc["doc-001"]
        assert doc["text"] == "国家安全。国防。\n"
        matches = store.table("matches")
        mine = matches[matches["doc_id"] == "doc-001"]
        # substring convention: the overlapping 安全 inside 国家安全 counts too
        assert mine["matched_text"].tolist() == ["国家安全", "安全", "国防"]
        assert all(doc["text"][r.start:r.end] == r.matched_text for r in mine.itertuples())
        sentences = store.table("sentences")
        assert sentences[sentences["doc_id"] == "doc-001"]["text"].tolist() == [
            "国家安全。", "国防。"]


def test_removed_file_is_marked_not_deleted(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 3)
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus], db)
    saved = paths[2].read_bytes()
    paths[2].unlink()
    summary = ingest_corpus([corpus], db)
    assert summary.removed == ("doc-002",)
    with open_store(db) as store:
        assert [d.doc_id for d in store.iter_documents()] == ["doc-000", "doc-001"]
        every = store.table("documents", include_removed=True)
        assert every.set_index("doc_id").loc["doc-002", "status"] == "removed"
        assert "doc-002" in set(store.table("matches", include_removed=True)["doc_id"])
    paths[2].write_bytes(saved)
    back = ingest_corpus([corpus], db)
    # each document counted once (the restored one was also "unchanged" until session 6)
    assert back.restored == ("doc-002",) and back.unchanged == ("doc-000", "doc-001")
    assert back.as_dict()["unchanged"] + back.as_dict()["restored"] == 3


def test_new_configuration_reanalyses(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 2)
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus], db)
    again = ingest_corpus([corpus], db, EngineConfig(context_chars=5))
    assert len(again.changed) == 2
    with open_store(db) as store:
        assert store.table("matches")["left"].str.len().max() <= 5


def test_bad_and_duplicate_files_are_excluded(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 2)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "doc-000.txt").write_text("国家安全。", encoding="utf-8")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    summary = ingest_corpus([corpus], tmp_path / "s.duckdb")
    codes = {e.doc_id: e.code for e in summary.excluded}
    assert set(codes) == {"doc-000", "empty"}
    assert codes["empty"].startswith("E1")  # ingest refuses an empty text
    assert codes["doc-000"].startswith("E1")
    dup = next(e for e in summary.excluded if e.doc_id == "doc-000")
    assert Path(dup.path).parent.name == "sub"  # the first path in sorted order wins
    with open_store(tmp_path / "s.duckdb") as store:
        assert sorted(store.table("exclusions")["doc_id"]) == ["doc-000", "empty"]
        assert len(store.table("documents")) == 2


def test_invalid_options_name_the_parameter() -> None:
    from seclens.errors import ConfigError

    with pytest.raises(ConfigError, match="commit_every"):
        StoreIngestOptions(commit_every=0)


def test_writer_connection_is_bounded(tmp_path: Path, make_corpus: Callable,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The ingest writer opens DuckDB with one thread and its own buffer-pool limit
    (its memory must not grow with the corpus; the cores belong to the workers)."""
    import seclens.store.sync as sync

    seen: list[dict] = []
    real = sync.open_store

    def spy(db: Path, **kwargs: object) -> object:
        seen.append(kwargs)
        return real(db, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "open_store", spy)
    make_corpus(tmp_path / "c", 2)
    ingest_corpus([tmp_path / "c"], tmp_path / "s.duckdb",
                  options=StoreIngestOptions(db_memory_limit="64MB"))
    assert seen == [{"memory_limit": "64MB", "threads": 1}]
