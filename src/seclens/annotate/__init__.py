"""Annotation stage: sentence-level securitizing-move annotation (CODEBOOK.md fields).

Public API: :class:`RuleAnnotator` (the shipped detector), :func:`load_cuebook`,
:class:`SentenceAnnotation`, :class:`Evidence`; document/group measures in
:mod:`seclens.annotate.measures`; the framework table in :mod:`seclens.annotate.table`;
the optional supervised detector in :mod:`seclens.annotate.model`.
"""

from __future__ import annotations

from seclens.annotate.cues import CueBook, load_cuebook
from seclens.annotate.rules import RuleAnnotator
from seclens.annotate.types import CODEBOOK_FIELDS, Evidence, SentenceAnnotation

__all__ = [
    "CODEBOOK_FIELDS",
    "CueBook",
    "Evidence",
    "RuleAnnotator",
    "SentenceAnnotation",
    "load_cuebook",
]
