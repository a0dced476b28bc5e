"""A stored analysis (a store, or a Dask output folder) as CORPUS: seclens.store.source."""

from __future__ import annotations

from pathlib import Path

import pytest

from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
from seclens.errors import ConfigError, StoreError
from seclens.ingest import iter_documents
from seclens.store import open_store
from seclens.store.source import StoredCorpus, stored_corpus
from seclens.store.sync import ingest_corpus
from seclens.types import Document, Exclusion


def _corpus(tmp_path: Path) -> Path:
    """Files whose path order (a/zzz, b/aaa) is not their doc_id order (aaa, zzz), and
    one empty file (an exclusion)."""
    root = tmp_path / "corpus"
    for rel, text in (("b/aaa.txt", "加强网络安全保护。维护国家安全。\n"),
                      ("a/zzz.txt", "巩固国防。人工智能安全风险。\n"),
                      ("a/mmm.txt", "推动人工智能产业发展。\n"),
                      ("a/empty.txt", "")):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture()
def stored(tmp_path: Path) -> tuple[Path, Path]:
    root = _corpus(tmp_path)
    db = tmp_path / "corpus.duckdb"
    ingest_corpus([root], db)
    return root, db


def test_store_documents_come_in_the_folders_order(stored: tuple[Path, Path]) -> None:
    root, db = stored
    from_folder = [d for d in iter_documents([root]) if isinstance(d, Document)]
    assert [d.doc_id for d in from_folder] == ["mmm", "zzz", "aaa"]  # by path, not doc_id
    source = stored_corpus([db])
    assert source == StoredCorpus("store", db)
    assert list(source.documents()) == from_folder


def test_store_exclusions_are_those_of_its_ingest(stored: tuple[Path, Path]) -> None:
    root, db = stored
    from_folder = [e for e in iter_documents([root]) if isinstance(e, Exclusion)]
    assert len(from_folder) == 1
    assert stored_corpus([db]).exclusions() == tuple(from_folder)  # type: ignore[union-attr]


def test_annotate_corpus_from_a_store_equals_the_folder(stored: tuple[Path, Path]) -> None:
    root, db = stored

    def items(inputs: list[Path]) -> tuple[list[Exclusion], list[tuple[object, ...]]]:
        out = list(annotate_corpus(inputs))
        return ([x for x in out if isinstance(x, Exclusion)],
                [(x.document, x.annotations, x.measures) for x in out
                 if isinstance(x, AnnotatedDocument)])

    folder, store = items([root]), items([db])
    assert len(folder[1]) == 3
    assert store == folder


def test_iter_documents_by_path_or_doc_id(stored: tuple[Path, Path]) -> None:
    _, db = stored
    with open_store(db, read_only=True) as store:
        assert [d.doc_id for d in store.iter_documents()] == ["aaa", "mmm", "zzz"]
        assert [d.doc_id for d in store.iter_documents(order_by="path", batch_size=2)] \
            == ["mmm", "zzz", "aaa"]
        with pytest.raises(StoreError) as err:
            list(store.iter_documents(order_by="title"))
        assert err.value.code == "E606"


def test_files_and_folders_are_no_stored_corpus(stored: tuple[Path, Path]) -> None:
    root, _ = stored
    assert stored_corpus([root]) is None
    assert stored_corpus([root / "b" / "aaa.txt", root / "a"]) is None


def test_a_stored_corpus_among_other_inputs_is_e001(stored: tuple[Path, Path]) -> None:
    root, db = stored
    with pytest.raises(ConfigError) as err:
        stored_corpus([root, db])
    assert err.value.code == "E001" and "only CORPUS input" in str(err.value)


def test_an_interrupted_dask_output_is_e613_not_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "_plan").mkdir(parents=True)  # what a run leaves from its first steps on
    (out / "_plan" / "tasks.parquet").write_bytes(b"")
    (out / "notes.txt").write_text("国家安全。", encoding="utf-8")
    with pytest.raises(StoreError) as err:
        stored_corpus([out])
    assert err.value.code == "E613"
    with pytest.raises(StoreError):
        list(annotate_corpus([out]))


def test_a_corpus_folder_with_a_plan_subfolder_is_read_as_documents(tmp_path: Path) -> None:
    # Regression (session 6): any folder holding a "_plan" folder was taken for a Dask
    # output (E613) although ingest read it as documents.
    corpus = tmp_path / "corpus"
    (corpus / "_plan").mkdir(parents=True)
    (corpus / "_plan" / "notes.txt").write_text("国家安全。", encoding="utf-8")
    assert stored_corpus([corpus]) is None
    assert [d.doc_id for d in iter_documents([corpus]) if isinstance(d, Document)] == ["notes"]
