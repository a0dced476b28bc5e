"""fetch_corpus against a local http.server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import csv
import http.server
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest

from seclens.errors import IngestError
from seclens.ingest import IngestOptions, fetch_corpus, iter_documents
from seclens.ingest.fetch import SOURCE_COLUMNS, load_sources
from seclens.types import Document


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 must not go through a proxy configured in the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site(tmp_path: Path, builders: SimpleNamespace) -> Iterator[str]:
    """Serve a gov.cn-like page (declared gb2312, GBK-only chars, metadata table)."""
    root = tmp_path / "site"
    (root / "zhengce").mkdir(parents=True)
    (root / "zhengce" / "content_1.htm").write_bytes(builders.gov_page("gb2312").encode("gbk"))
    (root / "zhengce" / "binary.htm").write_bytes(bytes(range(1, 256)) * 8)
    handler = partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _sources(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, SOURCE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({col: row.get(col, "") for col in SOURCE_COLUMNS})
    return path


def test_fetch_writes_a_cached_corpus(site: str, tmp_path: Path) -> None:
    sources = _sources(
        tmp_path / "sources.csv",
        [
            {
                "id": "cn-test-aidp",
                "title": "规划",
                "level": "central",
                "language": "zh",
                "original_url": f"{site}/zhengce/content_1.htm",
            },
            {"id": "cn-missing", "original_url": f"{site}/zhengce/missing.htm"},
            {"id": "cn-binary", "original_url": f"{site}/zhengce/binary.htm"},
            {"id": "cn-no-url", "original_url": ""},
        ],
    )
    cache = tmp_path / "cache"
    result = fetch_corpus(cache, timeout=5, sources_path=sources)
    assert result.corpus_dir == cache
    assert result.fetched == ("cn-test-aidp",)
    assert [(f.doc_id, f.code) for f in result.failed] == [
        ("cn-missing", "E121"),
        ("cn-binary", "E104"),
    ]
    text = (cache / "docs" / "cn-test-aidp.txt").read_text(encoding="utf-8")
    assert "朱镕基同志与王堃同志" in text
    assert "发文字号" not in text
    with (cache / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["doc_number"] == "国发〔2017〕35号"  # filled from the page's metadata table
    assert row["issuer"] == "国务院"
    assert row["title"] == "规划"  # the sources row wins over the page
    assert row["fetched_encoding"] == "gb18030"
    # the cache is a corpus folder that ingest reads on later runs
    (document,) = list(iter_documents([cache]))
    assert isinstance(document, Document)
    assert document.text == text
    assert document.meta.doc_number == "国发〔2017〕35号"
    assert document.meta.meta_source == "manifest"


def test_refetch_keeps_earlier_rows(site: str, tmp_path: Path) -> None:
    good = {"id": "a", "original_url": f"{site}/zhengce/content_1.htm"}
    cache = tmp_path / "cache"
    fetch_corpus(cache, sources_path=_sources(tmp_path / "s1.csv", [good]))
    other = {"id": "b", "original_url": f"{site}/zhengce/missing.htm"}
    result = fetch_corpus(cache, sources_path=_sources(tmp_path / "s2.csv", [other]))
    assert result.fetched == ()
    items = list(iter_documents([cache], IngestOptions()))
    assert [item.doc_id for item in items] == ["a"]


def test_offline_fails_fast_with_a_reason(tmp_path: Path) -> None:
    # Port 9 on 127.0.0.1 (discard) is closed here: connection refused, like being offline.
    sources = _sources(
        tmp_path / "s.csv",
        [{"id": f"d{i}", "original_url": f"http://127.0.0.1:9/doc{i}.htm"} for i in range(5)],
    )
    started = time.monotonic()
    result = fetch_corpus(tmp_path / "cache", timeout=2, sources_path=sources)
    assert time.monotonic() - started < 10
    assert result.fetched == ()
    assert [f.code for f in result.failed] == ["E120"] * 5
    assert all("offline?" in f.reason for f in result.failed)


def test_site_root_is_not_a_document_address(tmp_path: Path) -> None:
    sources = _sources(tmp_path / "s.csv", [{"id": "x", "original_url": "http://kjt.example.cn/"}])
    result = fetch_corpus(tmp_path / "cache", sources_path=sources)
    assert [(f.doc_id, f.code) for f in result.failed] == [("x", "E122")]


def test_packaged_sources_are_the_manifest_rows_with_an_address(corpus_dir: Path) -> None:
    with (corpus_dir / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        expected = [
            {col: row[col] for col in SOURCE_COLUMNS}
            for row in csv.DictReader(handle)
            if row["original_url"]
        ]
    assert load_sources() == expected


def test_malformed_sources(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,url\na,http://x/y\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load_sources(path)
    assert caught.value.code == "E122"
    path.write_text("id,original_url\na,http://x/y\na,http://x/z\n", encoding="utf-8")
    with pytest.raises(IngestError, match="line 3"):
        load_sources(path)
