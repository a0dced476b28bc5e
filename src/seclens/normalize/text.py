"""Normalize stage: converted text that keeps its original and maps offsets back.

A :class:`NormalizedText` holds the converted ``text``, the ``original`` and, when the
conversion changed lengths somewhere, for every converted character the half-open
span of original characters it came from. Offsets found in ``text`` (matches,
sentences) are mapped back with :meth:`NormalizedText.to_original`, so that reported
spans always index into ``Document.text``.
"""

from __future__ import annotations

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
        (a phrase converted with a change of length maps as a whole). An empty span maps
        to an empty span, except inside such a phrase, where it maps to the phrase.
        Mapping is monotone: for adjacent spans ``[i, j)`` and ``[j, k)`` the mapped
        starts and ends are ordered the same way.

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
        if start == end:  # a boundary: empty, unless it falls inside a re-sized phrase
            before = self.ends[start - 1] if start > 0 else 0
            after = self.starts[start] if start < len(self.text) else len(self.original)
            # before > after: inside a re-sized phrase (map to it); before < after: at a
            # removed whitespace run (seclens.normalize.join): an empty span before it
            return (before, before) if before <= after else (after, before)
        return self.starts[start], self.ends[end - 1]


def identity(text: str) -> NormalizedText:
    """No conversion: ``text`` and ``original`` are the same string."""
    return NormalizedText(text, text)


def align_pieces(pieces: Iterable[tuple[str, str]]) -> NormalizedText:
    """Build a NormalizedText from consecutive ``(original_unit, converted_unit)`` pairs.

    Units of equal length align per character; every character of a unit whose length
    changed maps to the whole original unit (callers make such units minimal, see
    :mod:`seclens.normalize.convert`); a unit converted to nothing is absorbed by the
    preceding character.
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
    if starts:  # original characters deleted at the very start/end belong to the edge chars
        starts[0] = 0
        ends[-1] = len(original)
    if len(text) == len(original) and all(s == i for i, s in enumerate(starts)):
        if all(e == i + 1 for i, e in enumerate(ends)):
            return NormalizedText(text, original)
    return NormalizedText(text, original, tuple(starts), tuple(ends))


def _align_piece(source: str, target: str, offset: int, starts: list[int], ends: list[int]) -> None:
    if len(source) == len(target):
        starts.extend(range(offset, offset + len(source)))
        ends.extend(range(offset + 1, offset + len(source) + 1))
    elif target:  # every converted character maps to the whole unit
        starts.extend([offset] * len(target))
        ends.extend([offset + len(source)] * len(target))
    elif ends and ends[-1] == offset:  # unit deleted: the previous character absorbs it
        ends[-1] = offset + len(source)
