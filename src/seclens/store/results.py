"""Store stage: turn stored tables back into the report's :class:`AnalysisResult`.

Reports run from a store (or from the Parquet output of the Dask engine) exactly as
from a folder: :func:`load_analysis` rebuilds the :class:`seclens.api.AnalysisResult`
that :func:`seclens.report.write_report` takes, from the active documents of a store;
:func:`load_parquet_analysis` from the output folder of
:func:`seclens.engine.dask_engine.run_dask`; :func:`analysis_from_frames` does the
same from any set of DataFrames with the layout of :mod:`seclens.engine.tables`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from seclens import __version__
from seclens.engine.config import EngineConfig
from seclens.engine.process import build_pipeline
from seclens.engine.tables import row_to_document
from seclens.errors import StoreError
from seclens.types import Exclusion, Match

if TYPE_CHECKING:
    from seclens.api import AnalysisResult
    from seclens.match.table import MatchChain, MatchTable
    from seclens.measures.counts import CountChain, CountRow, CountTable
    from seclens.store.rows import ParquetSnapshot, Reader, RowSnapshot
    from seclens.store.store import Store


def _columns(frame: pd.DataFrame, names: Sequence[str]) -> list[list[Any]]:
    """The columns ``names`` of ``frame`` as lists, missing values as ``None``
    (``per_10k`` keeps ``NaN``: a rate of a document of size 0)."""
    out = []
    for name in names:
        column = frame[name]
        values = column.tolist()
        if name != "per_10k" and column.isna().any():
            values = [None if isinstance(v, float) and v != v else v for v in values]
        out.append(values)
    return out


def _blocks(doc_ids: Sequence[Any]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of equal ``doc_ids`` (rows are in document order)."""
    i, n = 0, len(doc_ids)
    while i < n:
        j = i + 1
        while j < n and doc_ids[j] == doc_ids[i]:
            j += 1
        yield i, j
        i = j


def _shared(values: list[Any]) -> list[Any]:
    """``values`` with equal values as one object (column values read from a table are
    new objects each: sense labels, rule ids, units repeat on every row)."""
    seen: dict[Any, Any] = {}
    return [seen.setdefault(v, v) for v in values]


def _chained(frame: pd.DataFrame, names: Sequence[str], kind: str) -> Sequence[Any]:
    """The rows of ``frame`` (``matches`` or ``counts`` rows, in document order) as one
    columnar table per document, chained (:class:`~seclens.match.MatchChain`,
    :class:`~seclens.measures.counts.CountChain`); as row objects when a document's
    rows disagree on what its table holds once (:func:`match_tables_of`,
    :func:`count_tables_of`)."""
    from seclens.match.table import MatchChain
    from seclens.measures.counts import CountChain, CountRow

    make, chain, row = ((match_tables_of, MatchChain, Match) if kind == "matches"
                        else (count_tables_of, CountChain, CountRow))
    cols = dict(zip(names, _columns(frame, names), strict=True))
    tables = make(cols)
    if tables is None:
        return tuple(map(row, *cols.values()))
    return chain(tuple(tables))  # type: ignore[arg-type]


def match_tables_of(cols: dict[str, list[Any]]) -> list[MatchTable] | None:
    """Match rows given as columns (in document order) as one
    :class:`~seclens.match.MatchTable` per document.

    Parameters
    ----------
    cols : dict of str to list
        The :class:`Match` fields, each a list of shape (n_rows,); missing values
        ``None``.

    Returns
    -------
    list of MatchTable or None
        One per run of equal ``doc_id``; ``None`` when a document's rows disagree on
        their convention (a table holds one). The tables share one ``entries``
        tuple: the distinct (term, entry_id, category, sector) of the rows, in order
        of first appearance (not the whole lexicon, as the matcher's tables hold).
    """
    from seclens.match.table import MatchTable

    keys: dict[tuple[str, str, str, str], int] = {}
    entry = [keys.setdefault(k, len(keys)) for k in zip(
        cols["term"], cols["entry_id"], cols["category"], cols["sector"], strict=True)]
    entries = tuple(keys)
    sense, rule = _shared(cols["sense"]), _shared(cols["sense_rule"])
    doc_ids, conv = cols["doc_id"], cols["convention"]
    tables = []
    for i, j in _blocks(doc_ids):
        if any(c != conv[i] for c in conv[i:j]):
            return None
        tables.append(MatchTable(
            doc_id=doc_ids[i], convention=conv[i], entries=entries, entry=entry[i:j],
            sentence_index=cols["sentence_index"][i:j], start=cols["start"][i:j],
            end=cols["end"][i:j], matched_text=cols["matched_text"][i:j], sense=sense[i:j],
            sense_rule=rule[i:j], left=cols["left"][i:j], right=cols["right"][i:j]))
    return tables


