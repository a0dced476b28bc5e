"""Match stage: lexicon matching under two counting conventions, senses and KWIC evidence.

Public API: :class:`MatchOptions`, :class:`Matcher`, :func:`compile_matcher`.
"""

from seclens.match.matcher import (
    CONVENTIONS,
    Matcher,
    MatchOptions,
    NormalizedTextLike,
    compile_matcher,
)
from seclens.match.senses import SenseDecision, SenseResolver

__all__ = ["CONVENTIONS", "MatchOptions", "Matcher", "NormalizedTextLike", "SenseDecision",
           "SenseResolver", "compile_matcher"]
