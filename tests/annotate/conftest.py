"""Session-scoped fixtures for the annotation tests (the corpus is annotated once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seclens.annotate import RuleAnnotator
from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus


@pytest.fixture(scope="session")
def annotator() -> RuleAnnotator:
    return RuleAnnotator()


@pytest.fixture(scope="session")
def annotated_corpus(corpus_dir: Path) -> list[AnnotatedDocument]:
    docs = [d for d in annotate_corpus([corpus_dir]) if isinstance(d, AnnotatedDocument)]
    assert len(docs) == 28
    return docs
