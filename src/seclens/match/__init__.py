"""Match stage: lexicon matching under two counting conventions, senses and KWIC evidence.

Public API: :class:`MatchOptions`, :class:`Matcher`, :func:`compile_matcher`, and the
columnar evidence :class:`MatchTable` / :class:`MatchChain`
(:func:`match_table_columns`).
"""

from seclens.match.matcher import (
    CONVENTIONS,
    Matcher,
    MatchOptions,
    NormalizedTextLike,
    compile_matcher,
)
from seclens.match.senses import SenseDecision, SenseResolver
from seclens.match.table import MATCH_FIELDS, MatchChain, MatchTable, match_table_columns

__all__ = ["CONVENTIONS", "MATCH_FIELDS", "MatchChain", "MatchOptions", "MatchTable", "Matcher",
           "NormalizedTextLike", "SenseDecision", "SenseResolver", "compile_matcher",
           "match_table_columns"]
