"""Normalize stage: converted text that keeps its original and maps offsets back.

A :class:`NormalizedText` holds the converted ``text``, the ``original`` and, when the
conversion changed lengths somewhere, for every converted character the half-open
span of original characters it came from. Offsets found in ``text`` (matches,
sentences) are mapped back with :meth:`NormalizedText.to_original`, so that reported
spans always index into ``Document.text``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from seclens.errors import ConfigError

E_SPAN = "E150"


@dataclass(frozen=True)
class NormalizedText:
    """A converted text, its original, and the alignment between them.

    Attributes
    ----------
    text : str
        Converted text (e.g. Simplified Chinese).
    original : str
        The text before conversion.
    starts, ends : tuple[int, ...] or None
        ``original[starts[i]:ends[i]]`` is the source of ``text[i]``; ``None`` when
        ``text[i]`` comes from ``original[i]`` for every ``i`` (equal lengths).
    """

    text: str
    original: str
    starts: tuple[int, ...] | None = field(default=None, repr=False)
    ends: tuple[int, ...] | None = field(default=None, repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span ``[start, end)`` of ``text`` to a span of ``original``.

        The result covers every original character the span's characters came from
        (a phrase converted with a change of length maps as a whole). Mapping is
        monotone: ``a <= b`` implies mapped starts/ends are ordered the same way.

        Raises
        ------
        ConfigError
            ``E150`` when ``0 <= start <= end <= len(text)`` does not hold.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ConfigError(
                E_SPAN,
                f"span [{start}, {end}) outside the normalized text (length {len(self.text)})",
            )
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            point = self.starts[start] if start < len(self.text) else len(self.original)
            return point, point
        return self.starts[start], self.ends[end - 1]


def identity(text: str) -> NormalizedText:
    """No conversion: ``text`` and ``original`` are the same string."""
    return NormalizedText(text, text)


def align_pieces(pieces: Iterable[tuple[str, str]]) -> NormalizedText:
    """Build a NormalizedText from consecutive ``(original_piece, converted_piece)`` pairs.

    Pieces of equal length align per character; others align with
    :class:`difflib.SequenceMatcher` opcodes (``equal`` and equal-length ``replace``
    blocks per character, other blocks as a whole).
    """
    originals: list[str] = []
    converted: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for source, target in pieces:
        _align_piece(source, target, offset, starts, ends)
        originals.append(source)
        converted.append(target)
        offset += len(source)
    original, text = "".join(originals), "".join(converted)
    if len(text) == len(original) and all(s == i for i, s in enumerate(starts)):
        if all(e == i + 1 for i, e in enumerate(ends)):
            return NormalizedText(text, original)
    return NormalizedText(text, original, tuple(starts), tuple(ends))


def _align_piece(source: str, target: str, offset: int, starts: list[int], ends: list[int]) -> None:
    if len(source) == len(target):
        starts.extend(range(offset, offset + len(source)))
        ends.extend(range(offset + 1, offset + len(source) + 1))
        return
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            starts.extend(range(offset + i1, offset + i2))
            ends.extend(range(offset + i1 + 1, offset + i2 + 1))
        else:  # unequal replace, insert (delete adds no converted character)
            starts.extend([offset + i1] * (j2 - j1))
            ends.extend([offset + i2] * (j2 - j1))
