"""report.html of a large corpus: row limits, the level summary and the box chart."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from seclens.api import AnalysisOptions, AnalysisResult, DocumentSummary, InputFile, Provenance
from seclens.errors import ConfigError
from seclens.match.table import MatchChain, MatchTable
from seclens.report import ReportLimits, write_report
from seclens.types import DocumentMeta, Exclusion

LEVELS = ("central", "provincial", "municipal")


def _corpus(tmp_path: Path, n_docs: int, per_doc: int, n_excluded: int = 0) -> AnalysisResult:
    """``n_docs`` Chinese documents with ``per_doc`` matches of 安全 each (a chain of
    columnar tables, as analyze builds), document k of level LEVELS[k % 3]."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    docs, tables, inputs = [], [], []
    for k in range(n_docs):
        doc_id = f"doc-{k:04d}"
        meta = DocumentMeta(doc_id=doc_id, level=LEVELS[k % 3], language="zh",
                            date=f"20{10 + k % 10}-01-01")
        docs.append(DocumentSummary(meta=meta, path=str(folder / f"{doc_id}.txt"), fmt="txt",
                                    encoding="utf-8", sha256="ab" * 32, notes=(),
                                    n_chars=1000 + k, size=1000 + k, unit="characters",
                                    n_sentences=per_doc, n_matches=per_doc))
        inputs.append(InputFile(str(folder / f"{doc_id}.txt"), "ab" * 32, "document", doc_id))
        starts = [10 * j for j in range(per_doc)]
        tables.append(MatchTable(
            doc_id=doc_id, convention="substring",
            entries=_entries(), entry=[0] * per_doc,
            sentence_index=list(range(per_doc)), start=starts, end=[s + 2 for s in starts],
            matched_text=["安全"] * per_doc, sense=["security"] * per_doc,
            sense_rule=["r"] * per_doc, left=["<b>"] * per_doc, right=["x"] * per_doc))
    exclusions = tuple(Exclusion(str(folder / f"bad-{i}.pdf"), f"bad-{i}", "E101", "unreadable")
                       for i in range(n_excluded))
    prov = Provenance(
        package="seclens", package_version="0", python_version="3.11", platform="test",
        timestamp_utc="2026-01-01T00:00:00+00:00", options=AnalysisOptions().to_dict(),
        lexicons=(), sense_rules={}, segmenters=(), inputs=tuple(inputs),
        input_roots=(str(folder),))
    return AnalysisResult(options=AnalysisOptions(), documents=tuple(docs),
                          matches=MatchChain(tuple(tables)), counts=(), exclusions=exclusions,
                          provenance=prov)


def _entries() -> tuple[tuple[str, ...], ...]:
    from seclens.match.table import _ENTRY_FIELDS

    values = {"entry_id": "zh.安全", "term": "安全", "category": "security",
              "sector": "general"}
    return (tuple(values.get(name, "") for name in sorted(_ENTRY_FIELDS,
                                                           key=_ENTRY_FIELDS.__getitem__)),)


def _kwic_rows(html: str) -> list[tuple[int, str]]:
    body = html[html.index('<table id="kwic-table">'):]
    return [(int(n), d) for d, n in re.findall(
        r'<tr data-doc="([^"]+)"[^>]*><td class="num">(\d+)</td>', body)]


def test_limits_bound_the_page_and_say_where_the_rest_is(tmp_path: Path) -> None:
    result = _corpus(tmp_path, n_docs=120, per_doc=5, n_excluded=7)
    limits = ReportLimits(documents=10, kwic_rows=50, chart_documents=20)
    out = tmp_path / "out"
    write_report(result, out, limits=limits)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<article id=") == 10
    assert "The first 10 of 120 documents" in html
    assert "The first 7 of 7" not in html and "The first 10 of 120 exclusions" not in html
    assert "the first 10 of 120; all are listed in run.json" in html
    # KWIC: 50 // 120 documents -> quota 1: the first match of the first 50 documents,
    # each numbered with its row of matches.csv
    rows = _kwic_rows(html)
    assert rows == [(5 * k + 1, f"doc-{k:04d}") for k in range(50)]
    assert "50 of 600 matches" in html and "at most 1 per document" in html
    with (out / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == 600  # the CSV holds every match
    for n, doc_id in rows:
        assert csv_rows[n - 1]["doc_id"] == doc_id
    # each shown document's rows of matches.csv
    assert '<td class="num">6–10</td>' in html  # doc-0001
    # documents of no article are not linked from the KWIC table
    assert '<td>doc-0049</td>' in html and 'href="#doc-49"' not in html
    # the box chart and the level summary cover all 120 documents
    assert "One box per level and language" in html
    summary = html[html.index("<h3>By level</h3>"):html.index("<h3>By document</h3>")]
    assert re.findall(r"<tr><td>(\w+)</td><td>zh</td><td class=\"num\">(\d+)</td>", summary) == [
        ("central", "40"), ("provincial", "40"), ("municipal", "40")]
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        docs = [r for r in csv.DictReader(fh) if r["status"] == "analysed"]
    central = [r for r in docs if r["level"] == "central"]
    total = sum(int(r["security_occurrences"]) for r in central)
    assert f'<td class="num">{total}</td>' in summary


def test_exclusions_past_the_limit_point_to_documents_csv(tmp_path: Path) -> None:
    result = _corpus(tmp_path, n_docs=3, per_doc=1, n_excluded=12)
    out = tmp_path / "out"
    write_report(result, out, limits=ReportLimits(documents=5))
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="exclusions">'):html.index('<section id="documents">')]
    assert "The first 5 of 12 exclusions" in section
    assert section.count("<tr><td>") == 5
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert sum(r["status"] == "excluded" for r in csv.DictReader(fh)) == 12


def test_a_corpus_within_the_limits_is_shown_whole(tmp_path: Path) -> None:
    result = _corpus(tmp_path, n_docs=6, per_doc=3)
    out = tmp_path / "out"
    write_report(result, out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="limit"' not in html
    assert len(_kwic_rows(html)) == 18 and html.count("<article id=") == 6
    assert "One box per level" not in html  # one bar per document


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "10"])
def test_report_limits_must_be_positive_integers(bad: object) -> None:
    for name in ("documents", "kwic_rows", "chart_documents"):
        with pytest.raises(ConfigError) as err:
            ReportLimits(**{name: bad})  # type: ignore[arg-type]
        assert err.value.code == "E010" and name in err.value.message


def test_the_pages_copy_of_run_json_lists_the_first_inputs_past_the_limit(
        tmp_path: Path) -> None:
    import html as html_lib
    import json

    result = _corpus(tmp_path, n_docs=30, per_doc=2)
    out = tmp_path / "out"
    write_report(result, out, limits=ReportLimits(documents=12))
    page = (out / "report.html").read_text(encoding="utf-8")
    body = page[page.index('id="seclens-run">') + len('id="seclens-run">'):]
    embedded = json.loads(html_lib.unescape(body[:body.index("</script>")]))
    full = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [i["doc_id"] for i in embedded["inputs"]] == [
        i["doc_id"] for i in full["inputs"][:12]]
    assert embedded["inputs_omitted"] == 18 and len(full["inputs"]) == 30
    assert {k: v for k, v in embedded.items()
            if k not in ("inputs", "inputs_omitted", "inputs_note")} == {
        k: v for k, v in full.items()
        if k not in ("inputs", "outputs", "documents_analysed", "documents_excluded",
                     "matches")}
    write_report(result, tmp_path / "all", limits=ReportLimits(documents=30))
    page = (tmp_path / "all" / "report.html").read_text(encoding="utf-8")
    assert "inputs_omitted" not in page
