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

from seclens.errors import ConfigError
from seclens.normalize.text import NormalizedText

E_COMPOSE = "E152"

#: Han ideographs: CJK Unified Ideographs, Extension A, Compatibility Ideographs,
#: Extensions B-F (U+20000-U+2FFFF) and 〇 (U+3007).
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_GAP = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")


def _wrapped(run: str) -> bool:
    """A whitespace run that may be removed: no blank line, no indented new line."""
    breaks = list(_LINE_BREAKS.finditer(run))
    if not breaks:
        return True
    return len(breaks) == 1 and breaks[0].end() == len(run)


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
    Cost: one regular-expression pass; the offset map (two tuples of ``len(.text)``
    integers) is built only when something was removed.
    """
    gaps = [(m.start(), m.end()) for m in _GAP.finditer(text) if _wrapped(m.group())]
    if not gaps:
        return NormalizedText(text, text)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    prev = 0
    for a, b in gaps:
        pieces.append(text[prev:a])
        starts.extend(range(prev, a))
        ends.extend(range(prev + 1, a + 1))
        prev = b
    pieces.append(text[prev:])
    starts.extend(range(prev, len(text)))
    ends.extend(range(prev + 1, len(text) + 1))
    return NormalizedText("".join(pieces), text, tuple(starts), tuple(ends))


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
