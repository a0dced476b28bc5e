"""Streaming ingest: discovery, manifests, exclusions, determinism, inputs untouched."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from seclens.errors import IngestError
from seclens.ingest import (
    IngestOptions,
    discover,
    iter_documents,
    iter_planned,
    plan_inputs,
    read_manifest,
    stream_plan,
)
from seclens.types import Document, Exclusion


def _folder(tmp_path: Path, builders: SimpleNamespace) -> Path:
    root = tmp_path / "corpus"
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "a.txt").write_text("国家安全是根本。", encoding="utf-8")
    (root / "docs" / "sub" / "b.htm").write_bytes(builders.gov_page("gb2312").encode("gbk"))
    (root / "docs" / "c.txt").write_bytes(b"\x00\x01binary")
    builders.make_docx(root / "docs" / "d.docx")
    (root / "docs" / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (root / "docs" / "~$d.docx").write_bytes(b"lock")
    (root / "README.md").write_text("not a document", encoding="utf-8")
    with (root / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "level", "language", "note"])
        writer.writerow(["a", "甲", "provincial", "zh", "x"])
        writer.writerow(["c", "丙", "central", "zh", ""])
        writer.writerow(["zz-missing", "缺", "central", "zh", ""])
    return root


def test_discover_sorted_supported_files_only(tmp_path: Path, builders: SimpleNamespace) -> None:
    root = _folder(tmp_path, builders)
    found = discover([root])
    names = [p.relative_to(root).as_posix() for p in found]
    assert names == ["docs/a.txt", "docs/c.txt", "docs/d.docx", "docs/sub/b.htm"]
    assert discover([root / "docs"], recursive=False) == [
        root / "docs" / "a.txt",
        root / "docs" / "c.txt",
        root / "docs" / "d.docx",
    ]


def test_discover_errors(tmp_path: Path, builders: SimpleNamespace) -> None:
    root = _folder(tmp_path, builders)
    with pytest.raises(IngestError) as missing:
        discover([root / "nope"])
    assert missing.value.code == "E101"
    with pytest.raises(IngestError) as unsupported:
        discover([root / "README.md"])
    assert unsupported.value.code == "E102"


def test_iter_documents_yields_documents_and_exclusions(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    items = list(iter_documents([root]))
    kinds = [(type(item).__name__, item.doc_id) for item in items]
    assert kinds == [
        ("Document", "a"),
        ("Exclusion", "c"),
        ("Document", "d"),
        ("Document", "b"),
        ("Exclusion", "zz-missing"),
    ]
    by_id = {item.doc_id: item for item in items}
    a, b, c, missing = by_id["a"], by_id["b"], by_id["c"], by_id["zz-missing"]
    assert isinstance(a, Document) and isinstance(b, Document)
    assert isinstance(c, Exclusion) and isinstance(missing, Exclusion)
    assert (a.meta.title, a.meta.level, a.meta.meta_source) == ("甲", "provincial", "manifest")
    assert a.meta.extra == {"note": "x"}
    assert b.meta.meta_source == "html+doc_number"  # no manifest row: from the page
    assert c.code == "E105"
    assert missing.code == "E112"
    assert missing.path == str(root / "manifest.csv")


def test_streaming_is_deterministic(tmp_path: Path, builders: SimpleNamespace) -> None:
    root = _folder(tmp_path, builders)
    assert list(iter_documents([root])) == list(iter_documents([root]))


def test_inputs_are_never_modified(tmp_path: Path, builders: SimpleNamespace) -> None:
    root = _folder(tmp_path, builders)
    before = builders.sha256_tree(root)
    list(iter_documents([root]))
    assert builders.sha256_tree(root) == before


def test_explicit_manifest_applies_to_file_inputs(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    items = list(
        iter_documents([root / "docs" / "a.txt"], IngestOptions(manifest=root / "manifest.csv"))
    )
    assert [(type(i).__name__, i.doc_id) for i in items] == [
        ("Document", "a"),
        ("Exclusion", "c"),
        ("Exclusion", "zz-missing"),
    ]


def test_file_inputs_without_manifest_use_file_metadata(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    (item,) = list(iter_documents([root / "docs" / "a.txt"]))
    assert isinstance(item, Document)
    assert item.meta.meta_source == "filename"
    assert item.meta.language == "zh"


def test_duplicate_stems_are_excluded(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "same.txt").write_text("一", encoding="utf-8")
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "same.txt").write_text("二", encoding="utf-8")
    items = list(iter_documents([tmp_path]))
    assert isinstance(items[0], Document)
    assert isinstance(items[1], Exclusion) and items[1].code == "E109"


def test_malformed_manifest_raises_at_call_time(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id\na\na\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        iter_documents([tmp_path])  # validation before the first next()
    assert caught.value.code == "E111"


def test_plan_reads_no_document_and_names_files_metadata_and_orphans(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    (root / "docs" / "sub" / "a.txt").write_text("重复", encoding="utf-8")  # duplicate id
    plan = plan_inputs([root])
    assert [(type(i).__name__, i.doc_id) for i in plan.items] == [
        ("PlannedFile", "a"),
        ("PlannedFile", "c"),
        ("PlannedFile", "d"),
        ("Exclusion", "a"),
        ("PlannedFile", "b"),
    ]
    files = {f.doc_id: f for f in plan.files}
    assert files["a"].path == root / "docs" / "a.txt"
    meta_a, meta_c = files["a"].meta, files["c"].meta
    assert meta_a is not None and meta_a.title == "甲"
    assert meta_c is not None and meta_c.level == "central"
    assert files["b"].meta is None and files["d"].meta is None
    assert [(e.code, e.doc_id) for e in plan.exclusions] == [
        ("E109", "a"), ("E112", "zz-missing")
    ]
    assert plan.ignored == (root / "README.md",)
    assert [(e.code, e.doc_id) for e in plan.orphans] == [("E112", "zz-missing")]
    assert plan.manifests == (root / "manifest.csv",)
    # c.txt is unreadable (binary): planning does not read it, only iter_planned does.
    streamed = list(iter_planned(plan))
    assert streamed == list(iter_documents([root]))
    assert [(type(i).__name__, i.doc_id) for i in streamed][1] == ("Exclusion", "c")


def test_plan_with_explicit_manifest_and_single_path(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    manifest = root / "manifest.csv"
    plan = plan_inputs(root / "docs" / "a.txt", IngestOptions(manifest=manifest))
    assert [f.doc_id for f in plan.files] == ["a"]
    assert plan.manifests == (manifest,)
    assert [e.doc_id for e in plan.orphans] == ["c", "zz-missing"]
    assert plan_inputs([root / "docs"]).manifests == ()  # no manifest.csv in docs/


def test_stream_plan_gives_the_plan_item_by_item(
    tmp_path: Path, builders: SimpleNamespace
) -> None:
    root = _folder(tmp_path, builders)
    (root / "docs" / "sub" / "a.txt").write_text("重复", encoding="utf-8")  # duplicate id
    (root / "docs" / "e.xls").write_bytes(b"unsupported")
    plan = plan_inputs([root])
    stream = stream_plan([root])
    assert stream.manifests == plan.manifests and stream.ignored == plan.ignored
    assert tuple(stream) == plan.items
    assert stream.orphans() == plan.orphans
    assert [e.code for e in plan.exclusions] == ["E102", "E109", "E112"]


def test_stream_plan_raises_before_the_first_item(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id\na\na\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        stream_plan([tmp_path])  # validated when made, not when iterated
    assert caught.value.code == "E111"
    with pytest.raises(IngestError) as caught:
        stream_plan([tmp_path / "missing"])
    assert caught.value.code == "E101"


# --- the real reference corpus ---------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_items(corpus_dir: Path) -> list[Document | Exclusion]:
    return list(iter_documents([corpus_dir]))


def test_corpus_all_documents_ingest_without_exclusions(
    corpus_dir: Path, corpus_items: list[Document | Exclusion],
) -> None:
    # No exclusion: the corpus README.md is documentation (IngestPlan.ignored), not a
    # document; all 28 documents load.
    exclusions = [item for item in corpus_items if isinstance(item, Exclusion)]
    assert exclusions == []
    assert len([item for item in corpus_items if isinstance(item, Document)]) == 28


def test_corpus_text_equals_file_content(
    corpus_dir: Path, corpus_items: list[Document | Exclusion]
) -> None:
    for item in corpus_items:
        if isinstance(item, Exclusion):
            continue
        raw = Path(item.path).read_bytes().decode("utf-8")
        assert item.text == raw.removeprefix("\ufeff")
        assert Path(item.path).parent == corpus_dir / "docs"


def test_corpus_manifest_metadata(
    corpus_dir: Path, corpus_items: list[Document | Exclusion]
) -> None:
    documents = {item.doc_id: item for item in corpus_items if isinstance(item, Document)}
    manifest = read_manifest(corpus_dir / "manifest.csv")
    assert set(documents) == set(manifest.rows)
    assert documents["cn-sc-2017-aidp"].meta.level == "central"
    assert documents["cn-sc-2017-aidp"].meta.doc_number == "国发〔2017〕35号"
    for doc_id, document in documents.items():
        assert document.meta == manifest.rows[doc_id]
        assert document.meta.meta_source == "manifest"
        assert len(document.text) == int(document.meta.extra["chars"])
        if doc_id.startswith("us-"):
            assert document.meta.language == "en"
            assert document.meta.level == "foreign"


def test_corpus_language_detection_agrees_with_manifest(
    corpus_items: list[Document | Exclusion],
) -> None:
    from seclens.ingest import detect_language

    for item in corpus_items:
        if isinstance(item, Exclusion):
            continue
        assert detect_language(item.text) == item.meta.language, item.doc_id


def test_documents_and_manifests_pickle(tmp_path: Path, builders: SimpleNamespace) -> None:
    # Documents and manifest metadata cross process boundaries (parallel engine).
    import pickle

    root = _folder(tmp_path, builders)
    items = list(iter_documents([root]))
    assert pickle.loads(pickle.dumps(items)) == items
    manifest = read_manifest(root / "manifest.csv")
    assert pickle.loads(pickle.dumps(manifest)) == manifest


def test_corpus_readme_is_ignored_documentation_not_an_exclusion(tmp_path: Path) -> None:
    from seclens.ingest import plan_inputs

    root = tmp_path / "corpus"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.txt").write_text("国家安全是根本。", encoding="utf-8")
    (root / "README.md").write_text("about this corpus", encoding="utf-8")
    (root / "LICENSE.txt").write_text("public domain", encoding="utf-8")
    (root / "docs" / "README.txt").write_text("国家安全", encoding="utf-8")  # not at the root
    (root / "notes.md").write_text("x", encoding="utf-8")
    plan = plan_inputs([root])
    assert [p.name for p in plan.ignored] == ["LICENSE.txt", "README.md"]
    assert [f.doc_id for f in plan.files] == ["README", "a"]
    # other unsupported files are still exclusions with a reason
    assert [(Path(e.path).name, e.code) for e in plan.exclusions] == [("notes.md", "E102")]
    # a documentation-like file named explicitly is a document
    assert [f.doc_id for f in plan_inputs([root / "LICENSE.txt"]).files] == ["LICENSE"]


def test_non_utf8_file_name_is_an_exclusion_not_a_crash(tmp_path: Path) -> None:
    # Regression (helper's trial): a file name with bytes that are not UTF-8 reached
    # the Parquet plan / CSV writers as lone surrogates and crashed with
    # UnicodeEncodeError (a two-worker store ingest had then committed 4,096 documents)
    (tmp_path / "a.txt").write_text("国家安全。", encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "wb") as fh:
        fh.write("网络安全。".encode())
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xfe.xls"), "wb") as fh:
        fh.write(b"unsupported too")
    plan = plan_inputs([tmp_path])
    assert [f.doc_id for f in plan.files] == ["a"]
    bad = [e for e in plan.exclusions if e.code == "E116"]
    assert [(Path(e.path).name, e.doc_id) for e in bad] == [
        ("bad\\xfe.xls", "bad\\xfe"), ("bad\\xff.txt", "bad\\xff")]
    for exclusion in bad:
        exclusion.path.encode("utf-8")  # storable
    assert [type(i).__name__ for i in iter_documents([tmp_path])] == [
        "Document", "Exclusion", "Exclusion"]
