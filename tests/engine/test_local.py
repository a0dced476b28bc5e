"""Local engine: a process pool gives the same results, in the same order, as one process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import psutil
import pytest

from seclens.engine import EngineConfig, Task, plan_tasks, run_local
from seclens.engine.process import DocumentResult, process_document
from seclens.errors import ConfigError, StoreError
from seclens.store import open_store
from seclens.store.sync import StoreIngestOptions, ingest_corpus
from seclens.types import Document, DocumentMeta, Exclusion

TABLES = ("documents", "sentences", "matches", "counts", "annotations")


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with open_store(db, read_only=True) as store:
        return {n: store.table(n) for n in TABLES}


@pytest.fixture()
def corpus(tmp_path: Path, make_corpus: Callable) -> Path:
    folder = tmp_path / "c"
    make_corpus(folder, 12, seed=3)
    (folder / "blank.txt").write_text("\n", encoding="utf-8")
    return folder


def test_two_workers_equal_one(tmp_path: Path, corpus: Path) -> None:
    config = EngineConfig(annotate=True)
    one = ingest_corpus([corpus], tmp_path / "one.duckdb", config,
                        StoreIngestOptions(workers=1))
    two = ingest_corpus([corpus], tmp_path / "two.duckdb", config,
                        StoreIngestOptions(workers=2, batch_size=2, commit_every=3))
    assert one.added == two.added and len(one.added) == 12
    assert one.excluded == two.excluded and len(one.excluded) == 1
    a, b = _tables(tmp_path / "one.duckdb"), _tables(tmp_path / "two.duckdb")
    assert len(a["annotations"]) == len(a["sentences"]) > 0
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_pool_yields_in_task_order(corpus: Path) -> None:
    tasks, _ = plan_tasks([corpus])
    config = EngineConfig()
    serial = list(run_local(tasks, config, workers=1))
    pooled = list(run_local(iter(tasks), config, workers=2, batch_size=1, max_in_flight=1))
    assert [_key(x) for x in pooled] == [t.doc_id for t in tasks]
    assert pooled == serial


def _key(item: DocumentResult | Exclusion) -> str:
    return item.doc_id


def test_missing_file_becomes_exclusion(tmp_path: Path) -> None:
    (item,) = run_local([Task(str(tmp_path / "gone.txt"), "gone")], EngineConfig())
    assert isinstance(item, Exclusion) and item.code.startswith("E1") and item.doc_id == "gone"


def test_process_document_is_pure() -> None:
    doc = Document(DocumentMeta("d", language="zh"), "维护国家安全。巩固国防。", path="d.txt")
    first = process_document(doc, EngineConfig())
    assert isinstance(first, DocumentResult)
    assert process_document(doc, EngineConfig()) == first
    assert all(doc.text[m.start:m.end] == m.matched_text for m in first.matches)


def test_process_document_is_the_orchestrator_step_plus_annotations() -> None:
    # One split per document: the engine keeps the sentences Pipeline.analyse matched
    # in, and the annotator codes exactly those.
    from seclens.api import DocumentAnalysis, Pipeline

    doc = Document(DocumentMeta("d", language="zh"),
                   "维护国家安全。\n加强网络安全和数据安全保护！巩固国防。", path="d.txt")
    config = EngineConfig(annotate=True)
    result = process_document(doc, config)
    direct = Pipeline(config.analysis_options()).analyse(doc)
    assert isinstance(result, DocumentResult) and isinstance(direct, DocumentAnalysis)
    assert (result.summary, result.sentences, result.matches, result.counts) == (
        direct.summary, direct.sentences, direct.matches, direct.counts)
    assert [a.sentence_index for a in result.annotations] == [
        s.index for s in result.sentences]


@pytest.mark.parametrize("kwargs", [{"workers": 0}, {"batch_size": 0},
                                    {"workers": 2, "max_in_flight": 0}])
def test_bad_pool_parameters(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigError) as err:
        list(run_local([Task("x.txt", "x")], EngineConfig(), **kwargs))
    assert err.value.code == "E601"


def test_two_workers_with_manifest_metadata(tmp_path: Path, make_corpus: Callable) -> None:
    # Regression: manifest metadata is read-only (MappingProxyType), which the standard
    # pickler of a process pool refuses.
    folder = tmp_path / "c"
    make_corpus(folder, 4)
    (folder / "manifest.csv").write_text(
        "id,title,level,language,note\n"
        + "".join(f"doc-{i:03d},标题{i},central,zh,n{i}\n" for i in range(4)),
        encoding="utf-8")
    one = ingest_corpus([folder], tmp_path / "one.duckdb")
    two = ingest_corpus([folder], tmp_path / "two.duckdb", options=StoreIngestOptions(workers=2))
    assert len(one.added) == len(two.added) == 4
    a, b = _tables(tmp_path / "one.duckdb"), _tables(tmp_path / "two.duckdb")
    assert a["documents"]["extra_json"].tolist()[0] == '{"note": "n0"}'
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_worker_refuses_other_data_versions(corpus: Path) -> None:
    # A worker whose lexicon/rules/annotator data differ from the run's must not write.
    from seclens.engine.local import run_local_tables
    from seclens.errors import StoreError

    tasks, _ = plan_tasks([corpus])
    with pytest.raises(StoreError) as err:
        list(run_local_tables(tasks[:2], EngineConfig(), fingerprint="0" * 64))
    assert err.value.code == "E611"


def _die(tasks: list[Task], config: EngineConfig) -> list[object]:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
    return []


def test_dead_worker_is_a_coded_error() -> None:
    import sys

    import cloudpickle

    from seclens.engine.local import _ordered_batches
    from seclens.errors import StoreError

    module = sys.modules[__name__]  # ship _die by value: workers cannot import tests
    cloudpickle.register_pickle_by_value(module)
    try:
        with pytest.raises(StoreError) as err:
            list(_ordered_batches(_die, [Task("x.txt", "x")], EngineConfig(), 2, 1, 2))
    finally:
        cloudpickle.unregister_pickle_by_value(module)
    assert err.value.code == "E612"


def test_columnar_results_give_the_same_tables(corpus: Path) -> None:
    """The result tables read the stages' columnar sequences (match, count and
    sentence tables) directly; the rows equal those read object by object."""
    import dataclasses

    from seclens.engine.tables import result_tables

    tasks, _ = plan_tasks([corpus])
    results = [r for r in run_local(tasks, EngineConfig(annotate=True), workers=1)
               if isinstance(r, DocumentResult)]
    as_tuples = [dataclasses.replace(r, sentences=tuple(r.sentences), matches=tuple(r.matches),
                                     counts=tuple(r.counts)) for r in results]
    fast, slow = result_tables(results), result_tables(as_tuples)
    assert fast["matches"].num_rows > 0 and fast["sentences"].num_rows > 0
    for name, table in fast.items():
        assert table.equals(slow[name]), name


def test_coded_error_in_a_worker_reaches_the_parent(corpus: Path) -> None:
    """Regression: a SeclensError raised in a pool worker (here E611, other data
    versions) does not unpickle by itself; it must reach the parent with its code,
    not as a dead pool (E612)."""
    from seclens.engine.local import run_local_tables
    from seclens.errors import StoreError

    tasks, _ = plan_tasks([corpus])
    with pytest.raises(StoreError) as err:
        list(run_local_tables(tasks, EngineConfig(), workers=2, fingerprint="0" * 64))
    assert err.value.code == "E611"


def test_call_in_child_raises_the_coded_error(tmp_path: Path) -> None:
    from seclens.engine.local import call_in_child
    from seclens.engine.tables import write_task_plan
    from seclens.errors import IngestError
    from seclens.ingest import IngestOptions

    with pytest.raises(IngestError) as err:
        call_in_child(write_task_plan, [str(tmp_path / "missing")], IngestOptions(),
                      str(tmp_path / "plan.parquet"))
    assert err.value.code.startswith("E1")


def test_engine_annotations_equal_annotate_document_with_metadata() -> None:
    # Regression: the engine annotated without the document's level and metadata, so the
    # store coded the audience of requests differently from analyze/annotate_document
    # (implicit local-government audience; rules.yaml document_audience).
    from seclens.annotate.corpus import annotate_document

    doc = Document(DocumentMeta("m", title="National Security Memorandum on AI",
                                level="foreign", language="en"),
                   "Sec. 2. Directives.\n(a) Assess the risks to national security posed by "
                   "frontier AI systems within 90 days.", path="m.txt")
    result = process_document(doc, EngineConfig(annotate=True))
    assert isinstance(result, DocumentResult)
    direct = annotate_document(doc)
    assert not isinstance(direct, Exclusion)
    expected = [(a.sentence_index, a.securitizing_move, a.vuori_act,
                 json.dumps(a.labels(), ensure_ascii=False, sort_keys=True))
                for a in direct.annotations]
    got = [(r.sentence_index, r.securitizing_move, r.vuori_act, r.labels_json)
           for r in result.annotations]
    assert got == expected
    # the request names no addressee: the memorandum implies the ministries
    assert json.loads(got[-1][3])["audience"] == ["ministries"]


def _pid_after(tasks: list[Task], config: EngineConfig) -> tuple[int, list[str]]:
    """Test batch function: which process analysed the batch (slow in pool workers)."""
    import multiprocessing
    import os
    import time

    if multiprocessing.parent_process() is not None:
        time.sleep(0.3)
    return os.getpid(), [t.doc_id for t in tasks]


def _by_value() -> object:
    import sys

    import cloudpickle

    module = sys.modules[__name__]  # ship the test function by value: workers cannot import tests
    cloudpickle.register_pickle_by_value(module)
    return module


def test_calling_process_is_one_of_the_workers() -> None:
    """With --workers 2 the calling process analyses batches too (a pool of one more
    process): two busy analysing processes on two cores, not two workers plus a
    busy writer. Results still come in task order."""
    import os

    import cloudpickle

    from seclens.engine.local import _ordered_batches

    tasks = [Task(f"{i}.txt", f"d{i:02d}") for i in range(12)]
    module = _by_value()
    try:
        out = list(_ordered_batches(_pid_after, tasks, EngineConfig(), 2, 1, 2))
    finally:
        cloudpickle.unregister_pickle_by_value(module)
    assert [ids for _, ids in out] == [[t.doc_id] for t in tasks]
    pids = {pid for pid, _ in out}
    assert os.getpid() in pids and len(pids) == 2


def test_calling_process_does_not_run_ahead_of_a_slow_pool() -> None:
    """Memory bound: batches the calling process analysed wait for their turn behind
    the pool's, at most ``3 * max_in_flight`` held in all; the task iterator is not
    drained."""
    import cloudpickle

    from seclens.engine.local import _ordered_batches

    pulled = 0

    def tasks() -> Iterator[Task]:
        nonlocal pulled
        for i in range(200):
            pulled += 1
            yield Task(f"{i}.txt", f"d{i:03d}")

    module = _by_value()
    limit = 2
    try:
        gen = _ordered_batches(_pid_after, tasks(), EngineConfig(), 2, 1, limit)
        first = next(gen)
        assert first[1] == ["d000"]
        # one yielded; at most 3 * limit batches held (queued, running, analysed here)
        assert pulled <= 1 + 3 * limit + 1
        gen.close()
    finally:
        cloudpickle.unregister_pickle_by_value(module)


def test_calling_process_leaves_batches_to_the_pool_when_told() -> None:
    """``local_ok`` (the store: "the writer thread is not behind") returning False
    makes the calling process wait for the pool instead of analysing; asked again
    for every batch, so it analyses once it returns True."""
    import os

    import cloudpickle

    from seclens.engine.local import _ordered_batches

    tasks = [Task(f"{i}.txt", f"d{i:02d}") for i in range(8)]
    asked = 0

    def never() -> bool:
        nonlocal asked
        asked += 1
        return False

    module = _by_value()
    try:
        out = list(_ordered_batches(_pid_after, tasks, EngineConfig(), 2, 1, 2,
                                    local_ok=never))
        again = list(_ordered_batches(_pid_after, tasks, EngineConfig(), 2, 1, 2,
                                      local_ok=lambda: True))
    finally:
        cloudpickle.unregister_pickle_by_value(module)
    assert [ids for _, ids in out] == [[t.doc_id] for t in tasks]
    assert os.getpid() not in {pid for pid, _ in out} and asked >= 1
    assert os.getpid() in {pid for pid, _ in again}


_ORPHAN = """
import time
from seclens.engine.local import call_in_child
call_in_child(time.sleep, 120)
"""


def test_workers_end_when_the_calling_process_is_killed() -> None:
    """Regression test for orphaned workers: ``kill -9`` of a process with a pool left
    its forkserver and worker (about 160 MB) running for ever; they now end within a
    few seconds of it."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    proc = subprocess.Popen([sys.executable, "-c", _ORPHAN])
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    descendants: list[psutil.Process] = []
    while time.monotonic() < deadline:  # the forkserver and the worker running sleep()
        descendants = [p for p in parent.children(recursive=True)
                       if "resource_tracker" not in " ".join(p.cmdline())]
        if len(descendants) >= 2:
            break
        time.sleep(0.2)
    assert len(descendants) >= 2, "the pool did not start"
    time.sleep(1.0)  # the worker is inside sleep(120)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    _gone, alive = psutil.wait_procs(descendants, timeout=15)
    assert not alive, f"left running after the kill: {[p.pid for p in alive]}"


