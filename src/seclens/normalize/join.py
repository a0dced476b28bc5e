"""Normalize stage: join Chinese text broken by whitespace (PDF line breaks), offsets kept.

Text extracted from PDFs often breaks a compound across a line (``维护国家\\n安全``) or
pads it with spaces (``国家 安全``, U+3000 included). :func:`join_cjk_breaks` removes every
whitespace run that lies **between two Han characters** and keeps an exact map back to
the original, so that a match found in the joined text is reported at its original span
(which then contains the removed whitespace). Kept are runs that mark a paragraph
break rather than a wrapped line: two or more line breaks (a blank line), or a line
break followed by indentation (``标题\n\u3000\u3000正文``). Whitespace next to anything else
(punctuation, Latin letters, digits) is kept: ``AI 安全`` is unchanged.

:func:`compose` chains two normalizations (e.g. joining, then OpenCC ``t2s``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from seclens.errors import ConfigError
from seclens.normalize.text import E_SPAN, NormalizedText

E_COMPOSE = "E152"

#: Han ideographs: CJK Unified Ideographs, Extension A, Compatibility Ideographs,
#: Extensions B-F (U+20000-U+2FFFF) and 〇 (U+3007).
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
#: The characters ``str.isspace`` (and the regex ``\s``) accepts, as an explicit class.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
              "\u205f\u3000")
# a whitespace run between two Han characters; it starts with an explicit whitespace
# class (not with the look-behind) so that the regex engine skips quickly to whitespace
_GAP = re.compile(rf"[{WHITESPACE}](?<=[{HAN}][{WHITESPACE}])[{WHITESPACE}]*(?=[{HAN}])")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")


def _wrapped(run: str) -> bool:
    """A whitespace run that may be removed: no blank line, no indented new line.

    That is: no line break (``_LINE_BREAKS``, the boundaries of ``str.splitlines``), or
    exactly one at the end of the run; i.e. ``run.splitlines()`` has at most one piece
    (a break that is not at the end leaves a piece after it, two breaks an empty one).
    """
    return len(run.splitlines()) <= 1


def find_cjk_breaks(text: str) -> list[tuple[int, int]]:
    """Whitespace runs ``[a, b)`` of ``text`` that :func:`join_cjk_breaks` removes.

    Runs with a Han character on both sides that contain no line break, or exactly
    one line break at their end; in text order.
    """
    return [m.span() for m in _GAP.finditer(text) if _wrapped(m.group())]


@dataclass(frozen=True)
class JoinedText:
    """Text with whitespace runs removed, mapped back by the removed runs (compact).

    The same mapping as the :class:`NormalizedText` that :meth:`normalized` returns,
    without per-character tables: :meth:`to_original` is a binary search over the
    removed runs. Used by the matcher (hot path).

    Attributes
    ----------
    text : str
        Joined text.
    original : str
    gaps : tuple of (int, int)
        Removed runs ``[a, b)`` of ``original``, in order.
    """

    text: str
    original: str
    gaps: tuple[tuple[int, int], ...]
    _at: tuple[int, ...] = field(default=(), repr=False, compare=False)
    _shift: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        at: list[int] = []  # joined position from which each run's removal shifts offsets
        shift: list[int] = []  # characters removed up to and including each run
        removed = 0
        for a, b in self.gaps:
            at.append(a - removed)
            removed += b - a
            shift.append(removed)
        object.__setattr__(self, "_at", tuple(at))
        object.__setattr__(self, "_shift", tuple(shift))

    def _orig(self, j: int) -> int:
        k = bisect_right(self._at, j)
        return j + (self._shift[k - 1] if k else 0)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` of ``text`` to ``original`` (as :class:`NormalizedText`).

        Raises
        ------
        ConfigError
            ``E150`` when ``0 <= start <= end <= len(text)`` does not hold.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ConfigError(E_SPAN, f"span [{start}, {end}) outside the normalized text "
                                      f"(length {len(self.text)})")
        if start == end:
            b = self._orig(start - 1) + 1 if start > 0 else 0
            return b, b
        return self._orig(start), self._orig(end - 1) + 1

    def spans_to_original(self, starts: Sequence[int], ends: Sequence[int]
                          ) -> tuple[list[int], list[int]]:
        """:meth:`to_original` of many non-empty spans at once (the matcher's hot path).

        Parameters
        ----------
        starts, ends : sequence of int, shape (n,)
            Spans ``[start, end)`` of ``text`` with ``0 <= start < end <= len(text)``.

        Returns
        -------
        (list of int, list of int)
            Original starts and ends, shape (n,) each.

        Raises
        ------
        ConfigError
            ``E150`` when a span is empty or outside ``text``.
        """
        size = len(self.text)
        if any(not 0 <= a < b <= size for a, b in zip(starts, ends, strict=True)):
            bad = next((a, b) for a, b in zip(starts, ends, strict=True)
                       if not 0 <= a < b <= size)
            raise ConfigError(E_SPAN, f"span [{bad[0]}, {bad[1]}) is empty or outside the "
                                      f"normalized text (length {size})")
        at = self._at
        shift = (0, *self._shift)  # shift[k]: removed before joined position at[k]
        return ([j + shift[bisect_right(at, j)] for j in starts],
                [j + shift[bisect_right(at, j - 1)] for j in ends])

    def normalized(self) -> NormalizedText:
        """The same mapping as a :class:`NormalizedText` (per-character tables)."""
        if not self.gaps:
            return NormalizedText(self.text, self.original)
        text = self.original
        starts: list[int] = []
        ends: list[int] = []
        prev = 0
        for a, b in self.gaps:
            starts.extend(range(prev, a))
            ends.extend(range(prev + 1, a + 1))
            prev = b
        starts.extend(range(prev, len(text)))
        ends.extend(range(prev + 1, len(text) + 1))
        return NormalizedText(self.text, text, tuple(starts), tuple(ends))


def join_gaps(text: str) -> JoinedText:
    """:func:`join_cjk_breaks` as a compact :class:`JoinedText` (no per-character tables)."""
    gaps = find_cjk_breaks(text)
    if not gaps:
        return JoinedText(text, text, ())
    pieces = []
    prev = 0
    for a, b in gaps:
        pieces.append(text[prev:a])
        prev = b
    pieces.append(text[prev:])
    return JoinedText("".join(pieces), text, tuple(gaps))


def join_cjk_breaks(text: str) -> NormalizedText:
    """Remove whitespace between two Han characters (PDF line breaks inside a compound).

    Parameters
    ----------
    text : str
        Original text (any script). Removed: whitespace runs with a Han character on
        both sides that contain no line break, or exactly one line break at their end
        (leading spaces of the broken line are removed, indentation of the next is not).

    Returns
    -------
    NormalizedText
        ``.text`` is the joined text, ``.original`` is ``text``. Every character of
        ``.text`` maps to exactly the original character it is (length 1); a span that
        crosses a removed run maps to an original span that includes it. Without such
        a run the result is ``identity(text)`` (``starts``/``ends`` are ``None``).

    Notes
    -----
    Cost: one regular-expression pass over the whitespace runs; the offset map (two
    tuples of ``len(.text)`` integers) is built only when something was removed. The
    matcher uses the compact :func:`join_gaps` (same mapping, binary search).
    """
    return join_gaps(text).normalized()


def compose(first: NormalizedText, second: NormalizedText) -> NormalizedText:
    """Chain two normalizations: ``second`` was applied to ``first.text``.

    Parameters
    ----------
    first : NormalizedText
        E.g. :func:`join_cjk_breaks` of the document text.
    second : NormalizedText
        E.g. :func:`seclens.normalize.to_simplified` of ``first.text``.

    Returns
    -------
    NormalizedText
        ``.text`` = ``second.text``, ``.original`` = ``first.original``; each character
        maps to the original span its source span in ``first.text`` came from.

    Raises
    ------
    ConfigError
        ``E152`` when ``second.original`` is not ``first.text``.
    """
    if second.original != first.text:
        raise ConfigError(E_COMPOSE, "compose(): the second normalization was not applied to "
                                     "the text of the first")
    if second.starts is None or second.ends is None:
        return NormalizedText(second.text, first.original, first.starts, first.ends)
    if first.starts is None or first.ends is None:
        return NormalizedText(second.text, first.original, second.starts, second.ends)
    fs, fe = first.starts, first.ends
    return NormalizedText(second.text, first.original,
                          tuple(fs[a] for a in second.starts),
                          tuple(fe[b - 1] if b > 0 else 0 for b in second.ends))
