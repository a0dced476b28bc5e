"""Lexicon stage: versioned security lexicons and sense rules, read from data files.

Public API: :class:`Lexicon`, :func:`load_lexicon`, :func:`combine`,
:class:`SenseRule`, :class:`SenseRules`, :func:`load_sense_rules`.
Formats and sources: ``docs/lexicon.md``.
"""

from seclens.lexicon.load import combine, load_lexicon, load_sense_rules
from seclens.lexicon.model import Lexicon, SenseRule, SenseRules

__all__ = ["Lexicon", "SenseRule", "SenseRules", "combine", "load_lexicon", "load_sense_rules"]
