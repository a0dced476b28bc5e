"""Output paths (all stages): the one guard every command uses before writing a file or folder.

seclens never writes into the user's corpus. :func:`check_output_path` refuses an output
path that is an input file, lies inside an input folder, or (for an output folder)
contains an input file. Every writer calls it: ``analyze``/``demo`` (report folder, via
:func:`seclens.report.writer.check_out_dir`), ``ingest`` (``--db`` store, ``--out``
Parquet folder), ``annotate --out``, ``table --html``, ``biblio --out``.

Error codes: ``E020`` the output path is, or is inside, an input (or contains one);
``E021`` the output path exists and is of the wrong kind (a file where a folder is
expected, or a folder where a file is expected).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from seclens.errors import ConfigError, SeclensError

#: Inputs that are documents or a manifest, never a stored analysis (not opened to
#: check: a report's inputs list every document file).
_DOCUMENT_SUFFIXES = frozenset({".txt", ".html", ".htm", ".pdf", ".docx", ".csv"})
E_OUTPUT_IN_INPUT = "E020"
E_OUTPUT_KIND = "E021"


def check_output_path(
    out: str | os.PathLike[str] | None,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    option: str = "--out",
    kind: Literal["file", "folder"] = "file",
    code: str = E_OUTPUT_IN_INPUT,
    error: Callable[[str, str], SeclensError] = ConfigError,
) -> None:
    """Refuse an output path that would write into the inputs.

    Parameters
    ----------
    out : path or None
        The file or folder about to be written (``None``: nothing is written, no check).
    inputs : iterable of path
        The inputs of the run: files and folders the user named (and, when known, the
        input files found in them). Paths that do not exist are compared as given.
    option : str
        Name of the option for the message (``--out``, ``--db``, ``--html``).
    kind : {"file", "folder"}
        What ``out`` is. For a folder, an input file inside it is refused too.
    code : str
        Error code raised when ``out`` is or lies in an input (default ``E020``;
        commands with an older documented code pass theirs).
    error : callable
        Error class (default :class:`~seclens.errors.ConfigError`).

    Raises
    ------
    SeclensError
        ``E021`` (:class:`ConfigError`) when ``out`` exists and is of the other kind;
        ``code`` when ``out`` equals an input file, is inside an input folder or
        (folder) contains an input.
    """
    if out is None:
        return
    out_path = Path(out)
    if kind == "folder" and out_path.exists() and not out_path.is_dir():
        raise ConfigError(
            E_OUTPUT_KIND, f"{option} {out_path} exists and is not a folder; choose a folder"
        )
    if kind == "file" and out_path.is_dir():
        raise ConfigError(
            E_OUTPUT_KIND, f"{option} {out_path} is a folder; give a file name"
        )
    target = out_path.resolve()
    for item in _with_stored_inputs(inputs):
        given = Path(item)
        source = given.resolve()
        if source == target:
            raise error(
                code,
                f"refusing to write {option} {out_path}: it is the input {given}. "
                "seclens never writes into the corpus; choose a path outside it.",
            )
        if source.is_dir() and source in target.parents:
            raise error(
                code,
                f"refusing to write into {out_path}: it is inside the input folder {given}. "
                "seclens never writes into the corpus; choose a path outside it"
                + (" (e.g. --out seclens-report)." if kind == "folder" else "."),
            )
        if kind == "folder" and target in source.parents:
            raise error(
                code,
                f"refusing to write into {out_path}: it contains the input file {given}. "
                "Choose an output folder outside the corpus (e.g. --out seclens-report).",
            )


def _with_stored_inputs(
    inputs: Iterable[str | os.PathLike[str]],
) -> list[str | os.PathLike[str]]:
    """``inputs`` and, for a stored analysis among them (a store, a Dask output folder),
    what it protects too: a store's ``.wal``/``.tmp`` companions and the corpus it was
    made from (:meth:`seclens.store.source.StoredCorpus.protected_paths`). A stored
    analysis that cannot be read adds nothing here: its reader reports why."""
    out: list[str | os.PathLike[str]] = []
    for item in inputs:
        out.append(item)
        from seclens.store.source import is_store_file, stored_corpus

        path = Path(item)
        if path.suffix.lower() in _DOCUMENT_SUFFIXES or not (
                path.is_dir() or is_store_file(path)):
            continue

        try:
            stored = stored_corpus([path])
            if stored is not None:
                out += stored.protected_paths()
        except SeclensError:
            continue
    return out
