"""Store stage: incremental, idempotent, crash-safe ingest of a corpus into a store.

:func:`ingest_corpus` brings a store up to date with a set of input files. Files are
planned by :func:`seclens.ingest.plan_inputs`, the planning step of
:func:`seclens.ingest.iter_documents` (same discovery, manifest scoping, ``doc_id`` =
file stem, duplicate ids and orphan manifest rows as exclusions), and analysed by
:meth:`seclens.api.Pipeline.analyse`, so a store holds what ``seclens analyze``
computes:

- a file whose bytes (SHA-256), manifest metadata and analysis configuration are
  unchanged since it was stored is skipped (``unchanged``);
- a new file is analysed and added; a changed file (same doc_id, new hash, new
  metadata or a new analysis configuration) is re-analysed and its old rows are
  replaced in the same transaction;
- a stored document whose file is no longer among the inputs (or can no longer be
  read) is **marked** ``removed``: its rows are kept but leave the default views; it
  becomes ``active`` again when the file returns unchanged;
- files that cannot be read or analysed are recorded in ``exclusions`` (per run) with
  their error code.

Documents are committed in small batches (``commit_every``), each in one transaction,
so a process killed at any moment leaves a store holding every batch committed before
the kill; the next run skips those as unchanged and resumes with the rest.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens.engine.config import EngineConfig, config_fingerprint
from seclens.engine.local import ChildCall, run_local_tables, warm_pool
from seclens.engine.process import Task, describe_pipeline
from seclens.engine.tables import (
    TableBatch,
    concat_batches,
    read_task_plan_parts,
    wait_for_plan,
    write_task_plan_parts,
)
from seclens.errors import ConfigError
from seclens.ingest.readers import sha256_file
from seclens.store.store import Store, open_store
from seclens.types import DocumentMeta, Exclusion

if TYPE_CHECKING:
    from seclens.ingest import IngestOptions


@dataclass(frozen=True)
class StoreIngestOptions:
    """Options of :func:`ingest_corpus`.

    Parameters
    ----------
    workers : int
        Analysing processes, the calling process included (1: only this process;
        N > 1: a pool of N - 1 processes besides it; see
        :func:`seclens.engine.local.run_local`).
    commit_every : int
        Documents per transaction (>= 1; a transaction holds whole worker batches,
        so at least ``commit_every`` documents, fewer only at the end or when
        ``commit_mb`` is reached first). Smaller: less work lost on a kill; larger:
        cheaper writing. The results reach the writer in insert groups of at most
        ``group_docs`` documents / ``group_mb`` MB, which a
        transaction spans, so this process holds one group, not a transaction.
        Large transactions cost less: each commit writes and syncs the write-ahead
        log, and DuckDB writes a table's rows straight to the database file once a
        transaction fills a row group (2,048 rows in a store opened by
        :func:`~seclens.store.open_store`, so 2,048 documents fill one of the
        ``documents`` table) instead of logging them and writing them again at the
        next checkpoint. Writer CPU for 900 MB of text: 39.4 s at 512 documents per
        transaction, 30.4 s at 2,048 (with DuckDB's 122,880-row groups), 15.8 s at
        2,048 with 2,048-row groups (the defaults). A kill loses the open
        transaction: at most a few seconds of work.
    commit_mb : float
        A transaction also ends once its result tables (Arrow memory: documents with
        their text, sentences, matches, counts, annotations) reach this many MB, so
        that large documents do not make a transaction of ``commit_every``
        documents hold gigabytes in DuckDB's buffers (which spill to disk beyond
        the writer's ``db_memory_limit``). 256 MB is about 4,000 documents of the
        reference corpus's size.
    group_docs, group_mb : int, float
        The insert group: results reach the writer at most this many documents /
        MB of result tables at a time (capped at ``commit_every`` /
        ``commit_mb``); what the calling process holds before an insert.
    queue_mb : float
        With ``workers`` > 1, at most this many MB of result tables (Arrow memory)
        wait for the store writer (a thread of the calling process); one insert
        group is always accepted. While DuckDB checkpoints (seconds, every 512 MB
        of write-ahead log) it accepts no inserts; the queue lets the pool keep
        analysing meanwhile. Measured at 1 GB with two workers: see
        ``docs/scale.md``.
    batch_size : int
        Documents per worker round trip (capped at ``commit_every``). Larger batches
        amortise the inter-process transfer and the per-batch work of building the
        result tables (16 gave ~1.8x with 2 workers where 4 gave ~1.3x in our
        measurements; at 1 GB with two workers, 32 took a median 53.7 s of six runs
        against 55.1 s of five at 16, and 2-4 s less CPU).
    manifest : pathlib.Path or None
        Manifest CSV for all inputs; ``None``: ``manifest.csv`` at the root of each
        folder input applies to that folder (as in :mod:`seclens.ingest`).
    recursive : bool
        Descend into sub-folders.
    progress : callable or None
        Called with one line of text after each commit (``"committed: N"``).
    db_memory_limit : str
        DuckDB buffer-pool limit of the writer's connection. The writer only
        appends, so a small pool costs no speed (measured: 96 MB and 256 MB took
        the same CPU time on 100 MB of text) and keeps the writer's memory flat
        however large the corpus.
    """

    workers: int = 1
    commit_every: int = 2048
    commit_mb: float = 256.0
    queue_mb: float = 256.0
    group_docs: int = 512
    group_mb: float = 64.0
    batch_size: int = 32
    manifest: Path | None = None
    recursive: bool = True
    progress: Callable[[str], None] | None = field(default=None, compare=False)
    db_memory_limit: str = "128MB"

    def __post_init__(self) -> None:
        for name in ("workers", "commit_every", "group_docs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError("E601", f"{name} must be an integer >= 1; received {value!r}")
        for name in ("commit_mb", "queue_mb", "group_mb"):
            mb = getattr(self, name)
            if isinstance(mb, bool) or not isinstance(mb, (int, float)) or not mb > 0:
                raise ConfigError("E601", f"{name} must be a number > 0; received {mb!r}")


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did.

    Attributes
    ----------
    run_id : int
    added, changed, unchanged : tuple[str, ...]
        doc_ids analysed for the first time, re-analysed, skipped (active and
        unchanged).
    removed : tuple[str, ...]
        doc_ids marked removed (file gone or no longer readable).
    restored : tuple[str, ...]
        doc_ids marked active again (file back, unchanged; skipped, not counted in
        ``unchanged``).
    excluded : tuple[Exclusion, ...]
    """

    run_id: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    restored: tuple[str, ...]
    excluded: tuple[Exclusion, ...]

    def as_dict(self) -> dict[str, int]:
        """Counts per category (for the ``runs`` table and the CLI)."""
        return {
            "added": len(self.added), "changed": len(self.changed),
            "unchanged": len(self.unchanged), "removed": len(self.removed),
            "restored": len(self.restored), "excluded": len(self.excluded),
        }


def meta_hash(meta: DocumentMeta | None) -> str:
    """Hex SHA-256 of manifest metadata (``""`` when there is none)."""
    if meta is None:
        return ""
    return hashlib.sha256(repr(meta).encode("utf-8")).hexdigest()


def ingest_corpus(inputs: Sequence[Path | str], db: Path | str,
                  config: EngineConfig | None = None,
                  options: StoreIngestOptions | None = None) -> IngestSummary:
    """Bring the store ``db`` up to date with the files under ``inputs``.

    Parameters
    ----------
    inputs : sequence of path
        Files and folders (as for ``seclens analyze``).
    db : path
        The store (created when missing).
    config : EngineConfig or None
        Analysis configuration (default ``EngineConfig()``).
    options : StoreIngestOptions or None

    Returns
    -------
    IngestSummary

    Raises
    ------
    ConfigError
        ``E020`` when ``db`` is an input file or lies inside an input folder (the
        corpus is never written to); ``E021`` when ``db`` is a folder.
    StoreError
        ``E6xx`` when the store cannot be opened or written.
    IngestError, LexiconError
        When the inputs, a manifest or a lexicon cannot be read at all (single bad
        documents become exclusions instead).
    """
    from seclens.ingest import IngestOptions
    from seclens.outputs import check_output_path

    config = config or EngineConfig()
    options = options or StoreIngestOptions()
    roots = [Path(p).resolve() for p in inputs]
    manifest = options.manifest.resolve() if options.manifest is not None else None
    check_output_path(db, [*roots, *([manifest] if manifest else [])], option="--db")
    ingest_options = IngestOptions(manifest=manifest, recursive=options.recursive)
    with tempfile.TemporaryDirectory(prefix="seclens-plan-") as tmp:
        # The plan goes to Parquet files read back 256 files at a time: the writer's
        # memory does not grow with the number of files while the workers run. With a
        # pool, the planning itself runs in a short-lived child process, so that its
        # transient lists (about 5 kB per file) do not stay in the writer's heap, and
        # the analysis starts as soon as the child has written the first part of the
        # plan (4,096 files) instead of after the last.
        plan = str(tmp)
        paths = [str(r) for r in roots]
        with ExitStack() as stack:
            pool: ProcessPoolExecutor | None = None
            planned: Callable[[], list[Exclusion]]
            if options.workers == 1:
                planned_out = write_task_plan_parts(paths, ingest_options, plan)
                tasks = read_task_plan_parts(plan)
                planned = planned_out.copy
            else:
                # the pool starts (imports, builds its pipelines) while the child plans
                pool = stack.enter_context(warm_pool(options.workers, config))
                child = stack.enter_context(
                    ChildCall(write_task_plan_parts, paths, ingest_options, plan))
                wait_for_plan(plan, child.done)
                if child.done():
                    child.result()  # a planning error is raised before the store is opened
                tasks = read_task_plan_parts(plan, child.done)
                planned = child.result
            recorded = {"manifests": manifest_records(roots, ingest_options),
                        "ignored_files": ignored_records(roots)}
            return _run(db, roots, tasks, planned, config, options, pool, recorded)


def manifest_records(inputs: Sequence[Path | str], options: IngestOptions
                     ) -> list[dict[str, str]]:
    """``{"path", "sha256"}`` of each manifest an ingest of ``inputs`` reads.

    Recorded with the run (the store's ``runs.provenance_json``, key ``manifests``;
    the Dask engine's run metadata) so that a report from the results lists the
    manifests with their hashes, as ``seclens analyze`` does
    (:func:`seclens.ingest.manifest_files`).

    Parameters
    ----------
    inputs : sequence of path
    options : seclens.ingest.IngestOptions
    """
    from seclens.ingest import manifest_files

    return [{"path": str(p), "sha256": sha256_file(p)}
            for p in manifest_files([str(x) for x in inputs], options)]


def ignored_records(inputs: Sequence[Path | str]) -> list[str]:
    """The corpus documentation an ingest of ``inputs`` ignores (README, LICENSE ...).

    Recorded with the run (the store's ``runs.provenance_json``, key ``ignored_files``;
    the Dask engine's run metadata), so that a report from the results lists them
    under ``ignored_files`` as ``seclens analyze`` does
    (:func:`seclens.ingest.discover.discover_documentation`: only the root of each
    folder input is looked into).

    Parameters
    ----------
    inputs : sequence of path

    Returns
    -------
    list of str
        Sorted.
    """
    from seclens.ingest.discover import discover_documentation

    return [str(p) for p in discover_documentation([str(x) for x in inputs])]


def _run(db: Path | str, roots: list[Path], tasks: Iterable[Task],
         planned: Callable[[], list[Exclusion]], config: EngineConfig,
         options: StoreIngestOptions, pool: ProcessPoolExecutor | None,
         recorded: dict[str, Any]) -> IngestSummary:
    provenance = describe_pipeline(config)
    fingerprint = config_fingerprint(config, provenance)
    # One DuckDB thread: the writer only appends; the cores belong to the workers.
    with open_store(db, memory_limit=options.db_memory_limit, threads=1) as store:
        run_id = store.begin_run(
            engine="local", workers=options.workers, inputs=[str(r) for r in roots],
            config=config.as_dict(), provenance={**provenance, **recorded},
            fingerprint=fingerprint)
        return _ingest(store, run_id, roots, tasks, planned, fingerprint, config, options,
                       pool)


def _ingest(store: Store, run_id: int, roots: list[Path], tasks: Iterable[Task],
            planned: Callable[[], list[Exclusion]], fingerprint: str, config: EngineConfig,
            options: StoreIngestOptions, pool: ProcessPoolExecutor | None) -> IngestSummary:
    """Analyse and write ``tasks``; ``planned()`` gives the planning's exclusions once
    the tasks are exhausted (the plan may still be being written while they are read)."""
    states = store.document_states()
    unchanged: list[str] = []
    restored: list[str] = []
    meta_hashes: dict[str, str] = {}

    def todo() -> Iterator[Task]:
        for task in tasks:
            mhash = meta_hash(task.meta)
            old = states.get(task.doc_id)
            if old is not None and old[0] == task.path and (old[1], old[2], old[3]) == (
                    _sha256_or_none(task.path), mhash, fingerprint):
                # (a restored document is counted as restored, not also as unchanged)
                (restored if old[4] == "removed" else unchanged).append(task.doc_id)
                continue
            meta_hashes[task.doc_id] = mhash
            yield task

    added: list[str] = []
    changed: list[str] = []
    excluded: list[Exclusion] = []
    pending: list[TableBatch] = []
    pending_out: list[Exclusion] = []
    writer = _Writer(store, run_id, fingerprint, options.progress,
                     threaded=options.workers > 1, max_bytes=options.queue_mb * 1_000_000,
                     known=states.keys())

    def flush(commit: bool) -> None:
        batch = concat_batches(pending) if pending else None
        hashes = [meta_hashes.pop(d) for d in batch.doc_ids] if batch is not None else []
        writer.put(batch, hashes, list(pending_out), commit=commit)
        pending.clear()
        pending_out.clear()

    # Results go to the writer in insert groups (at most group_docs documents or
    # group_mb MB of tables: what this process holds); a transaction spans insert
    # groups until commit_every documents or commit_mb MB.
    group_docs = min(options.commit_every, options.group_docs)
    group_bytes = min(options.commit_mb, options.group_mb) * 1_000_000
    limit_bytes = options.commit_mb * 1_000_000
    waiting = waiting_bytes = 0  # in the insert group being collected
    tx_docs = tx_bytes = 0  # in the open transaction (insert groups handed over)
    batch_size = min(options.batch_size, options.commit_every)
    try:
        for batch in run_local_tables(todo(), config, options.workers, batch_size,
                                      fingerprint=fingerprint, sentence_text=False,
                                      local_ok=writer.keeping_up, pool=pool):
            excluded.extend(batch.excluded)
            pending_out.extend(batch.excluded)
            for doc_id in batch.doc_ids:
                (changed if doc_id in states else added).append(doc_id)
            pending.append(batch)
            waiting += len(batch.doc_ids)
            waiting_bytes += sum(t.nbytes for t in batch.tables.values())
            if waiting >= group_docs or waiting_bytes >= group_bytes:
                tx_docs += waiting
                tx_bytes += waiting_bytes
                commit = tx_docs >= options.commit_every or tx_bytes >= limit_bytes
                flush(commit)
                waiting = waiting_bytes = 0
                if commit:
                    tx_docs = tx_bytes = 0
        planned_out = planned()  # the planning's exclusions, or its error
        excluded[:0] = planned_out  # listed first, as in the plan
        pending_out.extend(planned_out)
        flush(True)  # the rest, and the commit of an open transaction
    finally:
        writer.close()
    store.set_status(restored, "active", run_id)
    present = set(added) | set(changed) | set(unchanged) | set(restored)
    removed = sorted(
        doc_id for doc_id, (path, _, _, _, status) in states.items()
        if status == "active" and doc_id not in present and _under(path, roots))
    store.set_status(removed, "removed", run_id)
    summary = IngestSummary(run_id, tuple(added), tuple(changed), tuple(unchanged),
                            tuple(removed), tuple(restored), tuple(excluded))
    store.finish_run(run_id, summary.as_dict())
    return summary


#: What the writer writes at a time: a batch, its metadata hashes, exclusions, and
#: whether to commit after it.
_Item = tuple[TableBatch | None, list[str], list[Exclusion], bool]


class _Writer:
    """Writes insert groups to the store, in order, committing where the ingest says.

    Each :meth:`put` carries one insert group and whether the transaction ends after
    it (a transaction spans insert groups; see :class:`StoreIngestOptions`). With
    ``threaded`` (a pool of workers), a background thread does the inserts and
    commits while the calling thread keeps the pool fed and analyses its own share:
    DuckDB releases the GIL while it inserts, commits and checkpoints. The queue
    between the two is bounded by the bytes of the Arrow tables it holds
    (``max_bytes``; one insert group is always accepted), not by a number of
    groups: a checkpoint blocks DuckDB's inserts for seconds, and with a queue of two
    the calling thread then waited in :meth:`put`, stopped feeding the pool, and the
    pool's process sat idle. :meth:`keeping_up` tells the calling thread when the
    writer is behind. The store's connection is used by one thread at a time: the
    writer thread until :meth:`close`, the caller afterwards. Without ``threaded``
    the groups are written in the calling thread (``--workers 1``: everything in
    one thread).
    """

    def __init__(self, store: Store, run_id: int, fingerprint: str,
                 progress: Callable[[str], None] | None, threaded: bool,
                 max_bytes: float = 256e6, known: Iterable[str] | None = None) -> None:
        self.store, self.run_id, self.fingerprint = store, run_id, fingerprint
        self.progress = progress
        self.known = known  # doc_ids the store held at the start (Store.write_tables)
        self.committed = 0
        self.uncommitted = 0  # documents written in the open transaction
        self._dirty = False  # anything written since the last commit
        self.error: BaseException | None = None  # stays set: nothing more is written
        self.max_bytes = max_bytes
        self.queued_bytes = 0  # held by the queue, the transaction being written included
        self.peak_queued_bytes = 0
        self._reported = False
        self._items: deque[tuple[_Item | None, int]] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="seclens-store-writer",
                                            daemon=True)
            self._thread.start()

    def put(self, batch: TableBatch | None, meta_hashes: list[str],
            exclusions: list[Exclusion], commit: bool = True) -> None:
        """Write (or queue for writing) one batch and the exclusions that came with it.

        With ``commit`` the transaction is committed after them (the earlier writes
        of an open transaction with it); without, it stays open. Blocks while the
        queue holds ``max_bytes`` or more (and at least one insert group).

        Raises
        ------
        StoreError
            The writer thread's error (``E605`` ...), raised again here.
        """
        if self._thread is None:
            self._write(batch, meta_hashes, exclusions, commit)
            return
        self._raise()
        size = sum(t.nbytes for t in batch.tables.values()) if batch is not None else 0
        with self._cond:
            while (self._items and self.error is None
                   and self.queued_bytes + size > self.max_bytes):
                self._cond.wait()
            self._items.append(((batch, meta_hashes, exclusions, commit), size))
            self.queued_bytes += size
            self.peak_queued_bytes = max(self.peak_queued_bytes, self.queued_bytes)
            self._cond.notify_all()
        self._raise()

    def keeping_up(self) -> bool:
        """False while a transaction waits behind the one being written.

        The calling process then leaves the analysis of the next batch to the pool
        (see :func:`seclens.engine.local.run_local_tables`): its core goes to the
        writer thread, which catches up (a checkpoint ends sooner) instead of
        leaving a backlog to write alone after the last batch.
        """
        return len(self._items) <= 1

    def close(self) -> None:
        """Write what is queued, stop the thread, raise its error if it had one."""
        if self._thread is not None:
            with self._cond:
                self._items.append((None, 0))
                self._cond.notify_all()
            self._thread.join()
            self._thread = None
        self._raise()

    def _raise(self) -> None:
        if self.error is not None and not self._reported:
            self._reported = True
            raise self.error

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items:
                    self._cond.wait()
                item, size = self._items[0]  # counted until written: it is still held
            if item is None:
                return
            if self.error is None:  # after an error, drain the queue without writing
                try:
                    self._write(*item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                    self.error = exc
            with self._cond:
                self._items.popleft()
                self.queued_bytes -= size
                self._cond.notify_all()

    def _write(self, batch: TableBatch | None, meta_hashes: list[str],
               exclusions: list[Exclusion], commit: bool) -> None:
        if batch is not None:
            self.store.write_tables(batch.tables, run_id=self.run_id,
                                    fingerprint=self.fingerprint, meta_hashes=meta_hashes,
                                    known=self.known, commit=False)
            self.uncommitted += len(batch.doc_ids)
            self._dirty = True
        if exclusions:
            self.store.write_exclusions(self.run_id, exclusions, commit=False)
            self._dirty = True
        if commit and self._dirty:
            self.store.commit()
            self.committed += self.uncommitted
            self.uncommitted = 0
            self._dirty = False
            if self.progress is not None:
                self.progress(f"committed: {self.committed}")


def _sha256_or_none(path: str) -> str | None:
    """The file's SHA-256, or None when it cannot be read (gone since planning ...): the
    document is then analysed again, and reading it gives its coded exclusion."""
    try:
        return sha256_file(Path(path))
    except OSError:
        return None


def _under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)
