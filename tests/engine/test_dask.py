"""Dask engine: the same results as the single-process store, as partitioned Parquet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from seclens.cli import main
from seclens.engine import EngineConfig
from seclens.engine.dask_engine import DaskOptions, read_results, run_dask
from seclens.errors import StoreError
from seclens.store import open_store
from seclens.store.sync import ingest_corpus

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