def count_tables_of(cols: dict[str, list[Any]]) -> list[CountTable] | None:
    """Count rows given as columns (in document order) as one
    :class:`~seclens.measures.counts.CountTable` per document.

    Parameters
    ----------
    cols : dict of str to list
        The ``CountRow`` fields, each a list of shape (n_rows,).

    Returns
    -------
    list of CountTable or None
        One per run of equal ``doc_id``; ``None`` when a document's rows disagree on
        size, unit, convention or reason (a table holds one of each).
    """
    from seclens.measures.counts import CountTable

    seen: dict[tuple[str, str, str, str, str], tuple[str, str, str, str, str]] = {}
    keys = [seen.setdefault(k, k) for k in zip(
        cols["key_type"], cols["key"], cols["entry_id"], cols["category"], cols["sector"],
        strict=True)]
    doc_ids = cols["doc_id"]
    per_doc = list(zip(cols["size"], cols["unit"], cols["convention"], cols["reason"],
                       strict=True))
    tables = []
    for i, j in _blocks(doc_ids):
        if any(p != per_doc[i] for p in per_doc[i:j]):
            return None
        size, unit, convention, reason = per_doc[i]
        tables.append(CountTable(doc_id=doc_ids[i], size=size, unit=unit,
                                 convention=convention, reason=reason, keys=tuple(keys[i:j]),
                                 counts=cols["count"][i:j], per_10k=cols["per_10k"][i:j]))
    return tables


def _stored_build(kind: str, path: Path) -> Any:
    """The table builder of :class:`~seclens.store.rows.StoredTables` for ``kind``:
    a batch whose rows cannot form tables (a document's rows disagreeing on their
    convention, size or unit: not written by one analysis) is ``E610``."""
    make = match_tables_of if kind == "matches" else count_tables_of

    def build(cols: dict[str, list[Any]]) -> Sequence[Any]:
        tables = make(cols)
        if tables is None:
            raise StoreError("E610", f"store {path}: the {kind} rows of a document "
                             "disagree on their convention, size or unit (not one "
                             "analysis); run seclens ingest again")
        return tables

    return build