def test_a_warm_pool_is_used_and_left_running(corpus: Path) -> None:
    """``warm_pool`` starts the pool (building its pipelines) before the first batch;
    ``run_local_tables(pool=)`` uses it and does not shut it down."""
    import os

    from seclens.engine.local import run_local_tables, warm_pool

    tasks, _ = plan_tasks([corpus])
    config = EngineConfig()
    alone = [b.doc_ids for b in run_local_tables(tasks, config, 1)]
    with warm_pool(2, config) as pool:
        got = [b.doc_ids for b in run_local_tables(tasks, config, 2, pool=pool)]
        assert pool.submit(os.getpid).result() != os.getpid()  # still running
    assert got == alone


def test_warm_pool_needs_two_workers() -> None:
    from seclens.engine.local import warm_pool

    with pytest.raises(ConfigError) as err:
        warm_pool(1, EngineConfig())
    assert err.value.code == "E601"


def test_plan_parts_equal_the_plan(tmp_path: Path, corpus: Path) -> None:
    from seclens.engine.tables import read_task_plan_parts, write_task_plan_parts
    from seclens.ingest import IngestOptions

    (corpus / "sub").mkdir()
    (corpus / "sub" / "blank.txt").write_text("二", encoding="utf-8")  # duplicate id: E109
    tasks, excluded = plan_tasks([corpus])
    folder = tmp_path / "plan"
    folder.mkdir()
    out = write_task_plan_parts([str(corpus)], IngestOptions(), str(folder), part_rows=5)
    assert sorted(p.name for p in folder.iterdir()) == [
        "part-000000.parquet", "part-000001.parquet", "part-000002.parquet"]  # 13 tasks
    assert out == excluded and [e.code for e in out] == ["E109"]
    assert list(read_task_plan_parts(str(folder), chunk=2)) == tasks
    # while the plan is still being written, a missing part is waited for, not an end
    done = iter([False, False, True])
    assert list(read_task_plan_parts(str(folder), lambda: next(done))) == tasks


