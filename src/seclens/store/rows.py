"""Store stage: a store's match and count rows, read a batch of documents at a time.

:func:`seclens.store.load_analysis` gives a report the matches and counts of a store
as a :class:`~seclens.match.MatchChain` and a
:class:`~seclens.measures.counts.CountChain` whose tables are a
:class:`StoredTables`: the chain knows each document's row count from the start, and
reads the rows themselves from the store when they are used, about
:data:`BATCH_ROWS` rows (whole documents) per query, keeping one batch at a time.
Writing ``matches.csv`` or the report's per-document figures is then one pass over
the store, and the memory of a report grows with the number of documents, not with
the number of matches (a 1 GB corpus has about 2.7 million).

Each read opens the store read-only for its pass and checks that no ingest has run
since the analysis was loaded (:class:`StoreSnapshot`): a report never mixes rows of
two states of a store (``E614``).

The output folder of ``seclens ingest --engine dask`` is read the same way
(:class:`ParquetSnapshot`): DuckDB queries its Parquet parts (``read_parquet``) a
batch of documents at a time, in an in-memory connection, reading only the parts
whose ``doc_id`` range overlaps the batch.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import duckdb

from seclens.errors import StoreError
from seclens.types import TableSource

if TYPE_CHECKING:
    from seclens.store.store import Store

#: Rows (whole documents; a document with more is read alone) read from the store
#: per query. At about 1 KB per match row in memory (context strings included),
#: a batch holds some 30 MB.
BATCH_ROWS = 32_768

#: DuckDB's memory limit for the connections that read the batches: a batch's query
#: needs little, and DuckDB keeps what it has read cached up to its limit (the
#: store's default, 256 MB, added that much to a report's peak).
READ_MEMORY = "64MB"

#: SQL joining a table (with a ``doc_id`` column) to the list of doc_ids given as
#: parameter ``$1``: its rows of those documents, ``o.pos`` each document's position
#: in the list (to ``ORDER BY``).
IN_ORDER = ("JOIN (SELECT unnest($1) AS doc_id, generate_subscripts($1, 1) AS pos) AS o "
            "USING (doc_id)")

T = TypeVar("T")

#: Builds the tables of one batch from its columns (rows in the batch's document
#: order, each document's rows by ``ordinal``): field name -> list of values.
TableBuilder = Callable[[dict[str, list[Any]]], Sequence[Any]]


class Reader(Protocol):
    """What a snapshot's :meth:`RowSnapshot.reading` yields: a DuckDB connection."""

    @property
    def con(self) -> Any:
        """The ``duckdb.DuckDBPyConnection`` to query."""


class RowSnapshot(Protocol):
    """A stored analysis as it was when loaded, read through by :class:`StoredTables`.

    :class:`StoreSnapshot` (a store) and :class:`ParquetSnapshot` (a Dask output
    folder).
    """

    @property
    def path(self) -> Path:
        """The store file or output folder."""

    @property
    def described(self) -> str:
        """What it is, for messages: ``"store"`` or ``"Dask output"``."""

    def reading(self) -> AbstractContextManager[Reader]:
        """A connection to read from, refused (``E614``) if the source changed since."""

    def source(self, table: str, lo: str | None, hi: str | None, param: int
               ) -> tuple[str, list[Any]]:
        """The SQL of ``table``'s rows to put after ``FROM``, and its parameters.

        ``lo``/``hi``: the least and greatest ``doc_id`` wanted (``None``: all); the
        parameters are numbered from ``$param`` on (those before are the caller's).
        """


