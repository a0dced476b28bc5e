"""Ingest stage: stream documents (one file at a time) with exclusions, never dropping input.

Only :func:`iter_documents` knows the order of the ingest steps: discover files, load
manifests, read each file, then report manifest rows without a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from seclens.errors import IngestError
from seclens.ingest.codes import E_DUPLICATE_FILE_ID, E_MANIFEST_MISSING_FILE
from seclens.ingest.discover import discover
from seclens.ingest.document import read_document
from seclens.ingest.manifest import Manifest, read_manifest
from seclens.ingest.metadata import PrefixTable, load_prefix_table
from seclens.types import Document, Exclusion

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


def iter_documents(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions = IngestOptions()
) -> Iterator[Document | Exclusion]:
    """Stream a Document or an Exclusion per input file, then one per orphan manifest row.

    Inputs and manifests are validated when this function is called (not at the first
    ``next()``); files are then read lazily, one at a time, in :func:`discover` order.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders.
    options : IngestOptions

    Returns
    -------
    Iterator[Document | Exclusion]
        Files in sorted path order; then, per manifest in input order, an Exclusion
        ``E112`` for each row (in file order) whose file is not among the inputs.

    Raises
    ------
    IngestError
        ``E101``/``E102`` from :func:`discover`; ``E110``/``E111``/``E113``/``E114``
        for a malformed manifest.
    """
    paths = discover(inputs, recursive=options.recursive)
    scoped = _manifests(inputs, options)
    return _stream(paths, scoped, load_prefix_table())


def _manifests(
    inputs: Sequence[str | os.PathLike[str]], options: IngestOptions
) -> list[tuple[Path | None, Manifest]]:
    """(folder scope or None for all inputs, manifest) pairs."""
    if options.manifest is not None:
        return [(None, read_manifest(Path(options.manifest)))]
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    folders = [Path(item) for item in inputs if Path(item).is_dir()]
    return [
        (folder, read_manifest(folder / MANIFEST_NAME))
        for folder in folders
        if (folder / MANIFEST_NAME).is_file()
    ]


def _manifest_for(path: Path, scoped: list[tuple[Path | None, Manifest]]) -> Manifest | None:
    for folder, manifest in scoped:
        if folder is None or path.is_relative_to(folder):
            return manifest
    return None


def _stream(
    paths: list[Path], scoped: list[tuple[Path | None, Manifest]], prefixes: PrefixTable
) -> Iterator[Document | Exclusion]:
    first_path: dict[str, Path] = {}
    for path in paths:
        doc_id = path.stem
        if doc_id in first_path:
            reason = f"document id {doc_id!r} already used by {first_path[doc_id]}; rename one"
            yield Exclusion(str(path), doc_id, E_DUPLICATE_FILE_ID, reason)
            continue
        first_path[doc_id] = path
        manifest = _manifest_for(path, scoped)
        meta = manifest.lookup(path) if manifest is not None else None
        try:
            yield read_document(path, meta, prefixes=prefixes)
        except IngestError as exc:
            yield Exclusion(str(path), doc_id, exc.code, exc.message)
    yield from _orphan_rows(paths, scoped)


def _orphan_rows(
    paths: list[Path], scoped: list[tuple[Path | None, Manifest]]
) -> Iterator[Exclusion]:
    for folder, manifest in scoped:
        present = {p.stem for p in paths if folder is None or p.is_relative_to(folder)}
        for doc_id in manifest.rows:
            if doc_id not in present:
                reason = f"manifest row {doc_id!r} has no file among the inputs"
                yield Exclusion(str(manifest.path), doc_id, E_MANIFEST_MISSING_FILE, reason)
