"""Ingest stage: download documents from their official addresses into a cached corpus.

The addresses are data (``seclens/data/sources/official_sources.csv``). Each page is
decoded with the policy of :mod:`seclens.ingest.encoding` (HTTP charset, then the page's
own declaration), its body and gov.cn metadata table extracted like a local HTML file,
and written to ``<cache_dir>/docs/<id>.txt`` (UTF-8) with a ``<cache_dir>/manifest.csv``
that :func:`seclens.ingest.iter_documents` reads on later runs. Failures (offline,
timeouts, HTTP errors, undecodable pages) become :class:`~seclens.types.Exclusion`
records; nothing is retried silently.
"""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from seclens.errors import IngestError
from seclens.ingest.codes import E_FETCH, E_FETCH_HTTP, E_SOURCES
from seclens.ingest.readers import Extracted, extract_html_bytes, extract_pdf, extract_txt
from seclens.types import Exclusion

#: Columns of the sources CSV (the descriptive columns of ``manifest.csv``).
SOURCE_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "title_en",
    "issuer",
    "level",
    "region",
    "date",
    "doc_number",
    "language",
    "original_url",
)
#: Extra columns written to the cached manifest.
FETCH_COLUMNS: tuple[str, ...] = ("fetched_encoding", "fetched_sha256", "retrieved", "fetch_notes")
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 seclens/0.1 (research; +https://github.com/seclens)"
)


@dataclass(frozen=True)
class FetchResult:
    """Outcome of :func:`fetch_corpus`.

    Attributes
    ----------
    corpus_dir : Path
        The cache folder (``docs/`` and ``manifest.csv``), usable as an ingest input.
    fetched : tuple[str, ...]
        Ids downloaded in this run, in sources order.
    failed : tuple[Exclusion, ...]
        One Exclusion per source that could not be fetched or extracted.
    """

    corpus_dir: Path
    fetched: tuple[str, ...]
    failed: tuple[Exclusion, ...]


def load_sources(path: Path | None = None) -> list[dict[str, str]]:
    """Read a sources CSV (packaged ``official_sources.csv`` when ``path`` is None).

    Raises
    ------
    IngestError
        ``E122`` when ``id`` or ``original_url`` columns are missing, an id repeats,
        or a row has an empty id.
    """
    if path is None:
        ref = resources.files("seclens").joinpath("data", "sources", "official_sources.csv")
        text, name = ref.read_text(encoding="utf-8"), "official_sources.csv"
    else:
        text, name = Path(path).read_text(encoding="utf-8-sig"), str(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"id", "original_url"} - set(reader.fieldnames or [])
    if missing:
        raise IngestError(E_SOURCES, f"{name}: line 1: missing columns {sorted(missing)}")
    rows: list[dict[str, str]] = []
    for record in reader:
        row = {col: (record.get(col) or "").strip() for col in SOURCE_COLUMNS}
        if not row["id"] or any(row["id"] == seen["id"] for seen in rows):
            raise IngestError(
                E_SOURCES, f"{name}: line {reader.line_num}: empty or duplicate id {row['id']!r}"
            )
        rows.append(row)
    return rows


def fetch_corpus(
    cache_dir: Path, *, timeout: float = 10.0, sources_path: Path | None = None
) -> FetchResult:
    """Download every source with an address and write a cached corpus folder.

    Parameters
    ----------
    cache_dir : Path
        Output folder; ``docs/<id>.txt`` and ``manifest.csv`` are (over)written there.
        Rows of an earlier ``manifest.csv`` whose document was not re-fetched are kept.
    timeout : float
        Seconds per request (connect and read).
    sources_path : Path, optional
        Sources CSV; default the packaged ``official_sources.csv``.

    Returns
    -------
    FetchResult

    Raises
    ------
    IngestError
        ``E122`` for a malformed sources CSV. Network and extraction failures are
        reported in ``FetchResult.failed``, never raised.
    """
    cache_dir = Path(cache_dir)
    sources = load_sources(sources_path)
    docs_dir = cache_dir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    rows = _previous_rows(cache_dir / "manifest.csv", docs_dir)
    fetched: list[str] = []
    failed: list[Exclusion] = []
    for source in sources:
        if not source["original_url"]:
            continue
        try:
            extracted = fetch_one(source["original_url"], timeout=timeout)
        except IngestError as exc:
            failed.append(Exclusion(source["original_url"], source["id"], exc.code, exc.message))
            continue
        (docs_dir / f"{source['id']}.txt").write_text(extracted.text, encoding="utf-8")
        rows[source["id"]] = _manifest_row(source, extracted)
        fetched.append(source["id"])
    _write_manifest(cache_dir / "manifest.csv", rows)
    return FetchResult(cache_dir, tuple(fetched), tuple(failed))


def fetch_one(url: str, *, timeout: float = 10.0) -> Extracted:
    """Download one address and extract its body text (HTML, PDF or plain text).

    Raises
    ------
    IngestError
        ``E122`` not an http(s) document address, ``E120`` network failure or
        timeout, ``E121`` HTTP error status, ``E104``–``E108`` extraction errors.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path.strip("/") == "":
        raise IngestError(E_SOURCES, f"{url}: not an http(s) address of a document page")
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise IngestError(E_FETCH_HTTP, f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise IngestError(E_FETCH, f"{url}: cannot connect ({exc.reason}); offline?") from exc
    except (TimeoutError, OSError) as exc:
        raise IngestError(E_FETCH, f"{url}: download failed ({exc})") from exc
    return _extract_download(data, url, content_type, charset)


def _extract_download(data: bytes, url: str, content_type: str, charset: str | None) -> Extracted:
    path = urllib.parse.urlsplit(url).path.lower()
    if content_type == "application/pdf" or path.endswith(".pdf"):
        return extract_pdf(data, url)
    if content_type == "text/plain" or path.endswith(".txt"):
        return extract_txt(data, url)
    return extract_html_bytes(data, url, declared=charset)


def _manifest_row(source: Mapping[str, str], extracted: Extracted) -> dict[str, str]:
    row = dict(source)
    found = extracted.file_meta
    for key, value in (
        ("doc_number", found.doc_number),
        ("issuer", found.issuer),
        ("date", found.date),
        ("title", found.title),
    ):
        if not row.get(key) and value:
            row[key] = value
    row.update(
        fetched_encoding=extracted.encoding,
        fetched_sha256=extracted.sha256,
        retrieved=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        fetch_notes="; ".join(extracted.notes),
    )
    return row


def _previous_rows(path: Path, docs_dir: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    return {
        row["id"]: {k: v or "" for k, v in row.items() if k}
        for row in records
        if row.get("id") and (docs_dir / f"{row['id']}.txt").is_file()
    }


def _write_manifest(path: Path, rows: Mapping[str, Mapping[str, str]]) -> None:
    columns: Sequence[str] = SOURCE_COLUMNS + FETCH_COLUMNS
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for doc_id in sorted(rows):
            writer.writerow({col: rows[doc_id].get(col, "") for col in columns})
