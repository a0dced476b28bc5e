"""Normalize stage: optional text conversion (Traditional → Simplified) with offsets kept.

Public API::

    to_simplified(text, config="t2s") -> NormalizedText
    identity(text) -> NormalizedText
    Converter(config).convert(text) -> NormalizedText
    NormalizedText.to_original(start, end) -> (start, end)
    join_cjk_breaks(text) -> NormalizedText      # whitespace between Han characters removed
    compose(first, second) -> NormalizedText     # second applied to first.text
    traditional_share(text) -> float             # share of Han characters t2s changes
    looks_traditional(text) -> bool
    traditional_note(text) -> str | None         # warning for Document.notes
"""

from __future__ import annotations

from seclens.normalize.convert import CONFIGS, Converter, to_simplified
from seclens.normalize.detect import (
    TRADITIONAL_THRESHOLD,
    looks_traditional,
    traditional_note,
    traditional_share,
)
from seclens.normalize.join import compose, join_cjk_breaks
from seclens.normalize.text import NormalizedText, align_pieces, identity

__all__ = [
    "CONFIGS",
    "TRADITIONAL_THRESHOLD",
    "Converter",
    "NormalizedText",
    "align_pieces",
    "compose",
    "identity",
    "join_cjk_breaks",
    "looks_traditional",
    "to_simplified",
    "traditional_note",
    "traditional_share",
]
