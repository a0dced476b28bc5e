"""Ingest stage: find the supported files among the user's inputs (files and folders).

Folders are walked (recursively by default); hidden files and folders (name starting
with ``.``) and Office lock files (``~$...``) are skipped, as are files of other types
(``manifest.csv``, ``README.md`` ...). A file named explicitly must be supported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

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
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    found: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.update(_walk(path, recursive))
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise IngestError(
                    E_UNSUPPORTED,
                    f"{path}: unsupported file type {path.suffix!r} "
                    f"(use {', '.join(sorted(FORMATS))})",
                )
            found.add(path)
        else:
            raise IngestError(E_NOT_FOUND, f"{path}: no such file or folder")
    return sorted(found, key=str)


def _walk(folder: Path, recursive: bool) -> list[Path]:
    candidates = folder.rglob("*") if recursive else folder.glob("*")
    return [
        path
        for path in candidates
        if path.is_file()
        and path.suffix.lower() in FORMATS
        and not path.name.startswith("~$")
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