def analysis_from_frames(frames: Mapping[str, pd.DataFrame], config: EngineConfig,
                         exclusions: Sequence[Exclusion] = (),
                         extra: Mapping[str, Any] | None = None,
                         input_roots: Sequence[str] = (),
                         manifests: Sequence[Mapping[str, str]] = ()) -> AnalysisResult:
    """Build an :class:`~seclens.api.AnalysisResult` from result tables.

    Parameters
    ----------
    frames : mapping of str to pandas.DataFrame
        ``documents``, ``matches`` and ``counts`` with the columns of
        :mod:`seclens.engine.tables`.
    config : EngineConfig
        The configuration the rows were computed with (for the options and the
        provenance of ``run.json``).
    exclusions : sequence of Exclusion
    extra : mapping or None
        Added to ``provenance.extra`` (e.g. the store path and run id).
    input_roots : sequence of str
        The files/folders the documents were ingested from (``run.json``).
    manifests : sequence of mapping
        ``{"path", "sha256"}`` of the manifests the documents' metadata came from
        (recorded at ingest, :func:`seclens.store.sync.manifest_records`): listed in
        ``provenance.inputs`` with role ``manifest`` after the documents, as
        ``seclens analyze`` lists them.

    Returns
    -------
    AnalysisResult
        Documents in path order (the ingest order of ``seclens analyze``); matches
        and counts in that document order, each document's rows in their original
        order.
    """
    from seclens.measures.counts import CountRow

    docs = _in_report_order(frames["documents"])
    position = {d: i for i, d in enumerate(docs["doc_id"])}

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["doc_id"].isin(position)]
        key = frame["doc_id"].map(position)
        return frame.assign(_pos=key).sort_values(["_pos", "ordinal"], kind="mergesort")

    match_fields = [f.name for f in fields(Match)]
    count_fields = [f.name for f in fields(CountRow)]
    # columnar per-document tables, as analyze builds them: rows as objects (a dict
    # each, made by pandas) took most of a minute and ~1 KB per row at 6,000 documents
    matches = _chained(ordered(frames["matches"]), match_fields, "matches")
    counts = _chained(ordered(frames["counts"]), count_fields, "counts")
    return _analysis(docs.to_dict("records"), matches, counts, config, exclusions, extra,
                     input_roots, manifests)


#: ``documents`` columns unique to each row (nothing to share) or parsed before use.
_UNSHARED = frozenset({"doc_id", "path", "sha256", "text", "extra_json", "meta_hash"})

#: Documents read from a store per Arrow batch by :func:`load_analysis`.
_DOCUMENT_BATCH = 4096


