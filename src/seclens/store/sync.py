"""Store stage: incremental, idempotent, crash-safe ingest of a corpus into a store.

:func:`ingest_corpus` brings a store up to date with a set of input files:

- a file whose bytes (SHA-256), manifest metadata and analysis configuration are
  unchanged since it was stored is skipped (``unchanged``);
- a new file is analysed and added; a changed file (same doc_id, new hash, new
  metadata or a new analysis configuration) is re-analysed and its old rows are
  replaced in the same transaction;
- a stored document whose source file is no longer among the inputs is **marked**
  ``removed`` (its rows are kept, it leaves the default views); it becomes
  ``active`` again if the file returns unchanged;
- files that cannot be read or analysed are recorded in ``exclusions`` with their
  error code.

Documents are committed in small batches (``commit_every``), each in one transaction,
so a process killed at any moment leaves a store holding every batch committed before
the kill; the next run skips those as unchanged and resumes with the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from seclens.engine.config import EngineConfig, config_fingerprint
from seclens.engine.local import run_local
from seclens.engine.process import DocumentResult, Task, describe_pipeline
from seclens.errors import ConfigError
from seclens.store.store import Store, open_store
from seclens.types import DocumentMeta, Exclusion


@dataclass(frozen=True)
class StoreIngestOptions:
    """Options of :func:`ingest_corpus`.

    Parameters
    ----------
    workers : int
        Worker processes (1: analyse in this process).
    commit_every : int
        Documents per transaction (>= 1). Smaller: less work lost on a kill;
        larger: fewer commits.
    batch_size : int
        Documents per worker round trip.
    manifest : pathlib.Path or None
        Manifest CSV with document metadata; ``None`` uses ``manifest.csv`` in an
        input folder when present.
    recursive : bool
        Descend into sub-folders.
    progress : callable or None
        Called with one line of text after each commit (e.g. ``"committed: 32"``).
    """

    workers: int = 1
    commit_every: int = 16
    batch_size: int = 4
    manifest: Path | None = None
    recursive: bool = True
    progress: Callable[[str], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("workers", "commit_every", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError("E601", f"{name} must be an integer >= 1; got {value!r}")


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did.

    Attributes
    ----------
    run_id : int
    added, changed, unchanged : tuple[str, ...]
        doc_ids analysed for the first time, re-analysed, skipped.
    removed : tuple[str, ...]
        doc_ids marked removed (source file gone).
    restored : tuple[str, ...]
        doc_ids marked active again (file back, unchanged).
    excluded : tuple[Exclusion, ...]
    """

    run_id: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    restored: tuple[str, ...]
    excluded: tuple[Exclusion, ...]

    def as_dict(self) -> dict[str, object]:
        """Counts per category (for the ``runs`` table and the CLI)."""
        return {
            "added": len(self.added), "changed": len(self.changed),
            "unchanged": len(self.unchanged), "removed": len(self.removed),
            "restored": len(self.restored), "excluded": len(self.excluded),
        }


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def meta_hash(meta: DocumentMeta | None) -> str:
    """Hex SHA-256 of manifest metadata (``""`` when there is none)."""
    if meta is None:
        return ""
    return hashlib.sha256(repr(meta).encode("utf-8")).hexdigest()


def _manifest_for(inputs: Sequence[Path], options: StoreIngestOptions) -> object | None:
    from seclens.ingest import read_manifest

    if options.manifest is not None:
        return read_manifest(options.manifest)
    for item in inputs:
        candidate = item / "manifest.csv"
        if item.is_dir() and candidate.is_file():
            return read_manifest(candidate)
    return None


def _under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def discover_files(inputs: Sequence[Path], options: StoreIngestOptions) -> list[Path]:
    """Resolved, sorted input files (via :func:`seclens.ingest.discover`)."""
    from seclens.ingest import IngestOptions, discover

    _ = IngestOptions(manifest=options.manifest, recursive=options.recursive)
    files = sorted({Path(p).resolve() for p in discover(list(inputs))})
    return [p for p in files if p.name != "manifest.csv"]


