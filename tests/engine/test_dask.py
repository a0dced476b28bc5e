"""Dask engine: the same results as the single-process store, as partitioned Parquet."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.cli import main
from seclens.engine import EngineConfig, Task
from seclens.engine import dask_engine as dask_engine_module
from seclens.engine.dask_engine import (
    DaskOptions,
    plan_partitions,
    read_results,
    run_dask,
    run_partition,
    task_plan_table,
    tasks_from_plan,
)
from seclens.errors import StoreError
from seclens.store import open_store
from seclens.store.sync import ingest_corpus
from seclens.types import META_FIELDS, DocumentMeta

TABLES = ("documents", "sentences", "matches", "counts", "annotations")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def _common(store_frame: pd.DataFrame, parquet_frame: pd.DataFrame) -> pd.DataFrame:
    return store_frame[list(parquet_frame.columns)]


def test_dask_equals_single_process(tmp_path: Path, make_corpus: Callable,
                                    scheduler: str) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 12, seed=5)
    config = EngineConfig(annotate=True)
    ingest_corpus([corpus], tmp_path / "s.duckdb", config)
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        expected = {n: store.table(n) for n in TABLES}
    result = run_dask([corpus], tmp_path / "out", config,
                      DaskOptions(scheduler=scheduler, partition_size=5))
    assert result.rows["documents"] == 12 and not result.excluded
    assert len(list((tmp_path / "out" / "matches").glob("part-*.parquet"))) == 3
    got = read_results(tmp_path / "out")
    for name in TABLES:
        pd.testing.assert_frame_equal(got[name], _common(expected[name], got[name]),
                                      check_dtype=False)


def test_parquet_input(tmp_path: Path, scheduler: str) -> None:
    table = pa.table({"doc_id": ["p1", "p2", "p3"],
                      "text": ["维护国家安全。", "巩固国防。", "   "],
                      "language": ["zh", "zh", "zh"], "source": ["a", "b", "c"]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=2)
    result = run_dask([tmp_path / "in.parquet"], tmp_path / "out", EngineConfig(),
                      DaskOptions(scheduler=scheduler))
    got = read_results(tmp_path / "out")
    assert got["documents"]["doc_id"].tolist() == ["p1", "p2"]
    assert got["documents"]["extra_json"].tolist() == ['{"source": "a"}', '{"source": "b"}']
    assert [e.doc_id for e in result.excluded] == ["p3"]
    assert result.excluded[0].code == "E380"
    per_doc = got["matches"].groupby("doc_id")["matched_text"].apply(list).to_dict()
    assert per_doc == {"p1": ["国家安全", "安全"], "p2": ["国防"]}


def test_output_folder_must_be_new(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError) as err:
        run_dask([tmp_path], tmp_path / "out")
    assert err.value.code == "E608"


def test_cli_dask_with_local_cluster(tmp_path: Path, make_corpus: Callable) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 4)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--engine", "dask",
                                    "--workers", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "documents: 4" in res.output
    assert len(read_results(out)["documents"]) == 4


def test_cli_dask_refuses_db(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["ingest", str(tmp_path), "--engine", "dask",
                                    "--db", str(tmp_path / "x.duckdb")])
    assert res.exit_code == 2 and "E601" in res.output


# -- partitions are descriptions; workers read and write their own parts ---------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.text("abcxyz-_0123456789", min_size=1, max_size=8), st.booleans(),
    st.lists(_TEXT, min_size=len(META_FIELDS), max_size=len(META_FIELDS)),
    st.dictionaries(st.text("abcdefgh", min_size=1, max_size=6), _TEXT, max_size=3),
    _TEXT), max_size=6))
def test_task_plan_round_trips(rows: list) -> None:
    tasks = []
    for doc_id, has_meta, values, extra, gap in rows:
        meta = (DocumentMeta(doc_id=doc_id, extra=extra,
                             **dict(zip(META_FIELDS, values, strict=True)))
                if has_meta else None)
        tasks.append(Task(f"/x/{doc_id}.txt", doc_id, meta, gap))
    back = tasks_from_plan(task_plan_table(tasks))
    assert back == tasks
    assert [repr(t) for t in back] == [repr(t) for t in tasks]  # the store's meta_hash
    assert [list(t.meta.extra) for t in back if t.meta] == [
        list(t.meta.extra) for t in tasks if t.meta]  # extra columns keep their order


def test_partitions_carry_no_text(tmp_path: Path, make_corpus: Callable) -> None:
    """Regression (a ~46 MB task graph): a partition is a Parquet path and a row
    group, whatever the size of its documents."""
    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 7)
    big = "国家安全。" * 20_000
    paths[0].write_text(big, encoding="utf-8")
    parts, _ = plan_partitions([corpus], DaskOptions(partition_size=3), tmp_path / "plan")
    assert [(p.row_group, p.kind) for p in parts] == [(0, "files"), (1, "files"),
                                                     (2, "files")]
    for part in parts:
        assert len(pickle.dumps(part)) < 400
    plan = tasks_from_plan(pq.read_table(parts[0].parquet_path))
    assert [t.path for t in plan] == [str(p.resolve()) for p in sorted(paths)]


def test_failed_partition_leaves_no_part(tmp_path: Path, make_corpus: Callable,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 4)
    parts, _ = plan_partitions([corpus], DaskOptions(partition_size=4), tmp_path / "plan")
    out = tmp_path / "out"
    calls: list[str] = []
    original = dask_engine_module.analyse_task

    def flaky(task: Task, config: EngineConfig) -> object:
        calls.append(task.doc_id)
        if len(calls) == 3:  # the second chunk: the first is already written
            raise RuntimeError("worker lost")
        return original(task, config)

    monkeypatch.setattr(dask_engine_module, "analyse_task", flaky)
    with pytest.raises(RuntimeError):
        run_partition(parts[0], EngineConfig(), str(out), chunk_size=2)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []
    monkeypatch.undo()
    summary = run_partition(parts[0], EngineConfig(), str(out), chunk_size=1)
    assert summary["rows"]["documents"] == 4
    assert sorted(p.name for p in (out / "documents").iterdir()) == ["part-000000.parquet"]
    assert pq.ParquetFile(out / "documents" / "part-000000.parquet").num_row_groups == 4


def test_parquet_rows_read_in_chunks_keep_their_position(tmp_path: Path) -> None:
    """A worker reads a row group ``chunk_size`` rows at a time; exclusions still
    name each row's position in its row group."""
    table = pa.table({"doc_id": ["a", "b", "c", "d"],
                      "text": ["维护国家安全。", "", "巩固国防。", " "]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=4)
    parts, _ = plan_partitions([tmp_path / "in.parquet"], DaskOptions(), tmp_path / "plan")
    assert len(parts) == 1 and parts[0].kind == "rows"
    summary = run_partition(parts[0], EngineConfig(), str(tmp_path / "out"), chunk_size=1)
    assert summary["rows"]["documents"] == 2
    where = {e.doc_id: e.path.rsplit("#", 1)[1] for e in summary["excluded"]}
    assert where == {"b": "rg0:1", "d": "rg0:3"}