def _in_report_order(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents in path order (the ingest order of ``seclens analyze``)."""
    return docs.sort_values(["path", "doc_id"], kind="mergesort")


def _analysis(docs: Iterable[Mapping[Any, Any]], matches: Sequence[Match],
              counts: Sequence[CountRow], config: EngineConfig,
              exclusions: Sequence[Exclusion], extra: Mapping[str, Any] | None,
              input_roots: Sequence[str],
              manifests: Sequence[Mapping[str, str]],
              ignored_files: Sequence[str] = ()) -> AnalysisResult:
    """The :class:`~seclens.api.AnalysisResult` of documents (``documents`` rows, in
    report order) and their matches and counts (in that order).

    Equal strings of the documents' metadata (issuer, level, region, the values of
    ``extra`` ...) are kept as one object each: read from a table, every row's values
    are new objects, and a large corpus repeats them on most rows.
    """
    from seclens import api

    seen: dict[str, str] = {}

    def shared(value: Any) -> Any:
        return seen.setdefault(value, value) if isinstance(value, str) else value

    summaries = []
    inputs = []
    for row in docs:
        row = {k: v if k in _UNSHARED else shared(v) for k, v in row.items()}
        doc = row_to_document(row)
        meta = doc.meta
        if meta.extra:
            meta = dataclasses.replace(meta, extra={shared(k): shared(v)
                                                    for k, v in meta.extra.items()})
        summaries.append(api.DocumentSummary(
            meta=meta, path=doc.path, fmt=doc.fmt, encoding=doc.encoding,
            sha256=doc.sha256, notes=tuple(json.loads(row["summary_notes_json"] or "[]")),
            n_chars=int(row["chars"]), size=int(row["size"]), unit=str(row["unit"]),
            n_sentences=int(row["n_sentences"]), n_matches=int(row["n_matches"])))
        inputs.append(api.InputFile(doc.path, doc.sha256, "document", doc.doc_id))
    inputs += [api.InputFile(m["path"], m["sha256"], "manifest") for m in manifests]
    pipe = build_pipeline(config).analysis
    for lang in sorted({s.meta.language for s in summaries}):
        pipe.matcher(lang)  # compiles (once) to record segmenters and unmatchable entries
    provenance = api.Provenance(
        package="seclens", package_version=__version__,
        python_version=platform.python_version(), platform=platform.platform(terse=True),
        timestamp_utc=pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        options=pipe.options.to_dict(), lexicons=pipe.lexicon_provenance(),
        sense_rules=pipe.sense_rules_provenance(), segmenters=pipe.segmenter_provenance(),
        inputs=tuple(inputs), unmatchable=pipe.unmatchable,
        input_roots=tuple(input_roots), ignored_files=tuple(ignored_files),
        extra=dict(extra or {}),
    )
    return api.AnalysisResult(
        options=pipe.options, documents=tuple(summaries), matches=matches,
        counts=counts, exclusions=tuple(exclusions), provenance=provenance)


def _exclusion_records(frame: pd.DataFrame) -> list[Exclusion]:
    return [Exclusion(r["path"], r["doc_id"], r["code"], r["reason"])
            for r in frame.to_dict("records")]


#: Provenance items that must be the same when a stored analysis is read as at its
#: ingest: the data the measures were computed with (not the code's version).
_DATA_KEYS = ("lexicon_id", "lexicon_version", "lexicon_entries", "rules_id",
              "rules_version", "file_sha256")


def stored_config(config_record: Mapping[str, Any], recorded: Mapping[str, Any],
                  where: str) -> EngineConfig:
    """The :class:`EngineConfig` of a stored analysis, refused when its lexicon or
    sense-rule files are gone or changed since its ingest.

    The report's provenance (and, under the token convention, keyness's segmenter)
    are built from the files the configuration names; the stored measures were
    computed from those files as they were. A mismatch would describe the measures
    with data they were not computed with.

    Parameters
    ----------
    config_record : mapping
        The stored configuration (``EngineConfig.as_dict()``).
    recorded : mapping
        The provenance recorded at ingest (:func:`seclens.engine.describe_pipeline`).
    where : str
        The stored analysis, for the message.

    Returns
    -------
    EngineConfig

    Raises
    ------
    StoreError
        ``E611`` naming the missing files or the changed items.
    """
    from seclens.engine.process import describe_pipeline

    missing = [p for p in recorded.get("file_sha256", {}) if not Path(p).is_file()]
    if missing:
        raise StoreError("E611", f"{where}: its ingest read {', '.join(missing)}, which no "
                         "longer exist(s); put the file(s) back, or ingest again")
    config = EngineConfig(**config_record)
    now = describe_pipeline(config)
    changed = [k for k in _DATA_KEYS if k in recorded and recorded[k] != now.get(k)]
    if changed:
        files = [p for p, h in recorded.get("file_sha256", {}).items()
                 if now["file_sha256"].get(p) != h]
        raise StoreError("E611", f"{where}: the lexicon or sense rules changed since its "
                         f"ingest ({', '.join(changed)}{': ' if files else ''}"
                         f"{', '.join(files)}); its measures were computed with the earlier "
                         "data. Restore the files, or ingest again")
    return config


def require_complete(store: Store) -> None:
    """Refuse a store whose last ingest run did not finish.

    A killed ingest keeps every committed document (crash safety), but the store then
    holds part of what that run was given, and an analysis of it would report that
    fraction as the corpus. Running the same ``seclens ingest`` again finishes it.

    Raises
    ------
    StoreError
        ``E610`` when the store has no ingest run, or its last run is not
        ``complete`` (``running`` when the process was killed, ``interrupted`` once a
        later open marked it so).
    """
    runs = store.table("runs")
    if runs.empty:
        raise StoreError("E610", f"store {store.path} holds no ingest run: make one with "
                         "seclens ingest CORPUS --db FILE")
    last = runs.sort_values("run_id").iloc[-1]
    if last["status"] != "complete":
        inputs = ", ".join(json.loads(last["inputs_json"] or "[]")) or "?"
        raise StoreError(
            "E610", f"store {store.path}: its last ingest (run {int(last['run_id'])}, of "
            f"{inputs}) did not finish (status {last['status']}); the store holds only the "
            "documents committed before it stopped. Run the same seclens ingest again to "
            "finish it")


def stored_exclusions(store: Store) -> list[Exclusion]:
    """The exclusions that still hold for a store's inputs.

    Each complete ingest run records the exclusions of the inputs it was given. Going
    from the newest run back, a run's exclusions are kept unless a newer run was given
    their path (the file, or a folder holding it) and so looked at it again; the
    exclusions of a folder ingested once and of a single file ingested later into the
    same store are both kept, as a run on both would list them.

    Returns
    -------
    list of Exclusion
        Ordered by path and code.

    Raises
    ------
    StoreError
        ``E610`` from :func:`require_complete`.
    """
    require_complete(store)
    runs = store.table("runs")
    done = runs[runs["status"] == "complete"].sort_values("run_id", ascending=False)
    frame = store.table("exclusions")
    covered: list[Path] = []
    kept: list[Exclusion] = []
    for run in done.to_dict("records"):
        for exc in _exclusion_records(frame[frame["run_id"] == run["run_id"]]):
            path = Path(exc.path)
            if not any(path == r or r in path.parents for r in covered):
                kept.append(exc)
        covered += [Path(p) for p in json.loads(run["inputs_json"] or "[]")]
    return sorted(kept, key=lambda e: (e.path, e.code))


def stored_input_roots(store: Store) -> list[str]:
    """The files and folders given to the store's ingest runs (each once, in run order)."""
    roots: list[str] = []
    for text in store.table("runs").sort_values("run_id")["inputs_json"]:
        roots += [p for p in json.loads(text or "[]") if p not in roots]
    return roots


