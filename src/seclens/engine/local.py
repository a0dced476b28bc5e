"""Engine stage (scale): single-process and local process-pool execution.

:func:`run_local` analyses a stream of :class:`~seclens.engine.process.Task` with
:func:`~seclens.engine.process.analyse_task` and yields the results **in task order**,
whatever the number of workers; :func:`run_local_tables` does the same but has each
worker also convert its batch into Arrow result tables (so the parent, which writes
the store, does little more than insert). With ``workers = N`` the calling process
is one of the N: a pool of N - 1 processes analyses batches while the calling process
analyses further batches itself whenever the oldest one is not back yet (and writes
the results in between). Memory is bounded: the pool holds ``max_in_flight`` batches
of ``batch_size`` documents queued or running, at most ``3 * max_in_flight`` batches
are held in all (queued, running, or finished and waiting for their turn in task
order), and the task iterable is consumed lazily.

Worker processes are started with ``forkserver`` (``spawn`` where unavailable), never
``fork``: the parent holds a DuckDB connection.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, Generic, TypeVar

import cloudpickle
import psutil

from seclens.engine.config import EngineConfig
from seclens.engine.process import DocumentResult, Task, analyse_batch, build_pipeline
from seclens.engine.spool import read_spool, write_spool
from seclens.engine.tables import TableBatch, analyse_batch_tables
from seclens.errors import ConfigError, SeclensError, StoreError
from seclens.types import Exclusion

R = TypeVar("R")


def _call_pickled(payload: bytes) -> bytes:
    """Worker side: unpickle ``(function, args)``, call it, pickle the outcome.

    Arguments and results cross the process boundary as cloudpickle bytes because
    stage objects may hold ``types.MappingProxyType`` (read-only manifest metadata),
    which the standard pickler refuses; cloudpickle round-trips it unchanged. A coded
    :class:`~seclens.errors.SeclensError` comes back as ``(class, code, message)``
    (its constructor takes two arguments, so the exception itself does not unpickle)
    and is raised again in the parent by :func:`_unwrap`.
    """
    fn, args = pickle.loads(payload)
    try:
        return bytes(cloudpickle.dumps((True, fn(*args))))
    except SeclensError as exc:
        return bytes(cloudpickle.dumps((False, (type(exc), exc.code, exc.message))))


def _call_spooled(payload: bytes, spool: str) -> str:
    """Worker side: as :func:`_call_pickled`, the outcome written to a spool file.

    Returns the file's path (:func:`seclens.engine.spool.write_spool`). Results of a
    batch are megabytes (the documents' text, sentences, KWIC rows); sent back through
    the pool's pipe (64 kB at a time) they are read by the parent's result thread,
    which needs the GIL for every chunk while the parent's main thread analyses or
    writes: the worker then waits on a full pipe. Measured at 150 MB with two
    workers, the parent waited 7 s on results the worker could not hand over. A spool
    file is written at memory speed, and the parent maps it instead of reading and
    unpickling a copy (:func:`_read_spooled`).
    """
    fn, args = pickle.loads(payload)
    try:
        outcome: tuple[bool, Any] = (True, fn(*args))
    except SeclensError as exc:
        outcome = (False, (type(exc), exc.code, exc.message))
    return write_spool(outcome, spool)


def _read_spooled(path: str) -> Any:
    """Parent side: the value of a spooled outcome (the file is removed), or the
    worker's coded error raised again."""
    return _unwrap_outcome(read_spool(path))


def _unwrap(payload: bytes) -> Any:
    return _unwrap_outcome(pickle.loads(payload))


def _unwrap_outcome(outcome: tuple[bool, Any]) -> Any:
    ok, value = outcome
    if not ok:
        cls, code, message = value
        raise cls(code, message)
    return value


def call_in_child(fn: Callable[..., R], *args: Any) -> R:
    """``fn(*args)`` in a short-lived child process (``forkserver``), its result back.

    For one-off work whose memory should not stay with the calling process: CPython
    keeps most of the heap a large transient list of objects took (planning 41,000
    files left the process ~200 MB larger), a child's memory goes back to the
    system when it ends. :class:`ChildCall` is the same without waiting.

    Raises
    ------
    SeclensError, StoreError, Exception
        As :meth:`ChildCall.result`: ``fn``'s coded error, ``E612`` when the child
        died, any other exception ``fn`` raised.
    """
    with ChildCall(fn, *args) as call:
        return call.result()


class ChildCall(Generic[R]):
    """``fn(*args)`` started in a short-lived child process; the caller goes on meanwhile.

    As :func:`call_in_child`, which waits; use it as a context manager (leaving it
    waits for the call to end, or stops the child when the caller failed). The child
    is a process of its own (``forkserver``), not a pool worker: it ends, and its
    memory goes back to the system, as soon as the call has returned (a pool keeps
    its worker, or starts a new one, until it is shut down; a planning child of
    41,000 files holds 250 MB, which a two-worker ingest's peak then counted). The
    store ingest with several workers plans the files this way while the pool warms
    up and the first planned files are analysed
    (:func:`seclens.engine.tables.write_task_plan_parts`). Like a pool worker, the
    child ends when the calling process ends (:func:`_exit_with_parent`).

    Parameters
    ----------
    fn : callable
        Picklable by cloudpickle, as its arguments.
    *args
    """

    def __init__(self, fn: Callable[..., R], *args: Any) -> None:
        context = _context()
        me = psutil.Process()
        self._conn, sender = context.Pipe(duplex=False)
        self._process = context.Process(  # type: ignore[attr-defined]
            target=_child_main, name="seclens-child", daemon=True,
            args=(cloudpickle.dumps((fn, args)), sender, me.pid, me.create_time()))
        self._process.start()
        sender.close()  # the child holds the write end: its end is our end of file
        self._payload: bytes | None = None

    def done(self) -> bool:
        """True once the child has ended its call (returned, raised, or died)."""
        return (self._payload is not None or self._conn.poll()
                or not self._process.is_alive())

    def result(self) -> R:
        """What ``fn`` returned (waits for it).

        Raises
        ------
        SeclensError
            The coded error ``fn`` raised, with its class, code and message.
        StoreError
            ``E612`` when the child process died.
        Exception
            Any other exception ``fn`` raised, as in the child (or a ``RuntimeError``
            with its traceback when it cannot be sent back).
        """
        if self._payload is None:
            try:
                self._payload = self._conn.recv_bytes()
            except EOFError as exc:
                self._process.join()
                raise StoreError("E612", "a helper process died (killed, or out of "
                                 f"memory?; exit code {self._process.exitcode})") from exc
            self._process.join()
        kind, value = pickle.loads(self._payload)
        if kind == "raised":
            raise value
        result: R = _unwrap(value)
        return result

    def __enter__(self) -> ChildCall[R]:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is not None and self._process.is_alive():
            # the caller failed (or was interrupted) while the child still works: stop
            # it instead of waiting for a planning of millions of files to end
            self._process.terminate()
        elif self._payload is None and self._process.is_alive():
            try:
                self._payload = self._conn.recv_bytes()  # lets a child blocked on a full pipe end
            except EOFError:
                pass
        self._process.join()
        self._conn.close()


def _child_main(payload: bytes, conn: Any, parent: int, created: float) -> None:
    """A :class:`ChildCall`'s process: run the call, send its outcome, end."""
    _exit_with_parent(parent, created)
    try:
        outcome: tuple[str, Any] = ("returned", _call_pickled(payload))
    except BaseException as exc:  # noqa: BLE001 - sent to the caller, raised there
        import traceback

        try:
            outcome = ("raised", exc)
            sent = bytes(cloudpickle.dumps(outcome))
            pickle.loads(sent)  # an exception that does not unpickle is sent as text
        except Exception:  # noqa: BLE001
            outcome = ("raised", RuntimeError(
                f"{type(exc).__name__} in a helper process:\n{traceback.format_exc()}"))
    conn.send_bytes(bytes(cloudpickle.dumps(outcome)))
    conn.close()


def _exit_with_parent(parent: int, created: float, interval: float = 1.0) -> None:
    """Pool-worker initializer: end this worker when the process that started it ends.

    A worker of a :class:`~concurrent.futures.ProcessPoolExecutor` whose parent was
    killed (``kill -9``, the out-of-memory killer) otherwise waits on its task queue
    for ever (it holds that queue's write end itself), and keeps its ``forkserver``
    alive too (each child holds the forkserver's liveness pipe): every killed
    two-worker ingest left a forkserver and a worker of about 160 MB behind. A
    daemon thread checks every ``interval`` seconds that the parent (``parent``, with
    the creation time ``created``, so a reused process id is not taken for it) still
    runs, and ends the worker with ``os._exit`` when it does not; the forkserver then
    sees its pipe close and exits as well.
    """
    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                proc = psutil.Process(parent)
                if proc.create_time() != created or proc.status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
        os._exit(1)

    threading.Thread(target=watch, name="seclens-parent-watch", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    """A process pool (``forkserver``) whose workers end when this process ends."""
    me = psutil.Process()
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_exit_with_parent,
                               initargs=(me.pid, me.create_time()))


def _warm(config: EngineConfig) -> None:
    build_pipeline(config)  # memoised per process: the worker's first batch reuses it


def warm_pool(workers: int, config: EngineConfig) -> ProcessPoolExecutor:
    """Start the pool of a ``workers``-process run now, each worker building its pipeline.

    For callers with serial work to do before the first batch (the store ingest
    plans the files first): the pool's processes start, import seclens and build
    the pipeline for ``config`` meanwhile, on a core that would otherwise idle,
    instead of after it while the calling process analyses alone. Pass the pool to
    :func:`run_local_tables` (``pool=``); the caller shuts it down (``with``).

    Parameters
    ----------
    workers : int
        Analysing processes in all, the calling process included (>= 2: the pool
        has ``workers - 1``).
    config : EngineConfig

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor

    Raises
    ------
    ConfigError
        ``E601`` for ``workers`` < 2.
    """
    if workers < 2:
        raise ConfigError("E601", f"a pool needs workers >= 2; received {workers}")
    pool = _pool(workers - 1)
    for _ in range(workers - 1):
        pool.submit(_warm, config)  # an error here is raised again by the first batch
    return pool


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _check(workers: int, batch_size: int, max_in_flight: int | None) -> int:
    for name, value in (("workers", workers), ("batch_size", batch_size)):
        if value < 1:
            raise ConfigError("E601", f"{name} must be >= 1; received {value}")
    limit = max_in_flight if max_in_flight is not None else 2 * workers
    if limit < 1:
        raise ConfigError("E601", f"max_in_flight must be >= 1; received {limit}")
    return limit


@dataclass(frozen=True)
class _Local(Generic[R]):
    """A batch the calling process analysed itself, waiting for its turn."""

    value: R


def _ordered_batches(fn: Callable[[list[Task], EngineConfig], R], tasks: Iterable[Task],
                     config: EngineConfig, workers: int, batch_size: int,
                     limit: int, local_ok: Callable[[], bool] | None = None,
                     pool: ProcessPoolExecutor | None = None) -> Iterator[R]:
    """``fn`` over batches of ``tasks`` in ``workers`` processes, results in task order.

    The calling process is one of the ``workers``: a pool of ``workers - 1`` processes
    is kept fed with ``limit`` batches queued or running, and when the oldest batch
    is not back yet the calling process analyses the next batch itself instead of
    waiting, as long as its share of the analysis leaves time for the consumer's work
    (see :class:`_Share`); at most ``3 * limit`` batches are held at once (submitted,
    analysed here, or finished and waiting for their turn). ``workers`` processes thus
    analyse on ``workers`` cores; the consumer's own work (the store writer's inserts)
    happens in between, in the calling process (the store writer: in a thread of
    it). A separate writer next to ``workers`` pool processes made three busy
    processes share two cores. ``local_ok`` (when given) is asked before each batch
    the calling process would analyse itself; ``False`` makes it wait for the pool
    instead, leaving its core to a consumer thread that has fallen behind. With
    ``pool`` (of ``workers - 1`` processes, e.g. from :func:`warm_pool`) that pool
    is used and left running; otherwise one is started and shut down here.
    """
    iterator = iter(tasks)
    if workers == 1:
        while batch := list(islice(iterator, batch_size)):
            yield fn(batch, config)
        return
    pending: deque[Future[str] | _Local[R]] = deque()
    cap = 3 * limit  # batches held: `limit` in the pool, the rest analysed and waiting
    share = _Share(workers)
    exhausted = False
    with (tempfile.TemporaryDirectory(prefix="seclens-spool-") as spool,
          (nullcontext(pool) if pool is not None else _pool(workers - 1)) as pool):
        while True:
            # keep `limit` batches queued or running in the pool (finished ones waiting
            # behind the calling process's own batches do not count: the pool never
            # idles while this process analyses or writes)
            busy = sum(1 for p in pending if isinstance(p, Future) and not p.done())
            while not exhausted and busy < limit and len(pending) < cap:
                batch = list(islice(iterator, batch_size))
                if not batch:
                    exhausted = True
                    break
                pending.append(pool.submit(_call_spooled,
                                           cloudpickle.dumps((fn, (batch, config))), spool))
                share.taken += 1
                busy += 1
            if not pending:
                return
            head = pending[0]
            if (not exhausted and len(pending) < cap and isinstance(head, Future)
                    and not head.done() and share.may_analyse()
                    and (local_ok is None or local_ok())):
                batch = list(islice(iterator, batch_size))
                if not batch:
                    exhausted = True
                    continue
                clock = time.thread_time()
                pending.append(_Local(fn(batch, config)))
                share.analysed(time.thread_time() - clock)
                continue
            pending.popleft()
            if isinstance(head, _Local):
                value = head.value
            else:
                try:
                    value = _read_spooled(head.result())
                except BrokenProcessPool as exc:
                    raise StoreError(
                        "E612", "a worker process died (killed, or out of memory?); "
                        "documents committed so far are kept: run again to resume, with "
                        "fewer --workers or a smaller --batch-size if memory is short"
                    ) from exc
            clock = time.thread_time()
            yield value
            share.consumed(time.thread_time() - clock)


class _Share:
    """How many batches the calling process should analyse itself.

    The calling process also does the consumer's work for every batch. With
    per-batch analysis time ``a`` (CPU seconds of this thread, measured on its own
    batches) and consumer time ``w`` (CPU seconds of this thread around each
    ``yield``), the load is even when it analyses the fraction
    ``f = (a - (N - 1) w) / (N a)`` of the batches (``N = workers``): then
    ``w + f a`` per batch here equals ``(1 - f) a / (N - 1)`` in each pool worker. It
    analyses a batch only while its count is below ``f`` times the batches taken so
    far (the first one unconditionally, to measure ``a``). CPU time, not wall time:
    on a machine with as many busy threads as cores or more, wall time also counts
    the time a thread waited for a core. A consumer working in a thread of its own
    (the store writer) costs this thread almost nothing, so ``f`` is then about
    ``1 / N``, a fair share: counting the writer thread's CPU here instead (it runs
    in parallel, without the GIL) made this process take too few batches and wait
    on the pool (150 MB, two workers: 14.1-14.2 s against 11.9-13.3 s).
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.taken = 0  # batches taken from the task iterator
        self.local = 0  # ... of which analysed here
        self.analysis = 0.0  # seconds analysing here
        self.yields = 0
        self.consumer = 0.0  # seconds in the consumer, between yields

    def may_analyse(self) -> bool:
        if self.local == 0:
            return True
        a = self.analysis / self.local
        w = self.consumer / self.yields if self.yields else 0.0
        f = max(0.0, (a - (self.workers - 1) * w) / (self.workers * a)) if a > 0 else 0.0
        return self.local + 1 <= f * (self.taken + 1)

    def analysed(self, seconds: float) -> None:
        self.taken += 1
        self.local += 1
        self.analysis += seconds

    def consumed(self, seconds: float) -> None:
        self.yields += 1
        self.consumer += seconds


def run_local(tasks: Iterable[Task], config: EngineConfig, workers: int = 1,
              batch_size: int = 4, max_in_flight: int | None = None
              ) -> Iterator[DocumentResult | Exclusion]:
    """Analyse tasks in this process (``workers=1``) or a process pool, in task order.

    Parameters
    ----------
    tasks : iterable of Task
        Consumed lazily.
    config : EngineConfig
    workers : int
        Number of analysing processes (>= 1), the calling process included: 1 runs
        in the calling process only, N > 1 adds a pool of N - 1 processes.
    batch_size : int
        Documents sent to a worker per round trip (>= 1).
    max_in_flight : int or None
        Batches queued or running in the pool (default ``2 * workers``); at most
        ``3 * max_in_flight`` batches (``3 * max_in_flight * batch_size`` documents)
        are held at once, those finished and waiting for their turn included.

    Yields
    ------
    DocumentResult or Exclusion
        One per task, in the order of ``tasks``.

    Raises
    ------
    ConfigError
        ``E601`` for ``workers``, ``batch_size`` or ``max_in_flight`` < 1.
    """
    limit = _check(workers, batch_size, max_in_flight)
    for batch in _ordered_batches(analyse_batch, tasks, config, workers, batch_size, limit):
        yield from batch


def run_local_tables(tasks: Iterable[Task], config: EngineConfig, workers: int = 1,
                     batch_size: int = 4, max_in_flight: int | None = None,
                     fingerprint: str | None = None, sentence_text: bool = True,
                     local_ok: Callable[[], bool] | None = None,
                     pool: ProcessPoolExecutor | None = None) -> Iterator[TableBatch]:
    """As :func:`run_local`, yielding one :class:`TableBatch` per batch of tasks.

    Each batch is analysed and converted to Arrow tables by
    :func:`seclens.engine.tables.analyse_batch_tables` (in the worker when
    ``workers > 1``); batches come back in task order. With ``fingerprint`` every
    batch first checks that its process resolves ``config`` to the same data
    versions (``E611`` otherwise). ``sentence_text=False`` leaves the sentence text
    out of the tables (nulls; the store derives it). With ``workers > 1``,
    ``local_ok`` is asked before each batch the calling process would analyse
    itself (``False``: leave it to the pool this time); the store ingest passes
    "the writer thread is not behind", so that during a DuckDB checkpoint the
    calling process leaves its core to the writer instead of adding to its backlog.
    ``pool``: a pool started earlier with :func:`warm_pool` (used, not shut down).
    """
    limit = _check(workers, batch_size, max_in_flight)
    fn: Callable[[list[Task], EngineConfig], Any] = partial(
        analyse_batch_tables, fingerprint=fingerprint, sentence_text=sentence_text)
    yield from _ordered_batches(fn, tasks, config, workers, batch_size, limit, local_ok,
                                pool)
