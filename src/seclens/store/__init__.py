"""Store stage: the embedded DuckDB store and incremental, crash-safe ingest.

>>> from seclens.store import open_store           # doctest: +SKIP
>>> with open_store("corpus.duckdb") as store:      # doctest: +SKIP
...     counts = store.table("counts")
...     docs = list(store.iter_documents())
"""

from __future__ import annotations

from seclens.store.results import analysis_from_frames, load_analysis, load_parquet_analysis
from seclens.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration
from seclens.store.source import StoredCorpus, stored_corpus
from seclens.store.store import Store, current_version, migrate, open_store

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "Store",
    "StoredCorpus",
    "analysis_from_frames",
    "current_version",
    "load_analysis",
    "load_parquet_analysis",
    "migrate",
    "open_store",
    "stored_corpus",
]