@dataclass(frozen=True)
class StoreSnapshot:
    """A store as it was when an analysis was loaded from it.

    Attributes
    ----------
    path : pathlib.Path
    run_id : int
        The newest ingest run then. Every ingest adds a run, so a store whose newest
        run differs has changed (also an ingest that changed nothing: refused too).
    started_at : str
        When that run started: a store deleted and made again starts at run 1 again.
    store : Store or None
        The open store the analysis was loaded from: read through while it stays
        open (a second connection to a file open in this process would be refused);
        once it is closed, each read opens the file read-only.
    """

    path: Path
    run_id: int
    started_at: str
    store: Store | None = field(default=None, compare=False, repr=False)
    described: ClassVar[str] = "store"

    @classmethod
    def of(cls, store: Store) -> StoreSnapshot:
        """The snapshot of an open store now (its newest run), reading through it."""
        run_id, started_at = _newest_run(store)
        return cls(Path(store.path).resolve(), run_id, started_at, store)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store to read from, refused if an ingest has run since.

        Yields
        ------
        Store
            :attr:`store` while it is open, else the file opened read-only (closed
            again on exit).

        Raises
        ------
        StoreError
            ``E602``/``E603`` from :func:`seclens.store.open_store`; ``E614`` when the
            store's newest run is no longer :attr:`run_id`.
        """
        from seclens.store.store import open_store

        if self.store is not None and not self.store.closed:
            self._check(self.store)
            yield self.store
            return
        with open_store(self.path, read_only=True, memory_limit=READ_MEMORY) as store:
            self._check(store)
            yield store

    def source(self, table: str, lo: str | None, hi: str | None, param: int
               ) -> tuple[str, list[Any]]:
        """The store's table itself (``lo``, ``hi`` and ``param`` are not needed: the
        caller's ``doc_id`` filter lets DuckDB skip the row groups outside the range)."""
        return table, []

    def _check(self, store: Store) -> None:
        run_id, started_at = _newest_run(store)
        if (run_id, started_at) != (self.run_id, self.started_at):
            raise changed(self.path, f"its newest ingest run is now {run_id} started at "
                          f"{started_at}, not {self.run_id} started at {self.started_at}")


@dataclass(frozen=True)
class _Connection:
    con: Any


@dataclass(frozen=True)
class ParquetSnapshot:
    """The output folder of ``seclens ingest --engine dask`` as it was when loaded.

    Attributes
    ----------
    path : pathlib.Path
        The output folder.
    stamp : tuple
        Size, modification and change times (ns) and inode of its run metadata file
        (``_seclens_run.json``), the last file a run writes: a folder written again
        (deleted and filled by a new run) has another.
    parts : mapping of str to tuple of (str, str, str)
        Per table (``documents``, ``matches``, ``counts``), its Parquet parts that hold
        rows, in file-name order, each as ``(file, least doc_id, greatest doc_id)``.

    Notes
    -----
    Each :meth:`reading` opens a cursor of an in-memory DuckDB database (memory
    limit :data:`READ_MEMORY`) and :meth:`source` names only the parts whose
    ``doc_id`` range overlaps a batch: a partition holds consecutive files, so a batch of
    documents in path order reads one part or a few, not every footer of the folder.
    """

    path: Path
    stamp: tuple[Any, ...]
    parts: Mapping[str, tuple[tuple[str, str, str], ...]]
    described: ClassVar[str] = "Dask output"
    #: the in-memory DuckDB database the reads use, made at the first (a new one took
    #: 17 ms, a cursor of it 0.4 ms: the report of 41,000 documents reads ~200 batches)
    _database: list[Any] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def of(cls, out_dir: Path | str,
           tables: Sequence[str] = ("documents", "matches", "counts")) -> ParquetSnapshot:
        """The snapshot of a (complete, verified) Dask output folder now.

        Nothing is checked against the run metadata here
        (:func:`seclens.engine.dask_engine.read_run_metadata` does that); a folder
        without it is read as it is, and later reads refuse a folder whose run
        metadata has appeared, changed or gone since (``E614``).

        Raises
        ------
        StoreError
            ``E613`` when a part cannot be read (see :meth:`reading`).
        """
        out = Path(out_dir).resolve()
        parts: dict[str, tuple[tuple[str, str, str], ...]] = {}
        snapshot = cls(out, _metadata_stamp(out), parts)
        with snapshot.reading() as reader:
            for table in tables:
                files = sorted(str(f) for f in (out / table).glob("part-*.parquet"))
                found = reader.con.execute(
                    "SELECT filename, min(doc_id), max(doc_id) FROM "
                    "read_parquet($1, filename = true) GROUP BY filename",
                    [files]).fetchall() if files else []
                parts[table] = tuple(sorted((str(f), str(lo), str(hi))
                                            for f, lo, hi in found))
        return snapshot

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A cursor of an in-memory DuckDB database to query the parts with, closed on
        exit.

        Raises
        ------
        StoreError
            ``E614`` when the folder's run metadata is no longer the one loaded (the
            folder was written again); ``E613`` when DuckDB cannot read a part (the
            folder was damaged since it was verified).
        """
        now = _metadata_stamp(self.path)
        if now != self.stamp:
            raise changed(self.path, "its run metadata is not the one loaded",
                          what=self.described)
        if not self._database:
            database = duckdb.connect()
            database.execute(f"SET memory_limit = '{READ_MEMORY}'")
            self._database.append(database)
        con = self._database[0].cursor()
        try:
            try:
                yield _Connection(con)
            except duckdb.OutOfMemoryException as exc:
                raise out_of_memory(self.path, self.described, exc) from exc
            except duckdb.Error as exc:  # unreadable, or of another schema: not ours
                raise unreadable_parts(self.path, exc) from exc
        finally:
            con.close()

    def files(self, table: str, lo: str | None = None, hi: str | None = None) -> list[str]:
        """The parts of ``table`` holding rows whose ``doc_id`` may lie in ``lo`` .. ``hi``."""
        return [f for f, first, last in self.parts.get(table, ())
                if (hi is None or first <= hi) and (lo is None or last >= lo)]

    def source(self, table: str, lo: str | None, hi: str | None, param: int
               ) -> tuple[str, list[Any]]:
        """``read_parquet($param)`` of the parts that may hold ``lo`` .. ``hi``; the
        empty table's columns when none does."""
        files = self.files(table, lo, hi)
        if not files:  # no rows there: no part to read (read_parquet of none fails)
            return "(SELECT CAST(NULL AS VARCHAR) AS doc_id WHERE false)", []
        return f"read_parquet(${param})", [files]


