"""Store stage: the embedded DuckDB store and incremental, crash-safe ingest.

>>> from seclens.store import open_store           # doctest: +SKIP
>>> with open_store("corpus.duckdb") as store:      # doctest: +SKIP
...     counts = store.table("counts")
...     docs = list(store.iter_documents())
"""

from __future__ import annotations

from seclens.store.results import analysis_from_frames, load_analysis
from seclens.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration
from seclens.store.store import Store, current_version, migrate, open_store

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "Store",
    "analysis_from_frames",
    "current_version",
    "load_analysis",
    "migrate",
    "open_store",
]
