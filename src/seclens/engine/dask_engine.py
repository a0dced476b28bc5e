"""Engine stage (scale): the same per-document pipeline on a Dask cluster.

:func:`run_dask` splits the corpus into partitions (groups of files, or row groups
of Parquet files with columns ``doc_id, text`` and optional metadata columns), runs
:func:`~seclens.engine.process.process_document` on the workers, and has each worker
write its partition of every result table as Parquet under ``out_dir/<table>/``.
:func:`read_results` reads them back into the same DataFrames
:meth:`seclens.store.Store.table` returns.

The workers write the Parquet files themselves: with a remote cluster, ``out_dir``
must be on storage every worker and the client can reach at the same path (NFS,
a shared volume), and seclens must be installed on every worker.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from seclens.engine.config import EngineConfig, config_fingerprint
from seclens.engine.process import (
    DocumentResult,
    Task,
    describe_pipeline,
    plan_tasks,
    process_document,
)
from seclens.engine.tables import (
    EXCLUSIONS,
    META_COLUMNS,
    RESULT_SCHEMAS,
    TABLE_ORDER,
    TableBatch,
    analyse_batch_tables,
    check_fingerprint,
    exclusion_table,
    result_tables,
)
from seclens.errors import ConfigError, SeclensError, StoreError
from seclens.types import Document, DocumentMeta, Exclusion

#: Tables written by :func:`run_dask` (one folder each).
OUTPUT_TABLES: tuple[str, ...] = (*RESULT_SCHEMAS, "exclusions")


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
        Documents (files or Parquet rows per row group piece) per partition.
    manifest : pathlib.Path or None
        Manifest CSV for file inputs (default: ``manifest.csv`` in an input folder).
    """

    scheduler: str | None = None
    n_workers: int = 2
    partition_size: int = 8
    manifest: Path | None = None

    def __post_init__(self) -> None:
        for name in ("n_workers", "partition_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError("E601", f"{name} must be an integer >= 1; got {value!r}")


@dataclass(frozen=True)
class Partition:
    """A unit of distributed work: some files, or one row group of a Parquet file."""

    index: int
    tasks: tuple[Task, ...] = ()
    parquet_path: str = ""
    row_group: int = -1


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


def plan_partitions(inputs: Sequence[Path], options: DaskOptions
                    ) -> tuple[list[Partition], list[Exclusion]]:
    """Split the inputs into partitions (Parquet row groups; groups of files).

    Parameters
    ----------
    inputs : sequence of pathlib.Path
        ``.parquet`` files are read as tables; everything else is planned by
        :func:`seclens.engine.process.plan_tasks` (as :mod:`seclens.ingest` streams it).
    options : DaskOptions

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
            parts.append(Partition(len(parts), parquet_path=str(path), row_group=rg))
    if others:
        manifest = options.manifest.resolve() if options.manifest is not None else None
        tasks, excluded = plan_tasks(others, IngestOptions(manifest=manifest))
        for i in range(0, len(tasks), options.partition_size):
            parts.append(Partition(len(parts), tasks=tuple(tasks[i:i + options.partition_size])))
    return parts, excluded


def run_partition(part: Partition, config: EngineConfig, out_dir: str,
                  fingerprint: str | None = None) -> dict[str, Any]:
    """Analyse one partition and write its Parquet files (runs on a worker).

    Returns
    -------
    dict
        ``{"rows": {table: n}, "excluded": [Exclusion, ...]}``.
    """
    check_fingerprint(config, fingerprint)
    if part.parquet_path:
        results: list[DocumentResult] = []
        excluded: list[Exclusion] = []
        table = pq.ParquetFile(part.parquet_path).read_row_group(part.row_group)
        for n, row in enumerate(table.to_pylist()):
            source = f"{part.parquet_path}#rg{part.row_group}:{n}"
            try:
                item = process_document(parquet_row_document(row, source), config)
            except SeclensError as exc:
                item = Exclusion(source, str(row.get("doc_id") or ""), exc.code, exc.message)
            (excluded if isinstance(item, Exclusion) else results).append(item)  # type: ignore[arg-type]
        batch = TableBatch(result_tables(results), tuple(excluded))
    else:
        batch = analyse_batch_tables(list(part.tasks), config)
    tables: dict[str, pa.Table] = dict(batch.tables)
    tables["exclusions"] = exclusion_table(batch.excluded)
    for name, data in tables.items():
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(data, folder / f"part-{part.index:06d}.parquet")
    return {"rows": {n: t.num_rows for n, t in tables.items()}, "excluded": list(batch.excluded)}


def run_dask(inputs: Sequence[Path | str], out_dir: Path | str,
             config: EngineConfig | None = None,
             options: DaskOptions | None = None) -> DaskResult:
    """Run the analysis on a Dask cluster and write partitioned Parquet results.

    Parameters
    ----------
    inputs : sequence of path
        Files, folders, or Parquet files (``doc_id, text`` + metadata columns).
    out_dir : path
        New or empty folder; receives ``documents/``, ``sentences/``, ``matches/``,
        ``counts/``, ``annotations/``, ``exclusions/`` with one ``part-NNNNNN.parquet``
        per partition.
    config : EngineConfig or None
    options : DaskOptions or None

    Returns
    -------
    DaskResult

    Raises
    ------
    StoreError
        ``E608`` when ``out_dir`` exists and is not empty (results are never written
        over existing files); ``E607`` when the scheduler cannot be reached.
    """
    from distributed import Client, LocalCluster, as_completed

    config = config or EngineConfig()
    options = options or DaskOptions()
    out = Path(out_dir).resolve()
    if out.exists() and any(out.iterdir()):
        raise StoreError("E608", f"output folder {out} is not empty; give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    parts, planned_out = plan_partitions([Path(p) for p in inputs], options)
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
        fingerprint = config_fingerprint(config, describe_pipeline(config))
        futures = client.map(run_partition, parts, config=config, out_dir=str(out),
                             fingerprint=fingerprint, pure=False)
        for future in as_completed(futures):
            summary = future.result()
            for name, n in summary["rows"].items():
                rows[name] += n
            excluded.extend(summary["excluded"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    excluded.sort(key=lambda e: (e.path, e.code))
    return DaskResult(out, rows, tuple(excluded))


def read_results(out_dir: Path | str) -> dict[str, pd.DataFrame]:
    """Read the Parquet output of :func:`run_dask` into DataFrames.

    Returns
    -------
    dict[str, pandas.DataFrame]
        One DataFrame per table of :data:`OUTPUT_TABLES`, sorted like
        :meth:`seclens.store.Store.table` (``documents`` by doc_id, ``matches`` by
        doc_id, start, end, entry_id ...), index reset.
    """
    out: dict[str, pd.DataFrame] = {}
    for name in OUTPUT_TABLES:
        folder = Path(out_dir) / name
        schema = RESULT_SCHEMAS.get(name, EXCLUSIONS)
        files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        table = (pa.concat_tables([pq.read_table(f, schema=schema) for f in files])
                 if files else schema.empty_table())
        frame = table.to_pandas()
        keys = TABLE_ORDER.get(name, ())
        if keys and len(frame):
            frame = frame.sort_values(list(keys), kind="mergesort")
        out[name] = frame.reset_index(drop=True)
    return out
