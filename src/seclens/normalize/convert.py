"""Normalize stage: Traditional → Simplified Chinese (and other OpenCC conversions).

OpenCC converts phrase by phrase, so a conversion can change the length of the text
(``tw2sp``: 記憶體 → 内存). The text is split after punctuation and whitespace into
pieces (phrases never cross them) and each piece is converted. A piece whose length
changed is cut into minimal units: position ``k`` is a cut when converting the two
sides separately gives the same result as converting the piece. Units of equal
length align per character; the characters of a unit whose length changed map to the
whole unit (:func:`seclens.normalize.text.align_pieces`). If the units do not
reproduce the piece's conversion, or the piece is longer than :data:`MAX_CUT_SEARCH`
characters (the search is quadratic), the piece itself is the unit.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import opencc

from seclens.errors import ConfigError
from seclens.normalize.text import NormalizedText, align_pieces

E_CONFIG = "E151"

#: OpenCC configurations shipped with the ``opencc`` package.
CONFIGS: frozenset[str] = frozenset(
    {
        "hk2s",
        "hk2sp",
        "hk2t",
        "jp2t",
        "s2hk",
        "s2hkp",
        "s2t",
        "s2tw",
        "s2twp",
        "t2hk",
        "t2jp",
        "t2s",
        "t2tw",
        "tw2s",
        "tw2sp",
        "tw2t",
    }
)
#: Longest piece searched for cuts (quadratic); longer re-sized pieces map as a whole.
MAX_CUT_SEARCH = 400
# A piece ends after a run of whitespace or punctuation (phrases do not cross these).
_PIECE = re.compile(
    r"[^\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20,.;:!?()\[\]]*[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20,.;:!?()\[\]]*"
)


@dataclass(frozen=True)
class Converter:
    """An OpenCC converter for one configuration (create one per configuration).

    Parameters
    ----------
    config : str
        One of :data:`CONFIGS` (``t2s``: Traditional → Simplified; ``tw2sp``: Taiwan
        Traditional → Simplified with phrases). A trailing ``.json`` is accepted.

    Raises
    ------
    ConfigError
        ``E151`` for an unknown configuration (message lists the allowed values).
    """

    config: str = "t2s"
    _opencc: opencc.OpenCC = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        name = self.config.removesuffix(".json")
        if name not in CONFIGS:
            raise ConfigError(
                E_CONFIG,
                f"config={self.config!r} is not an OpenCC config; use one of {sorted(CONFIGS)}",
            )
        object.__setattr__(self, "config", name)
        object.__setattr__(self, "_opencc", opencc.OpenCC(name))

    def convert(self, text: str) -> NormalizedText:
        """Convert ``text``; the result keeps the original and the offset alignment."""
        pieces = (piece.group() for piece in _PIECE.finditer(text) if piece.group())
        return align_pieces(unit for piece in pieces for unit in self._units(piece))

    def convert_plain(self, text: str) -> str:
        """Convert ``text`` without building an offset alignment (for checks, not evidence)."""
        return str(self._opencc.convert(text))

    def _units(self, piece: str) -> list[tuple[str, str]]:
        """``(original, converted)`` units of a piece, minimal where its length changes."""
        convert = self._opencc.convert
        target = convert(piece)
        if len(target) == len(piece) or len(piece) > MAX_CUT_SEARCH:
            return [(piece, target)]
        cuts = [
            k for k in range(1, len(piece)) if convert(piece[:k]) + convert(piece[k:]) == target
        ]
        bounds = [0, *cuts, len(piece)]
        units = [(piece[a:b], convert(piece[a:b])) for a, b in itertools.pairwise(bounds)]
        if "".join(converted for _, converted in units) != target:
            return [(piece, target)]
        return units


def to_simplified(text: str, config: str = "t2s") -> NormalizedText:
    """Traditional → Simplified Chinese with OpenCC, keeping the original.

    Parameters
    ----------
    text : str
    config : str
        OpenCC configuration (default ``t2s``).

    Returns
    -------
    NormalizedText
        ``.text`` converted, ``.original`` is ``text``, ``.to_original`` maps spans back.

    Raises
    ------
    ConfigError
        ``E151`` for an unknown configuration.
    """
    return Converter(config).convert(text)
