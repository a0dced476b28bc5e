"""Normalize stage: detect Chinese text written in Traditional characters.

A Traditional-script document analysed without conversion silently matches little (the
lexicon is in Simplified characters: 國家安全 is not 国家安全). :func:`traditional_share`
measures the share of Han characters that OpenCC ``t2s`` changes; Simplified text
scores near 0 (a few characters such as 著/乾 are changed in some contexts), Traditional
text far higher (國, 們, 個, 說, 會, 對, 這 ... are among the most frequent characters).
:func:`traditional_note` turns it into a note the orchestrator can attach to the
document (``Document.notes``) and show to the user.
"""

from __future__ import annotations

import re

from seclens.errors import ConfigError
from seclens.normalize.convert import Converter
from seclens.normalize.join import HAN

#: Default threshold of :func:`looks_traditional`: share of Han characters changed by
#: ``t2s``. Measured on the reference corpus: the 22 Simplified documents score at most
#: 0.0002; the same documents converted to Traditional with OpenCC ``s2t`` score at least
#: 0.31 (docs/counting.md).
TRADITIONAL_THRESHOLD = 0.05
#: Han characters examined (the first ones of the text). 500 keeps the check to about
#: 0.15 ms per document (it runs on every Chinese document analysed without t2s) and
#: separates the two scripts by two orders of magnitude (0.0002 vs 0.31 above).
SAMPLE_HAN = 500
_HAN_RUN = re.compile(f"[{HAN}]+")


def traditional_share(text: str, converter: Converter | None = None,
                      sample: int = SAMPLE_HAN) -> float:
    """Share of Han characters that OpenCC ``t2s`` changes (0.0-1.0).

    Parameters
    ----------
    text : str
    converter : Converter, optional
        A ``t2s`` converter to reuse (one per process is enough); built when omitted.
    sample : int
        Number of Han characters examined, from the start of the text (> 0).

    Returns
    -------
    float
        ``changed / examined`` over Han characters; ``0.0`` for a text without Han
        characters. Runs whose conversion changes length count as changed entirely.

    Raises
    ------
    ConfigError
        ``E153`` ``sample`` not a positive integer; ``E151`` bad converter config.
    """
    if isinstance(sample, bool) or not isinstance(sample, int) or sample <= 0:
        raise ConfigError("E153", f"traditional_share(): sample must be a positive integer, "
                                  f"got {sample!r}")
    conv = converter if converter is not None else Converter("t2s")
    runs: list[str] = []
    n = 0
    for m in _HAN_RUN.finditer(text):
        run = m.group()[:sample - n]
        runs.append(run)
        n += len(run)
        if n >= sample:
            break
    if n == 0:
        return 0.0
    han = "\n".join(runs)
    out = conv.convert_plain(han)
    if out == han:  # nothing changed (Simplified text): no per-character comparison
        return 0.0
    if len(out) != len(han):  # a phrase changed length: compare run by run
        changed = 0
        for run in runs:
            c = conv.convert_plain(run)
            changed += len(run) if len(c) != len(run) else sum(a != b for a, b in zip(run, c,
                                                                                    strict=True))
        return changed / n
    return sum(a != b for a, b in zip(han, out, strict=True)) / n


def looks_traditional(text: str, threshold: float = TRADITIONAL_THRESHOLD,
                      converter: Converter | None = None) -> bool:
    """True when :func:`traditional_share` of ``text`` is at least ``threshold``."""
    return traditional_share(text, converter) >= threshold


def traditional_note(text: str, converter: Converter | None = None,
                     threshold: float = TRADITIONAL_THRESHOLD) -> str | None:
    """A user-facing note when a Chinese text looks Traditional, else ``None``.

    For the orchestrator: call it on a ``zh`` document that is analysed **without**
    t2s conversion and add the note to ``Document.notes`` / show it as a warning.

    Returns
    -------
    str or None
        e.g. ``"looks like Traditional Chinese (31% of Han characters change under
        t2s): the lexicon is Simplified, so few terms will match; use --t2s (Taiwan:
        tw2sp)"``.
    """
    share = traditional_share(text, converter)
    if share < threshold:
        return None
    return (f"looks like Traditional Chinese ({share:.0%} of Han characters change under "
            "t2s): the lexicon is Simplified, so few terms will match; use --t2s "
            "(Taiwan: tw2sp)")
