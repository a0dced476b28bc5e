"""Store stage: the database schema as numbered migrations.

The schema of a seclens store is the result of applying :data:`MIGRATIONS` in order.
Each step runs in its own transaction together with the row that records it in
``schema_version``; a database is upgraded by applying the steps it lacks. Steps are
history: never edit a released step, append a new one.

Design notes (DuckDB durability)
--------------------------------
- No PRIMARY KEY/UNIQUE constraints on the data tables: a document is replaced by
  DELETE + INSERT in one transaction, and DuckDB has had write-ahead-log replay
  failures for constraint-indexed rows deleted and re-inserted in one transaction
  (duckdb/duckdb#15836). Uniqueness of ``documents.doc_id`` is kept by the writer.
- Every migration is followed by a ``CHECKPOINT`` so that schema changes never sit
  in the write-ahead log (several DuckDB WAL-replay bugs concern replayed DDL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Migration:
    """One numbered schema step.

    Attributes
    ----------
    version : int
        The schema version the database has after this step.
    description : str
    statements : tuple[str, ...]
        SQL statements, run in order in one transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]


_V1 = Migration(
    1,
    "documents, sentences, matches, counts, exclusions, runs",
    (
        """CREATE TABLE runs (
            run_id BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP,
            status VARCHAR, engine VARCHAR, workers BIGINT, inputs_json VARCHAR,
            config_json VARCHAR, provenance_json VARCHAR, fingerprint VARCHAR,
            summary_json VARCHAR)""",
        """CREATE TABLE documents (
            doc_id VARCHAR, path VARCHAR, fmt VARCHAR, encoding VARCHAR, sha256 VARCHAR,
            chars BIGINT, "size" BIGINT, unit VARCHAR, n_sentences BIGINT,
            n_matches BIGINT, "text" VARCHAR, title VARCHAR,
            title_en VARCHAR, issuer VARCHAR,
            "level" VARCHAR, region VARCHAR, "date" VARCHAR, doc_number VARCHAR,
            "language" VARCHAR, original_url VARCHAR, meta_source VARCHAR,
            extra_json VARCHAR, notes_json VARCHAR, summary_notes_json VARCHAR,
            status VARCHAR, meta_hash VARCHAR, fingerprint VARCHAR, run_id BIGINT,
            removed_run_id BIGINT)""",
        """CREATE TABLE sentences (
            doc_id VARCHAR, sentence_index BIGINT, "start" BIGINT, "end" BIGINT,
            "text" VARCHAR, kind VARCHAR)""",
        """CREATE TABLE matches (
            doc_id VARCHAR, ordinal BIGINT, sentence_index BIGINT, "start" BIGINT,
            "end" BIGINT,
            term VARCHAR, matched_text VARCHAR, entry_id VARCHAR, category VARCHAR,
            sector VARCHAR, sense VARCHAR, sense_rule VARCHAR, "convention" VARCHAR,
            "left" VARCHAR, "right" VARCHAR)""",
        """CREATE TABLE counts (
            doc_id VARCHAR, ordinal BIGINT, key_type VARCHAR, "key" VARCHAR,
            entry_id VARCHAR,
            "count" BIGINT, "size" BIGINT, unit VARCHAR, per_10k DOUBLE,
            "convention" VARCHAR, reason VARCHAR, category VARCHAR, sector VARCHAR)""",
        """CREATE TABLE exclusions (
            run_id BIGINT, path VARCHAR, doc_id VARCHAR, code VARCHAR, reason VARCHAR)""",
    ),
)

_V2 = Migration(
    2,
    "annotations: sentence-level labels of the annotator (JSON)",
    (
        """CREATE TABLE annotations (
            doc_id VARCHAR, sentence_index BIGINT, annotator VARCHAR,
            annotator_version VARCHAR, security_sense VARCHAR, securitizing_move BIGINT,
            vuori_act VARCHAR, labels_json VARCHAR, evidence_json VARCHAR)""",
    ),
)

_V3 = Migration(
    3,
    "sentences: text no longer stored twice (read as a slice of documents.text)",
    (
        # The text of a sentence is documents.text[start:end] by construction
        # (seclens.types.Sentence); storing it again doubled the text the writer
        # inserts, logs and compresses (about 30 % of a batch's bytes). Store.table
        # derives it with substring(), which counts Unicode code points as Python does.
        'ALTER TABLE sentences DROP COLUMN "text"',
    ),
)

#: All schema steps, in order. ``MIGRATIONS[i].version == i + 1``.
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3)

#: The schema version this version of seclens writes.
SCHEMA_VERSION: int = MIGRATIONS[-1].version

#: Tables holding per-document rows (deleted and re-inserted when a document changes).
RESULT_TABLES: tuple[str, ...] = ("sentences", "matches", "counts", "annotations")

#: Columns of the result tables that are not stored but derived when read: the
#: sentence text is ``documents.text[start:end]`` (schema version 3).
DERIVED_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType({"sentences": ("text",)})
