"""Lexicon stage: versioned security lexicons and sense rules, read from data files.

Public API: :class:`Lexicon`, :func:`load_lexicon`, :func:`combine`,
:class:`SenseRule`, :class:`SenseRules`, :class:`NameRule`, :data:`NAME_SENSE`,
:func:`load_sense_rules`.
Formats and sources: ``docs/lexicon.md``.
"""

from seclens.lexicon.load import combine, load_lexicon, load_sense_rules
from seclens.lexicon.model import NAME_SENSE, Lexicon, NameRule, SenseRule, SenseRules

__all__ = [
    "NAME_SENSE",
    "Lexicon",
    "NameRule",
    "SenseRule",
    "SenseRules",
    "combine",
    "load_lexicon",
    "load_sense_rules",
]
