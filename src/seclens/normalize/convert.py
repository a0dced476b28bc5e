"""Normalize stage: Traditional → Simplified Chinese (and other OpenCC conversions).

OpenCC converts phrase by phrase, so a conversion can change the length of the text
(``tw2sp``: 記憶體 → 内存). The text is split after punctuation and whitespace into
pieces (phrases never cross them), each piece is converted, and pieces whose length
changed are aligned with :func:`seclens.normalize.text.align_pieces`. The mapping back
to the original is exact for equal-length pieces.
"""

from __future__ import annotations

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
        return align_pieces((piece, self._opencc.convert(piece)) for piece in pieces)


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
