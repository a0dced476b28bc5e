"""Property: any document written to the store reads back equal (text, metadata, notes)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.api import DocumentSummary
from seclens.engine.process import DocumentResult
from seclens.store import open_store
from seclens.types import Document, DocumentMeta, Sentence

# Valid Unicode scalar values (no lone surrogates: they cannot be UTF-8 encoded).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
SHORT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    meta = DocumentMeta(
        doc_id=draw(SHORT.filter(bool)), title=draw(SHORT), issuer=draw(SHORT),
        level=draw(st.sampled_from(["central", "municipal", "unknown"])),
        date=draw(SHORT), language=draw(st.sampled_from(["zh", "en", "other"])),
        extra=draw(st.dictionaries(SHORT, SHORT, max_size=3)),
    )
    return Document(meta, draw(TEXT), path=draw(SHORT), fmt="txt",
                    encoding=draw(st.sampled_from(["utf-8", "gb18030"])), sha256=draw(SHORT),
                    notes=tuple(draw(st.lists(SHORT, max_size=3))))


@settings(max_examples=25, deadline=None)
@given(doc=documents())
def test_document_round_trip(doc: Document) -> None:
    sentence = Sentence(doc.doc_id, 0, 0, len(doc.text), doc.text)
    summary = DocumentSummary(doc.meta, doc.path, doc.fmt, doc.encoding, doc.sha256,
                              doc.notes, len(doc.text), len(doc.text), "characters", 1, 0)
    result = DocumentResult(doc, summary, (sentence,), (), ())
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(Path(tmp) / "s.duckdb") as store:
            store.write_results([result], run_id=1, fingerprint="f", meta_hashes=[""])
        with open_store(Path(tmp) / "s.duckdb", read_only=True) as store:
            (back,) = list(store.iter_documents())
            sentences = store.table("sentences")
    assert back == doc
    assert sentences["text"].tolist() == [doc.text]