def stored_manifests(store: Store) -> list[dict[str, str]]:
    """The manifests recorded by the store's complete ingest runs.

    Each path once, with the hash its newest run recorded, in the order the paths
    were first recorded; ``[]`` for runs of a seclens that did not record them.
    """
    runs = store.table("runs")
    latest: dict[str, str] = {}
    for record in runs[runs["status"] == "complete"].sort_values("run_id")["provenance_json"]:
        for m in json.loads(record or "{}").get("manifests", []):
            latest[str(m["path"])] = str(m["sha256"])
    return [{"path": p, "sha256": h} for p, h in latest.items()]


def stored_ignored_files(store: Store) -> list[str]:
    """The corpus documentation (README, LICENSE ...) the store's ingests ignored.

    Per input root, what the newest complete run that was given it recorded
    (``ignored_files`` in its provenance; nothing for runs of a seclens that did not
    record them); sorted.
    """
    runs = store.table("runs")
    by_root: dict[str, list[str]] = {}
    for run in runs[runs["status"] == "complete"].sort_values("run_id").to_dict("records"):
        record = json.loads(run["provenance_json"] or "{}")
        if "ignored_files" not in record:
            continue
        for root in json.loads(run["inputs_json"] or "[]"):
            top = Path(root)
            by_root[root] = [f for f in record["ignored_files"] if Path(f).parent == top]
    return sorted({f for files in by_root.values() for f in files})


def parquet_exclusions(out_dir: Path | str) -> list[Exclusion]:
    """The exclusions of a complete Dask output folder (planning and partitions).

    Raises
    ------
    StoreError
        ``E613`` when the folder has no run metadata.
    """
    from seclens.engine.dask_engine import read_results, read_run_metadata

    read_run_metadata(out_dir)
    return _exclusion_records(read_results(out_dir, ("exclusions",))["exclusions"])


