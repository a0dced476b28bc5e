"""Ingest stage: files (txt, html/htm, pdf, docx) and manifests → Documents or Exclusions.

Public API::

    discover(inputs) -> list[Path]
    iter_documents(inputs, IngestOptions(...)) -> Iterator[Document | Exclusion]
    plan_inputs(inputs, IngestOptions(...)) -> IngestPlan      (no document read)
    stream_plan(inputs, IngestOptions(...)) -> PlanStream      (the same, item by item)
    iter_planned(plan) -> Iterator[Document | Exclusion]
    read_document(path, meta=None) -> Document
    read_manifest(path) -> Manifest
    fetch_corpus(cache_dir, timeout=10.0, sources_path=None) -> FetchResult

Nothing is read at import time.
"""

from __future__ import annotations

from seclens.ingest.codes import CODES
from seclens.ingest.discover import discover
from seclens.ingest.document import read_document
from seclens.ingest.encoding import Decoded, decode_bytes
from seclens.ingest.fetch import FetchResult, fetch_corpus
from seclens.ingest.manifest import Manifest, read_manifest
from seclens.ingest.metadata import detect_language, find_doc_number, load_prefix_table
from seclens.ingest.stream import (
    IngestOptions,
    IngestPlan,
    PlannedFile,
    PlanStream,
    iter_documents,
    iter_planned,
    manifest_files,
    plan_inputs,
    stream_plan,
)

__all__ = [
    "CODES",
    "Decoded",
    "FetchResult",
    "IngestOptions",
    "IngestPlan",
    "Manifest",
    "PlanStream",
    "PlannedFile",
    "decode_bytes",
    "detect_language",
    "discover",
    "fetch_corpus",
    "find_doc_number",
    "iter_documents",
    "iter_planned",
    "load_prefix_table",
    "manifest_files",
    "plan_inputs",
    "read_document",
    "read_manifest",
    "stream_plan",
]
