"""Normalize stage: optional text conversion (Traditional → Simplified) with offsets kept.

Public API::

    to_simplified(text, config="t2s") -> NormalizedText
    identity(text) -> NormalizedText
    Converter(config).convert(text) -> NormalizedText
    NormalizedText.to_original(start, end) -> (start, end)
"""

from __future__ import annotations

from seclens.normalize.convert import CONFIGS, Converter, to_simplified
from seclens.normalize.text import NormalizedText, align_pieces, identity

__all__ = ["CONFIGS", "Converter", "NormalizedText", "align_pieces", "identity", "to_simplified"]
