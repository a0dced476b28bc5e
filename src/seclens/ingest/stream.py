"""Ingest stage: plan the inputs, then stream documents (one file at a time) with
exclusions, never dropping input.

Only this module knows the order of the ingest steps: :func:`plan_inputs` discovers the
files, loads the manifests, gives each file its ``doc_id`` (file stem) and metadata,
and finds duplicate ids and manifest rows without a file; :func:`iter_planned` then
reads the planned files one at a time. :func:`iter_documents` is the two together.
Everything that ingests files (``seclens analyze``, the store's incremental sync, the
engines) plans through :func:`plan_inputs`, so they all see the same documents.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from seclens.errors import IngestError
from seclens.ingest.codes import (
    E_DUPLICATE_FILE_ID,
    E_FILE_NAME,
    E_MANIFEST_MISSING_FILE,
    E_UNSUPPORTED,
)
from seclens.ingest.discover import discover_all, unsupported_reason
from seclens.ingest.document import read_document
from seclens.ingest.manifest import Manifest, read_manifest
from seclens.ingest.metadata import PrefixTable, load_prefix_table
from seclens.types import Document, DocumentMeta, Exclusion

MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class IngestOptions:
    """Options of the ingest stage.

    Attributes
    ----------
    manifest : Path or None
        Manifest for all inputs. ``None``: a ``manifest.csv`` at the root of each folder
        input applies to the files under that folder.
    recursive : bool
        Walk sub-folders of folder inputs.
    """

    manifest: Path | None = None
    recursive: bool = True


@dataclass(frozen=True)
class PlannedFile:
    """One input file to read, with the identity and metadata it will get.

    Attributes
    ----------
    path : pathlib.Path
        The file, as discovered (relative or absolute, as the input was given).
    doc_id : str
        The document id (the file stem).
    meta : DocumentMeta or None
        The row of the manifest that applies to the file, or ``None``.
    manifest_gap : str
        Why the manifest gives no level: ``""`` (it does, or no manifest applies),
        or a remark such as "manifest ... has no row for this file" / "has no 'level'
        column"; added to the Document's notes when its level stays ``unknown``.
    """

    path: Path
    doc_id: str
    meta: DocumentMeta | None = None
    manifest_gap: str = ""


@dataclass(frozen=True)
class IngestPlan:
    """What an ingest will read and what it already excludes, before any file is read.

    Attributes
    ----------
    items : tuple[PlannedFile | Exclusion, ...]
        One item per file found, in sorted path order: a :class:`PlannedFile`, an
        Exclusion ``E109`` when an earlier file already has the same document id, or
        an Exclusion ``E102`` for a file in a folder input that is not a supported
        document (hidden files and the applied manifests excepted).
    orphans : tuple[Exclusion, ...]
        Per manifest in input order, an Exclusion ``E112`` for each row (in file
        order) whose file is not among the inputs.
    manifests : tuple[pathlib.Path, ...]
        The manifests that were applied (``IngestOptions.manifest``, else each folder
        input's ``manifest.csv``), in input order.
    ignored : tuple[pathlib.Path, ...]
        Corpus documentation at the root of folder inputs (README, LICENSE ...;
        :func:`~seclens.ingest.discover.discover_documentation`): not documents, so
        neither read nor excluded, but listed here (and in ``run.json``).
    """

    items: tuple[PlannedFile | Exclusion, ...]
    orphans: tuple[Exclusion, ...]
    manifests: tuple[Path, ...]
    ignored: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[PlannedFile, ...]:
        """The files to read, in discovery order."""
        return tuple(i for i in self.items if isinstance(i, PlannedFile))

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        """Planning exclusions: duplicate document ids (in discovery order), then orphans."""
        return tuple(i for i in self.items if isinstance(i, Exclusion)) + self.orphans


def plan_inputs(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions = IngestOptions()
) -> IngestPlan:
    """Plan an ingest: discover files, apply manifests, find duplicates and orphan rows.

    No document is read (only the manifests). The same plan, item by item:
    :func:`stream_plan`.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders (a single path is accepted too).
    options : IngestOptions

    Returns
    -------
    IngestPlan

    Raises
    ------
    IngestError
        ``E101``/``E102`` from :func:`discover`; ``E110``/``E111``/``E113``/``E114``
        for a malformed manifest.
    """
    stream = stream_plan(inputs, options)
    return IngestPlan(items=tuple(stream), orphans=stream.orphans(),
                      manifests=stream.manifests, ignored=stream.ignored)


def stream_plan(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions = IngestOptions()
) -> PlanStream:
    """:func:`plan_inputs` item by item, for callers that start before planning ends.

    The inputs are discovered, the manifests read and validated and the files sorted
    now (every error :func:`plan_inputs` raises is raised here); iterating the
    returned :class:`PlanStream` then gives the items of ``IngestPlan.items`` in the
    same order, each file's metadata looked up as it comes. The store ingest with
    several workers analyses the first files while the rest are planned.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders (a single path is accepted too).
    options : IngestOptions

    Returns
    -------
    PlanStream

    Raises
    ------
    IngestError
        As :func:`plan_inputs`.
    """
    return PlanStream(inputs, options)


class PlanStream:
    """A plan (:class:`IngestPlan`) given item by item; made by :func:`stream_plan`.

    Iterate it once for the items (:class:`PlannedFile` or a planning Exclusion, as
    ``IngestPlan.items``); :meth:`orphans`, :attr:`manifests` and :attr:`ignored`
    are those of the plan.
    """

    def __init__(self, inputs: Sequence[str | os.PathLike[str]],
                 options: IngestOptions) -> None:
        if isinstance(inputs, str | os.PathLike):
            inputs = [inputs]
        found = discover_all(inputs, recursive=options.recursive)
        self._paths = list(found.documents)
        self._scoped = _manifests(inputs, options)
        applied = {manifest_path.resolve() for manifest_path, _, _ in self._scoped}
        unsupported = [path for path in found.unsupported if path.resolve() not in applied]
        # (path text, path, unsupported?) in path order; the text is the sort key, a
        # folder key and the Exclusion's path at once (41,000 files: Path hashing and
        # parent objects were a fifth of planning)
        self._entries = sorted([(str(p), p, False) for p in self._paths]
                               + [(str(p), p, True) for p in unsupported])
        self.manifests: tuple[Path, ...] = tuple(path for path, _, _ in self._scoped)
        self.ignored: tuple[Path, ...] = found.documentation

    def __iter__(self) -> Iterator[PlannedFile | Exclusion]:
        first_path: dict[str, Path] = {}
        manifest_of: dict[str, Manifest | None] = {}  # by folder: one scope test per folder
        for text, path, is_unsupported in self._entries:
            if not text.isascii() and not _utf8_name(text):
                yield _bad_name(text, path)
                continue
            if is_unsupported:
                yield Exclusion(text, "", E_UNSUPPORTED, unsupported_reason(path))
                continue
            doc_id = path.stem
            if doc_id in first_path:
                reason = f"document id {doc_id!r} already used by {first_path[doc_id]}; rename one"
                yield Exclusion(text, doc_id, E_DUPLICATE_FILE_ID, reason)
                continue
            first_path[doc_id] = path
            folder = os.path.dirname(text)
            if folder not in manifest_of:
                manifest_of[folder] = _manifest_for(path.parent, self._scoped)
            manifest = manifest_of[folder]
            meta = manifest.lookup(path) if manifest is not None else None
            yield PlannedFile(path, doc_id, meta, _manifest_gap(manifest, meta))

    def orphans(self) -> tuple[Exclusion, ...]:
        """Per manifest in input order, an Exclusion ``E112`` for each row whose file
        is not among the inputs (as ``IngestPlan.orphans``)."""
        return tuple(_orphan_rows(self._paths, self._scoped))


def iter_planned(plan: IngestPlan) -> Iterator[Document | Exclusion]:
    """Read the files of ``plan`` lazily, one at a time, in plan order.

    Parameters
    ----------
    plan : IngestPlan
        From :func:`plan_inputs`.

    Returns
    -------
    Iterator[Document | Exclusion]
        Per item of ``plan.items``: the :class:`~seclens.types.Document`, the
        planning Exclusion, or an Exclusion with the ingest error's code when the
        file cannot be read (``E103``–``E108``); then ``plan.orphans``.

    Raises
    ------
    IngestError
        ``E130`` when the packaged document-number prefix table is malformed (at
        call time).
    """
    return _stream(plan, load_prefix_table())


def iter_documents(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions = IngestOptions()
) -> Iterator[Document | Exclusion]:
    """Stream a Document or an Exclusion per input file, then one per orphan manifest row.

    ``iter_planned(plan_inputs(inputs, options))``: inputs and manifests are validated
    when this function is called (not at the first ``next()``); files are then read
    lazily, one at a time, in :func:`discover` order.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders.
    options : IngestOptions

    Returns
    -------
    Iterator[Document | Exclusion]
        Files in sorted path order (an Exclusion ``E109`` for a second file with the
        same document id); then, per manifest in input order, an Exclusion ``E112``
        for each row (in file order) whose file is not among the inputs.

    Raises
    ------
    IngestError
        ``E101``/``E102`` from :func:`discover`; ``E110``/``E111``/``E113``/``E114``
        for a malformed manifest.
    """
    return iter_planned(plan_inputs(inputs, options))


def _utf8_name(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # os gives undecodable name bytes as lone surrogates
        return False
    return True


def _bad_name(text: str, path: Path) -> Exclusion:
    """Exclusion ``E116`` of a file whose name is not valid UTF-8, its path and id
    shown with the bytes escaped (``\\xff``): the name itself can be neither stored
    nor written to a CSV, Parquet or JSON file."""
    def shown(value: str) -> str:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

    return Exclusion(shown(text), shown(path.stem), E_FILE_NAME,
                     "file name is not valid UTF-8; rename the file")


def manifest_files(inputs: Sequence[str | os.PathLike[str]],
                   options: IngestOptions = IngestOptions()) -> list[Path]:
    """The manifest files that :func:`plan_inputs` reads for ``inputs``.

    ``options.manifest`` when given; else ``manifest.csv`` at the root of each folder
    input that has one, in input order. For provenance: the store ingest and the
    Dask engine record them (with their SHA-256) as ``seclens analyze`` lists them.

    Parameters
    ----------
    inputs : sequence of path-like
    options : IngestOptions

    Returns
    -------
    list of pathlib.Path
        As given (not resolved); nothing is read.
    """
    if options.manifest is not None:
        return [Path(options.manifest)]
    folders = [Path(item) for item in inputs if Path(item).is_dir()]
    return [folder / MANIFEST_NAME for folder in folders if (folder / MANIFEST_NAME).is_file()]


def _manifests(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions
) -> list[tuple[Path, Path | None, Manifest]]:
    """(manifest path, folder scope or None for all inputs, manifest) triples."""
    return [(path, None if options.manifest is not None else path.parent, read_manifest(path))
            for path in manifest_files(inputs, options)]


def _manifest_for(
    path: Path, scoped: list[tuple[Path, Path | None, Manifest]]
) -> Manifest | None:
    for _, folder, manifest in scoped:
        if folder is None or path.is_relative_to(folder):
            return manifest
    return None


def _manifest_gap(manifest: Manifest | None, meta: DocumentMeta | None) -> str:
    if manifest is None:
        return ""
    if meta is None:
        return f"manifest {manifest.path} has no row for this file"
    if "level" not in manifest.columns:
        return f"manifest {manifest.path} has no 'level' column"
    return ""


def _stream(plan: IngestPlan, prefixes: PrefixTable) -> Iterator[Document | Exclusion]:
    for item in plan.items:
        if isinstance(item, Exclusion):
            yield item
            continue
        try:
            yield read_planned(item, prefixes)
        except IngestError as exc:
            yield Exclusion(str(item.path), item.doc_id, exc.code, exc.message)
    yield from plan.orphans


def read_planned(item: PlannedFile, prefixes: PrefixTable | None = None) -> Document:
    """Read one planned file; note a manifest gap when its level stays ``unknown``.

    Parameters
    ----------
    item : PlannedFile
    prefixes : PrefixTable, optional
        Issuing-office prefix table (default: the packaged one).

    Returns
    -------
    Document
        With the note ``"level unknown: <manifest_gap>"`` appended when the manifest
        has no row or no ``level`` column for the file and no level was inferred.

    Raises
    ------
    IngestError
        As :func:`seclens.ingest.read_document`.
    """
    document = read_document(item.path, item.meta, prefixes=prefixes)
    if item.manifest_gap and document.meta.level == "unknown":
        note = f"level unknown: {item.manifest_gap}"
        document = dataclasses.replace(document, notes=(*document.notes, note))
    return document


def _orphan_rows(
    paths: list[Path], scoped: list[tuple[Path, Path | None, Manifest]]
) -> Iterator[Exclusion]:
    for _, folder, manifest in scoped:
        inside: dict[str, bool] = {}  # by parent folder: one scope test per folder
        present = set()
        for p in paths:
            if folder is None:
                present.add(p.stem)
                continue
            parent = os.path.dirname(str(p))
            if parent not in inside:
                inside[parent] = p.parent.is_relative_to(folder)
            if inside[parent]:
                present.add(p.stem)
        for doc_id in manifest.rows:
            if doc_id not in present:
                reason = f"manifest row {doc_id!r} has no file among the inputs"
                yield Exclusion(str(manifest.path), doc_id, E_MANIFEST_MISSING_FILE, reason)
