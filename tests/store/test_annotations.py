"""Stored annotations (ingest --annotate) read back as annotated documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seclens.annotate import RuleAnnotator
from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus, annotate_document
from seclens.engine import EngineConfig
from seclens.store.annotations import reusable_annotations, stored_annotated
from seclens.store.source import stored_corpus
from seclens.store.store import open_store
from seclens.store.sync import ingest_corpus
from seclens.types import Exclusion


def _from_text(db: Path, annotator: RuleAnnotator) -> Iterator[AnnotatedDocument | Exclusion]:
    """What annotate_corpus gives for a store by annotating its stored text."""
    stored = stored_corpus([db])
    assert stored is not None
    yield from stored.exclusions()
    for document in stored.documents():
        yield annotate_document(document, annotator)


@pytest.mark.parametrize("config", [EngineConfig(annotate=True),
                                    EngineConfig(annotate=True, to_simplified=True)],
                         ids=["default", "t2s"])
def test_stored_annotations_equal_annotating_the_stored_text(
        corpus_dir: Path, tmp_path: Path, config: EngineConfig) -> None:
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus_dir], db, config)
    annotator = RuleAnnotator()
    reused = stored_annotated(db, annotator.version)
    assert reused is not None
    got = list(reused)
    want = list(_from_text(db, annotator))
    assert len(got) == len(want) == 28
    for a, b in zip(got, want, strict=True):
        assert a == b  # document (with its text), every annotation, the measures
    assert sum(len(a.annotations) for a in got if isinstance(a, AnnotatedDocument)) > 1000


def test_annotate_corpus_reads_an_annotated_store_without_annotating(
        tmp_path: Path, make_corpus: Callable[..., list[Path]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import seclens.annotate.corpus as corpus

    folder = tmp_path / "c"
    make_corpus(folder, 5, seed=2)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    want = list(annotate_corpus([folder]))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("annotated the text of an annotated store")

    monkeypatch.setattr(corpus, "annotate_document", refuse)
    assert list(annotate_corpus([db])) == want


def test_a_store_without_annotations_or_of_another_annotator_is_annotated_again(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    folder = tmp_path / "c"
    make_corpus(folder, 3, seed=4)
    plain, annotated = tmp_path / "plain.duckdb", tmp_path / "ann.duckdb"
    ingest_corpus([folder], plain)
    ingest_corpus([folder], annotated, EngineConfig(annotate=True))
    version = RuleAnnotator().version
    assert stored_annotated(plain, version) is None
    assert stored_annotated(annotated, "rules:another+1+1") is None
    with open_store(annotated, read_only=True) as store:
        assert reusable_annotations(store, version)
        assert not reusable_annotations(store, version + "x")
    assert list(annotate_corpus([plain])) == list(annotate_corpus([folder]))


def test_exclusions_come_first_as_when_annotating(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    folder = tmp_path / "c"
    paths = make_corpus(folder, 3, seed=6)
    (folder / "manifest.csv").write_text(
        "id,title,language\n" + "".join(
            f"{p.stem},t,{'other' if i == 1 else 'zh'}\n" for i, p in enumerate(paths)),
        encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    annotator = RuleAnnotator()
    reused = stored_annotated(db, annotator.version)
    assert reused is not None
    got = list(reused)
    assert got == list(_from_text(db, annotator))
    # a document in another language has no lexicon entries: excluded at ingest
    # (E381), an exclusion annotate_corpus passes on before the documents
    assert isinstance(got[0], Exclusion) and got[0].code == "E381"
    assert [e.code for e in got if isinstance(e, Exclusion)] == ["E381"]


def test_a_document_with_missing_annotations_is_e610_not_a_smaller_document(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    import duckdb

    from seclens.errors import StoreError

    folder = tmp_path / "c"
    make_corpus(folder, 3, seed=8)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM annotations WHERE doc_id = 'doc-001' AND sentence_index = 2")
    con.close()
    reused = stored_annotated(db, RuleAnnotator().version)
    assert reused is not None
    with pytest.raises(StoreError) as err:
        list(reused)
    assert err.value.code == "E610" and "doc-001" in str(err.value)


def test_a_sentence_annotated_twice_and_one_not_at_all_is_e610(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    """Found by a helper's trial: the count of a document's annotations was right,
    their sentences were not (sentence 1 twice, sentence 0 never)."""
    import duckdb

    from seclens.errors import StoreError

    folder = tmp_path / "c"
    make_corpus(folder, 2, seed=8)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM annotations WHERE doc_id = 'doc-000' AND sentence_index = 0")
    con.execute("INSERT INTO annotations SELECT * FROM annotations "
                "WHERE doc_id = 'doc-000' AND sentence_index = 1")
    con.close()
    reused = stored_annotated(db, RuleAnnotator().version)
    assert reused is not None
    with pytest.raises(StoreError) as err:
        list(reused)
    assert err.value.code == "E610" and "doc-000" in str(err.value)


def test_report_sections_refuse_annotations_of_a_store_changed_since_loading(
        tmp_path: Path, make_corpus: Callable[..., list[Path]]) -> None:
    """Found by a helper's trial: the sections read the annotations of the store as it
    is, the measures as it was when loaded; they must be of one state (E614)."""
    from seclens.api import SectionOptions, report_sections
    from seclens.errors import StoreError
    from seclens.store import load_analysis

    folder = tmp_path / "c"
    paths = make_corpus(folder, 3, seed=10)
    db = tmp_path / "s.duckdb"
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    with open_store(db, read_only=True) as store:
        loaded = load_analysis(store)
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + "\n必须维护国家安全。\n",
                        encoding="utf-8")
    ingest_corpus([folder], db, EngineConfig(annotate=True))
    with pytest.raises(StoreError) as err:
        report_sections([db], sections=SectionOptions(trend_by=None), result=loaded)
    assert err.value.code == "E614"
