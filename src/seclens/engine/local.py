"""Engine stage (scale): single-process and local process-pool execution.

:func:`run_local` analyses a stream of :class:`~seclens.engine.process.Task` with
:func:`~seclens.engine.process.analyse_task` and yields the results **in task order**,
whatever the number of workers, so the caller (the store writer in the parent
process) writes in a deterministic order. Memory is bounded: at most
``max_in_flight`` batches of ``batch_size`` documents are submitted at once; the task
iterable is consumed lazily.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

import cloudpickle

from seclens.engine.config import EngineConfig
from seclens.engine.process import DocumentResult, Task, analyse_batch, analyse_task
from seclens.errors import ConfigError
from seclens.types import Exclusion


def _run_pickled(payload: bytes) -> bytes:
    """Worker side: unpickle ``(tasks, config)``, analyse, pickle the results.

    Tasks and results cross the process boundary as cloudpickle bytes because stage
    objects may hold ``types.MappingProxyType`` (read-only manifest metadata), which
    the standard pickler refuses; cloudpickle round-trips it unchanged.
    """
    tasks, config = pickle.loads(payload)
    return bytes(cloudpickle.dumps(analyse_batch(tasks, config)))


def _context() -> multiprocessing.context.BaseContext:
    # Never "fork": the parent holds a DuckDB connection and possibly threads.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


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
        Number of processes (>= 1); 1 runs in the calling process.
    batch_size : int
        Documents sent to a worker per round trip (>= 1).
    max_in_flight : int or None
        Batches submitted but not yet yielded (default ``2 * workers``): at most
        ``max_in_flight * batch_size`` documents are held in memory at once.

    Yields
    ------
    DocumentResult or Exclusion
        One per task, in the order of ``tasks``.

    Raises
    ------
    ConfigError
        ``E601`` for ``workers``, ``batch_size`` or ``max_in_flight`` < 1.
    """
    for name, value in (("workers", workers), ("batch_size", batch_size)):
        if value < 1:
            raise ConfigError("E601", f"{name} must be >= 1; got {value}")
    if workers == 1:
        for task in tasks:
            yield analyse_task(task, config)
        return
    limit = max_in_flight if max_in_flight is not None else 2 * workers
    if limit < 1:
        raise ConfigError("E601", f"max_in_flight must be >= 1; got {limit}")
    iterator = iter(tasks)
    pending: deque[Future[bytes]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        while True:
            while len(pending) < limit:
                batch = list(islice(iterator, batch_size))
                if not batch:
                    break
                payload = cloudpickle.dumps((batch, config))
                pending.append(pool.submit(_run_pickled, payload))
            if not pending:
                return
            results: list[DocumentResult | Exclusion] = pickle.loads(pending.popleft().result())
            yield from results
