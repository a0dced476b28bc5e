"""Lexicon stage: the lexicon and sense-rule objects (frozen dataclasses).

A :class:`Lexicon` is a versioned collection of :class:`~seclens.types.LexiconEntry`
read from a data file (``src/seclens/data/lexicons/*.yaml`` or a user YAML/CSV file).
:class:`SenseRules` are the data-driven rules that decide whether a match of an
ambiguous word (安全; English *security*, *safety*, *secure*, *safe*) is used in the
*security* or the *safety* sense (see ``docs/counting.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from seclens.types import LexiconEntry

#: Senses a sense rule may assign.
RULE_SENSES: tuple[str, ...] = ("security", "safety", "undetermined")
#: Sense of a match lying inside a proper name (office, agency, statute, programme) found
#: by a :class:`NameRule`; the match is still counted under its term.
NAME_SENSE = "name"


@dataclass(frozen=True)
class Lexicon:
    """A versioned security lexicon.

    Attributes
    ----------
    lexicon_id : str
        Stable identifier of the lexicon (``seclens.security`` for the default).
        A combined lexicon joins its parts' ids with ``+``.
    version : str
        Version string of the data file (``+``-joined for combined lexicons).
    title : str
        Human-readable title.
    source : str
        Citation(s) for the lexicon as a whole.
    entries : tuple[LexiconEntry, ...]
        The entries, in file order. Entry ids are unique; a (lang, term) pair occurs once.
    sectors : tuple[tuple[str, str], ...]
        Declared sectors as ``(sector_id, codebook_sector)`` pairs; ``codebook_sector``
        is the CODEBOOK ``sector`` value the lexicon sector maps to (``""`` if none).
        Empty when the file declares no sectors (e.g. CSV lexicons).
    notes : tuple[str, ...]
        Remarks made while loading or combining (e.g. an identical duplicate term merged).
    """

    lexicon_id: str
    version: str
    title: str
    source: str
    entries: tuple[LexiconEntry, ...]
    sectors: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def for_lang(self, lang: str) -> tuple[LexiconEntry, ...]:
        """Entries of one language (``zh`` or ``en``), in lexicon order."""
        return tuple(e for e in self.entries if e.lang == lang)

    def count_layout(self, lang: str) -> CountLayout:
        """The rows of a count table for documents of ``lang`` (computed once per lexicon).

        See :class:`CountLayout`; used by :func:`seclens.measures.counts.count_table`.
        """
        layout = self._count_layouts.get(lang)
        if layout is None:  # a language with no entries: not memoized (any string)
            return CountLayout.build(())
        return layout

    @cached_property
    def _count_layouts(self) -> dict[str, CountLayout]:
        # a memo of this immutable object (frozen dataclasses keep cached_property values
        # in the instance __dict__); not a field: no effect on equality or repr
        return {lang: CountLayout.build(self.for_lang(lang))
                for lang in sorted({e.lang for e in self.entries})}


    def codebook_sector(self, sector: str) -> str:
        """The CODEBOOK sector a lexicon sector maps to (``""`` when not declared)."""
        for sid, cb in self.sectors:
            if sid == sector:
                return cb
        return ""


@dataclass(frozen=True)
class CountLayout:
    """The term, sector and category rows of one language's count table.

    Attributes
    ----------
    entries : tuple of LexiconEntry
        The language's entries sorted by entry id (the order of the term rows).
    entry_ids : frozenset of str
    sectors, categories : tuple of str
        Sorted distinct sector ids and categories of those entries.
    sector_of, category_of : tuple of int
        For each entry of ``entries``, the position of its sector in ``sectors`` and
        of its category in ``categories``.
    term_keys, sector_keys, category_keys : tuple of (key_type, key, entry_id, category, sector)
        The keys of the term rows (one per entry of ``entries``), sector rows and
        category rows of a count table, as :class:`seclens.measures.counts.CountTable`
        stores them.
    """

    entries: tuple[LexiconEntry, ...]
    entry_ids: frozenset[str]
    sectors: tuple[str, ...]
    categories: tuple[str, ...]
    sector_of: tuple[int, ...]
    category_of: tuple[int, ...]
    term_keys: tuple[tuple[str, str, str, str, str], ...] = ()
    sector_keys: tuple[tuple[str, str, str, str, str], ...] = ()
    category_keys: tuple[tuple[str, str, str, str, str], ...] = ()

    @classmethod
    def build(cls, entries: tuple[LexiconEntry, ...]) -> CountLayout:
        """Layout of the given entries (any order)."""
        ordered = tuple(sorted(entries, key=lambda e: e.entry_id))
        sectors = tuple(sorted({e.sector for e in ordered}))
        categories = tuple(sorted({e.category for e in ordered}))
        return cls(ordered, frozenset(e.entry_id for e in ordered), sectors, categories,
                   tuple(sectors.index(e.sector) for e in ordered),
                   tuple(categories.index(e.category) for e in ordered),
                   tuple(("term", e.term, e.entry_id, e.category, e.sector) for e in ordered),
                   tuple(("sector", x, "", "", "") for x in sectors),
                   tuple(("category", x, "", "", "") for x in categories))

@dataclass(frozen=True)
class SenseRule:
    """One sense rule for an ambiguous anchor word.

    The rule fires on a match of ``anchor`` when the text around the match equals
    ``pattern``, aligned so that the anchor sits where it occurs in ``pattern``
    (``pattern.index(anchor)``; the anchor occurs exactly once in the pattern).

    Attributes
    ----------
    rule_id : str
        Stable identifier, e.g. ``zh.sense.national_security``.
    lang : str
        ``zh`` or ``en`` (English patterns compare case-insensitively, whole words).
    pattern : str
        The context string, e.g. ``国家安全`` or ``public safety``.
    anchor : str
        The ambiguous term, e.g. ``安全`` or ``safety``.
    sense : str
        ``security``, ``safety`` or ``undetermined``.
    source : str
        Citation justifying the rule.
    note : str
        Free text.
    """

    rule_id: str
    lang: str
    pattern: str
    anchor: str
    sense: str
    source: str
    note: str = ""

    @property
    def offset(self) -> int:
        """Position of the anchor inside the pattern (code points)."""
        return self.pattern.index(self.anchor)


@dataclass(frozen=True)
class NameRule:
    """A proper name (office, agency, statute, programme) that contains lexicon terms.

    A match lying inside an occurrence of the name gets sense ``name`` and this rule's
    id (``docs/counting.md``): *Department of Homeland Security* is the name of a
    department, not a use of *homeland security* or *security*.

    Attributes
    ----------
    rule_id : str
        Stable identifier, e.g. ``en.name.dhs``.
    lang : str
        ``zh`` or ``en``.
    pattern : str
        The name, matched **case-sensitively** on the analysis text (office names are
        capitalised; lower-case *homeland security* is an ordinary use). Each space
        matches any run of whitespace, line breaks included (names broken across PDF
        lines); the name must stand as whole words. Plurals are separate rules.
    source : str
        Citation establishing the name (statute, organisation).
    note : str
        Free text.
    """

    rule_id: str
    lang: str
    pattern: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class SenseRules:
    """A versioned set of sense rules.

    Attributes
    ----------
    rules_id : str
        Identifier of the rule set (``seclens.senses`` for the default).
    version : str
        Version string of the data file.
    rules : tuple[SenseRule, ...]
        The rules, in file order. Rule ids are unique.
    title, source : str
        Description and citation of the rule set.
    names : tuple[NameRule, ...]
        Proper names whose matches get sense ``name`` (file section ``names:``).
    """

    rules_id: str
    version: str
    rules: tuple[SenseRule, ...]
    title: str = ""
    source: str = ""
    names: tuple[NameRule, ...] = ()

    def anchors(self) -> frozenset[tuple[str, str]]:
        """``(lang, anchor)`` pairs that are sense-ambiguous (English lower-cased)."""
        return frozenset(
            (r.lang, r.anchor.lower() if r.lang == "en" else r.anchor) for r in self.rules
        )
