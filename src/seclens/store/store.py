"""Store stage: an embedded DuckDB database holding a corpus and its analysis.

One file, no server. Tables: ``documents`` (metadata, text, content SHA-256, path,
format, encoding, status), ``sentences``, ``matches``, ``counts``, ``annotations``,
``exclusions``, ``runs`` (provenance of every ingest) and ``schema_version``.

Durability: every write method runs in one explicit transaction (``BEGIN`` ...
``COMMIT``); DuckDB appends committed transactions to its write-ahead log and replays
it when the database is opened after a crash, so a killed process loses at most the
transaction in progress. :meth:`Store.close` runs ``CHECKPOINT``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from seclens.engine.process import DocumentResult
from seclens.engine.tables import (
    TABLE_ORDER,
    exclusion_table,
    result_tables,
    row_to_document,
)
from seclens.errors import StoreError
from seclens.store.schema import (
    DERIVED_COLUMNS,
    MIGRATIONS,
    RESULT_TABLES,
    SCHEMA_VERSION,
    Migration,
)
from seclens.types import Document, Exclusion


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' "
        "AND database_name = current_database()",
        [name],
    ).fetchall()  # fetched to the end: a half-read result blocks the next query
    return bool(row and row[0][0])


def _refuse_foreign_database(con: duckdb.DuckDBPyConnection, path: Path,
                             read_only: bool) -> None:
    """``E602`` for a DuckDB database without a seclens schema that is not empty (or,
    read-only, at all): seclens never adds its tables to another database."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "ORDER BY table_name").fetchall()]
    if tables:
        raise StoreError("E602", f"{path} is a DuckDB database but not a seclens store (it "
                         f"holds the table(s) {', '.join(tables[:5])}"
                         f"{' ...' if len(tables) > 5 else ''}); seclens does not write "
                         "into another database: give a new file for the store")
    if read_only:
        raise StoreError("E602", f"{path} is an empty DuckDB database, not a seclens store; "
                         "make one with seclens ingest CORPUS --db FILE")


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Schema version of an open database (0 for an empty database)."""
    if not _has_table(con, "schema_version"):
        return 0
    ((version,),) = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(version) if version is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION,
            migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the missing schema steps up to ``target``, each in its own transaction.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    target : int
        Version to reach (default: the current :data:`SCHEMA_VERSION`).
    migrations : sequence of Migration

    Returns
    -------
    list[int]
        Versions applied (empty when the database was up to date).

    Raises
    ------
    StoreError
        ``E603`` when the database is newer than this seclens; ``E604`` when a step
        fails (the step is rolled back; earlier steps stay applied).
    """
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise StoreError(
            "E603",
            f"the store has schema version {version} but this seclens knows up to "
            f"{SCHEMA_VERSION}; upgrade seclens to open it",
        )
    applied: list[int] = []
    for step in migrations:
        if step.version <= version or step.version > target:
            continue
        con.begin()
        try:
            if not _has_table(con, "schema_version"):
                con.execute("CREATE TABLE schema_version (version BIGINT, description "
                            "VARCHAR, applied_at TIMESTAMP)")
            for statement in step.statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                        [step.version, step.description, _now()])
            con.commit()
        except duckdb.Error as exc:
            con.rollback()
            raise StoreError("E604", f"schema migration {step.version} failed: {exc}") from exc
        con.execute("CHECKPOINT")
        applied.append(step.version)
    return applied


