"""Dask engine: the same results as the single-process store, as partitioned Parquet."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
    RUN_METADATA,
    DaskOptions,
    is_dask_output,
    iter_result_documents,
    plan_partitions,
    read_results,
    read_run_metadata,
    run_dask,
    run_partition,
    task_plan_table,
    tasks_from_plan,
)
from seclens.errors import StoreError
from seclens.store import open_store
from seclens.store.results import load_parquet_analysis
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


@pytest.mark.parametrize("config", [
    EngineConfig(to_simplified=True, t2s_config="tw2sp"),
    EngineConfig(join_cjk_breaks=False)], ids=["tw2sp", "no-join"])
def test_dask_takes_the_normalisation_options(tmp_path: Path, scheduler: str,
                                              config: EngineConfig) -> None:
    """Regression: the Dask engine analyses with the run's t2s_config and
    join_cjk_breaks (as the store ingest), not with the defaults."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "tw.txt").write_text("政府將加強網路安全。\n", encoding="utf-8")
    (corpus / "cn.txt").write_text("维护国家\n安全。\n", encoding="utf-8")
    ingest_corpus([corpus], tmp_path / "s.duckdb", config)
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        expected = store.table("matches")
    run_dask([corpus], tmp_path / "out", config, DaskOptions(scheduler=scheduler))
    got = read_results(tmp_path / "out")["matches"]
    pd.testing.assert_frame_equal(got, _common(expected, got), check_dtype=False)
    terms = set(got["term"])
    if config.t2s_config == "tw2sp":
        assert "网络安全" in terms  # 網路安全 through the Taiwan phrase table
    else:
        assert "国家安全" not in terms  # the broken compound is not joined


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
    analysis = load_parquet_analysis(tmp_path / "out")  # exclusions from the parts
    assert [(e.doc_id, e.code) for e in analysis.exclusions] == [("p3", "E380")]
    assert [d.doc_id for d in analysis.documents] == ["p1", "p2"]