def test_plan_parts_of_nothing_to_analyse(tmp_path: Path) -> None:
    from seclens.engine.tables import read_task_plan_parts, write_task_plan_parts
    from seclens.ingest import IngestOptions

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.xls").write_bytes(b"unsupported")
    (tmp_path / "plan").mkdir()
    out = write_task_plan_parts([str(tmp_path / "c")], IngestOptions(), str(tmp_path / "plan"))
    assert [e.code for e in out] == ["E102"] and not list((tmp_path / "plan").iterdir())
    assert list(read_task_plan_parts(str(tmp_path / "plan"), lambda: True)) == []


def test_plan_parts_read_while_a_child_writes_them(tmp_path: Path, corpus: Path) -> None:
    from seclens.engine.local import ChildCall
    from seclens.engine.tables import read_task_plan_parts, wait_for_plan, write_task_plan_parts
    from seclens.ingest import IngestOptions

    tasks, excluded = plan_tasks([corpus])
    folder = tmp_path / "plan"
    folder.mkdir()
    with ChildCall(write_task_plan_parts, [str(corpus)], IngestOptions(), str(folder),
                   1) as child:
        wait_for_plan(str(folder), child.done)
        assert (folder / "part-000000.parquet").exists() or child.done()
        assert list(read_task_plan_parts(str(folder), child.done)) == tasks
        assert child.done() and child.result() == excluded