def unreadable_parts(out: Path, exc: BaseException) -> StoreError:
    """The ``E613`` error: the Parquet parts of the Dask output ``out`` cannot be read
    (gone, truncated, or of another schema) by DuckDB or pyarrow."""
    return StoreError("E613", f"{out}: the output folder's Parquet parts cannot be read "
                      f"({type(exc).__name__}: {exc}): it is damaged; run seclens ingest "
                      "--engine dask again into a new folder")


def _metadata_stamp(out: Path) -> tuple[Any, ...]:
    from seclens.engine.dask_engine import RUN_METADATA

    try:
        info = (out / RUN_METADATA).stat()
    except OSError:
        return ("gone",)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _newest_run(store: Store) -> tuple[int, str]:
    found = store.con.execute(
        "SELECT run_id, CAST(started_at AS VARCHAR) FROM runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    return (int(found[0][0]), str(found[0][1])) if found else (0, "")


#: The memory limit a batch's query is run again with when :data:`READ_MEMORY` is too
#: little (a document of hundreds of thousands of matches, read alone).
RETRY_MEMORY = "2GB"


def out_of_memory(path: Path, what: str, exc: BaseException) -> StoreError:
    """The ``E615`` error: DuckDB needed more than :data:`RETRY_MEMORY` to read a batch."""
    return StoreError("E615", f"{what} {path}: DuckDB ran out of memory reading a batch "
                      f"of its rows ({exc}); a document with very many matches? Report "
                      "it with the document's size")


def changed(path: Path, how: str, what: str = "store") -> StoreError:
    """The ``E614`` error: the store (``what="store"``) or Dask output folder
    (``"Dask output"``) changed while an analysis read from it was used."""
    cause = ("an ingest ran in between" if what == "store"
             else "it was written again in between")
    return StoreError("E614", f"{what} {path} changed while its analysis was being read "
                      f"({how}): {cause}. Run the report again")


class StoredTables(TableSource[T]):
    """The per-document tables of one result table of a store, loaded when used.

    Parameters
    ----------
    snapshot : StoreSnapshot or ParquetSnapshot
        The store, or the Dask output folder.
    table : {"matches", "counts"}
        The table the rows come from.
    fields : sequence of str
        Its columns to read, in the order ``build`` expects them.
    doc_ids : sequence of str, shape (n_tables,)
        The documents with rows in that table, in the chain's (report) order.
    lengths : sequence of int, shape (n_tables,)
        Rows of each (>= 1), as counted when the analysis was loaded.
    build : callable
        Columns of one batch -> its tables, one per document, in order
        (:func:`seclens.store.results.match_tables_of`, ``count_tables_of``).
    batch_rows : int
        Rows per query (whole documents; a larger document is read alone).

    Raises
    ------
    StoreError
        When a table is used: ``E614`` if the store changed since ``snapshot``
        (including a document whose row count differs), and the errors of
        :meth:`StoreSnapshot.reading`.

    Notes
    -----
    Indexing keeps the batch it read last and answers from it without reading the
    store again: rows of the state the analysis was loaded from (never mixed with a
    later one), also after an ingest that other reads refuse.
    """

    __slots__ = ("_batches", "_build", "_cache", "_doc_ids", "_fields", "_lengths",
                 "_snapshot", "_table")

    def __init__(self, snapshot: RowSnapshot, table: str, fields: Sequence[str],
                 doc_ids: Sequence[str], lengths: Sequence[int], build: TableBuilder,
                 batch_rows: int = BATCH_ROWS) -> None:
        if len(doc_ids) != len(lengths) or any(n < 1 for n in lengths):
            raise ValueError("doc_ids and lengths must align, every length >= 1")
        self._snapshot = snapshot
        self._table = table
        self._fields = tuple(fields)
        self._doc_ids = tuple(doc_ids)
        self._lengths = tuple(lengths)
        self._build = build
        self._batches = batch_starts(self._lengths, batch_rows)
        self._cache: dict[int, Sequence[T]] = {}  # one batch: index -> its tables

    @property
    def lengths(self) -> Sequence[int]:
        return self._lengths

    def doc_ids(self) -> Sequence[str]:
        return self._doc_ids

    def __len__(self) -> int:
        return len(self._doc_ids)

    def __getitem__(self, k: int) -> T:  # type: ignore[override]  # no slices
        if not isinstance(k, int):
            raise TypeError("StoredTables takes an int index")
        n = len(self)
        if not -n <= k < n:
            raise IndexError(f"table {k} out of range ({n} tables)")
        k %= n
        b = bisect_right(self._batches, k) - 1
        if b not in self._cache:
            with self._snapshot.reading() as store:
                tables = self._load(store, b)
            self._cache.clear()
            self._cache[b] = tables
        return self._cache[b][k - self._batches[b]]

    def __iter__(self) -> Iterator[T]:
        return self.head(len(self))

    def head(self, n: int) -> Iterator[T]:
        """The first ``n`` tables, in one pass a batch at a time: the store is opened
        for each batch and closed before its tables are yielded, so that an iteration
        left half-read holds no connection (which would lock the file against an
        ingest in this process)."""
        for b, start in enumerate(self._batches):
            if start >= n:
                break
            with self._snapshot.reading() as store:
                tables = self._load(store, b)
            yield from tables[:n - start]

    def check(self) -> None:
        """Refuse (``E614``) a store changed since the analysis was loaded; a caller
        that read other parts of the same store (its annotations) checks with this
        that they belong to the same state."""
        with self._snapshot.reading():
            pass

    def _load(self, reader: Reader, b: int) -> Sequence[T]:
        start = self._batches[b]
        stop = self._batches[b + 1] if b + 1 < len(self._batches) else len(self)
        ids = list(self._doc_ids[start:stop])
        columns = ", ".join(f'm."{f}"' for f in self._fields)
        lo, hi = min(ids), max(ids)
        source, params = self._snapshot.source(self._table, lo, hi, 4)
        # The range test is implied by the join; DuckDB checks it against each row
        # group's min/max doc_id and skips the row groups outside it. Documents are
        # written in path order, so a batch's rows sit in few row groups: 0.03 s
        # against 0.17 s a batch on 2.7 million matches.
        query = (f"SELECT {columns} FROM {source} AS m {IN_ORDER} "
                 "WHERE m.doc_id BETWEEN $2 AND $3 ORDER BY o.pos, m.ordinal")
        try:
            arrow = reader.con.sql(query, params=[ids, lo, hi, *params]).to_arrow_table()
        except duckdb.OutOfMemoryException:
            # a batch is whole documents: one of very many matches is read alone and
            # may need more than READ_MEMORY; once more with RETRY_MEMORY, then E615
            ((limit,),) = reader.con.execute(
                "SELECT current_setting('memory_limit')").fetchall()
            reader.con.execute(f"SET memory_limit = '{RETRY_MEMORY}'")
            try:
                arrow = reader.con.sql(query, params=[ids, lo, hi, *params]).to_arrow_table()
            except duckdb.OutOfMemoryException as exc:
                raise out_of_memory(self._snapshot.path, self._snapshot.described,
                                    exc) from exc
            finally:
                reader.con.execute(f"SET memory_limit = '{limit}'")
        cols = arrow.to_pydict()
        tables = self._build(cols)
        got = [len(t) for t in tables]
        want = list(self._lengths[start:stop])
        if got != want or [t.doc_id for t in tables] != ids:
            raise changed(self._snapshot.path, what=self._snapshot.described,
                          how=f"the {self._table} rows of documents "
                          f"{ids[0]} .. {ids[-1]} are not those counted when it was loaded")
        return tables

    def __repr__(self) -> str:
        return (f"StoredTables({self._table!r} of {self._snapshot.path}, "
                f"n_tables={len(self)}, n_rows={sum(self._lengths)})")


def batch_starts(lengths: Sequence[int], batch_rows: int) -> list[int]:
    """Index of the first table of each batch: consecutive tables while their rows
    stay within ``batch_rows`` (a table with more is a batch of its own)."""
    starts: list[int] = []
    rows = 0
    for k, n in enumerate(lengths):
        if not starts or rows + n > batch_rows:
            starts.append(k)
            rows = 0
        rows += n
    return starts


def check_current(rows: Sequence[Any]) -> None:
    """``E614`` when ``rows`` (an analysis's matches or counts) are read from a store
    that changed since the analysis was loaded; nothing for rows held in memory."""
    tables = getattr(rows, "tables", None)
    if isinstance(tables, StoredTables):
        tables.check()


def row_counts(reader: Reader, table: str, doc_ids: Sequence[str],
               snapshot: RowSnapshot | None = None) -> Mapping[str, int]:
    """Rows of ``table`` per document, for the documents ``doc_ids`` (those without
    rows left out).

    Parameters
    ----------
    reader : Store or Reader
        An open store, or what ``snapshot.reading()`` yielded.
    table : str
    doc_ids : sequence of str
    snapshot : StoreSnapshot, ParquetSnapshot or None
        Where ``table`` is (default: a table of ``reader``'s store).
    """
    source, params = (snapshot.source(table, None, None, 2) if snapshot is not None
                      else (table, []))
    found = reader.con.execute(
        f"SELECT doc_id, count(*) FROM {source} "
        "WHERE doc_id IN (SELECT unnest($1)) GROUP BY doc_id",
        [list(doc_ids), *params]).fetchall()
    return dict(found)


def stored_tables(snapshot: RowSnapshot, reader: Reader, table: str, fields: Sequence[str],
                  doc_ids: Sequence[str], build: TableBuilder,
                  batch_rows: int = BATCH_ROWS) -> StoredTables[Any]:
    """The :class:`StoredTables` of ``table`` for the documents ``doc_ids`` (in that
    order), counting their rows through ``reader`` (an open store, or what
    ``snapshot.reading()`` yielded) now."""
    counts = row_counts(reader, table, doc_ids, snapshot)
    having = [d for d in doc_ids if counts.get(d)]
    return StoredTables(snapshot, table, fields, having, [counts[d] for d in having], build,
                        batch_rows)


__all__ = ["BATCH_ROWS", "IN_ORDER", "READ_MEMORY", "RETRY_MEMORY", "ParquetSnapshot",
           "Reader", "RowSnapshot", "StoreSnapshot", "StoredTables", "batch_starts",
           "changed", "check_current", "out_of_memory", "row_counts", "stored_tables",
           "unreadable_parts"]
