"""Engine stage (scale): result tables shared by the store and the Parquet writer.

One column layout per table, defined once here as an Arrow schema, so that the
DuckDB store, the Dask Parquet output and the DataFrames read back from either have
the same columns and types. Column names follow the field names of the stage types
(:class:`~seclens.types.Match`, ``CountRow`` ...); ``sentence_index`` names the
sentence position everywhere.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

import pyarrow as pa

from seclens.engine.config import EngineConfig
from seclens.engine.process import DocumentResult, Task, analyse_batch
from seclens.types import META_FIELDS, Document, DocumentMeta, Exclusion

META_COLUMNS = META_FIELDS

DOCUMENTS = pa.schema(
    [("doc_id", pa.string()), ("path", pa.string()), ("fmt", pa.string()),
     ("encoding", pa.string()), ("sha256", pa.string()), ("chars", pa.int64()),
     ("size", pa.int64()), ("unit", pa.string()), ("n_sentences", pa.int64()),
     ("n_matches", pa.int64()), ("text", pa.string())]
    + [(c, pa.string()) for c in META_COLUMNS]
    + [("extra_json", pa.string()), ("notes_json", pa.string()),
       ("summary_notes_json", pa.string())]
)
SENTENCES = pa.schema(
    [("doc_id", pa.string()), ("sentence_index", pa.int64()), ("start", pa.int64()),
     ("end", pa.int64()), ("text", pa.string()), ("kind", pa.string())]
)
MATCHES = pa.schema(
    [("doc_id", pa.string()), ("ordinal", pa.int64()), ("sentence_index", pa.int64()),
     ("start", pa.int64()),
     ("end", pa.int64()), ("term", pa.string()), ("matched_text", pa.string()),
     ("entry_id", pa.string()), ("category", pa.string()), ("sector", pa.string()),
     ("sense", pa.string()), ("sense_rule", pa.string()), ("convention", pa.string()),
     ("left", pa.string()), ("right", pa.string())]
)
COUNTS = pa.schema(
    [("doc_id", pa.string()), ("ordinal", pa.int64()), ("key_type", pa.string()),
     ("key", pa.string()),
     ("entry_id", pa.string()), ("count", pa.int64()), ("size", pa.int64()),
     ("unit", pa.string()), ("per_10k", pa.float64()), ("convention", pa.string()),
     ("reason", pa.string()), ("category", pa.string()), ("sector", pa.string())]
)
ANNOTATIONS = pa.schema(
    [("doc_id", pa.string()), ("sentence_index", pa.int64()), ("annotator", pa.string()),
     ("annotator_version", pa.string()), ("security_sense", pa.string()),
     ("securitizing_move", pa.int64()), ("vuori_act", pa.string()),
     ("labels_json", pa.string()), ("evidence_json", pa.string())]
)
EXCLUSIONS = pa.schema(
    [("path", pa.string()), ("doc_id", pa.string()), ("code", pa.string()),
     ("reason", pa.string())]
)

#: Sort keys of each table: the deterministic row order of every reader.
TABLE_ORDER: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sentences": ("doc_id", "sentence_index"),
    "matches": ("doc_id", "ordinal"),
    "counts": ("doc_id", "ordinal"),
    "annotations": ("doc_id", "sentence_index", "annotator"),
    "exclusions": ("path", "code"),
}

#: Table name -> schema of the per-document result tables (documents first).
RESULT_SCHEMAS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sentences": SENTENCES,
    "matches": MATCHES,
    "counts": COUNTS,
    "annotations": ANNOTATIONS,
}


def document_row(result: DocumentResult) -> dict[str, Any]:
    """One ``documents`` row (text, hash, format, encoding, size and metadata)."""
    document = result.document
    meta = document.meta
    row: dict[str, Any] = {
        "doc_id": document.doc_id, "path": document.path, "fmt": document.fmt,
        "encoding": document.encoding, "sha256": document.sha256,
        "chars": len(document.text), "size": int(result.summary.size),
        "unit": str(result.summary.unit), "n_sentences": int(result.summary.n_sentences),
        "n_matches": int(result.summary.n_matches), "text": document.text,
    }
    for col in META_COLUMNS:
        row[col] = getattr(meta, col)
    row["extra_json"] = json.dumps(dict(meta.extra), ensure_ascii=False)  # manifest order
    row["notes_json"] = json.dumps(list(document.notes), ensure_ascii=False)
    row["summary_notes_json"] = json.dumps(list(result.summary.notes), ensure_ascii=False)
    return row


def row_to_document(row: Mapping[Any, Any]) -> Document:
    """Rebuild a :class:`~seclens.types.Document` from a ``documents`` row.

    A row read without its ``text`` column gives a Document with ``text=""``.
    """
    meta = DocumentMeta(
        doc_id=row["doc_id"],
        extra=json.loads(row["extra_json"] or "{}"),
        **{c: row[c] or "" for c in META_COLUMNS},
    )
    return Document(
        meta=meta, text=row.get("text") or "", path=row["path"], fmt=row["fmt"],
        encoding=row["encoding"], sha256=row["sha256"],
        notes=tuple(json.loads(row["notes_json"] or "[]")),
    )


def _dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    # Flat records of flat dataclasses (``asdict`` deep-copies and is ~10x slower).
    return [{f.name: getattr(x, f.name) for f in fields(x)} for x in items]


def _check_layout(item: Any, schema: pa.Schema, renamed: dict[str, str]) -> None:
    names = {renamed.get(f.name, f.name) for f in fields(item)}
    unknown = names - set(schema.names)
    if unknown:
        raise ValueError(f"result fields not in the table layout: {sorted(unknown)}")


def _source_columns(items: Sequence[Any], names: Sequence[str]) -> list[list[Any]]:
    """The ``names`` fields of ``items`` as columns.

    The per-document stages return columnar sequences (the match and count tables
    have ``column(name)``; the sentence table has ``starts``/``ends``/``kinds`` over
    the document text): read their columns instead of building one object per row
    (that cost more than the analysis itself). Any other sequence of flat
    dataclasses is read row by row.
    """
    column = getattr(items, "column", None)
    if callable(column):
        return [list(column(n)) for n in names]
    starts, ends = getattr(items, "starts", None), getattr(items, "ends", None)
    if (isinstance(starts, list) and isinstance(ends, list)
            and isinstance(getattr(items, "text", None), str)
            and set(names) <= {"doc_id", "index", "start", "end", "text", "kind"}):
        text: str = items.text  # type: ignore[attr-defined]
        cols = {"doc_id": [items.doc_id] * len(starts),  # type: ignore[attr-defined]
                "index": list(range(len(starts))), "start": list(starts),
                "end": list(ends), "kind": list(items.kinds),  # type: ignore[attr-defined]
                "text": [text[s:e] for s, e in zip(starts, ends, strict=True)]}
        return [cols[n] for n in names]
    return [list(map(attrgetter(n), items)) for n in names]


def _extend(columns: dict[str, list[Any]], items: Sequence[Any], schema: pa.Schema,
            renamed: dict[str, str] | None = None, ordinal: bool = False,
            nulls: Sequence[str] = ()) -> None:
    """Append ``items`` (a sequence of flat dataclasses) column by column; the columns
    named in ``nulls`` get nulls instead of their values (not computed)."""
    if not items:
        return
    renamed = renamed or {}
    _check_layout(items[0], schema, renamed)
    source = {v: k for k, v in renamed.items()}
    names = [n for n in columns if not (n == "ordinal" and ordinal) and n not in nulls]
    for name, values in zip(names, _source_columns(items, [source.get(n, n) for n in names]),
                            strict=True):
        columns[name].extend(values)
    for name in nulls:
        columns[name].extend([None] * len(items))
    if ordinal:
        columns["ordinal"].extend(range(len(items)))


def result_tables(results: Sequence[DocumentResult],
                  sentence_text: bool = True) -> dict[str, pa.Table]:
    """Arrow tables (one per result table) for a batch of document results.

    Parameters
    ----------
    results : sequence of DocumentResult
    sentence_text : bool
        Fill the ``text`` column of ``sentences`` (``False``: nulls, for the store,
        which reads a sentence's text as a slice of its document's; schema version 3).

    Returns
    -------
    dict[str, pyarrow.Table]
        Keys of :data:`RESULT_SCHEMAS`; rows in the order of ``results``, then in each
        result's own order (``ordinal`` numbers matches and counts within their
        document). Empty tables keep their schema.

    Raises
    ------
    ValueError
        When a stage type has a field the table layout does not know (fix
        :mod:`seclens.engine.tables`).
    """
    cols: dict[str, dict[str, list[Any]]] = {
        name: {c: [] for c in schema.names} for name, schema in RESULT_SCHEMAS.items()}
    doc_cols = cols["documents"]
    for res in results:
        for name, value in document_row(res).items():
            doc_cols[name].append(value)
        _extend(cols["sentences"], res.sentences, SENTENCES, {"index": "sentence_index"},
                nulls=() if sentence_text else ("text",))
        _extend(cols["matches"], res.matches, MATCHES, ordinal=True)
        _extend(cols["counts"], res.counts, COUNTS, ordinal=True)
        _extend(cols["annotations"], res.annotations, ANNOTATIONS)
    return {name: pa.Table.from_pydict(cols[name], schema=schema)
            for name, schema in RESULT_SCHEMAS.items()}


def table_from_rows(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table with exactly ``schema``'s columns (extra keys are an error).

    Raises
    ------
    ValueError
        When a row has a field the schema does not know (a stage type changed
        without the table layout: fix :mod:`seclens.engine.tables`).
    """
    names = set(schema.names)
    for row in rows[:1]:
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"result fields not in the table layout: {sorted(unknown)}")
    columns = {n: [r.get(n) for r in rows] for n in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def exclusion_table(exclusions: Sequence[Exclusion]) -> pa.Table:
    """Arrow table of exclusion records (``path, doc_id, code, reason``)."""
    return table_from_rows(_dicts(exclusions), EXCLUSIONS)


@dataclass(frozen=True)
class TableBatch:
    """The result tables of a batch of tasks, built where the batch was analysed.

    Attributes
    ----------
    tables : dict[str, pyarrow.Table]
        As :func:`result_tables` (``documents`` rows in task order).
    excluded : tuple[Exclusion, ...]
        Tasks that could not be analysed, in task order.
    """

    tables: dict[str, pa.Table]
    excluded: tuple[Exclusion, ...]

    @property
    def doc_ids(self) -> list[str]:
        """doc_ids of the analysed documents, in task order."""
        return [str(x) for x in self.tables["documents"].column("doc_id").to_pylist()]


def check_fingerprint(config: EngineConfig, expected: str | None) -> None:
    """Refuse to analyse when this process's data files differ from the run's.

    The parent records the fingerprint of the configuration (lexicon, rules and
    annotator versions ...) in the run; a worker that loaded other versions (a data
    file edited during the run, a worker with another seclens) would write rows the
    store attributes to the wrong configuration.

    Raises
    ------
    StoreError
        ``E611`` when the fingerprints differ.
    """
    if expected is None:
        return
    from seclens.engine.config import config_fingerprint
    from seclens.engine.process import describe_pipeline
    from seclens.errors import StoreError

    here = config_fingerprint(config, describe_pipeline(config))
    if here != expected:
        raise StoreError(
            "E611", "this worker's lexicon/rule/annotator data or seclens version differs "
            "from the run's (a data file changed during the run, or workers run another "
            "seclens); restart the run")


def analyse_batch_tables(tasks: list[Task], config: EngineConfig,
                         fingerprint: str | None = None,
                         sentence_text: bool = True) -> TableBatch:
    """:func:`~seclens.engine.process.analyse_batch`, then :func:`result_tables`
    (``sentence_text`` as there).

    With ``fingerprint``, first :func:`check_fingerprint`.
    """
    check_fingerprint(config, fingerprint)
    results: list[DocumentResult] = []
    excluded: list[Exclusion] = []
    for item in analyse_batch(tasks, config):
        if isinstance(item, Exclusion):
            excluded.append(item)
        else:
            results.append(item)
    return TableBatch(result_tables(results, sentence_text), tuple(excluded))


def concat_batches(batches: Sequence[TableBatch]) -> TableBatch:
    """One :class:`TableBatch` holding the rows of ``batches`` in order."""
    tables = {name: pa.concat_tables([b.tables[name] for b in batches])
              for name in RESULT_SCHEMAS}
    return TableBatch(tables, tuple(e for b in batches for e in b.excluded))


_META_GETTER = attrgetter(*META_COLUMNS)
_NO_META = (None,) * len(META_COLUMNS)
_JSON = json.JSONEncoder(ensure_ascii=False)

#: Columns of the task plan (one row per input file; see :func:`task_plan_table`).
TASK_PLAN = pa.schema(
    [("path", pa.string()), ("doc_id", pa.string()), ("manifest_gap", pa.string()),
     ("has_meta", pa.bool_()), ("meta_doc_id", pa.string())]
    + [(c, pa.string()) for c in META_COLUMNS]
    + [("extra_json", pa.string())]
)


def task_plan_table(tasks: Sequence[Task]) -> pa.Table:
    """The task plan as an Arrow table (paths and metadata, no text).

    The Dask engine writes it as Parquet for the workers; the store ingest keeps it
    instead of the Task objects (about a third of their memory). ``has_meta`` is
    false for a file without manifest metadata; ``extra_json`` keeps the extra
    manifest columns in their order. :func:`tasks_from_plan` inverts it.

    Parameters
    ----------
    tasks : sequence of Task

    Returns
    -------
    pyarrow.Table
        Schema :data:`TASK_PLAN`, one row per task, in order.
    """
    # column by column, with C-level getters and one JSON encoder (json.dumps with
    # arguments builds an encoder per call); 41,138 files: 0.56 s row by row, 0.33-0.46 s
    metas = [task.meta for task in tasks]
    rows = [_META_GETTER(m) if m is not None else _NO_META for m in metas]
    cols: dict[str, list[Any]] = {
        "path": [task.path for task in tasks],
        "doc_id": [task.doc_id for task in tasks],
        "manifest_gap": [task.manifest_gap for task in tasks],
        "has_meta": [m is not None for m in metas],
        "meta_doc_id": [m.doc_id if m is not None else None for m in metas],
    }
    cols.update((c, list(column)) for c, column in zip(
        META_COLUMNS, zip(*rows, strict=True) if rows else [()] * len(META_COLUMNS),
        strict=True))
    encode = _JSON.encode
    cols["extra_json"] = [
        None if m is None else encode(dict(m.extra)) if m.extra else "{}" for m in metas]
    return pa.Table.from_pydict(cols, schema=TASK_PLAN)


def tasks_from_plan(table: pa.Table) -> list[Task]:
    """The :class:`~seclens.engine.process.Task` rows of a task-plan table."""
    tasks = []
    for row in table.to_pylist():
        meta = None
        if row["has_meta"]:
            extra = json.loads(row["extra_json"] or "{}")  # a dict, as planned
            meta = DocumentMeta(doc_id=row["meta_doc_id"], extra=extra,
                                **{c: row[c] for c in META_COLUMNS})
        tasks.append(Task(row["path"], row["doc_id"], meta, row["manifest_gap"] or ""))
    return tasks


def write_task_plan(inputs: Sequence[str], options: Any, path: str,
                    row_group_size: int = 4096) -> list[Exclusion]:
    """Plan ``inputs`` and write the plan to the Parquet file ``path``.

    Runs :func:`seclens.engine.process.plan_tasks` and writes its tasks as
    :data:`TASK_PLAN` rows, at most ``row_group_size`` per row group (a row group
    never spans two writes, so each is a whole partition of the Dask engine). The
    file is written even when there is nothing to analyse (no row group).

    Parameters
    ----------
    inputs : sequence of str
        Files and folders.
    options : seclens.ingest.IngestOptions
    path : str
    row_group_size : int

    Returns
    -------
    list[Exclusion]
        The plan's exclusions (duplicate ids, unsupported files, orphan manifest rows).

    Raises
    ------
    IngestError
        Missing input, malformed manifest (as :func:`plan_tasks`).
    """
    import pyarrow.parquet as pq

    from seclens.engine.process import collector_paused, plan_tasks

    chunk = row_group_size * max(1, 4096 // row_group_size)
    with collector_paused():  # see there: a quarter of planning's CPU time
        tasks, excluded = plan_tasks(list(inputs), options)
        with pq.ParquetWriter(path, TASK_PLAN) as writer:
            for i in range(0, len(tasks), chunk):
                writer.write_table(task_plan_table(tasks[i:i + chunk]),
                                   row_group_size=row_group_size)
    return excluded


#: File names of a task plan written in parts (:func:`write_task_plan_parts`).
PLAN_PART = "part-{:06d}.parquet"


def write_task_plan_parts(inputs: Sequence[str], options: Any, folder: str,
                          part_rows: int = 4096) -> list[Exclusion]:
    """Plan ``inputs`` into the folder ``folder``, one Parquet file per ``part_rows`` tasks.

    As :func:`write_task_plan`, but each part is written as soon as its tasks are
    planned (:func:`seclens.ingest.stream_plan`), under a temporary name renamed to
    :data:`PLAN_PART` (``part-000000.parquet``, ...) when complete, so that a reader
    in another process (:func:`read_task_plan_parts`) can analyse the first files
    while the rest are planned. A part is never renamed before it is whole; no part
    is written when there is nothing to analyse.

    Parameters
    ----------
    inputs : sequence of str
        Files and folders.
    options : seclens.ingest.IngestOptions
    folder : str
        An existing, empty folder.
    part_rows : int
        Tasks per part (>= 1).

    Returns
    -------
    list[Exclusion]
        The plan's exclusions, as :func:`write_task_plan` (unsupported files and
        duplicate ids in path order, then manifest rows without a file).

    Raises
    ------
    IngestError
        Missing input, malformed manifest (as :func:`seclens.engine.process.plan_tasks`),
        before any part is written.
    """
    import pyarrow.parquet as pq

    from seclens.engine.process import collector_paused
    from seclens.ingest import PlannedFile, stream_plan

    excluded: list[Exclusion] = []
    tasks: list[Task] = []
    parts = 0

    def flush() -> None:
        nonlocal parts
        final = os.path.join(folder, PLAN_PART.format(parts))
        pq.write_table(task_plan_table(tasks), final + ".tmp", row_group_size=part_rows)
        os.replace(final + ".tmp", final)
        tasks.clear()
        parts += 1

    with collector_paused():  # see there
        stream = stream_plan(list(inputs), options)
        for item in stream:
            if isinstance(item, PlannedFile):
                tasks.append(Task(str(item.path), item.doc_id, item.meta, item.manifest_gap))
                if len(tasks) >= part_rows:
                    flush()
            else:
                excluded.append(item)
        if tasks:
            flush()
        excluded.extend(stream.orphans())
    return excluded


def read_task_plan_parts(folder: str, done: Callable[[], bool] | None = None,
                         chunk: int = 256, poll: float = 0.005) -> Iterator[Task]:
    """The tasks of a plan written by :func:`write_task_plan_parts`, in plan order.

    Reads ``chunk`` rows at a time (the reader's memory does not grow with the number
    of files). With ``done`` (true once the writer has ended, successfully or not),
    the plan may still be being written: a part not there yet is waited for
    (checked every ``poll`` seconds) until ``done()``; the writer's outcome (its
    exclusions or its error) is the caller's to collect. Without ``done`` the plan is
    complete.

    Parameters
    ----------
    folder : str
    done : callable or None
    chunk : int
    poll : float
        Seconds.

    Yields
    ------
    Task
    """
    import pyarrow.parquet as pq

    index = 0
    while True:
        part = os.path.join(folder, PLAN_PART.format(index))
        if not os.path.exists(part):
            if done is None:
                return
            if not done():
                time.sleep(poll)
                continue
            if not os.path.exists(part):  # renamed just before the writer ended?
                return
        with pq.ParquetFile(part) as parquet:
            for batch in parquet.iter_batches(batch_size=chunk):
                yield from tasks_from_plan(pa.Table.from_batches([batch]))
        index += 1


def wait_for_plan(folder: str, done: Callable[[], bool], poll: float = 0.005) -> None:
    """Return once the first part of a plan being written is there, or its writer ended.

    For callers that should not start (open a store, record a run) before the
    planning has validated the inputs: every planning error is raised before the
    first part is written (:func:`write_task_plan_parts`).
    """
    first = os.path.join(folder, PLAN_PART.format(0))
    while not os.path.exists(first) and not done():
        time.sleep(poll)