def test_child_call_raises_the_coded_error_and_a_dead_child(tmp_path: Path) -> None:
    import os

    from seclens.engine.local import ChildCall
    from seclens.engine.tables import wait_for_plan, write_task_plan_parts
    from seclens.errors import IngestError
    from seclens.ingest import IngestOptions

    with ChildCall(write_task_plan_parts, [str(tmp_path / "missing")], IngestOptions(),
                   str(tmp_path)) as child:
        wait_for_plan(str(tmp_path), child.done)  # ends: the child ended, no part
        with pytest.raises(IngestError) as err:
            child.result()
    assert err.value.code == "E101"
    with ChildCall(os._exit, 3) as child, pytest.raises(StoreError) as died:
        child.result()
    assert died.value.code == "E612"


def test_two_worker_ingest_refuses_bad_inputs_before_the_store(tmp_path: Path) -> None:
    # Regression (streamed planning): the store is opened once the planning child has
    # validated the inputs, so a missing input or a malformed manifest creates no store
    from seclens.errors import IngestError

    db = tmp_path / "s.duckdb"
    with pytest.raises(IngestError) as err:
        ingest_corpus([tmp_path / "missing"], db, options=StoreIngestOptions(workers=2))
    assert err.value.code == "E101" and not db.exists()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "c" / "manifest.csv").write_text("id\na\na\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest_corpus([tmp_path / "c"], db, options=StoreIngestOptions(workers=2))
    assert err.value.code == "E111" and not db.exists()


def test_child_call_is_stopped_when_the_caller_fails() -> None:
    import time

    from seclens.engine.local import ChildCall

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), ChildCall(time.sleep, 60):
        raise KeyboardInterrupt
    assert time.monotonic() - start < 30  # not the child's 60 s


def test_child_call_process_ends_when_its_call_returns() -> None:
    # Regression (benchmark, 41,138 files): the planning child stayed alive, with the
    # 250 MB its planning took, until the two-worker ingest ended: peak 1,115 MiB
    import os
    import time

    from seclens.engine.local import ChildCall

    with ChildCall(os.getpid) as child:
        pid = child.result()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                gone = psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                gone = True
            if gone:
                break
            time.sleep(0.05)
        assert gone  # while the context is still open


def test_child_call_gives_back_other_exceptions() -> None:
    from seclens.engine.local import ChildCall, call_in_child

    with pytest.raises(ZeroDivisionError):
        call_in_child(divmod, 1, 0)
    with ChildCall(int, "x") as child, pytest.raises(ValueError, match="invalid literal"):
        child.result()