def test_parquet_doc_id_twice_is_e610(tmp_path: Path, scheduler: str) -> None:
    """Parquet inputs are not checked for unique doc_id values across row groups;
    reading the output for a report or comparison refuses the duplicate."""
    table = pa.table({"doc_id": ["p1", "p2", "p1"],
                      "text": ["维护国家安全。", "巩固国防。", "网络安全。"]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=2)
    run_dask([tmp_path / "in.parquet"], tmp_path / "out", EngineConfig(),
             DaskOptions(scheduler=scheduler))
    with pytest.raises(StoreError) as err:
        load_parquet_analysis(tmp_path / "out")
    assert err.value.code == "E610" and "p1" in err.value.message


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


# -- the output folder as CORPUS of compare / trend ----------------------------------

COMPARE_ARGS = ["--target", "level=central", "--reference", "level=provincial,municipal",
                "--resamples", "999"]


@pytest.fixture(scope="module")
def reference_output(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path,
                     scheduler: str) -> tuple[Path, dask_engine_module.DaskResult]:
    """The reference corpus run on the module's cluster, in four partitions."""
    out = tmp_path_factory.mktemp("dask") / "out"
    result = run_dask([corpus_dir], out, EngineConfig(),
                      DaskOptions(scheduler=scheduler, partition_size=8))
    return out, result


def test_run_metadata_records_the_run(reference_output: tuple[Path, Any],
                                      corpus_dir: Path) -> None:
    from seclens.engine import config_fingerprint, describe_pipeline

    out, result = reference_output
    record = json.loads((out / RUN_METADATA).read_text(encoding="utf-8"))
    assert record["status"] == "complete" and record["format"] == "seclens-dask-output"
    assert record["config"] == EngineConfig().as_dict()
    assert record["fingerprint"] == config_fingerprint(EngineConfig(),
                                                       describe_pipeline(EngineConfig()))
    assert record["inputs"] == [str(corpus_dir.resolve())]
    assert record["rows"] == result.rows and record["rows"]["documents"] == 28
    assert record["partitions"] == 4
    run = read_run_metadata(out)
    assert run.config == EngineConfig() and run.inputs == (str(corpus_dir.resolve()),)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_parquet_analysis_names_its_inputs(reference_output: tuple[Path, Any],
                                          corpus_dir: Path) -> None:
    out, _ = reference_output
    analysis = load_parquet_analysis(out)
    assert analysis.provenance.input_roots == (str(corpus_dir.resolve()),)
    # Regression: a report from a Dask output listed no ignored documentation (README)
    assert analysis.provenance.ignored_files == (str(corpus_dir.resolve() / "README.md"),)
    assert analysis.options.convention == "substring" and len(analysis.documents) == 28
    texts = {d.doc_id: d for d in iter_result_documents(out, batch_size=3)}
    assert len(texts) == 28
    for summary in analysis.documents:  # the text streamed back is the text analysed
        doc = texts[summary.doc_id]
        assert hashlib.sha256(doc.text.encode("utf-8")).hexdigest() == summary.sha256
        assert doc.meta == summary.meta


def _rebatched(chain: Any, batch_rows: int) -> Any:
    from seclens.store.rows import StoredTables

    t = chain.tables
    return type(chain)(StoredTables(t._snapshot, t._table, t._fields, t._doc_ids, t._lengths,
                                    t._build, batch_rows))


def test_parquet_rows_are_read_lazily_and_equal_the_folder_analysis(
        reference_output: tuple[Path, Any], corpus_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The report of a Dask output reads its matches and counts a batch of documents
    at a time from the Parquet parts (as from a store), not all into memory."""
    import seclens.store.results as results
    from seclens.api import analyze
    from seclens.store.rows import ParquetSnapshot, StoredTables

    out, _ = reference_output
    direct = analyze([corpus_dir.resolve()])  # the Dask output holds resolved paths
    loaded = load_parquet_analysis(out)
    for chain in (loaded.matches, loaded.counts):
        assert isinstance(chain.tables, StoredTables)
        assert isinstance(chain.tables._snapshot, ParquetSnapshot)
        assert not chain.tables._cache  # nothing read yet
    assert len(loaded.matches) == len(direct.matches)
    for batch_rows in (1, 40, 10**6):
        assert _rebatched(loaded.matches, batch_rows) == direct.matches, batch_rows
        assert _rebatched(loaded.counts, batch_rows) == direct.counts, batch_rows
    assert loaded.documents == direct.documents
    monkeypatch.setattr(results, "_DOCUMENT_BATCH", 5)
    assert load_parquet_analysis(out).documents == direct.documents


def test_a_batch_of_a_dask_output_reads_only_its_parts(
        reference_output: tuple[Path, Any]) -> None:
    from seclens.store.rows import ParquetSnapshot

    out, _ = reference_output
    snapshot = ParquetSnapshot.of(out)
    parts = snapshot.parts["matches"]
    assert len(parts) == 4  # the run's four partitions, each with matches
    assert [p[0] for p in parts] == sorted(
        str(f) for f in (out.resolve() / "matches").glob("part-*.parquet"))
    for path, lo, hi in parts:
        assert lo <= hi
        assert snapshot.files("matches", lo, hi) == [path]  # partitions: path ranges
    assert snapshot.files("matches") == [p[0] for p in parts]
    assert snapshot.files("matches", "~", None) == []  # after every doc_id


def test_a_dask_output_written_again_after_loading_is_e614(
        tmp_path: Path, scheduler: str, make_corpus: Callable) -> None:
    import shutil

    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 4, seed=3)
    out = tmp_path / "out"
    run_dask([corpus], out, EngineConfig(), DaskOptions(scheduler=scheduler))
    loaded = load_parquet_analysis(out)
    shutil.rmtree(out)
    paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n国家安全。\n",
                        encoding="utf-8")
    run_dask([corpus], out, EngineConfig(), DaskOptions(scheduler=scheduler))
    for read in (lambda: list(loaded.matches), lambda: loaded.counts[0]):
        with pytest.raises(StoreError) as err:
            read()
        assert err.value.code == "E614"
        assert "Dask output" in err.value.message and "written again" in err.value.message


def test_a_part_gone_after_loading_is_e613_not_a_traceback(
        reference_output: tuple[Path, Any], tmp_path: Path) -> None:

    copy = _copied(reference_output, tmp_path)
    loaded = load_parquet_analysis(copy)
    min((copy / "matches").glob("part-*.parquet")).unlink()
    with pytest.raises(StoreError) as err:
        list(loaded.matches)
    assert err.value.code == "E613" and "damaged" in err.value.message


@pytest.mark.parametrize(("command", "files"), [
    (["compare", *COMPARE_ARGS], ("documents.csv", "grouptests.csv", "exclusions.csv",
                                  "keyness_zh.csv", "compare.html")),
    (["trend", "--by", "level", "--no-moves"], ()),
    (["compare", "--by", "level", "--no-moves", "--resamples", "199"], ()),
], ids=["compare-out", "trend-by", "compare-by"])
def test_dask_output_reads_as_the_folder(reference_output: tuple[Path, Any],
                                         corpus_dir: Path, tmp_path: Path,
                                         command: list[str], files: tuple[str, ...]) -> None:
    """compare/trend print the same from the Dask output as from the corpus folder,
    and every output file of ``compare --out`` is byte-identical."""
    printed = {}
    for name, source in (("folder", corpus_dir), ("dask", reference_output[0])):
        out = tmp_path / name
        args = [command[0], str(source), *command[1:]] + (["--out", str(out)] if files else [])
        run = CliRunner().invoke(main, args)
        assert run.exit_code == 0, run.output
        printed[name] = run.output.replace(str(out), "OUT")
    assert printed["dask"] == printed["folder"]
    for file in files:
        assert (tmp_path / "dask" / file).read_bytes() == \
            (tmp_path / "folder" / file).read_bytes(), file


def _options_of_files(corpus_dir: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Arguments that only apply to files and folders (a stored analysis refuses them)."""
    extra_lexicon = tmp_path / "more.csv"
    extra_lexicon.write_text("term,lang,category,sector\n算力安全,zh,security,technological\n",
                             encoding="utf-8")
    return {"convention": ["--convention", "token"],
            "manifest": ["--manifest", str(corpus_dir / "manifest.csv")],
            "lexicon": ["--lexicon", str(extra_lexicon)],
            "another input": [str(corpus_dir)]}


@pytest.mark.parametrize("option", ["convention", "manifest", "lexicon", "another input"])
@pytest.mark.parametrize("command", [["trend"], ["compare", "--by", "level"]])
def test_dask_output_refuses_options_of_files(reference_output: tuple[Path, Any],
                                              corpus_dir: Path, tmp_path: Path,
                                              command: list[str], option: str) -> None:
    added = _options_of_files(corpus_dir, tmp_path)[option]
    run = CliRunner().invoke(main, [command[0], str(reference_output[0]), *added,
                                    *command[1:]])
    assert run.exit_code == 2  # an option error
    assert "error E001" in run.output and "Dask output folder" in run.output


def test_read_parquet_results_refuses_other_options(reference_output: tuple[Path, Any],
                                                    corpus_dir: Path) -> None:
    """The library checks as read_store does (the CLI checks first)."""
    from seclens.compare.corpus import CorpusOptions, read_parquet_results
    from seclens.errors import ConfigError

    for options in (CorpusOptions(convention="token", moves=False),
                    CorpusOptions(manifest=corpus_dir / "manifest.csv", moves=False)):
        with pytest.raises(ConfigError) as err:
            read_parquet_results(reference_output[0], options, frequencies=False)
        assert err.value.code == "E001" and "the Dask output" in err.value.message


def _copied(reference_output: tuple[Path, Any], tmp_path: Path) -> Path:
    """A copy of the module's reference Dask output, to damage or rewrite."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference_output[0], copy)
    return copy


def _copy_without_metadata(out: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / RUN_METADATA).unlink()
    return copy


@pytest.mark.parametrize("command", [["trend", "--no-moves"],
                                     ["compare", "--by", "level", "--no-moves"]])
def test_dask_output_without_metadata_is_e613(reference_output: tuple[Path, Any],
                                              tmp_path: Path, command: list[str]) -> None:
    """A Dask output folder written by an older seclens (no run metadata) is
    refused, never read as a folder of documents."""
    copy = _copy_without_metadata(reference_output[0], tmp_path)
    result = CliRunner().invoke(main, [command[0], str(copy), *command[1:]])
    assert result.exit_code == 1
    assert "error E613" in result.output and RUN_METADATA in result.output


@pytest.mark.parametrize("record", ["{not json", '{"format": "seclens-dask-output"}',
                                    '{"format": "seclens-dask-output", "status": "running"}'])
def test_broken_run_metadata_is_e613(reference_output: tuple[Path, Any], tmp_path: Path,
                                     record: str) -> None:
    copy = _copy_without_metadata(reference_output[0], tmp_path)
    (copy / RUN_METADATA).write_text(record, encoding="utf-8")
    with pytest.raises(StoreError) as err:
        load_parquet_analysis(copy)
    assert err.value.code == "E613"


def test_failed_run_writes_no_metadata(tmp_path: Path, make_corpus: Callable,
                                       scheduler: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that stops (here: the workers refuse the client's fingerprint, E611)
    leaves no run metadata, and compare/trend refuse its folder (E613)."""
    corpus = tmp_path / "c"
    make_corpus(corpus, 4)
    monkeypatch.setattr(dask_engine_module, "config_fingerprint", lambda *a: "0" * 64)
    with pytest.raises(StoreError) as err:
        run_dask([corpus], tmp_path / "out", EngineConfig(),
                 DaskOptions(scheduler=scheduler, partition_size=2))
    assert err.value.code == "E611"
    out = tmp_path / "out"
    assert is_dask_output(out) and not (out / RUN_METADATA).exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    result = CliRunner().invoke(main, ["trend", str(out), "--no-moves"])
    assert result.exit_code == 1 and "error E613" in result.output


def test_dask_report_reads_the_run_metadata(tmp_path: Path, make_corpus: Callable,
                                            scheduler: str) -> None:
    """``ingest --engine dask --report``: run.json names the inputs and the run's
    configuration (read back from the folder, not from the command line)."""
    import hashlib

    corpus = tmp_path / "c"
    paths = make_corpus(corpus, 3)
    manifest = corpus / "manifest.csv"
    manifest.write_text("id,title\n" + "".join(f"{p.stem},t\n" for p in paths),
                        encoding="utf-8")
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--engine", "dask",
                                    "--scheduler", scheduler, "--convention", "token",
                                    "--out", str(tmp_path / "out"),
                                    "--report", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    run = json.loads((tmp_path / "rep" / "run.json").read_text(encoding="utf-8"))
    assert run["input_roots"] == [str(corpus.resolve())]
    assert run["options"]["convention"] == "token"
    # the manifest is listed with its hash, as in a report from the folder
    assert [(i["path"], i["sha256"]) for i in run["inputs"] if i["role"] == "manifest"] == [
        (str(manifest.resolve()), hashlib.sha256(manifest.read_bytes()).hexdigest())]


def test_exclusions_of_a_dask_output_as_from_the_folder(tmp_path: Path,
                                                        scheduler: str) -> None:
    """Exclusions of planning (an orphan manifest row, an unsupported file) and of
    the partitions (an empty document) reach ``compare`` as from the folder."""
    corpus = tmp_path / "c"
    (corpus / "docs").mkdir(parents=True)
    rows = ["id,title,issuer,level,date,language"]
    texts = ["维护国家安全。", "加强网络安全。", "国防建设。", "安全可控。", ""]
    for i, text in enumerate(texts):
        (corpus / "docs" / f"d{i}.txt").write_text(text, encoding="utf-8")
        rows.append(f"d{i},T{i},I,{'central' if i < 2 else 'provincial'},2020-01-0{i + 1},zh")
    (corpus / "docs" / "notes.md").write_text("notes", encoding="utf-8")
    rows.append("d9,T9,I,provincial,2020-01-09,zh")
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_dask([corpus], tmp_path / "dask", EngineConfig(),
                      DaskOptions(scheduler=scheduler, partition_size=2))
    assert sorted(e.code for e in result.excluded) == ["E102", "E106", "E112"]
    args = ["--target", "level=central", "--reference", "level=provincial",
            "--resamples", "199", "--min-freq", "1"]
    files = {}
    for source in (corpus, tmp_path / "dask"):
        run = CliRunner().invoke(main, ["compare", str(source), *args,
                                        "--out", str(tmp_path / f"out-{source.name}")])
        assert run.exit_code == 0, run.output
        files[source.name] = (tmp_path / f"out-{source.name}" / "exclusions.csv").read_bytes()
    assert files["dask"] == files["c"]
    assert files["c"].count(b"\n") == 4  # header + three exclusions


@pytest.mark.parametrize(("command", "file_option"), [
    (["annotate"], "--out"),
    (["table", "--top", "2", "--group", "level=central"], "--html"),
    (["sample", "-n", "30", "--seed", "3", "--with-suggestions"], "--csv"),
], ids=["annotate", "table", "sample"])
def test_annotate_table_sample_from_a_dask_output(reference_output: tuple[Path, Any],
                                                  corpus_dir: Path, command: list[str],
                                                  file_option: str,
                                                  same_as_folder: Callable[..., None]) -> None:
    """The sentence annotator's commands read the documents' text from the Parquet
    parts, in the folder's order (a sample's draw depends on it)."""
    same_as_folder(reference_output[0], corpus_dir, command, file_option)


def test_dask_output_documents_in_the_folders_order(reference_output: tuple[Path, Any],
                                                    corpus_dir: Path) -> None:
    from seclens.ingest import iter_documents
    from seclens.store.source import stored_corpus
    from seclens.types import Document

    source = stored_corpus([reference_output[0]])
    assert source is not None and source.kind == "parquet"
    # (the Dask run records resolved paths: the corpus may be reached by a symlink)
    folder = [d for d in iter_documents([corpus_dir.resolve()]) if isinstance(d, Document)]
    assert list(source.documents()) == folder
    assert source.exclusions() == ()


def test_dask_output_documents_are_ordered_whatever_the_part_order(
        reference_output: tuple[Path, Any], tmp_path: Path) -> None:
    from seclens.store.source import _parquet_documents

    parts = sorted((reference_output[0] / "documents").glob("part-*.parquet"))
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    (tmp_path / "documents").mkdir()
    # the rows in reverse, in two parts in the other order
    backwards = table.take(list(range(table.num_rows - 1, -1, -1)))
    pq.write_table(backwards.slice(0, 10), tmp_path / "documents" / "part-000001.parquet")
    pq.write_table(backwards.slice(10), tmp_path / "documents" / "part-000000.parquet")
    got = [d.path for d in _parquet_documents(tmp_path)]
    assert got == sorted(table.column("path").to_pylist()) and len(got) == 28


def test_analyze_a_dask_output_writes_the_folders_report(
        reference_output: tuple[Path, Any], corpus_dir: Path,
        same_report_as_folder: Callable[[Path, Path], None]) -> None:
    same_report_as_folder(reference_output[0], corpus_dir)


def _part(copy: Path, table: str, position: int) -> Path:
    """The part at ``position`` (in name order) of a table of a Dask output."""
    return sorted((copy / table).glob("part-*.parquet"))[position]


def _delete_part(table: str, position: int) -> Callable[[Path], tuple[str, ...]]:
    def damage(copy: Path) -> tuple[str, ...]:
        part = _part(copy, table, position)
        part.unlink()
        return f"{table}/ holds", f"missing: {part.name}"
    return damage


def _empty_documents(copy: Path) -> tuple[str, ...]:
    for part in (copy / "documents").iterdir():
        part.unlink()
    return "documents/ holds 0 rows", "metadata records 28"


def _garbage_part(copy: Path) -> tuple[str, ...]:
    part = _part(copy, "documents", 1)
    part.write_bytes(b"garbage\n")
    return str(part), "not a readable"


def _fewer_matches(copy: Path) -> tuple[str, ...]:
    """A part replaced by valid Parquet with fewer rows (same files, fewer rows)."""
    part = _part(copy, "matches", 2)
    table = pq.read_table(part)
    pq.write_table(table.slice(0, table.num_rows // 2), part)
    return ("matches/ holds",)


def _unknown_part(copy: Path) -> tuple[str, ...]:
    empty = pq.read_table(_part(copy, "annotations", 0)).slice(0, 0)
    pq.write_table(empty, copy / "annotations" / "part-000099.parquet")
    return "annotations/ holds", "5 part file(s) for the run's 4 partitions"


#: Damages of a Dask output folder; each returns what the E613 message must name.
DAMAGES: dict[str, Callable[[Path], tuple[str, ...]]] = {
    "documents-part-deleted": _delete_part("documents", 1),
    "matches-part-deleted": _delete_part("matches", 2),
    "counts-part-deleted": _delete_part("counts", 0),
    "documents-emptied": _empty_documents,
    "garbage-part": _garbage_part,
    "matches-part-truncated": _fewer_matches,
    "unknown-part": _unknown_part,
}


@pytest.fixture
def damaged_output(reference_output: tuple[Path, Any], tmp_path: Path,
                   request: pytest.FixtureRequest) -> tuple[Path, tuple[str, ...]]:
    """A copy of the reference output, damaged as the test's ``damage`` says."""

    copy = _copied(reference_output, tmp_path)
    return copy, DAMAGES[request.param](copy)


@pytest.mark.parametrize("damaged_output", list(DAMAGES), indirect=True)
def test_damaged_dask_output_is_e613(damaged_output: tuple[Path, tuple[str, ...]],
                                     reference_output: tuple[Path, Any]) -> None:
    """Regression (tester): a part deleted, emptied, truncated, unknown or not
    Parquet was read silently (24 of 28 documents, fewer matches ...) or gave a
    traceback; the run metadata's row counts are checked against the parts' footers."""
    copy, names = damaged_output
    with pytest.raises(StoreError) as err:
        read_run_metadata(copy)
    assert err.value.code == "E613" and "damaged or incomplete" in err.value.message
    for name in names:
        assert name in err.value.message
    if "holds" in names[0]:  # the rows found against the rows recorded
        table = names[0].split("/")[0]
        recorded = read_run_metadata(reference_output[0]).rows[table]
        assert f"the run metadata records {recorded}" in err.value.message
    with pytest.raises(StoreError) as err:
        load_parquet_analysis(copy)
    assert err.value.code == "E613"


@pytest.mark.parametrize("damaged_output", ["documents-part-deleted",
                                            "matches-part-deleted", "counts-part-deleted",
                                            "documents-emptied", "garbage-part"],
                         indirect=True)
@pytest.mark.parametrize("command", [["analyze", "--out", "REPORT"], ["annotate"],
                                     ["compare", "--by", "level", "--no-moves"]],
                         ids=["analyze", "annotate", "compare"])
def test_cli_refuses_a_damaged_dask_output(damaged_output: tuple[Path, tuple[str, ...]],
                                           tmp_path: Path, command: list[str]) -> None:
    copy, _ = damaged_output
    args = [str(tmp_path / "report") if a == "REPORT" else a for a in command[1:]]
    result = CliRunner().invoke(main, [command[0], str(copy), *args])
    assert result.exit_code not in (0, None), result.output
    assert "E613" in result.output and "damaged" in result.output
    assert isinstance(result.exception, SystemExit)  # a coded error, no traceback
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists()


def test_unreadable_parts_are_e613_when_read(reference_output: tuple[Path, Any],
                                            tmp_path: Path) -> None:
    """Defence in depth: the readers themselves (which do not check the metadata)
    turn a part that is not Parquet into E613, never a pyarrow/DuckDB traceback."""

    from seclens.store.source import _parquet_documents

    copy = _copied(reference_output, tmp_path)
    _garbage_part(copy)
    readers: list[Callable[[], object]] = [
        lambda: read_results(copy, ("documents",)),
        lambda: list(iter_result_documents(copy)),
        lambda: list(_parquet_documents(copy)),
    ]
    for read in readers:
        with pytest.raises(StoreError) as err:
            read()
        assert err.value.code == "E613" and "part" in err.value.message


def test_regression_documents_of_a_dask_output_are_not_sorted_with_their_text(
        reference_output: tuple[Path, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: ``compare``/``trend``/``annotate`` of a Dask output of 6,028
    documents (150 MB) failed with DuckDB's OutOfMemoryException: the documents were
    sorted by path with their text, in a connection limited to 256 MB. They are now
    read in batches of bounded text size, in path order. Here: texts made 10 times
    longer (about 7 MB in all) and a read connection of 8 MB, in which sorting the
    rows with their text does not fit."""

    import duckdb
    import pyarrow.compute as pc

    import seclens.store.rows as rows
    import seclens.store.source as source
    from seclens.store.source import _parquet_documents

    copy = _copied(reference_output, tmp_path)
    parts = sorted((copy / "documents").glob("part-*.parquet"))
    for part in parts:  # a row group per document, as a worker writes small chunks
        table = pq.read_table(part)
        longer = pa.array([t * 10 for t in table.column("text").to_pylist()], pa.string())
        table = table.set_column(table.schema.get_field_index("text"), "text", longer)
        chars = pc.multiply(table.column("chars"), 10).cast(table.schema.field("chars").type)
        table = table.set_column(table.schema.get_field_index("chars"), "chars", chars)
        pq.write_table(table, part, row_group_size=1)
    total = sum(pq.read_table(p, columns=["text"]).nbytes for p in parts)
    assert total > 5_000_000
    con = duckdb.connect()
    con.execute("SET memory_limit = '8MB'")
    with pytest.raises(duckdb.OutOfMemoryException):  # what the old reader did
        con.sql("SELECT * FROM read_parquet($1) ORDER BY path, doc_id",
                params=[[str(p) for p in parts]]).fetchall()
    monkeypatch.setattr(rows, "READ_MEMORY", "8MB")
    monkeypatch.setattr(source, "_BATCH_CHARS", 300_000)
    expected = sorted((d for d in iter_result_documents(reference_output[0])),
                      key=lambda d: (d.path, d.doc_id))
    got = list(_parquet_documents(copy))
    assert [d.doc_id for d in got] == [d.doc_id for d in expected]
    assert [d.text for d in got] == [d.text * 10 for d in expected]


def _with_text(part: Path, row: int, text: str) -> None:
    """Rewrite row ``row`` of a documents part with ``text`` (and its ``chars``)."""
    table = pq.read_table(part)
    texts = table.column("text").to_pylist()
    chars = table.column("chars").to_pylist()
    texts[row], chars[row] = text, len(text)
    table = table.set_column(table.schema.get_field_index("text"), "text",
                             pa.array(texts, pa.string()))
    table = table.set_column(table.schema.get_field_index("chars"), "chars",
                             pa.array(chars, table.schema.field("chars").type))
    pq.write_table(table, part)


def test_regression_a_long_document_of_a_dask_output_is_read(
        reference_output: tuple[Path, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (tester): a document of 16 million characters (48 MB) made compare,
    trend and annotate of its Dask output fail with DuckDB's OutOfMemoryException:
    read alone, it did not fit in the 64 MB read connection. The texts are read by
    pyarrow now, in the memory of their rows. Here a 12-million-character document
    under a read connection of 8 MB."""

    import seclens.store.rows as rows
    from seclens.store.source import _parquet_documents

    copy = _copied(reference_output, tmp_path)
    part = sorted((copy / "documents").glob("part-*.parquet"))[1]
    long_text = "维护国家安全，促进发展。" * 1_000_000
    _with_text(part, 0, long_text)
    long_id = pq.read_table(part, columns=["doc_id"]).column("doc_id")[0].as_py()
    monkeypatch.setattr(rows, "READ_MEMORY", "8MB")
    got = {d.doc_id: d.text for d in _parquet_documents(copy)}
    assert len(got) == 28 and got[long_id] == long_text


def test_a_part_of_another_schema_after_loading_is_e613(
        reference_output: tuple[Path, Any], tmp_path: Path) -> None:
    """Regression (tester): a part replaced after loading by valid Parquet of another
    schema (doc_id as integers, a column dropped) gave DuckDB's ConversionException or
    BinderException with a traceback."""

    from seclens.store.source import _parquet_documents

    copy = _copied(reference_output, tmp_path)
    loaded = load_parquet_analysis(copy)
    documents = _parquet_documents(copy)
    part = sorted((copy / "matches").glob("part-*.parquet"))[0]
    table = pq.read_table(part)
    pq.write_table(table.drop_columns(["term"]), part)
    with pytest.raises(StoreError) as err:
        list(loaded.matches)
    assert err.value.code == "E613" and "BinderException" in err.value.message
    part = sorted((copy / "documents").glob("part-*.parquet"))[0]
    table = pq.read_table(part)
    ids = pa.array(range(table.num_rows), pa.int64())
    pq.write_table(table.set_column(table.schema.get_field_index("doc_id"), "doc_id", ids),
                   part)
    with pytest.raises(StoreError) as err:
        list(documents)
    assert err.value.code == "E613"


def test_a_document_gone_from_its_part_while_read_is_e614(
        reference_output: tuple[Path, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (tester): a documents part overwritten (with another part's rows)
    while the texts were streamed made its documents disappear without an error."""
    import shutil

    import seclens.store.source as source

    copy = _copied(reference_output, tmp_path)
    monkeypatch.setattr(source, "_BATCH", 2)
    documents = source._parquet_documents(copy)
    next(documents)
    parts = sorted((copy / "documents").glob("part-*.parquet"))
    shutil.copy(parts[0], parts[-1])
    with pytest.raises(StoreError) as err:
        list(documents)
    assert err.value.code == "E614" and "no longer in its parts" in err.value.message


def test_documents_of_a_doc_id_twice_keep_their_places(tmp_path: Path, scheduler: str) -> None:
    """Regression (tester): the rows of a doc_id given twice (Parquet input) came out
    together; each keeps its own place in the path order, as before."""
    from seclens.store.source import _parquet_documents

    table = pa.table({"doc_id": ["p1", "p2", "p1"],
                      "text": ["维护国家安全。", "巩固国防。", "网络安全。"]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=2)
    run_dask([tmp_path / "in.parquet"], tmp_path / "out", EngineConfig(),
             DaskOptions(scheduler=scheduler))
    got = [(d.doc_id, d.path, d.text) for d in _parquet_documents(tmp_path / "out")]
    assert [g[1] for g in got] == sorted(g[1] for g in got) and len(got) == 3
    assert sorted(g[2] for g in got) == sorted(table.column("text").to_pylist())


def test_compare_refuses_a_dask_output_written_again_while_read(
        tmp_path: Path, scheduler: str, make_corpus: Callable,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (tester): the texts were streamed from whatever the folder held
    then, so a table of one run could meet the word frequencies of another."""
    import shutil

    import seclens.compare.corpus as corpus_module
    from seclens.compare.corpus import read_parquet_results

    corpus = tmp_path / "c"
    make_corpus(corpus, 4, seed=3)
    out = tmp_path / "out"
    run_dask([corpus], out, EngineConfig(), DaskOptions(scheduler=scheduler))
    table_of = corpus_module.document_table_from

    def then_written_again(*args: Any, **kwargs: Any) -> Any:
        made = table_of(*args, **kwargs)
        shutil.rmtree(out)
        run_dask([corpus], out, EngineConfig(), DaskOptions(scheduler=scheduler))
        return made

    monkeypatch.setattr(corpus_module, "document_table_from", then_written_again)
    with pytest.raises(StoreError) as err:
        read_parquet_results(out)
    assert err.value.code == "E614"


def test_a_batch_beyond_the_read_memory_is_read_again_with_more_then_e615(
        reference_output: tuple[Path, Any], corpus_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of rows (whole documents: a document of very many matches is read alone)
    whose query needs more than the read connection's memory runs once more with
    RETRY_MEMORY, and the limit is put back; beyond that it is E615, not DuckDB's
    OutOfMemoryException."""
    import seclens.store.rows as rows
    from seclens.api import analyze

    loaded = load_parquet_analysis(reference_output[0])
    snapshot = loaded.matches.tables._snapshot

    def limit() -> str:
        with snapshot.reading() as reader:
            return str(reader.con.execute(
                "SELECT current_setting('memory_limit')").fetchall()[0][0])

    with snapshot.reading() as reader:  # the database of the reads: starved
        reader.con.execute("SET memory_limit = '1MB'")
    starved = limit()
    assert list(loaded.matches) == list(analyze([corpus_dir]).matches)
    assert limit() == starved  # put back after the retry
    monkeypatch.setattr(rows, "RETRY_MEMORY", "1MB")
    again = load_parquet_analysis(reference_output[0])
    with again.matches.tables._snapshot.reading() as reader:
        reader.con.execute("SET memory_limit = '1MB'")
    with pytest.raises(StoreError) as err:
        list(again.matches)
    assert err.value.code == "E615" and "out of memory" in err.value.message


def test_a_dask_output_whose_lexicon_changed_or_went_is_e611(tmp_path: Path, scheduler: str,
                                                            make_corpus: Callable) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 3)
    lexicon = tmp_path / "extra.csv"
    head = "# lexicon_id: my.lexicon\n# version: 1\nid,term,lang,category,sector,source\n"
    lexicon.write_text(head + "u.1,算力安全,zh,sector,technological,My study\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    run_dask([corpus], out, EngineConfig(lexicon_paths=(str(lexicon),)),
             DaskOptions(scheduler=scheduler))
    assert read_run_metadata(out).config.lexicon_paths == (str(lexicon),)
    lexicon.write_text(head + "u.1,算力安全,zh,sector,technological,My study\n"
                       "u.2,数据主权,zh,sector,cyber,My study\n", encoding="utf-8")
    with pytest.raises(StoreError) as err:
        read_run_metadata(out)
    assert err.value.code == "E611" and "changed" in str(err.value)
    lexicon.unlink()
    with pytest.raises(StoreError) as err:
        load_parquet_analysis(out)
    assert err.value.code == "E611" and str(lexicon) in str(err.value)
