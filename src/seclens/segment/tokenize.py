"""Segment stage: word tokenizers (segmenters) with exact character offsets.

- ``zh``: a dedicated ``jieba.Tokenizer()`` instance per segmenter (never jieba's
  module-level default), with every Chinese lexicon term added as a user word with a
  high frequency (:data:`USER_WORD_FREQ`) so that the longest lexicon term wins
  (国家安全 stays one token; 国防 is not swallowed by 国防建设). HMM new-word discovery
  is off, so segmentation depends only on the dictionary (deterministic, documented).
- ``en``: a regular-expression word tokenizer: maximal runs of letters and digits
  (``\\w+``: Unicode letters, digits and ``_``); punctuation, hyphens and
  apostrophes separate tokens.

The jieba dictionary is loaded lazily on first use (about 1 s), never at import time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from seclens.errors import ConfigError
from seclens.types import LexiconEntry

#: Frequency given to lexicon terms added to jieba (jieba's default dictionary totals
#: about 6.0e7; 1e6 makes a term among the most frequent words, so the route through it
#: is preferred over routes that split it or swallow it into a longer dictionary word).
USER_WORD_FREQ = 1_000_000

_EN_WORD = re.compile(r"\w+")
_EN_WORD_START = re.compile(r"\b\w")
_CHUNK = 1 << 15


class Segmenter:
    """Base class: ``tokenize(text) -> [(token, start, end), ...]``.

    Attributes
    ----------
    lang : str
        ``zh`` or ``en``.
    name : str
        Registry-style name of the segmenter, e.g. ``jieba.v1`` or ``regex-words.v1``.
    version : str
        Version of the underlying library or rule set.
    """

    lang: str = ""
    name: str = ""
    version: str = ""

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Tokens of ``text`` with half-open offsets ``[start, end)`` into ``text``."""
        raise NotImplementedError


class RegexWordSegmenter(Segmenter):
    """English word tokens: maximal runs of word characters (``\\w+``)."""

    lang = "en"
    name = "regex-words.v1"
    version = "1"

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Word tokens with offsets (case preserved)."""
        return [(m.group(), m.start(), m.end()) for m in _EN_WORD.finditer(text)]


class JiebaSegmenter(Segmenter):
    """Chinese word tokens from a private ``jieba.Tokenizer()`` with lexicon user words.

    Parameters
    ----------
    user_words : iterable of str
        Terms added with :data:`USER_WORD_FREQ` (in sorted order, so the result does
        not depend on lexicon order).
    """

    lang = "zh"
    name = "jieba.v1"

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        import jieba  # lazy: loading the dictionary is heavy

        self.version = str(getattr(jieba, "__version__", "unknown"))
        self.user_words: tuple[str, ...] = tuple(sorted(set(user_words)))
        self._tk = jieba.Tokenizer()
        self._ready = False

    def _init(self) -> None:
        if not self._ready:
            self._tk.initialize()
            for w in self.user_words:
                self._tk.add_word(w, freq=USER_WORD_FREQ)
            self._ready = True

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """jieba tokens (default mode, HMM off) with offsets into ``text``."""
        self._init()
        return [(w, s, e) for w, s, e in self._tk.tokenize(text, mode="default", HMM=False)]


#: Texts at least this long are counted with numpy (for shorter ones the regex is as
#: fast).
_NUMPY_MIN_CHARS = 1_000


@functools.cache
def _word_table() -> Any:
    """Read-only boolean table: is code point ``c`` (< 0x10000) a ``\\w`` character?

    Built on first use (about 10 ms), never at import; ``\\w`` in Python's ``re`` is
    ``str.isalnum()`` or ``_``. Surrogate code points are not word characters.
    """
    import numpy as np

    table = np.fromiter(
        ((chr(c).isalnum() or c == 0x5F) if not 0xD800 <= c < 0xE000 else False
         for c in range(0x10000)), dtype=bool, count=0x10000)
    table.setflags(write=False)
    return table


def _word_runs_numpy(text: str) -> tuple[int, bool, bool]:
    """(number of ``\\w+`` runs, first character is a word character, last one is).

    Text without characters beyond U+FFFF (the usual case) is classified from its
    UTF-16 code units in one table look-up; otherwise from UTF-32 code points, the
    characters beyond U+FFFF being checked one by one with the regex.
    """
    import numpy as np

    if not text:
        return 0, False, False
    table = _word_table()
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) == 2 * len(text):  # no character beyond U+FFFF: one unit per character
        word = table.take(np.frombuffer(units, dtype=np.uint16))
    else:
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        big = cp >= 0x10000
        word = table[np.where(big, 0, cp)]
        for i in np.flatnonzero(big):
            word[i] = _EN_WORD.fullmatch(text[i]) is not None
    first, last = bool(word[0]), bool(word[-1])
    return int(first) + int(np.count_nonzero(word[1:] > word[:-1])), first, last


def _text_words_numpy(text: str) -> int:
    """Number of ``\\w+`` runs, by code-point classification with numpy (one piece)."""
    return _word_runs_numpy(text)[0]


def _text_words_regex(text: str) -> int:
    """Number of ``\\w+`` runs, by regex (word starts ``\\b\\w``)."""
    return len(_EN_WORD_START.findall(text))


def text_words(text: str) -> int:
    """Number of English word tokens in ``text`` (same rule as :class:`RegexWordSegmenter`).

    The number of maximal ``\\w+`` runs. Texts of 1,000 characters or more are counted
    with numpy, in pieces of 32,768 characters (a run across a cut is counted once;
    small pieces keep the temporary arrays small, which matters when documents are
    streamed); shorter ones with a regex. Both methods give the same number (tested).
    """
    if len(text) < _NUMPY_MIN_CHARS:
        return _text_words_regex(text)
    n = 0
    prev_last = False
    for pos in range(0, len(text), _CHUNK):
        runs, first, last = _word_runs_numpy(text[pos:pos + _CHUNK])
        n += runs - (prev_last and first)  # a run across the cut is counted once
        prev_last = last
    return n


def make_segmenter(lang: str, lexicon_entries: Iterable[LexiconEntry] | None = None
                   ) -> Segmenter:
    """Build the segmenter for one language.

    Parameters
    ----------
    lang : {"zh", "en"}
    lexicon_entries : iterable of LexiconEntry, optional
        For ``zh``, the entries whose terms become jieba user words (only ``zh``
        entries are used). Ignored for ``en``.

    Raises
    ------
    ConfigError
        ``E301`` unknown language (no silent fallback to another segmenter).
    """
    if lang == "zh":
        words = [e.term for e in (lexicon_entries or ()) if e.lang == "zh"]
        return JiebaSegmenter(words)
    if lang == "en":
        return RegexWordSegmenter()
    raise ConfigError("E301", f"make_segmenter(): lang must be 'zh' or 'en', got '{lang}'")
