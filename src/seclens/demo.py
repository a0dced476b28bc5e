"""Demo: find a corpus, analyse it, and set the founding study's figures beside ours.

Not a pipeline stage: a small layer over :mod:`seclens.api` used by ``seclens demo``.
The study's published figures are read from package data
(``seclens/data/reference/seed_figures.json``, a copy of the figures in Zeng 2021,
section 3); they are never written into code.

Corpus search order (:func:`locate_corpus`): ``--corpus``, ``$SECLENS_CORPUS``, a
reference corpus checked out beside the working directory (``../shared/corpus``, the
layout of the project's CI), the download cache (``$XDG_CACHE_HOME/seclens/corpus``
or ``~/.cache/seclens/corpus``), a fresh download of the documents with an official address
(:func:`seclens.ingest.fetch.fetch_corpus`), and finally the illustrative sample shipped
with the package (not real policy text).

Error codes: ``E030`` the corpus given by ``--corpus`` or ``$SECLENS_CORPUS`` is not a
folder; ``E031`` the packaged figures file is malformed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from seclens.errors import ConfigError, SeclensError
from seclens.types import Match

ILLUSTRATIVE_NOTICE = (
    "ILLUSTRATIVE SAMPLE: these documents were written for seclens to demonstrate the "
    "software; they are not real policy text and no finding may be drawn from them."
)
HOW_TO_GET_CORPUS = (
    "To analyse the real reference corpus, pass --corpus DIR (a folder with manifest.csv "
    "and docs/), or set SECLENS_CORPUS=DIR, or run `seclens demo` once with internet "
    "access to download the documents that have an official address."
)


@dataclass(frozen=True)
class CorpusChoice:
    """Where the demo's corpus came from.

    Attributes
    ----------
    path : Path
        Folder analysed.
    origin : str
        ``option``, ``env``, ``sibling``, ``cache``, ``download`` or ``sample``.
    illustrative : bool
        True for the shipped illustrative sample (not real policy text).
    messages : tuple[str, ...]
        What was tried and why it was not used (for the user).
    """

    path: Path
    origin: str
    illustrative: bool
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureComparison:
    """One study figure next to the measured count.

    ``measured`` is ``None`` when the document is not in the analysed corpus.
    ``status`` is ``match``, ``MISMATCH`` or ``not in corpus``.
    """

    doc_id: str
    term: str
    study: int
    measured: int | None
    status: str

    @property
    def failed(self) -> bool:
        """True when a figure of a document in the corpus is not reproduced."""
        return self.status == "MISMATCH"


def sample_corpus_dir() -> Path:
    """Folder of the illustrative sample shipped with the package (not real policy text)."""
    return Path(str(resources.files("seclens") / "data" / "sample"))


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/seclens/corpus``, else ``~/.cache/seclens/corpus``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seclens" / "corpus"


def _has_documents(folder: Path) -> bool:
    docs = folder / "docs"
    return (
        (folder / "manifest.csv").is_file()
        and docs.is_dir()
        and any(p.is_file() for p in docs.iterdir())
    )


def locate_corpus(
    corpus: Path | None = None,
    *,
    allow_download: bool = True,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    timeout: float = 10.0,
    cwd: Path | None = None,
) -> CorpusChoice:
    """Choose the demo corpus (see the module docstring for the order).

    Parameters
    ----------
    corpus : Path, optional
        Folder given with ``--corpus``.
    allow_download : bool
        Try :func:`~seclens.ingest.fetch.fetch_corpus` when nothing else is found.
    env : mapping, optional
        Environment (default ``os.environ``); read for ``SECLENS_CORPUS`` and
        ``XDG_CACHE_HOME``.
    cache_dir : Path, optional
        Download cache (default :func:`default_cache_dir`).
    timeout : float
        Seconds per download request.
    cwd : Path, optional
        Working directory whose ``../shared/corpus`` is tried (default: the current one).

    Returns
    -------
    CorpusChoice

    Raises
    ------
    ConfigError
        ``E030`` when ``corpus`` or ``$SECLENS_CORPUS`` is given but is not a folder.
    """
    env = os.environ if env is None else env
    if corpus is not None:
        if not corpus.is_dir():
            raise ConfigError("E030", f"--corpus {corpus} is not a folder")
        return CorpusChoice(corpus, "option", False)
    env_corpus = env.get("SECLENS_CORPUS")
    if env_corpus:
        if not Path(env_corpus).is_dir():
            raise ConfigError(
                "E030", f"SECLENS_CORPUS={env_corpus} is not a folder; fix or unset it"
            )
        return CorpusChoice(Path(env_corpus), "env", False)
    sibling = (cwd if cwd is not None else Path.cwd()).resolve().parent / "shared" / "corpus"
    if _has_documents(sibling):
        return CorpusChoice(sibling, "sibling", False)
    cache = cache_dir if cache_dir is not None else default_cache_dir(env)
    messages: list[str] = []
    if _has_documents(cache):
        return CorpusChoice(cache, "cache", False)
    messages.append(f"no cached corpus in {cache}")
    if allow_download:
        from seclens.ingest.fetch import fetch_corpus

        try:
            fetched = fetch_corpus(cache, timeout=timeout)
        except SeclensError as exc:
            messages.append(f"download failed: [{exc.code}] {exc.message}")
        else:
            if fetched.fetched:
                if fetched.failed:
                    messages.append(
                        f"downloaded {len(fetched.fetched)} documents; "
                        f"{len(fetched.failed)} could not be fetched"
                    )
                return CorpusChoice(Path(fetched.corpus_dir), "download", False, tuple(messages))
            messages.append(
                "download failed: no document could be fetched"
                + (f" ({fetched.failed[0].reason})" if fetched.failed else "")
            )
    else:
        messages.append("download skipped (--no-download)")
    return CorpusChoice(sample_corpus_dir(), "sample", True, tuple(messages))


def load_seed_figures(path: Path | None = None) -> dict[str, Any]:
    """Read the study's published figures (package copy of ``seed_figures.json``).

    Raises
    ------
    ConfigError
        ``E031`` if the file lacks ``document_counts``.
    """
    if path is None:
        text = (resources.files("seclens") / "data" / "reference" / "seed_figures.json"
                ).read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    if not isinstance(data.get("document_counts"), list):
        raise ConfigError("E031", f"seed figures file has no 'document_counts' list: {path}")
    return data


def compare_figures(
    figures: Mapping[str, Any], matches: Sequence[Match], doc_ids: Sequence[str]
) -> list[FigureComparison]:
    """Set each study figure beside the number of match rows for that document and term.

    Parameters
    ----------
    figures : mapping
        Content of ``seed_figures.json`` (``document_counts``: doc_id → term → count).
    matches : sequence of Match
        Match rows of a run under the ``substring`` convention (overlapping compounds
        included, the study's convention).
    doc_ids : sequence of str
        Documents analysed in the run.

    Returns
    -------
    list of FigureComparison
        In the order of the figures file.
    """
    counter = Counter((m.doc_id, m.term) for m in matches)
    present = set(doc_ids)
    rows: list[FigureComparison] = []
    for doc in figures["document_counts"]:
        doc_id = str(doc["doc_id"])
        for term, study in doc["counts"].items():
            if doc_id not in present:
                rows.append(FigureComparison(doc_id, term, int(study), None, "not in corpus"))
                continue
            measured = counter.get((doc_id, term), 0)
            status = "match" if measured == int(study) else "MISMATCH"
            rows.append(FigureComparison(doc_id, term, int(study), measured, status))
    return rows


def format_comparison(rows: Sequence[FigureComparison]) -> str:
    """Plain-text table: doc, term, study figure, measured, match?"""
    header = ("doc", "term", "study", "measured", "match?")
    body = [
        (r.doc_id, r.term, str(r.study), "-" if r.measured is None else str(r.measured), r.status)
        for r in rows
    ]
    widths = [max(_width(x) for x in col) for col in zip(header, *body, strict=False)]
    lines = []
    for row in [header, *body]:
        lines.append("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths,
                                                                                  strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
