"""Segment stage: sentence splitting and word segmentation with exact offsets.

Public API: :func:`split_sentences`, :func:`sentence_table` (:class:`SentenceTable`),
:class:`Segmenter`, :func:`make_segmenter`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seclens.segment.sentences import SentenceTable, sentence_table, split_sentences
from seclens.segment.tokenize import (
    JiebaSegmenter,
    RegexWordSegmenter,
    Segmenter,
    text_words,
)
from seclens.segment.tokenize import make_segmenter as _make_segmenter

if TYPE_CHECKING:
    from seclens.lexicon import Lexicon


def make_segmenter(lang: str, lexicon: Lexicon | None = None) -> Segmenter:
    """Build the segmenter for ``lang`` (``zh``: new ``jieba.Tokenizer()`` + lexicon words).

    Parameters
    ----------
    lang : {"zh", "en"}
    lexicon : Lexicon, optional
        For ``zh`` its Chinese terms are added to the private jieba instance as user
        words (high frequency: longest lexicon term wins).

    Raises
    ------
    ConfigError
        ``E301`` unknown language.
    """
    return _make_segmenter(lang, lexicon.entries if lexicon is not None else None)


__all__ = ["JiebaSegmenter", "RegexWordSegmenter", "Segmenter", "SentenceTable", "make_segmenter",
           "sentence_table", "split_sentences", "text_words"]
