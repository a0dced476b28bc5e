"""Engine stage (scale): the same per-document pipeline on a Dask cluster.

:func:`run_dask` splits the corpus into partitions and sends the workers only
**descriptions** of them: a Parquet file path and a row-group number. For Parquet
inputs (columns ``doc_id, text`` and optional metadata columns) the row groups are
those of the input files; for files and folders the client writes the plan (one row
per file: path, doc_id and manifest metadata, never the text) to
``out_dir/_plan/tasks.parquet``, ``partition_size`` rows per row group
(:func:`seclens.engine.tables.task_plan_table`). Each worker reads its own partition,
runs :func:`~seclens.engine.process.process_document` on it in small chunks and
streams its part of every result table to Parquet under ``out_dir/<table>/``
(written under a temporary name and renamed when complete), so
neither the task graph nor any process holds document texts beyond a chunk.
:func:`read_results` reads them back into the same DataFrames
:meth:`seclens.store.Store.table` returns.

When (and only when) every partition is written, :func:`run_dask` writes the run
metadata ``out_dir/_seclens_run.json`` (:data:`RUN_METADATA`: seclens version,
configuration, fingerprint, inputs, row counts), atomically. A reader of the folder
(:func:`read_run_metadata`; :func:`seclens.store.results.load_parquet_analysis`,
:func:`seclens.compare.corpus.read_parquet_results`) takes the counting convention
and lexicons from it and refuses a folder without it (``E613``: an interrupted run,
or one written by an older seclens).

The workers read the inputs and write the Parquet files themselves: with a remote
cluster, the inputs and ``out_dir`` must be on storage every worker and the client
can reach at the same path (NFS, a shared volume), and seclens must be installed on
every worker.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from seclens import __version__
from seclens.engine.config import EngineConfig, config_fingerprint
from seclens.engine.local import call_in_child
from seclens.engine.process import (
    DocumentResult,
    analyse_task,
    describe_pipeline,
    process_document,
)
from seclens.engine.tables import (
    EXCLUSIONS,
    META_COLUMNS,
    RESULT_SCHEMAS,
    TABLE_ORDER,
    check_fingerprint,
    exclusion_table,
    result_tables,
    row_to_document,
    task_plan_table,
    tasks_from_plan,
    write_task_plan,
)
from seclens.errors import ConfigError, SeclensError, StoreError
from seclens.types import Document, DocumentMeta, Exclusion

#: Tables written by :func:`run_dask` (one folder each).
OUTPUT_TABLES: tuple[str, ...] = (*RESULT_SCHEMAS, "exclusions")

#: File name of the run metadata :func:`run_dask` writes last, into ``out_dir``.
RUN_METADATA = "_seclens_run.json"

#: ``format`` field of the run metadata (and its version, ``format_version``).
RUN_FORMAT = "seclens-dask-output"
RUN_FORMAT_VERSION = 1

__all__ = ["OUTPUT_TABLES", "RUN_FORMAT", "RUN_METADATA", "DaskOptions", "DaskResult",
           "DaskRun", "Partition", "is_dask_output", "iter_result_documents",
           "parquet_row_document", "plan_partitions", "read_results", "read_run_metadata",
           "run_dask", "run_partition", "task_plan_table", "tasks_from_plan",
           "verify_parts"]


@dataclass(frozen=True)
class DaskOptions:
    """Options of :func:`run_dask`.

    Parameters
    ----------
    scheduler : str or None
        Address of a running scheduler (``tcp://host:8786``); ``None`` starts a
        ``LocalCluster`` for the duration of the run.
    n_workers : int
        Workers of the LocalCluster (ignored with ``scheduler``).
    partition_size : int
        Files per partition (file inputs; default 256). Each partition writes one
        Parquet part per table and is one scheduler task, so small partitions mean
        many small files and more per-task overhead; a worker's memory is bounded by
        ``chunk_size``, not by this. Parquet inputs are partitioned by their own row
        groups.
    manifest : pathlib.Path or None
        Manifest CSV for file inputs (default: ``manifest.csv`` in an input folder).
    worker_memory : str
        Memory limit of each LocalCluster worker process (Dask's ``memory_limit``:
        Dask pauses a worker at 80 % of it and restarts it at 95 %). The default
        keeps the whole LocalCluster run (client, scheduler and two workers) under
        1 GB; a worker of the default pipeline needs about 250 MB. Ignored with
        ``scheduler`` (the cluster's own limits apply).
    chunk_size : int
        Documents a worker analyses and writes at a time (bounds its memory).
    """

    scheduler: str | None = None
    n_workers: int = 2
    partition_size: int = 256
    manifest: Path | None = None
    worker_memory: str = "400MB"
    chunk_size: int = 32

    def __post_init__(self) -> None:
        for name in ("n_workers", "partition_size", "chunk_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError("E601", f"{name} must be an integer >= 1; got {value!r}")


@dataclass(frozen=True)
class Partition:
    """A unit of distributed work: one row group of a Parquet file, by reference.

    Attributes
    ----------
    index : int
        Partition number (names the output parts ``part-<index>.parquet``).
    parquet_path : str
        An input Parquet file (``kind="rows"``) or the run's task plan
        (``kind="files"``).
    row_group : int
    kind : str
        ``"rows"``: rows with ``doc_id, text`` to analyse; ``"files"``: rows of the
        task plan (files to read; see :func:`task_plan_table`).
    """

    index: int
    parquet_path: str
    row_group: int
    kind: str = "rows"


@dataclass(frozen=True)
class DaskResult:
    """Summary of a :func:`run_dask` run.

    Attributes
    ----------
    out_dir : pathlib.Path
    rows : dict[str, int]
        Rows written per table.
    excluded : tuple[Exclusion, ...]
    """

    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    excluded: tuple[Exclusion, ...] = ()


@dataclass(frozen=True)
class DaskRun:
    """The run metadata of a complete :func:`run_dask` output folder.

    Read from ``out_dir/_seclens_run.json`` by :func:`read_run_metadata`.

    Attributes
    ----------
    out_dir : pathlib.Path
    config : EngineConfig
        The configuration the results were computed with (counting convention,
        lexicons, sense rules ...).
    fingerprint : str
        :func:`~seclens.engine.config.config_fingerprint` of ``config`` and the data
        versions it resolved to on the client.
    inputs : tuple[str, ...]
        The input files and folders, resolved.
    seclens_version : str
        Version of the seclens that wrote the folder.
    rows : dict[str, int]
        Rows written per table (:data:`OUTPUT_TABLES`).
    record : dict
        The whole JSON record (also ``provenance``, ``manifest``, ``manifests``
        (path and SHA-256 of each manifest read), ``dask`` options,
        ``partitions``, ``started_at``/``finished_at`` in UTC).
    """

    out_dir: Path
    config: EngineConfig
    fingerprint: str
    inputs: tuple[str, ...]
    seclens_version: str
    rows: dict[str, int]
    record: dict[str, Any] = field(default_factory=dict, repr=False)


def parquet_row_document(row: dict[str, Any], source: str) -> Document:
    """A :class:`~seclens.types.Document` from one row of an input Parquet table.

    ``doc_id`` and ``text`` are required; columns named like
    :class:`~seclens.types.DocumentMeta` fields fill them; every other column goes to
    ``meta.extra`` as a string. ``sha256`` is the hash of the UTF-8 text.

    Raises
    ------
    IngestError
        ``E6xx``-coded :class:`StoreError` (``E609``) when ``doc_id`` or ``text`` is
        missing or empty.
    """
    doc_id = row.get("doc_id")
    text = row.get("text")
    if not doc_id or not isinstance(text, str):
        raise StoreError("E609", f"{source}: Parquet rows need non-empty doc_id and text")
    known = {c: str(row[c]) for c in META_COLUMNS if row.get(c) is not None}
    extra = {k: str(v) for k, v in row.items()
             if k not in ("doc_id", "text", *META_COLUMNS) and v is not None}
    meta = DocumentMeta(doc_id=str(doc_id), extra=extra, **known)
    return Document(meta=meta, text=text, path=source, fmt="parquet", encoding="utf-8",
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def plan_partitions(inputs: Sequence[Path], options: DaskOptions, plan_dir: Path
                    ) -> tuple[list[Partition], list[Exclusion]]:
    """Split the inputs into partitions (Parquet row groups, by reference).

    Parameters
    ----------
    inputs : sequence of pathlib.Path
        ``.parquet`` files are read as tables (one partition per row group);
        everything else is planned by :func:`seclens.engine.process.plan_tasks` (as
        :mod:`seclens.ingest` streams it; in a short-lived child process) and written
        to ``plan_dir/tasks.parquet`` with ``options.partition_size`` files per row
        group.
    options : DaskOptions
    plan_dir : pathlib.Path
        Folder of the task plan (created when there are file inputs).

    Returns
    -------
    (partitions, exclusions)
        Exclusions found while planning (duplicate ids, orphan manifest rows).
    """
    from seclens.ingest import IngestOptions

    parquet = sorted(p.resolve() for p in inputs if p.suffix == ".parquet")
    others = [p.resolve() for p in inputs if p.suffix != ".parquet"]
    parts: list[Partition] = []
    excluded: list[Exclusion] = []
    for path in parquet:
        for rg in range(pq.ParquetFile(path).num_row_groups):
            parts.append(Partition(len(parts), str(path), rg, "rows"))
    if others:
        manifest = options.manifest.resolve() if options.manifest is not None else None
        plan_dir.mkdir(parents=True, exist_ok=True)
        plan = plan_dir / "tasks.parquet"
        # Planning runs in a short-lived child process: its transient lists (about
        # 5 kB per file) do not stay in the client's heap for the rest of the run.
        excluded = call_in_child(write_task_plan, [str(p) for p in others],
                                 IngestOptions(manifest=manifest), str(plan),
                                 options.partition_size)
        n_groups = pq.ParquetFile(plan).num_row_groups
        parts.extend(Partition(len(parts) + rg, str(plan), rg, "files")
                     for rg in range(n_groups))
    return parts, excluded


class _PartWriter:
    """Streams the tables of one partition to ``<out>/<table>/part-NNNNNN.parquet``.

    Each file is written under a temporary name and renamed when the partition is
    complete, so a reader never sees part of a partition and a retried partition
    (a worker lost mid-way) replaces its own files.
    """

    def __init__(self, out_dir: str, index: int) -> None:
        self.paths: dict[str, tuple[Path, Path]] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows = dict.fromkeys(OUTPUT_TABLES, 0)
        schemas = {**RESULT_SCHEMAS, "exclusions": EXCLUSIONS}
        for name in OUTPUT_TABLES:
            folder = Path(out_dir) / name
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"part-{index:06d}.parquet"
            temp = folder / f".part-{index:06d}.parquet.{os.getpid()}.tmp"
            self.paths[name] = (temp, final)
            self.writers[name] = pq.ParquetWriter(temp, schemas[name])

    def write(self, tables: dict[str, pa.Table]) -> None:
        for name, table in tables.items():
            if table.num_rows:
                self.writers[name].write_table(table)
                self.rows[name] += table.num_rows

    def close(self, complete: bool) -> None:
        for name, writer in self.writers.items():
            writer.close()
            temp, final = self.paths[name]
            if complete:
                temp.replace(final)
            else:
                temp.unlink(missing_ok=True)


def _partition_items(part: Partition, config: EngineConfig, chunk_size: int
                     ) -> Iterator[DocumentResult | Exclusion]:
    """Worker side: read one partition in chunks and analyse its documents."""
    with pq.ParquetFile(part.parquet_path) as parquet:
        row = 0  # position in the row group (names the source of Parquet rows)
        for batch in parquet.iter_batches(batch_size=chunk_size, row_groups=[part.row_group]):
            if part.kind == "files":
                for task in tasks_from_plan(pa.Table.from_batches([batch])):
                    yield analyse_task(task, config)
                continue
            for record in batch.to_pylist():
                source = f"{part.parquet_path}#rg{part.row_group}:{row}"
                row += 1
                try:
                    yield process_document(parquet_row_document(record, source), config)
                except SeclensError as exc:
                    yield Exclusion(source, str(record.get("doc_id") or ""), exc.code,
                                    exc.message)


def run_partition(part: Partition, config: EngineConfig, out_dir: str,
                  fingerprint: str | None = None, chunk_size: int = 16) -> dict[str, Any]:
    """Analyse one partition and write its Parquet files (runs on a worker).

    The worker reads the partition itself (``chunk_size`` documents at a time) and
    streams the result tables to ``out_dir``; only this small summary goes back to
    the client.

    Returns
    -------
    dict
        ``{"rows": {table: n}, "excluded": [Exclusion, ...]}``.

    Raises
    ------
    StoreError
        ``E611`` when this worker resolves ``config`` to other data versions than
        ``fingerprint``.
    """
    check_fingerprint(config, fingerprint)
    writer = _PartWriter(out_dir, part.index)
    excluded: list[Exclusion] = []
    complete = False
    try:
        items = _partition_items(part, config, chunk_size)
        while chunk := list(islice(items, chunk_size)):
            results = [x for x in chunk if isinstance(x, DocumentResult)]
            out = [x for x in chunk if isinstance(x, Exclusion)]
            tables = result_tables(results)
            tables["exclusions"] = exclusion_table(out)
            writer.write(tables)
            excluded.extend(out)
        complete = True
    finally:
        writer.close(complete)
    return {"rows": dict(writer.rows), "excluded": excluded}


def run_dask(inputs: Sequence[Path | str], out_dir: Path | str,
             config: EngineConfig | None = None,
             options: DaskOptions | None = None) -> DaskResult:
    """Run the analysis on a Dask cluster and write partitioned Parquet results.

    Only partition descriptions (a Parquet path and a row group) travel to the
    workers, at most two per worker thread at a time; the workers read the documents
    and write the results.

    Parameters
    ----------
    inputs : sequence of path
        Files, folders, or Parquet files (``doc_id, text`` + metadata columns).
    out_dir : path
        New or empty folder; receives ``documents/``, ``sentences/``, ``matches/``,
        ``counts/``, ``annotations/``, ``exclusions/`` with one ``part-NNNNNN.parquet``
        per partition, ``_plan/tasks.parquet`` (the files analysed) and, last, when
        every partition is written, the run metadata ``_seclens_run.json``
        (:data:`RUN_METADATA`; see :func:`read_run_metadata`).
    config : EngineConfig or None
    options : DaskOptions or None

    Returns
    -------
    DaskResult

    Raises
    ------
    StoreError
        ``E608`` when ``out_dir`` exists and is not empty (results are never written
        over existing files); ``E607`` when the scheduler cannot be reached;
        ``E612`` when a partition's worker died (out of memory?) repeatedly.
    """
    from distributed import Client, LocalCluster, as_completed
    from distributed.scheduler import KilledWorker

    config = config or EngineConfig()
    options = options or DaskOptions()
    started = _utc_now()
    out = Path(out_dir).resolve()
    if out.exists() and any(out.iterdir()):
        raise StoreError("E608", f"output folder {out} is not empty; give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    parts, planned_out = plan_partitions([Path(p) for p in inputs], options, out / "_plan")
    folder = out / "exclusions"
    folder.mkdir()
    pq.write_table(exclusion_table(planned_out), folder / "part-plan.parquet")
    cluster = None
    try:
        if options.scheduler is None:
            # Task errors reach us through the futures; the cluster's own log would
            # only add heartbeat noise from workers closing after the scheduler.
            cluster = LocalCluster(n_workers=options.n_workers, threads_per_worker=1,
                                   processes=True, dashboard_address=":0",
                                   memory_limit=options.worker_memory,
                                   silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            client = Client(options.scheduler, timeout="20s")
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise StoreError("E607", f"cannot reach Dask scheduler {options.scheduler}: {exc}"
                         ) from exc
    rows = dict.fromkeys(OUTPUT_TABLES, 0)
    excluded: list[Exclusion] = list(planned_out)
    rows["exclusions"] += len(planned_out)
    try:
        provenance = describe_pipeline(config)
        fingerprint = config_fingerprint(config, provenance)
        slots = 2 * max(1, sum(client.nthreads().values()))
        todo = iter(parts)

        def submit(part: Partition) -> Any:
            return client.submit(run_partition, part, config, str(out), fingerprint,
                                 options.chunk_size, pure=False)

        running = as_completed([submit(p) for p in islice(todo, slots)])
        for future in running:
            try:
                summary = future.result()
            except KilledWorker as exc:
                raise StoreError(
                    "E612", f"a Dask worker died repeatedly on a partition ({exc}); out "
                    "of memory? Give the workers more memory (worker_memory) or smaller "
                    "partitions") from exc
            future.release()
            for name, n in summary["rows"].items():
                rows[name] += n
            excluded.extend(summary["excluded"])
            nxt = next(todo, None)
            if nxt is not None:
                running.add(submit(nxt))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    excluded.sort(key=lambda e: (e.path, e.code))
    # Last, and only after every partition was written: the run metadata that makes
    # the folder readable (an interrupted run leaves none).
    _write_json_atomic(out / RUN_METADATA, {
        "format": RUN_FORMAT, "format_version": RUN_FORMAT_VERSION,
        "seclens_version": __version__, "status": "complete", "engine": "dask",
        "config": config.as_dict(), "provenance": provenance, "fingerprint": fingerprint,
        "inputs": [str(Path(p).resolve()) for p in inputs],
        "manifest": str(options.manifest.resolve()) if options.manifest else None,
        "manifests": _manifest_records(inputs, options),
        "ignored_files": _ignored_records(inputs),
        "dask": {"scheduler": options.scheduler, "n_workers": options.n_workers,
                 "partition_size": options.partition_size,
                 "chunk_size": options.chunk_size},
        "partitions": len(parts), "rows": rows, "excluded": len(excluded),
        "started_at": started, "finished_at": _utc_now(),
    })
    return DaskResult(out, rows, tuple(excluded))


def _manifest_records(inputs: Sequence[Path | str], options: DaskOptions
                      ) -> list[dict[str, str]]:
    """The manifests the planning of the non-Parquet ``inputs`` read, with their hashes
    (:func:`seclens.store.sync.manifest_records`), for the run metadata."""
    from seclens.ingest import IngestOptions
    from seclens.store.sync import manifest_records

    others = [Path(p).resolve() for p in inputs if Path(p).suffix != ".parquet"]
    if not others:
        return []
    manifest = options.manifest.resolve() if options.manifest is not None else None
    return manifest_records(others, IngestOptions(manifest=manifest))


def _ignored_records(inputs: Sequence[Path | str]) -> list[str]:
    """The corpus documentation at the root of the folder ``inputs``
    (:func:`seclens.store.sync.ignored_records`), for the run metadata."""
    from seclens.store.sync import ignored_records

    return ignored_records([Path(p).resolve() for p in inputs if Path(p).is_dir()])


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_json_atomic(path: Path, record: dict[str, Any]) -> None:
    """Write ``record`` as JSON to ``path`` under a temporary name, then rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False, indent=2, sort_keys=True,
                      default=str)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def is_dask_output(path: Path | str) -> bool:
    """Whether ``path`` is a folder written by :func:`run_dask`, complete or not.

    True when it holds the run metadata (:data:`RUN_METADATA`), the task plan
    (``_plan/tasks.parquet``), the planning exclusions (``exclusions/part-plan.parquet``) or
    Parquet parts under ``documents/`` (complete or temporary): any trace a run
    leaves from its first step on, so an interrupted run (or one by a seclens that
    wrote no metadata) is recognised as such, never read as a folder of documents.
    """
    root = Path(path)
    if not root.is_dir():
        return False
    documents = root / "documents"
    # (the plan's file, not a bare ``_plan`` folder: a corpus may hold a folder of
    # that name; a run is killed before writing it only in its first moments)
    return ((root / RUN_METADATA).exists() or (root / "_plan" / "tasks.parquet").exists()
            or (root / "exclusions" / "part-plan.parquet").exists()
            or (documents.is_dir() and any(documents.glob("*part-*.parquet*"))))


def read_run_metadata(out_dir: Path | str) -> DaskRun:
    """The run metadata of a complete :func:`run_dask` output folder.

    Parameters
    ----------
    out_dir : path
        The ``out_dir`` of :func:`run_dask`.

    Returns
    -------
    DaskRun

    Raises
    ------
    StoreError
        ``E613`` when the folder has no run metadata (an interrupted run, or one
        written by an older seclens), or the file is not a complete run's
        metadata, or the Parquet parts do not match it (:func:`verify_parts`: a
        part missing, unknown, unreadable, or rows other than those recorded): run
        again into a new folder; ``E611`` when the lexicon or sense-rule files the
        run read are gone or changed (:func:`seclens.store.results.stored_config`).

    Notes
    -----
    Every reader of the folder (:func:`seclens.store.results.load_parquet_analysis`,
    :func:`seclens.store.source.stored_corpus` ...) goes through this function, so
    a damaged folder is refused before any result is read from it.
    """
    out = Path(out_dir)
    path = out / RUN_METADATA
    again = "run seclens ingest --engine dask again into a new folder"
    if not path.is_file():
        raise StoreError("E613", f"{out}: Dask output folder without run metadata "
                         f"({RUN_METADATA}): the run was interrupted, or written by an "
                         f"older seclens; {again}")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != RUN_FORMAT or record.get("status") != "complete":
            raise ValueError(f"format {record.get('format')!r}, status "
                             f"{record.get('status')!r}")
        config_record = dict(record["config"])
        provenance = dict(record.get("provenance") or {})
        fingerprint = str(record["fingerprint"])
        inputs = tuple(str(p) for p in record["inputs"])
        version = str(record["seclens_version"])
        rows = {str(k): int(v) for k, v in record["rows"].items()}
        missing = [t for t in OUTPUT_TABLES if t not in rows]
        if missing:
            raise ValueError(f"no row count for {', '.join(missing)}")
        partitions = int(record["partitions"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError("E613", f"{path}: not the metadata of a complete Dask run "
                         f"({exc}); {again}") from exc
    verify_parts(out, rows, partitions)
    from seclens.store.results import stored_config

    # E611 when the lexicon or sense-rule files the run read are gone or changed
    config = stored_config(config_record, provenance, f"Dask output {out}")
    return DaskRun(out, config, fingerprint, inputs, version, rows, record)


#: The part of ``exclusions/`` holding the planning exclusions (not a partition's).
_PLAN_PART = "part-plan.parquet"


def verify_parts(out_dir: Path | str, rows: dict[str, int], partitions: int) -> None:
    """Check the Parquet parts of a :func:`run_dask` folder against its run metadata.

    Reads only the Parquet footers (``pyarrow.parquet.read_metadata``). Every
    partition writes one part per table of :data:`OUTPUT_TABLES` (empty or not), so
    each table must hold a part of the same name for each of the run's
    ``partitions`` (and ``exclusions/`` also ``part-plan.parquet``, the planning
    exclusions), and its parts together exactly the rows the metadata records.
    Temporary files (``.part-*.tmp``) are not parts and are ignored.

    Parameters
    ----------
    out_dir : path
    rows : dict[str, int]
        Rows per table, as recorded (:attr:`DaskRun.rows`).
    partitions : int
        Partitions of the run (``record["partitions"]``).

    Raises
    ------
    StoreError
        ``E613`` naming the table (rows found against rows recorded; a part missing,
        or more parts than partitions) or the file (not readable as Parquet).
    """
    out = Path(out_dir)
    damaged = (f"{out}: the output folder is damaged or incomplete: run seclens ingest "
               "--engine dask again into a new folder")
    found: dict[str, set[str]] = {}
    for name in OUTPUT_TABLES:
        folder = out / name
        found[name] = ({f.name for f in folder.glob("part-*.parquet")}
                       if folder.is_dir() else set())
    every = set().union(*found.values()) - {_PLAN_PART}
    damages: list[tuple[bool, str]] = []
    for name in OUTPUT_TABLES:
        total = 0
        for part in sorted(found[name]):
            try:
                total += pq.read_metadata(out / name / part).num_rows
            except (pa.ArrowException, OSError) as exc:
                raise StoreError("E613", f"{damaged} ({out / name / part}: not a "
                                 f"readable Parquet file: {exc})") from exc
        parts = found[name] - {_PLAN_PART}
        problems = [f"{name}/ holds {total} rows, the run metadata records {rows[name]}"]
        if len(parts) != partitions:
            problems.append(f"{len(parts)} part file(s) for the run's {partitions} "
                            "partitions")
        missing = (every - parts) | ({_PLAN_PART} - found[name]
                                     if name == "exclusions" else set())
        if missing:
            problems.append(f"part file(s) missing: {_some(missing)}")
        if total != rows[name] or len(problems) > 1:
            # a table with rows or parts of its own amiss is named before one that
            # only lacks a part other tables hold
            damages.append((total == rows[name] and len(parts) == partitions,
                            "; ".join(problems)))
    if damages:
        raise StoreError("E613", f"{damaged} ({min(damages, key=lambda d: d[0])[1]})")


def _some(names: set[str], shown: int = 3) -> str:
    listed = sorted(names)
    return ", ".join(listed[:shown]) + (f" ... ({len(listed)} in all)"
                                        if len(listed) > shown else "")


def read_results(out_dir: Path | str, tables: Sequence[str] = OUTPUT_TABLES, *,
                 document_text: bool = True) -> dict[str, pd.DataFrame]:
    """Read the Parquet output of :func:`run_dask` into DataFrames.

    Parameters
    ----------
    out_dir : path
    tables : sequence of str
        The tables to read (default: all of :data:`OUTPUT_TABLES`).
    document_text : bool
        ``False`` reads ``documents`` without its ``text`` column (as
        ``Store.table("documents", exclude_columns=("text",))``): the documents'
        text is the bulk of the output; :func:`iter_result_documents` streams it.

    Returns
    -------
    dict[str, pandas.DataFrame]
        One DataFrame per table asked for, sorted like
        :meth:`seclens.store.Store.table` (``documents`` by doc_id, ``matches`` by
        doc_id, ordinal ...), index reset.

    Raises
    ------
    StoreError
        ``E606`` for a name that is no output table; ``E613`` for a part that is
        not readable Parquet (a damaged folder).
    """
    unknown = [t for t in tables if t not in OUTPUT_TABLES]
    if unknown:
        raise StoreError("E606", f"unknown table(s) {unknown}; the tables are "
                         f"{', '.join(OUTPUT_TABLES)}")
    out: dict[str, pd.DataFrame] = {}
    for name in tables:
        folder = Path(out_dir) / name
        schema = RESULT_SCHEMAS.get(name, EXCLUSIONS)
        if name == "documents" and not document_text:
            schema = schema.remove(schema.get_field_index("text"))
        files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        table = (pa.concat_tables([_read_part(f, schema) for f in files])
                 if files else schema.empty_table())
        frame = table.to_pandas()
        keys = TABLE_ORDER.get(name, ())
        if keys and len(frame):
            frame = frame.sort_values(list(keys), kind="mergesort")
        out[name] = frame.reset_index(drop=True)
    return out


def iter_result_documents(out_dir: Path | str, batch_size: int = 64) -> Iterator[Document]:
    """Stream the documents (with their text) of a :func:`run_dask` output folder.

    Reads ``documents/part-*.parquet`` in part order, ``batch_size`` rows at a time,
    so at most one batch of texts is in memory; each row becomes a
    :class:`~seclens.types.Document` as the store's ``iter_documents`` gives it
    (:func:`seclens.engine.tables.row_to_document`).

    Parameters
    ----------
    out_dir : path
    batch_size : int
        Rows read at a time.

    Yields
    ------
    seclens.types.Document

    Raises
    ------
    StoreError
        ``E613`` for a part that is not readable Parquet (a damaged folder).
    """
    folder = Path(out_dir) / "documents"
    files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    for path in files:
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise _unreadable(path, exc) from exc
        with parquet:
            batches = parquet.iter_batches(batch_size=batch_size)
            while True:
                try:
                    batch = next(batches, None)
                except (pa.ArrowException, OSError) as exc:
                    raise _unreadable(path, exc) from exc
                if batch is None:
                    break
                for row in batch.to_pylist():
                    yield row_to_document(row)


def _unreadable(path: Path, exc: Exception) -> StoreError:
    """``E613`` for a Parquet part that cannot be read."""
    return StoreError("E613", f"{path}: not a readable Parquet part ({exc}): the output "
                      "folder is damaged; run seclens ingest --engine dask again into a "
                      "new folder")


def _read_part(path: Path, schema: pa.Schema) -> pa.Table:
    """One Parquet part with ``schema``'s columns (``E613`` when unreadable)."""
    try:
        return pq.read_table(path, schema=schema, columns=schema.names)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from exc
