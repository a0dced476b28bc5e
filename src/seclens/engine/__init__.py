"""Engine stage (scale): run the per-document pipeline in one process, a local
process pool or on a Dask cluster, with identical results.

Public API: :class:`EngineConfig`, :func:`process_document`, :class:`DocumentResult`,
:func:`run_local` (single process / process pool); the Dask engine lives in
:mod:`seclens.engine.dask_engine` (imported lazily: it needs ``distributed``).
"""

from __future__ import annotations

from seclens.engine.config import EngineConfig, config_fingerprint
from seclens.engine.local import run_local
from seclens.engine.process import (
    AnnotationRow,
    DocumentResult,
    Task,
    analyse_task,
    build_pipeline,
    describe_pipeline,
    plan_tasks,
    process_document,
)

__all__ = [
    "AnnotationRow",
    "DocumentResult",
    "EngineConfig",
    "Task",
    "analyse_task",
    "build_pipeline",
    "config_fingerprint",
    "describe_pipeline",
    "plan_tasks",
    "process_document",
    "run_local",
]