def load_analysis(store: Store) -> AnalysisResult:
    """The :class:`~seclens.api.AnalysisResult` of a store's active documents.

    Parameters
    ----------
    store : Store

    Returns
    -------
    AnalysisResult
        Documents in path order, read without their text. ``matches`` and
        ``counts`` are a :class:`~seclens.match.MatchChain` and a
        :class:`~seclens.measures.counts.CountChain` over a
        :class:`~seclens.store.rows.StoredTables`: the rows stay in the store and are
        read a batch of documents at a time when used (through ``store`` while it is
        open, else by opening the file read-only), so that the result of a store of
        millions of matches fits in memory. Reading them after an ingest into the
        store is refused (``E614``). Exclusions are those that still hold
        (:func:`stored_exclusions`); the input roots are those of every ingest run
        (:func:`stored_input_roots`), the manifests those they recorded
        (:func:`stored_manifests`).

    Raises
    ------
    StoreError
        ``E610`` when the store is empty, its last ingest did not finish
        (:func:`require_complete`), or its active documents were analysed under
        different configurations (an interrupted re-analysis: run ``seclens ingest``
        again).
    """
    require_complete(store)
    con = store.con
    active = "FROM documents WHERE status = 'active'"
    prints = [r[0] for r in con.execute(
        f"SELECT DISTINCT fingerprint {active} ORDER BY fingerprint").fetchall()]
    if not prints:
        raise StoreError("E610", f"store {store.path} holds no active document (nothing "
                         "analysable was ingested, or every source was removed)")
    if len(prints) != 1:
        ((n_docs,),) = con.execute(f"SELECT count(*) {active}").fetchall()
        raise StoreError(
            "E610", f"store {store.path} holds {n_docs} active documents analysed under "
            f"{len(prints)} configurations; run seclens ingest to finish the analysis")
    runs = store.table("runs")
    run = runs[runs["fingerprint"] == prints[0]].iloc[-1]
    config = stored_config(json.loads(run["config_json"]),
                           json.loads(run["provenance_json"] or "{}"), f"store {store.path}")
    excl = stored_exclusions(store)
    from seclens.store.rows import StoreSnapshot

    path = Path(store.path).resolve()
    snapshot = StoreSnapshot.of(store)
    # in path order (the ingest order of seclens analyze; DuckDB orders text by code
    # point, as Python does), read without the text and without pandas: a frame of
    # 41,000 documents' metadata took some 250 MB at its peak
    ids = [r[0] for r in con.execute(
        f"SELECT doc_id {active} ORDER BY path, doc_id").fetchall()]
    matches, counts = _lazy_chains(snapshot, store, ids)
    return _analysis(_document_rows(store, ids), matches, counts, config, excl,
                     {"store": str(path), "run_id": int(run["run_id"])},
                     input_roots=stored_input_roots(store),
                     manifests=stored_manifests(store),
                     ignored_files=stored_ignored_files(store))


def _lazy_chains(snapshot: RowSnapshot, reader: Reader, ids: Sequence[str]
                 ) -> tuple[MatchChain, CountChain]:
    """The matches and counts of the documents ``ids`` (in that order) as chains over
    :class:`~seclens.store.rows.StoredTables` (rows counted now, read when used)."""
    from seclens.match.table import MatchChain
    from seclens.measures.counts import CountChain, CountRow
    from seclens.store.rows import stored_tables

    return (MatchChain(stored_tables(snapshot, reader, "matches",
                                     [f.name for f in fields(Match)], ids,
                                     _stored_build("matches", snapshot.path))),
            CountChain(stored_tables(snapshot, reader, "counts",
                                     [f.name for f in fields(CountRow)], ids,
                                     _stored_build("counts", snapshot.path))))


