"""Regression tests for the new-user review findings on ingest (unsupported files, DOCX/PDF
property metadata, manifest gaps and dates)."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest

from seclens.ingest import iter_documents, plan_inputs, read_document, read_manifest
from seclens.ingest.metadata import find_signoff_date, normalise_date
from seclens.ingest.readers import is_default_title
from seclens.types import Document, Exclusion


def _split(items: list[Document | Exclusion]) -> tuple[list[Document], list[Exclusion]]:
    docs = [i for i in items if isinstance(i, Document)]
    excl = [i for i in items if isinstance(i, Exclusion)]
    return docs, excl


# --- finding 1: unsupported files are exclusions -------------------------------------


def test_unsupported_file_in_folder_is_an_exclusion(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 ole")
    (tmp_path / "wps.wps").write_bytes(b"x")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data.xlsx").write_bytes(b"x")
    docs, excl = _split(list(iter_documents([tmp_path])))
    assert [d.doc_id for d in docs] == ["a"]
    found = {Path(e.path).name: (e.code, e.reason) for e in excl}
    assert found == {
        "notes.md": ("E102", "unsupported type .md: rename to .txt if it is a document to analyse"),
        "old.doc": ("E102", "unsupported type .doc: convert to .docx or .txt"),
        "wps.wps": ("E102", "unsupported type .wps: convert to .docx or .txt"),
        "data.xlsx": ("E102", "unsupported type .xlsx: convert to one of .docx, .htm, .html, "
                              ".pdf, .txt"),
    }


def test_hidden_files_lock_files_and_applied_manifest_are_not_exclusions(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x", encoding="utf-8")
    (tmp_path / "~$a.docx").write_bytes(b"lock")
    (tmp_path / "manifest.csv").write_text("id,level\na,central\n", encoding="utf-8")
    plan = plan_inputs([tmp_path])
    assert [f.doc_id for f in plan.files] == ["a"]
    assert plan.exclusions == ()


def test_manifest_csv_in_sub_folder_is_an_exclusion(tmp_path: Path) -> None:
    # Only the root manifest.csv of a folder input is applied; a nested one is not silent.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "sub" / "manifest.csv").write_text("id\na\n", encoding="utf-8")
    (excluded,) = plan_inputs([tmp_path]).exclusions
    assert excluded.code == "E102" and excluded.path.endswith("manifest.csv")
    assert "not a document" in excluded.reason


def test_explicit_manifest_inside_folder_is_not_an_exclusion(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "meta.csv").write_text("id,level\na,central\n", encoding="utf-8")
    from seclens.ingest import IngestOptions

    plan = plan_inputs([tmp_path], IngestOptions(manifest=tmp_path / "meta.csv"))
    assert plan.exclusions == ()


# --- finding 2: DOCX / PDF property metadata ------------------------------------------


def test_docx_core_properties_are_not_issuer_or_date(tmp_path: Path) -> None:
    import docx

    document = docx.Document()  # python-docx template: author "python-docx", 2013 dates
    document.core_properties.author = "Administrator"
    document.core_properties.last_modified_by = "Administrator"
    document.add_paragraph("关于加强人工智能安全的通知")
    document.add_paragraph("各部门要维护国家安全。")
    document.save(str(tmp_path / "n.docx"))
    meta = read_document(tmp_path / "n.docx").meta
    assert meta.issuer == ""
    assert meta.date == ""
    assert meta.title == ""
    assert meta.meta_source == "docx+no_date"
    assert meta.extra["docx_author"] == "Administrator"  # kept as provenance only


def test_python_docx_defaults_give_no_issuer_or_date(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("正文。")
    document.save(str(tmp_path / "d.docx"))
    meta = read_document(tmp_path / "d.docx").meta
    assert (meta.issuer, meta.date) == ("", "")
    assert "python-docx" not in (meta.issuer, meta.title)


def test_docx_signoff_date_closes_the_document(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    lines = ("新一代人工智能发展规划", "要维护国家安全。", "国务院 2017年7月8日", "（此件）")
    for line in lines:
        document.add_paragraph(line)
    document.save(str(tmp_path / "p.docx"))
    read = read_document(tmp_path / "p.docx")
    assert read.meta.date == "2017-07-08"
    assert read.meta.meta_source == "docx+text_date"
    assert any("sign-off" in note for note in read.notes)


def test_pdf_author_and_creation_date_are_not_issuer_or_date(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    path = builders.make_pdf(tmp_path / "m.pdf", ["National security.", "July 8, 2017"],
                             title="Microsoft Word - memo.docx")
    meta = read_document(path).meta
    assert meta.issuer == ""
    assert meta.title == ""  # a default title is not a title
    assert meta.date == "2017-07-08"  # from the sign-off line, not CreationDate
    assert meta.meta_source == "pdf+text_date"


@pytest.mark.parametrize(
    ("title", "default"),
    [("", True), ("Title", True), ("Microsoft Word - 通知.docx", True), ("文档", True),
     ("plan.pdf", True), ("新一代人工智能发展规划", False), ("A Memo", False)],
)
def test_is_default_title(title: str, default: bool) -> None:
    assert is_default_title(title) is default


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正文。\n国务院\n2017年7月8日", "2017-07-08"),
        ("正文\n国务院 2017年7月8日\n（此件公开发布）", "2017-07-08"),
        ("正文\n二〇二三年十二月二十八日", "2023-12-28"),
        ("正文\n（2019年1月5日）", "2019-01-05"),
        ("Text.\n8 July 2017.", "2017-07-08"),
        ("本办法自2018年1月1日起施行。", ""),  # a date inside a sentence is no sign-off
        ("As said on July 8, 2017", ""),
        ("国务院\n2017年2月30日", ""),  # not a calendar date
    ],
)
def test_find_signoff_date(text: str, expected: str) -> None:
    assert find_signoff_date(text) == expected


# --- finding 5: manifest gaps and dates -----------------------------------------------


def test_manifest_chinese_date_is_normalised_with_raw_kept(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("id,date\na,2017年7月8日\nb,2017-07-08\n", encoding="utf-8")
    rows = read_manifest(tmp_path / "m.csv").rows
    assert rows["a"].date == "2017-07-08" and rows["a"].extra["date_raw"] == "2017年7月8日"
    assert rows["b"].date == "2017-07-08" and "date_raw" not in rows["b"].extra


def test_manifest_ambiguous_numeric_date_is_kept_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,level,date\na,central,07/08/2017\n",
                                           encoding="utf-8")
    (document,) = list(iter_documents([tmp_path]))
    assert isinstance(document, Document)
    assert document.meta.date == "07/08/2017"
    assert any("ambiguous" in note for note in document.notes)


def test_manifest_without_level_column_notes_unknown_level(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,title\na,甲\n", encoding="utf-8")
    (document,) = list(iter_documents([tmp_path]))
    assert isinstance(document, Document)
    assert document.meta.level == "unknown"
    assert any("no 'level' column" in note for note in document.notes)


def test_file_missing_from_manifest_notes_unknown_level(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("网络安全。", encoding="utf-8")
    with (tmp_path / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "level"], ["a", "central"]])
    docs, _ = _split(list(iter_documents([tmp_path])))
    notes = {d.doc_id: d.notes for d in docs}
    assert not any("level unknown" in n for n in notes["a"])
    assert any("has no row for this file" in n for n in notes["b"])


def test_level_inferred_from_doc_number_needs_no_note(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("通知\n国发〔2017〕35号\n国家安全。", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,title\na,甲\n", encoding="utf-8")
    (document,) = list(iter_documents([tmp_path]))
    assert isinstance(document, Document)
    assert document.meta.level == "central"
    assert not any("level unknown" in note for note in document.notes)


@pytest.mark.parametrize(
    ("raw", "value", "problem"),
    [("2017-07-08", "2017-07-08", False), ("2017-7-8", "2017-07-08", False),
     ("2017/7/8", "2017-07-08", False), ("２０１７年７月８日", "2017-07-08", False),
     ("2017年7月", "2017-07", False), ("2017", "2017", False),
     ("07/08/2017", "07/08/2017", True), ("2017/13/1", "2017/13/1", True),
     ("soon", "soon", True)],
)
def test_normalise_date(raw: str, value: str, problem: bool) -> None:
    parsed = normalise_date(raw)
    assert parsed.value == value
    assert bool(parsed.problem) is problem
