"""Stage objects: the metadata field list stays in step with DocumentMeta."""

from __future__ import annotations

import dataclasses

from seclens.types import META_FIELDS, DocumentMeta


def test_meta_fields_are_the_scalar_fields_of_document_meta() -> None:
    names = [f.name for f in dataclasses.fields(DocumentMeta)]
    assert META_FIELDS == tuple(n for n in names if n not in ("doc_id", "extra"))