def _document_rows(store: Store, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The ``documents`` rows of ``ids`` without their text, in that order, read
    :data:`_DOCUMENT_BATCH` at a time (sorting all rows at once needed more than the
    memory a report's read connection has)."""
    from seclens.store.rows import IN_ORDER

    for start in range(0, len(ids), _DOCUMENT_BATCH):
        batch = list(ids[start:start + _DOCUMENT_BATCH])
        reader = store.con.sql(
            f'SELECT d.* EXCLUDE ("text") FROM documents AS d {IN_ORDER} '
            "WHERE d.status = 'active' ORDER BY o.pos",
            params=[batch]).to_arrow_table()
        yield from reader.to_pylist()


def load_parquet_analysis(out_dir: str | os.PathLike[str]) -> AnalysisResult:
    """The :class:`~seclens.api.AnalysisResult` of a Dask output folder.

    The counterpart of :func:`load_analysis` for the folder written by
    :func:`seclens.engine.dask_engine.run_dask`: the configuration (counting
    convention, lexicons ...) and input roots come from its run metadata
    (``_seclens_run.json``), documents (without their text), matches and counts from
    the Parquet parts, exclusions from ``exclusions/`` (planning and analysis).

    Parameters
    ----------
    out_dir : path
        The ``out_dir`` of a complete :func:`~seclens.engine.dask_engine.run_dask`.

    Returns
    -------
    AnalysisResult
        Documents in path order; ``provenance.extra`` names the folder
        (``{"parquet": out_dir}``). As from a store, ``matches`` and ``counts`` are a
        :class:`~seclens.match.MatchChain` and a
        :class:`~seclens.measures.counts.CountChain` over a
        :class:`~seclens.store.rows.StoredTables`: the rows stay in the Parquet parts
        and are read a batch of documents at a time when used
        (:class:`~seclens.store.rows.ParquetSnapshot`), so that the analysis of a
        corpus of millions of matches fits in memory; the documents' metadata are
        read :data:`_DOCUMENT_BATCH` rows at a time. Reading the rows after the
        folder was written again is refused (``E614``).

    Raises
    ------
    StoreError
        ``E613`` when the folder has no run metadata (an interrupted run, or one
        written by an older seclens) or its parts are damaged; ``E610`` when a doc_id
        occurs twice (Parquet inputs whose ``doc_id`` values are not unique across
        row groups or files).
    """
    from seclens.engine.dask_engine import read_results, read_run_metadata
    from seclens.store.rows import ParquetSnapshot

    out = Path(out_dir)
    run = read_run_metadata(out)  # E613 unless complete, its parts as recorded
    snapshot = ParquetSnapshot.of(out)
    documents = snapshot.files("documents")
    with snapshot.reading() as reader:
        twice = [r[0] for r in reader.con.execute(
            "SELECT doc_id FROM read_parquet($1) GROUP BY doc_id HAVING count(*) > 1 "
            "ORDER BY doc_id", [documents]).fetchall()] if documents else []
        if twice:
            raise StoreError(
                "E610", f"{out}: {len(twice)} doc_id(s) occur more than once "
                f"({', '.join(twice[:5])}{' ...' if len(twice) > 5 else ''}); give the "
                "Parquet inputs unique doc_id values and run again into a new folder")
        # path order, the ingest order of seclens analyze (DuckDB orders text by code
        # point, as Python does)
        ids = [r[0] for r in reader.con.execute(
            "SELECT doc_id FROM read_parquet($1) ORDER BY path, doc_id",
            [documents]).fetchall()] if documents else []
        matches, counts = _lazy_chains(snapshot, reader, ids)
    excl = _exclusion_records(read_results(out, ("exclusions",))["exclusions"])
    return _analysis(_parquet_document_rows(snapshot, ids), matches, counts, run.config,
                     excl, {"parquet": str(out)}, input_roots=run.inputs,
                     manifests=run.record.get("manifests") or (),
                     ignored_files=run.record.get("ignored_files") or ())


def _parquet_document_rows(snapshot: ParquetSnapshot, ids: Sequence[str]
                           ) -> Iterator[dict[str, Any]]:
    """The ``documents`` rows of a Dask output (a
    :class:`~seclens.store.rows.ParquetSnapshot`) for ``ids``, without their text, in
    that order, :data:`_DOCUMENT_BATCH` at a time."""
    from seclens.store.rows import IN_ORDER, changed

    for start in range(0, len(ids), _DOCUMENT_BATCH):
        batch = list(ids[start:start + _DOCUMENT_BATCH])
        lo, hi = min(batch), max(batch)
        source, params = snapshot.source("documents", lo, hi, 4)
        with snapshot.reading() as reader:
            rows = reader.con.sql(
                f'SELECT d.* EXCLUDE ("text") FROM {source} AS d {IN_ORDER} '
                "WHERE d.doc_id BETWEEN $2 AND $3 ORDER BY o.pos",
                params=[batch, lo, hi, *params]).to_arrow_table()
        if rows.num_rows != len(batch):
            raise changed(snapshot.path, f"{len(batch) - rows.num_rows} of its documents "
                          "are gone", what=snapshot.described)
        yield from rows.to_pylist()
