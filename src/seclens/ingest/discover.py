"""Ingest stage: find the files among the user's inputs (files and folders).

Folders are walked (recursively by default). Rule for what is looked at (documented in
``docs/ingest.md``):

- hidden files and folders (name starting with ``.``: ``.git``, ``.DS_Store`` ...) and
  Office lock files (``~$...``) are skipped without a record;
- the corpus's own documentation at the root of a folder input (``README``,
  ``LICENSE``/``LICENCE``, ``COPYING``, ``NOTICE``, ``CHANGELOG``, ``CITATION``,
  ``AUTHORS``, with any extension: :func:`discover_documentation`) is not a policy
  document: it is neither analysed nor excluded, but listed as *ignored* in the plan
  and in ``run.json`` (``ignored_files``) and the report;
- every other file is either a supported document (:data:`~seclens.ingest.readers.FORMATS`)
  or an *unsupported* file (:func:`discover_unsupported`), which the ingest plan turns
  into an Exclusion ``E102`` with the reason (a manifest that is applied is not an input
  document and is left out of both lists by the planner);
- a file named explicitly must be supported (``E102`` is raised).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from seclens.errors import IngestError
from seclens.ingest.codes import E_NOT_FOUND, E_UNSUPPORTED
from seclens.ingest.readers import FORMATS


def discover(inputs: Sequence[str | os.PathLike[str]], *, recursive: bool = True) -> list[Path]:
    """Supported files among ``inputs``, sorted by path, without duplicates.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders.
    recursive : bool
        Walk sub-folders of folder inputs.

    Returns
    -------
    list[Path]
        Sorted by their string form (deterministic across runs and platforms).

    Raises
    ------
    IngestError
        ``E101`` when an input does not exist, ``E102`` when an explicitly named file
        has an unsupported type.
    """
    return list(discover_all(inputs, recursive=recursive).documents)


@dataclass(frozen=True)
class Discovery:
    """The files among the inputs, classified, from one walk of each folder input.

    Attributes
    ----------
    documents : tuple[Path, ...]
        Supported files (:func:`discover`).
    unsupported : tuple[Path, ...]
        Other files in folder inputs (:func:`discover_unsupported`).
    documentation : tuple[Path, ...]
        Corpus documentation at the root of folder inputs
        (:func:`discover_documentation`).

    Each sorted by its string form, without duplicates.
    """

    documents: tuple[Path, ...]
    unsupported: tuple[Path, ...]
    documentation: tuple[Path, ...]


def discover_all(inputs: Sequence[str | os.PathLike[str]], *,
                 recursive: bool = True) -> Discovery:
    """:func:`discover`, :func:`discover_unsupported` and :func:`discover_documentation`
    at once, walking each folder input once (the ingest planner's listing).

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders.
    recursive : bool
        Walk sub-folders of folder inputs (the documentation is only looked for at
        the root of each folder input either way).

    Returns
    -------
    Discovery

    Raises
    ------
    IngestError
        ``E101`` when an input does not exist, ``E102`` when an explicitly named file
        has an unsupported type.
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    documents: set[Path] = set()
    unsupported: set[Path] = set()
    documentation: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for found in _visible_files(path, recursive):
                if is_documentation(found, path):
                    documentation.add(found)
                elif _supported(found):
                    documents.add(found)
                else:
                    unsupported.add(found)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise IngestError(
                    E_UNSUPPORTED,
                    f"{path}: unsupported file type {path.suffix!r} "
                    f"(use {', '.join(sorted(FORMATS))})",
                )
            documents.add(path)
        else:
            raise IngestError(E_NOT_FOUND, f"{path}: no such file or folder")
    return Discovery(*(tuple(sorted(group, key=str))
                       for group in (documents, unsupported, documentation)))


DOCUMENTATION_STEMS: frozenset[str] = frozenset(
    {"readme", "license", "licence", "copying", "notice", "changelog", "citation", "authors"}
)
"""File stems (case-insensitive) of corpus documentation at the root of a folder input."""


def is_documentation(path: Path, folder: Path) -> bool:
    """True for a corpus-documentation file directly inside the folder input ``folder``."""
    return path.parent == folder and path.stem.lower() in DOCUMENTATION_STEMS


def discover_documentation(
    inputs: Sequence[str | os.PathLike[str]],
) -> list[Path]:
    """Corpus documentation files (README, LICENSE ...) at the root of folder inputs.

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders; only folders are looked into (a file named explicitly
        is always treated as a document).

    Returns
    -------
    list[Path]
        Sorted by their string form.
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    found: set[Path] = set()
    for item in inputs:
        folder = Path(item)
        if folder.is_dir():
            found.update(
                p for p in _visible_files(folder, recursive=False) if is_documentation(p, folder)
            )
    return sorted(found, key=str)


def discover_unsupported(
    inputs: Sequence[str | os.PathLike[str]], *, recursive: bool = True
) -> list[Path]:
    """Files in folder inputs that are not supported documents, sorted by path.

    Hidden files and folders (``.``) and Office lock files (``~$``) are not listed.
    Files named explicitly are not listed either (:func:`discover` raises ``E102``
    for those).

    Parameters
    ----------
    inputs : sequence of path-like
        Files and/or folders (missing paths are ignored here; :func:`discover`
        reports them).
    recursive : bool
        Walk sub-folders of folder inputs.

    Returns
    -------
    list[Path]
        Sorted by their string form, without duplicates.
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    found: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.update(p for p in _document_candidates(path, recursive) if not _supported(p))
    return sorted(found, key=str)


def unsupported_reason(path: Path) -> str:
    """Reason text of the ``E102`` Exclusion of an unsupported file, with advice."""
    suffix = path.suffix.lower()
    shown = suffix or "(no extension)"
    advice = _ADVICE.get(suffix, f"convert to one of {', '.join(sorted(FORMATS))}")
    return f"unsupported type {shown}: {advice}"


_ADVICE: Mapping[str, str] = MappingProxyType({
    ".doc": "convert to .docx or .txt",
    ".wps": "convert to .docx or .txt",
    ".rtf": "convert to .docx or .txt",
    ".odt": "convert to .docx or .txt",
    ".wpd": "convert to .docx or .txt",
    ".ofd": "convert to .pdf or .txt",
    ".caj": "convert to .pdf or .txt",
    ".xps": "convert to .pdf or .txt",
    ".md": "rename to .txt if it is a document to analyse",
    ".csv": "not a document (only manifest.csv at the root of a folder input, or the "
    "file given with --manifest, is read as a manifest)",
})


def _supported(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def _visible_files(folder: Path, recursive: bool) -> list[Path]:
    """Files under ``folder`` (or in it only), hidden ones (a path part starting with
    ``.``) and Office lock files (``~$``) left out.

    The same files as ``folder.rglob("*")`` filtered by ``is_file()``: symbolic links
    to files are followed, symbolic links to folders are not descended into (as
    ``rglob`` in Python 3.11); unreadable sub-folders are skipped, as ``os.walk``
    does. ``os.scandir`` entries carry the file type the folder listing gave, so
    only symbolic links cost a ``stat`` call (discovery of 41,000 files is part of
    every ingest's serial start). The order is unspecified (callers sort).
    """
    found: list[Path] = []
    stack = [str(folder)]
    while stack:
        try:
            listing = os.scandir(stack.pop())
        except OSError:
            continue
        with listing:
            for entry in listing:
                name = entry.name
                if entry.is_dir():  # follows symbolic links, as os.walk's split does
                    if recursive and not name.startswith(".") and not entry.is_symlink():
                        stack.append(entry.path)
                elif not name.startswith((".", "~$")) and entry.is_file():
                    found.append(Path(entry.path))
    return found


def _document_candidates(folder: Path, recursive: bool) -> list[Path]:
    return [p for p in _visible_files(folder, recursive) if not is_documentation(p, folder)]

