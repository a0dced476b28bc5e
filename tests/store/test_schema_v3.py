"""Schema version 3: sentence text is derived from the document text, not stored twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seclens.engine import EngineConfig, plan_tasks, run_local
from seclens.engine.process import DocumentResult
from seclens.engine.tables import SENTENCES, result_tables
from seclens.store import migrate, open_store
from seclens.store.sync import ingest_corpus


def test_reference_corpus_sentence_text_reads_back_exactly(tmp_path: Path,
                                                           corpus_dir: Path) -> None:
    """Every stored sentence of the reference corpus reads back with the text the
    pipeline produced (code-point slices of the document text, as Python's)."""
    db = tmp_path / "s.duckdb"
    ingest_corpus([corpus_dir], db)
    tasks, _ = plan_tasks([corpus_dir])
    want = {(s.doc_id, s.index): s.text
            for r in run_local(tasks, EngineConfig()) if isinstance(r, DocumentResult)
            for s in r.sentences}
    with open_store(db, read_only=True) as store:
        frame = store.table("sentences")
        columns = store.con.execute("DESCRIBE sentences").fetchall()
    assert "text" not in [c[0] for c in columns]  # not stored
    assert list(frame.columns) == SENTENCES.names
    got = {(d, int(i)): t for d, i, t in zip(frame["doc_id"], frame["sentence_index"],
                                              frame["text"], strict=True)}
    assert len(got) == len(want) > 4000
    assert got == want


def test_upgrade_from_v2_keeps_sentences(tmp_path: Path) -> None:
    db = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(db))
    assert migrate(con, target=2) == [1, 2]
    con.execute("INSERT INTO documents (doc_id, text, status) "
                "VALUES ('d1', '国家安全。AI', 'active')")
    con.execute("INSERT INTO sentences VALUES ('d1', 0, 0, 5, '国家安全。', 'sentence'), "
                "('d1', 1, 5, 7, 'AI', 'sentence')")
    con.close()
    with open_store(db) as store:
        assert store.schema_version == 3
        frame = store.table("sentences")
    assert frame["text"].tolist() == ["国家安全。", "AI"]


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_TEXT, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6))
def test_derived_text_is_the_python_slice(tmp_path_factory: pytest.TempPathFactory, text: str,
                                          spans: list[tuple[int, int]]) -> None:
    """Astral characters, combining marks, CJK: DuckDB's substring counts code points."""
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in spans]
    db = tmp_path_factory.mktemp("s") / "s.duckdb"
    with open_store(db) as store:
        store.con.execute("INSERT INTO documents (doc_id, text, status) VALUES ('d', ?, 'active')",
                          [text])
        store._insert("sentences", pa.table({
            "doc_id": ["d"] * len(spans), "sentence_index": list(range(len(spans))),
            "start": [a for a, _ in spans], "end": [b for _, b in spans],
            "text": [text[a:b] for a, b in spans], "kind": ["sentence"] * len(spans)},
            schema=SENTENCES), derived=("text",))
        frame = store.table("sentences")
    assert frame["text"].tolist() == [text[a:b] for a, b in spans]


def test_result_tables_still_carry_text() -> None:
    """The workers' tables keep the column (Dask Parquet outputs use it); only the store
    leaves it out."""
    assert "text" in result_tables([])["sentences"].column_names


def test_store_path_leaves_sentence_text_out_of_the_tables(corpus_dir: Path) -> None:
    """The store ingest builds no sentence text (the store derives it): same tables
    otherwise, the text column all null."""
    tasks, _ = plan_tasks([corpus_dir])
    results = [r for r in run_local(tasks[:3], EngineConfig()) if isinstance(r, DocumentResult)]
    full, lean = result_tables(results), result_tables(results, sentence_text=False)
    assert lean["sentences"].column("text").null_count == lean["sentences"].num_rows > 0
    assert lean["sentences"].drop_columns(["text"]).equals(full["sentences"].drop_columns(["text"]))
    for name in ("documents", "matches", "counts", "annotations"):
        assert lean[name].equals(full[name]), name
