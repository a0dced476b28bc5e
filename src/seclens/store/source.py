"""Store stage: a stored analysis as the CORPUS of the analysis commands.

A store written by ``seclens ingest --db FILE`` and an output folder of ``seclens
ingest --engine dask --out DIR`` hold the documents' text, metadata and measures.
:func:`stored_corpus` recognises one given as CORPUS; :class:`StoredCorpus` then
gives its documents (in the order ``seclens analyze`` reads the same files), its
exclusions and its analysis, so that ``seclens annotate``, ``sample``, ``table``,
``compare`` and ``trend`` run from it as from the folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from seclens.errors import ConfigError
from seclens.types import Document, Exclusion

if TYPE_CHECKING:
    from seclens.api import AnalysisResult

#: Documents of a Dask output read at a time by :meth:`StoredCorpus.documents` ...
_BATCH = 64
#: ... and at most this many characters of their text (9 MB of Chinese in UTF-8).
_BATCH_CHARS = 3_000_000


@dataclass(frozen=True)
class StoredCorpus:
    """One stored analysis given as CORPUS.

    Attributes
    ----------
    kind : {"store", "parquet"}
        ``store``: a DuckDB store (``seclens ingest --db``); ``parquet``: the output
        folder of ``seclens ingest --engine dask``.
    path : pathlib.Path
    """

    kind: Literal["store", "parquet"]
    path: Path

    @property
    def described(self) -> str:
        """``"a store"`` or ``"a Dask output folder"`` (for messages)."""
        return "a store" if self.kind == "store" else "a Dask output folder"

    def analysis(self) -> AnalysisResult:
        """The stored analysis (:func:`seclens.store.load_analysis` of the store's
        active documents, or :func:`seclens.store.results.load_parquet_analysis`).

        Raises
        ------
        StoreError
            ``E602`` the store cannot be opened; ``E610`` no single analysis;
            ``E613`` a Dask output without run metadata.
        """
        from seclens.store.results import load_analysis, load_parquet_analysis
        from seclens.store.rows import READ_MEMORY
        from seclens.store.store import open_store

        if self.kind == "parquet":
            return load_parquet_analysis(self.path)
        with open_store(self.path, read_only=True, memory_limit=READ_MEMORY) as store:
            return load_analysis(store)

    def exclusions(self) -> tuple[Exclusion, ...]:
        """The exclusions recorded with the analysis (a store's that still hold,
        :func:`seclens.store.results.stored_exclusions`; all of a Dask run's), ordered
        by path and code.

        Raises
        ------
        StoreError
            ``E602`` the store cannot be opened; ``E610`` its last ingest did not
            finish; ``E613`` a Dask output without run metadata or damaged.
        """
        from seclens.store.results import parquet_exclusions, stored_exclusions
        from seclens.store.store import open_store

        if self.kind == "parquet":
            found = parquet_exclusions(self.path)
        else:
            with open_store(self.path, read_only=True) as store:
                found = stored_exclusions(store)
        return tuple(sorted(found, key=lambda e: (e.path, e.code)))

    def input_roots(self) -> tuple[Path, ...]:
        """The files and folders the stored analysis was made from (every ingest run's,
        or the Dask run's), resolved.

        Raises
        ------
        StoreError
            ``E602`` the store cannot be opened; ``E613`` a Dask output without run
            metadata.
        """
        if self.kind == "parquet":
            from seclens.engine.dask_engine import read_run_metadata

            return tuple(Path(p) for p in read_run_metadata(self.path).inputs)
        from seclens.store.results import stored_input_roots
        from seclens.store.store import open_store

        with open_store(self.path, read_only=True) as store:
            return tuple(Path(p) for p in stored_input_roots(store))

    def protected_paths(self) -> tuple[Path, ...]:
        """What an output must never be or lie in: the stored analysis itself (a store
        with its ``.wal`` and ``.tmp`` companions, which DuckDB replays or removes), and
        the inputs it was made from."""
        own = (self.path,) if self.kind == "parquet" else (
            self.path, Path(f"{self.path}.wal"), Path(f"{self.path}.tmp"))
        return own + self.input_roots()

    def documents(self) -> Iterator[Document]:
        """The stored documents, with their text, ordered by path then doc_id.

        That is the order in which ``seclens analyze`` and ``seclens annotate`` read
        the same files from a folder, so that order-dependent results (a sample's
        draw, the evidence ties of the framework table) are the same. Streamed: a
        store is read ``64`` documents per query, a Dask output at most 64
        documents and 3,000,000 characters at a time (:func:`_parquet_documents`).

        Yields
        ------
        seclens.types.Document
            A store's active documents; every document of a Dask output.

        Raises
        ------
        StoreError
            ``E610`` a store whose last ingest did not finish
            (:func:`seclens.store.results.require_complete`); ``E613`` a Dask output
            that is not a complete run's (:func:`seclens.engine.dask_engine.read_run_metadata`)
            or whose parts cannot be read; ``E614`` one written again while read.
        """
        if self.kind == "store":
            from seclens.store.results import require_complete
            from seclens.store.store import open_store

            with open_store(self.path, read_only=True) as store:
                require_complete(store)  # E610: never a killed ingest's fraction
                yield from store.iter_documents(order_by="path")
            return
        from seclens.engine.dask_engine import read_run_metadata

        read_run_metadata(self.path)  # E613 unless a complete run's, its parts as recorded
        yield from _parquet_documents(self.path)


def _parquet_documents(out_dir: Path) -> Iterator[Document]:
    """The documents of a Dask output folder ordered by path, doc_id, read
    :data:`_BATCH` at a time.

    The order (of ``path``, ``doc_id``) and the length of each text (``chars``) are
    found first (DuckDB, without the text); then the rows of each batch
    (:func:`_text_batches`), text included, are read by pyarrow from the parts that
    may hold them (:class:`~seclens.store.rows.ParquetSnapshot`), so that a batch
    takes the memory of its rows and no more, and a single long document (48 MB of
    text) is read as it is. Regression: DuckDB sorted every row, text included, and
    ran out of its 256 MB (``OutOfMemoryException`` at 6,028 documents, 150 MB); read
    by DuckDB in batches, a document of 16 million characters did not fit in its 64 MB.

    Raises
    ------
    StoreError
        ``E613`` when a part cannot be read; ``E614`` when the folder is written
        again, or a document is gone from its parts, while the documents are read.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from seclens.engine.tables import row_to_document
    from seclens.store.rows import ParquetSnapshot, changed, unreadable_parts

    snapshot = ParquetSnapshot.of(out_dir, tables=("documents",))
    files = snapshot.files("documents")
    if not files:
        return
    with snapshot.reading() as reader:
        order = reader.con.execute(
            "SELECT doc_id, path, chars FROM read_parquet($1) ORDER BY path, doc_id",
            [files]).fetchall()
    # a row is (doc_id, path): Parquet inputs may repeat a doc_id (each row keeps its
    # place in the order, as the reports refuse the folder with E610)
    for batch in _text_batches([((str(d), str(p)), int(n or 0)) for d, p, n in order]):
        ids = sorted({d for d, _ in batch})
        with snapshot.reading():  # E614 if written again since
            try:
                table = pq.read_table(snapshot.files("documents", ids[0], ids[-1]),
                                      filters=[("doc_id", "in", ids)])
            except (pa.ArrowException, OSError) as exc:
                raise unreadable_parts(snapshot.path, exc) from exc
        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in table.to_pylist():
            found.setdefault((str(row["doc_id"]), str(row["path"])), []).append(row)
        for key in batch:
            rows = found.pop(key, None)
            if rows is None:
                raise changed(snapshot.path, f"document {key[0]} ({key[1]}) is no longer "
                              "in its parts", what=snapshot.described)
            for row in rows:
                yield row_to_document(row)


K = TypeVar("K")


def _text_batches(sizes: Sequence[tuple[K, int]]) -> Iterator[list[K]]:
    """Consecutive keys of ``(key, characters of text)``: at most :data:`_BATCH`
    documents and :data:`_BATCH_CHARS` characters of text a batch (a longer document
    alone)."""
    batch: list[K] = []
    size = 0
    for key, n in sizes:
        if batch and (len(batch) >= _BATCH or size + n > _BATCH_CHARS):
            yield batch
            batch, size = [], 0
        batch.append(key)
        size += n
    if batch:
        yield batch


#: DuckDB database files carry these bytes at offset 8 (DuckDB storage format header).
_DUCKDB_MAGIC = b"DUCK"


def is_store_file(path: Path) -> bool:
    """Whether ``path`` is a file to be read as a store: named ``*.duckdb`` (so that a
    damaged store is reported as such), or a DuckDB database file under any name
    (``--db corpus.db``), recognised by its header."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".duckdb":
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head[8:12] == _DUCKDB_MAGIC


def stored_corpus(inputs: Sequence[str | os.PathLike[str]]) -> StoredCorpus | None:
    """The stored analysis when CORPUS is one, else ``None`` (files and folders).

    Parameters
    ----------
    inputs : sequence of path
        The CORPUS arguments.

    Returns
    -------
    StoredCorpus or None
        ``kind="store"`` for a file :func:`is_store_file` recognises (``*.duckdb``,
        or a DuckDB database under another name); ``kind="parquet"`` for a folder
        :func:`seclens.engine.dask_engine.is_dask_output` recognises.

    Raises
    ------
    ConfigError
        ``E001`` when a stored analysis is given with other inputs.
    StoreError
        ``E613`` for a Dask output folder without its run metadata (an interrupted
        run, or an older seclens's): never read as a folder of documents.
    """
    from seclens.engine.dask_engine import is_dask_output, read_run_metadata

    paths = [Path(p) for p in inputs]
    found: list[StoredCorpus] = [StoredCorpus("store", p) for p in paths if is_store_file(p)]
    for p in paths:
        if is_dask_output(p):
            read_run_metadata(p)  # E613 when incomplete or without metadata
            found.append(StoredCorpus("parquet", p))
    if not found:
        return None
    if len(paths) > 1:
        first = found[0]
        raise ConfigError("E001", f"{first.described} ({first.path}) must be the only "
                          "CORPUS input")
    return found[0]


__all__ = ["StoredCorpus", "is_store_file", "stored_corpus"]