class Store:
    """An open seclens store (use :func:`open_store`).

    Attributes
    ----------
    path : pathlib.Path
    con : duckdb.DuckDBPyConnection
        The single connection (advanced use: read-only SQL over the tables).
    read_only : bool
    closed : bool
        True once :meth:`close` has run (closing again does nothing).
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.path = path
        self.con = con
        self.read_only = read_only
        self.closed = False  # set by close()
        self._open = False  # a transaction left open by a write with commit=False

    # -- context management -------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        try:  # the error in flight is the one to report; a failing close is noted on it
            self.close()
        except duckdb.Error as again:
            exc.add_note(f"closing the store also failed: {again}")

    def close(self) -> None:
        """Checkpoint (when writable) and close the connection.

        A transaction left open (writes with ``commit=False`` and no commit after
        them) is rolled back first: what was not committed is not kept, as after a
        kill.
        """
        if self.closed:
            return
        try:
            if self._open:
                self._open = False
                self.con.rollback()
            if not self.read_only:
                self.con.execute("CHECKPOINT")
        finally:
            self.closed = True
            self.con.close()

    @property
    def schema_version(self) -> int:
        """Schema version of the database."""
        return current_version(self.con)

    # -- transactions ---------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        """True while writes made with ``commit=False`` wait for :meth:`commit`."""
        return self._open

    def commit(self) -> None:
        """Commit the transaction left open by writes with ``commit=False`` (if any).

        Raises
        ------
        StoreError
            ``E605`` when the commit fails (the transaction is rolled back).
        """
        if self._open:
            self._transaction("committing", lambda: None)

    def _transaction(self, what: str, work: Any, commit: bool = True) -> Any:
        """``work()`` in a transaction: a new one, or the one a write with
        ``commit=False`` left open. With ``commit`` it is committed (the earlier
        writes of an open transaction with it), otherwise left open."""
        if not self._open:
            self.con.begin()
            self._open = True
        try:
            out = work()
            if commit:
                self.con.commit()
                self._open = False
            return out
        except duckdb.Error as exc:
            self._open = False
            try:
                self.con.rollback()
            except duckdb.Error as again:  # e.g. a fatal error invalidated the database
                raise StoreError(
                    "E605", f"{what} failed and the database could not roll back ({again}); "
                    "transactions committed before are kept: open the store again to "
                    f"continue. Cause: {exc}") from exc
            raise StoreError("E605", f"{what} failed and was rolled back: {exc}") from exc

    # -- runs -----------------------------------------------------------------------
    def begin_run(self, *, engine: str, workers: int, inputs: Sequence[str],
                  config: dict[str, Any], provenance: dict[str, Any],
                  fingerprint: str) -> int:
        """Record a new ingest run (status ``running``) and return its id.

        Runs left ``running`` by a killed process are marked ``interrupted`` first
        (DuckDB's file lock guarantees no other process is writing).
        """
        def work() -> int:
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0]
            run_id = int(row[0]) if row else 1
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, NULL, 'running', ?, ?, ?, ?, ?, ?, NULL)",
                [run_id, _now(), engine, workers, json.dumps(list(inputs)),
                 json.dumps(config, sort_keys=True),
                 json.dumps(provenance, sort_keys=True, default=str), fingerprint],
            )
            return run_id
        return int(self._transaction("starting a run", work))

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        """Mark a run ``complete`` with its summary (counts of added, changed ...)."""
        self._transaction("finishing a run", lambda: self.con.execute(
            "UPDATE runs SET status = 'complete', finished_at = ?, summary_json = ? "
            "WHERE run_id = ?", [_now(), json.dumps(summary, sort_keys=True), run_id]))

    # -- document state -------------------------------------------------------------
    def document_states(self) -> dict[str, tuple[str, str, str, str, str]]:
        """``doc_id -> (path, sha256, meta_hash, fingerprint, status)`` of every document."""
        rows = self.con.execute(
            "SELECT doc_id, path, sha256, meta_hash, fingerprint, status FROM documents"
        ).fetchall()
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def write_results(self, results: Sequence[DocumentResult], *, run_id: int,
                      fingerprint: str, meta_hashes: Sequence[str]) -> None:
        """Insert or replace a batch of analysed documents in ONE transaction.

        Same as :meth:`write_tables` on ``result_tables(results)``.
        """
        if results:
            self.write_tables(result_tables(results), run_id=run_id, fingerprint=fingerprint,
                              meta_hashes=meta_hashes)

    def write_tables(self, tables: Mapping[str, pa.Table], *, run_id: int,
                     fingerprint: str, meta_hashes: Sequence[str],
                     known: Iterable[str] | None = None, commit: bool = True) -> None:
        """Insert or replace the documents of a batch of result tables in ONE transaction.

        Old rows of each ``doc_id`` (document, sentences, matches, counts,
        annotations) are deleted and the new rows inserted in the same transaction,
        so a reader (or a database reopened after a crash) sees either the whole old
        or the whole new analysis of a document, never a mixture. With
        ``commit=False`` the transaction stays open and later writes join it until
        one is made with ``commit=True`` (or :meth:`commit` is called): a kill
        before that loses all of them, as one transaction. Large transactions are
        cheaper per document: DuckDB writes a table's rows straight to the database
        file once they fill a row group (2,048 rows in a store opened by
        :func:`open_store`; DuckDB's default is 122,880), instead of logging them in
        the write-ahead log and writing them again at the next checkpoint (at 900 MB
        of text, 2,048 rather than 512 documents per transaction: writer CPU 39.4 s
        -> 30.4 s with 122,880-row groups, 15.8 s with 2,048-row groups).

        Parameters
        ----------
        tables : mapping of str to pyarrow.Table
            The tables of :func:`seclens.engine.tables.result_tables`; the
            ``documents`` rows name the documents (distinct ``doc_id`` values).
        run_id : int
        fingerprint : str
            Analysis-configuration fingerprint stored with each document.
        meta_hashes : sequence of str
            Per ``documents`` row, the hash of the manifest metadata it was read with.
        known : iterable of str or None
            The doc_ids the store held when the caller read its state (the ingest's
            :meth:`document_states`): only those can have old rows to delete, and the
            store is not searched for the others. ``None``: search the store for
            every doc_id of the batch.
        commit : bool
            Commit the transaction (default), or leave it open for later writes.

        Raises
        ------
        StoreError
            ``E606`` when a doc_id occurs twice or ``meta_hashes`` does not align;
            ``E605`` when the transaction fails (it is rolled back).
        """
        ids = [str(x) for x in tables["documents"].column("doc_id").to_pylist()]
        if not ids:
            return
        if len(set(ids)) != len(ids):
            raise StoreError("E606", f"a batch holds a doc_id twice: {sorted(ids)}")
        if len(meta_hashes) != len(ids):
            raise StoreError("E606", f"{len(meta_hashes)} metadata hashes for {len(ids)} "
                             "documents")
        docs = tables["documents"].append_column(
            "meta_hash", pa.array(list(meta_hashes), pa.string()))

        def work() -> None:
            if known is None:
                existing = {r[0] for r in self.con.execute(
                    "SELECT DISTINCT doc_id FROM documents WHERE list_contains(?, doc_id)",
                    [ids]).fetchall()}
            else:
                existing = set(ids).intersection(known)
            if existing:
                gone = sorted(existing)
                for name in ("documents", *RESULT_TABLES):
                    self.con.execute(
                        f"DELETE FROM {name} WHERE list_contains(?, doc_id)", [gone])
            self._insert("documents", docs, extra=(
                "'active' AS status", "? AS fingerprint", "? AS run_id",
                "NULL::BIGINT AS removed_run_id"), params=[fingerprint, run_id])
            for name in RESULT_TABLES:
                if tables[name].num_rows:
                    self._insert(name, tables[name], derived=DERIVED_COLUMNS.get(name, ()))
        self._transaction("writing documents " + ", ".join(ids[:3]), work, commit)

    def _insert(self, table: str, data: pa.Table, extra: Sequence[str] = (),
                params: Sequence[Any] = (), derived: Sequence[str] = ()) -> None:
        view = f"_seclens_in_{table}"
        self.con.register(view, data)
        try:
            star = "*"
            if derived:  # columns the store derives when reading, not stored
                star = "* EXCLUDE (" + ", ".join(f'"{c}"' for c in derived) + ")"
            cols = ", ".join([star, *extra])
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT {cols} FROM {view}",
                             list(params))
        finally:
            self.con.unregister(view)

    def write_exclusions(self, run_id: int, exclusions: Sequence[Exclusion],
                         commit: bool = True) -> None:
        """Record exclusions of one run (in one transaction; ``commit`` as in
        :meth:`write_tables`; nothing is done for no exclusions)."""
        if not exclusions:
            return
        table = exclusion_table(exclusions)
        self._transaction("recording exclusions", lambda: self._insert(
            "exclusions", table, extra=("? AS run_id",), params=[run_id]), commit)

    def set_status(self, doc_ids: Iterable[str], status: str, run_id: int) -> None:
        """Mark documents ``removed`` (source file gone) or ``active`` again.

        Removed documents keep all their rows; they are left out of
        :meth:`iter_documents` and the table accessors unless asked for.
        """
        ids = sorted(set(doc_ids))
        if not ids:
            return
        if status not in ("active", "removed"):
            raise StoreError("E606", f"status must be 'active' or 'removed'; got {status!r}")
        removed_run = run_id if status == "removed" else None
        self._transaction(f"marking documents {status}", lambda: self.con.execute(
            "UPDATE documents SET status = ?, removed_run_id = ? WHERE list_contains(?, doc_id)",
            [status, removed_run, ids]))

    # -- reading ----------------------------------------------------------------------
    def iter_documents(self, include_removed: bool = False,
                       batch_size: int = 64, order_by: str = "doc_id") -> Iterator[Document]:
        """Yield the stored documents as :class:`~seclens.types.Document`.

        Streams in batches of ``batch_size`` (never the whole corpus in memory).

        Parameters
        ----------
        include_removed : bool
            Also the documents whose source file was removed.
        batch_size : int
            Documents read per query.
        order_by : {"doc_id", "path"}
            ``doc_id``; or ``path`` (then doc_id), the order in which ``seclens
            analyze`` reads the same files and :func:`seclens.store.load_analysis`
            lists them.

        Raises
        ------
        StoreError
            ``E606`` for another ``order_by``.
        """
        orders = {"doc_id": "doc_id", "path": "path, doc_id"}
        if order_by not in orders:
            raise StoreError("E606", f"iter_documents(): order_by must be one of "
                                     f"{sorted(orders)}, got {order_by!r}")
        where = "" if include_removed else "WHERE status = 'active'"
        ids = [r[0] for r in self.con.execute(
            f"SELECT doc_id FROM documents {where} ORDER BY {orders[order_by]}").fetchall()]
        for i in range(0, len(ids), batch_size):
            chunk = ids[i:i + batch_size]
            frame = self.con.execute(
                "SELECT * FROM documents WHERE list_contains(?, doc_id)", [chunk]).fetch_df()
            rows = {r["doc_id"]: r for r in frame.to_dict("records")}
            for doc_id in chunk:
                yield row_to_document(rows[doc_id])

    def table(self, name: str, include_removed: bool = False,
              exclude_columns: Sequence[str] = ()) -> pd.DataFrame:
        """One table as a pandas DataFrame, in a deterministic order.

        Parameters
        ----------
        name : str
            ``documents``, ``sentences``, ``matches``, ``counts``, ``annotations``,
            ``exclusions`` or ``runs``.
        include_removed : bool
            Keep rows of documents whose source file was removed.
        exclude_columns : sequence of str
            Columns to leave out (e.g. ``("text",)`` to keep a large corpus's text
            out of memory).

        Returns
        -------
        pandas.DataFrame
            Result tables have the columns of :mod:`seclens.engine.tables`; the
            ``documents`` table adds ``status, meta_hash, fingerprint, run_id,
            removed_run_id``. The ``text`` of ``sentences`` is not stored: it is
            read as the slice ``[start, end)`` of its document's text (Unicode code
            points, as Python slices).
        """
        order = {n: ", ".join(f'"{k}"' for k in keys) for n, keys in TABLE_ORDER.items()}
        order["exclusions"] = "run_id, path, code"
        order["runs"] = "run_id"
        if name not in order:
            raise StoreError("E606", f"unknown table {name!r}; one of {', '.join(order)}")
        cols = "*"
        if exclude_columns:
            cols = "* EXCLUDE (" + ", ".join(f'"{c}"' for c in exclude_columns) + ")"
        if name in ("exclusions", "runs"):
            sql = f"SELECT {cols} FROM {name} ORDER BY {order[name]}"
        elif name == "documents":
            where = "" if include_removed else "WHERE status = 'active'"
            sql = f"SELECT {cols} FROM documents {where} ORDER BY doc_id"
        else:
            where = "" if include_removed else (
                "WHERE doc_id IN (SELECT doc_id FROM documents WHERE status = 'active')")
            source = name
            if name == "sentences" and "text" not in exclude_columns:
                source = _SENTENCES_WITH_TEXT
            sql = f"SELECT {cols} FROM {source} {where} ORDER BY {order[name]}"
        return self.con.execute(sql).fetch_df()


#: The sentences table with its text derived from the document's (schema version 3),
#: columns in the order of :data:`seclens.engine.tables.SENTENCES`.
_SENTENCES_WITH_TEXT = (
    '(SELECT s.doc_id, s.sentence_index, s."start", s."end", '
    'substring(d."text", s."start" + 1, s."end" - s."start") AS "text", s.kind '
    "FROM sentences AS s LEFT JOIN documents AS d USING (doc_id)) AS sentences"
)


#: Rows per DuckDB row group of a store's tables (DuckDB's default: 122,880).
ROW_GROUP_SIZE = 2048


def open_store(path: str | Path, read_only: bool = False,
               memory_limit: str | None = "256MB", threads: int | None = None,
               checkpoint_threshold: str | None = "512MB",
               row_group_size: int | None = ROW_GROUP_SIZE) -> Store:
    """Open (creating and migrating when needed) a seclens store.

    Parameters
    ----------
    path : str or pathlib.Path
        The database file (created when missing unless ``read_only``).
    read_only : bool
        Open without writing (several readers may share a file no writer holds).
    memory_limit : str or None
        DuckDB's buffer-pool limit (``"256MB"``; ``None``: DuckDB's default of 80 %
        of RAM). Bounds the memory of long ingests; larger queries spill to disk.
    threads : int or None
        DuckDB worker threads of this connection (``None``: DuckDB's default, one per
        core). The ingest writer uses 1: its inserts gain nothing from more threads
        and the cores belong to the analysis workers.
    checkpoint_threshold : str or None
        Size of the write-ahead log at which DuckDB checkpoints (writes the logged
        transactions into the database file, compressed). DuckDB's default of 16 MB
        made checkpoints about half of the ingest writer's time (a checkpoint after
        every few commits), and each checkpoint costs more as the database grows:
        writing the same 12,300 documents into a growing store took 28.9 s of writer
        CPU at 16 MB, 17.8 s at 64 MB and 8.2 s at ``"512MB"`` (with the sentence
        text no longer stored), 31 s for 30,700 documents (about 750 MB of text) at
        512 MB against about 50 s at 64 MB; the buffer pool stays at its limit.
        Committed transactions are durable in the log either way; a larger log takes
        longer to replay after a kill (a 348 MB log: 1.5 s, peak RSS 391 MB).
        ``None``: DuckDB's default.
    row_group_size : int or None
        Rows per row group of the rows this connection appends (a multiple of
        2,048; ``None``: DuckDB's 122,880). A transaction that fills a row group has
        DuckDB write it straight to the database file, compressed, and log only a
        reference in the write-ahead log; rows of a row group left unfilled at commit
        are logged and written again at the next checkpoint. With 2,048 a store
        ingest transaction of 2,048 documents fills row groups of every table, the
        documents' text included: writer CPU for 900 MB of text 31.3 s -> 15.8 s,
        the write-ahead log stays under 10 MB (no checkpoint stalls), and the file is
        about a third larger (422 against 318 MB).

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        ``E602`` when the file cannot be opened (locked by another process, not a
        DuckDB database), or is a DuckDB database without a seclens schema that holds
        tables (or, read-only, is empty); ``E603`` when its schema is newer than this
        seclens or, in read-only mode, older; ``E604`` when a migration fails.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError("E602", f"store {path} does not exist")
    try:
        config: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads is not None:
            config["threads"] = threads
        if checkpoint_threshold and not read_only:
            config["checkpoint_threshold"] = checkpoint_threshold
        # spilled buffers next to the store, as for duckdb.connect(path) (an in-memory
        # connection would spill into the working directory)
        config["temp_directory"] = str(path) + ".tmp"
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as exc:
        raise StoreError("E602", f"cannot open store {path}: {exc}") from exc
    options = ["READ_ONLY"] if read_only else []
    if row_group_size is not None:
        options.append(f"ROW_GROUP_SIZE {int(row_group_size)}")
    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        con.execute(f"ATTACH {literal} AS seclens_store"
                    + (f" ({', '.join(options)})" if options else ""))
        con.execute("USE seclens_store")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(
            "E602", f"cannot open store {path}: {exc} (not a DuckDB database, or in use by "
            "another process?)"
        ) from exc
    try:
        if current_version(con) == 0:
            _refuse_foreign_database(con, path, read_only)
        if read_only:
            version = current_version(con)
            if version != SCHEMA_VERSION:
                raise StoreError(
                    "E603", f"store {path} has schema version {version}, this seclens needs "
                    f"{SCHEMA_VERSION}; open it once without read_only to upgrade")
        else:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return Store(path, con, read_only)