def ingest_corpus(inputs: Sequence[Path | str], db: Path | str,
                  config: EngineConfig | None = None,
                  options: StoreIngestOptions | None = None) -> IngestSummary:
    """Bring the store ``db`` up to date with the files under ``inputs``.

    Parameters
    ----------
    inputs : sequence of path
        Files and folders (as for ``seclens analyze``).
    db : path
        The store (created when missing).
    config : EngineConfig or None
        Analysis configuration (default :class:`EngineConfig()`).
    options : StoreIngestOptions or None

    Returns
    -------
    IngestSummary

    Raises
    ------
    StoreError
        ``E6xx`` when the store cannot be opened or written.
    IngestError, LexiconError
        When the inputs, manifest or lexicon cannot be read at all (single bad
        documents become exclusions instead).
    """
    config = config or EngineConfig()
    options = options or StoreIngestOptions()
    roots = [Path(p).resolve() for p in inputs]
    with open_store(db) as store:
        return _ingest(store, roots, config, options)


def _ingest(store: Store, roots: list[Path], config: EngineConfig,
            options: StoreIngestOptions) -> IngestSummary:
    manifest = _manifest_for(roots, options)
    files = discover_files(roots, options)
    provenance = describe_pipeline(config)
    fingerprint = config_fingerprint(config, provenance)
    run_id = store.begin_run(
        engine="local", workers=options.workers, inputs=[str(r) for r in roots],
        config=config.as_dict(), provenance=provenance, fingerprint=fingerprint)
    states = store.document_states()
    by_path = {state[0]: doc_id for doc_id, state in states.items()}
    unchanged: list[str] = []
    restored: list[str] = []
    meta_hashes: dict[str, str] = {}

    def tasks() -> Iterator[Task]:
        for path in files:
            meta = manifest.lookup(path) if manifest is not None else None  # type: ignore[attr-defined]
            mhash = meta_hash(meta)
            old_id = by_path.get(str(path))
            if old_id is not None:
                _, sha, old_mhash, old_fp, status = states[old_id]
                if (sha, old_mhash, old_fp) == (file_sha256(path), mhash, fingerprint):
                    unchanged.append(old_id)
                    if status == "removed":
                        restored.append(old_id)
                    continue
            meta_hashes[str(path)] = mhash
            yield Task(str(path), meta)

    added: list[str] = []
    changed: list[str] = []
    excluded: list[Exclusion] = []
    seen: set[str] = set()
    buffer: list[DocumentResult] = []
    buffer_excl: list[Exclusion] = []
    committed = 0

    def flush() -> None:
        nonlocal committed
        store.write_results(buffer, run_id=run_id, fingerprint=fingerprint,
                            meta_hashes=[meta_hashes.get(r.document.path, "") for r in buffer])
        store.write_exclusions(run_id, buffer_excl)
        committed += len(buffer)
        buffer.clear()
        buffer_excl.clear()
        if options.progress is not None:
            options.progress(f"committed: {committed}")

    for item in run_local(tasks(), config, options.workers, options.batch_size):
        if isinstance(item, Exclusion):
            excluded.append(item)
            buffer_excl.append(item)
            continue
        if item.doc_id in seen or item.doc_id in unchanged:
            dup = Exclusion(item.document.path, item.doc_id, "E607",
                            f"doc_id {item.doc_id!r} is already used by another input file")
            excluded.append(dup)
            buffer_excl.append(dup)
            continue
        seen.add(item.doc_id)
        (changed if item.doc_id in states else added).append(item.doc_id)
        buffer.append(item)
        if len(buffer) >= options.commit_every:
            flush()
    if buffer or buffer_excl:
        flush()
    store.set_status(restored, "active", run_id)
    present = seen | set(unchanged)
    removed = sorted(
        doc_id for doc_id, (path, _, _, _, status) in states.items()
        if status == "active" and doc_id not in present and _under(path, roots))
    store.set_status(removed, "removed", run_id)
    summary = IngestSummary(run_id, tuple(added), tuple(changed), tuple(unchanged),
                            tuple(removed), tuple(restored), tuple(excluded))
    store.finish_run(run_id, summary.as_dict())
    return summary
