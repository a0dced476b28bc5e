"""Measures stage: raw and normalized counts of lexicon matches per document.

Formula: ``per_10k = 10,000 × count / size`` where ``size`` is the number of
non-whitespace characters (Chinese; unit ``characters``) or of word tokens (English,
``\\w+`` runs; unit ``words``) of the document's original text. Empty text gives
``per_10k = NaN`` with a ``reason``, never a silent 0.

Under the ``substring`` convention overlapping compounds are counted again inside the
longer term (国家安全 also counts as 安全), so sector, category and total rows are sums
of term occurrences, not numbers of distinct text spans (``docs/counting.md``).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter

from seclens.errors import AnalysisError, ConfigError
from seclens.lexicon import Lexicon
from seclens.match.matcher import CONVENTIONS
from seclens.segment.tokenize import text_words
from seclens.types import Document, Match

#: Sense values reported in ``sense`` rows: ``security``/``safety``/``undetermined`` over
#: matches of sense-ambiguous entries outside proper names; ``name`` over matches of any
#: entry inside a proper name (``docs/counting.md``).
SENSES: tuple[str, ...] = ("security", "safety", "undetermined", "name")
KEY_TYPES: tuple[str, ...] = ("term", "sector", "sense", "category", "total")

_ENTRY_ID = attrgetter("entry_id")
_DOC_ID = attrgetter("doc_id")
_CONVENTION = attrgetter("convention")
_SENSE = attrgetter("sense")


def text_size(text: str, lang: str) -> tuple[int, str]:
    """Size of a text for per-10k normalization.

    Parameters
    ----------
    text : str
    lang : {"zh", "en"}

    Returns
    -------
    (n, unit) : tuple[int, str]
        ``zh``: number of non-whitespace characters (``str.isspace``; U+3000 is
        whitespace), unit ``"characters"``. ``en``: number of word tokens (maximal runs
        of letters/digits), unit ``"words"``.

    Raises
    ------
    AnalysisError
        ``E302`` for any other language.
    """
    if lang == "zh":
        return sum(map(len, text.split())), "characters"
    if lang == "en":
        return text_words(text), "words"
    raise AnalysisError("E302", f"text_size(): no size unit for language '{lang}' (zh or en)")


@dataclass(frozen=True)
class CountRow:
    """One row of the count table (``counts.csv``).

    Attributes
    ----------
    doc_id : str
    key_type : str
        ``term``, ``sector``, ``sense``, ``category`` or ``total``.
    key : str
        The term, sector id, sense (``security``/``safety``/``undetermined``/``name``),
        category, or ``all``.
    entry_id : str
        Lexicon entry id for ``term`` rows, else ``""``.
    count : int
        Raw number of matches.
    size : int
        Document size in ``unit``.
    unit : str
        ``characters`` (zh, non-whitespace) or ``words`` (en).
    per_10k : float
        ``10,000 × count / size`` (per 10,000 characters or words); NaN when size is 0.
    convention : str
        ``substring`` or ``token``.
    reason : str
        Why ``per_10k`` is NaN (``""`` otherwise).
    category, sector : str
        Of the entry, for ``term`` rows (``""`` otherwise).
    """

    doc_id: str
    key_type: str
    key: str
    entry_id: str
    count: int
    size: int
    unit: str
    per_10k: float
    convention: str
    reason: str = ""
    category: str = ""
    sector: str = ""


def count_table(document: Document, matches: Sequence[Match], lexicon: Lexicon,
                convention: str) -> list[CountRow]:
    """Counts per term, sector, sense, category and in total for one document.

    Parameters
    ----------
    document : Document
        Its language selects the lexicon entries; its original text gives the size.
    matches : sequence of Match
        All matches of ``document`` under ``convention`` (from ``Matcher.find``).
    lexicon : Lexicon
        The lexicon the matches came from: every entry of the document's language gets
        a ``term`` row, zeros included (an explicit 0, never a missing row).
    convention : {"substring", "token"}

    Returns
    -------
    list of CountRow
        Deterministic order: term rows (by entry id), sector rows (by sector id), sense
        rows (security, safety, undetermined — over sense-ambiguous matches outside proper
        names; name — over matches of any entry inside a proper name),
        category rows (by category), one total row (key ``all``).

    Raises
    ------
    ConfigError
        ``E301`` unknown convention.
    AnalysisError
        ``E302`` language without size unit; ``E303`` a match of another document,
        convention or lexicon entry.
    """
    if convention not in CONVENTIONS:
        raise ConfigError("E301", f"count_table(): convention must be one of "
                                  f"{list(CONVENTIONS)}, got '{convention}'")
    lang = document.meta.language
    size, unit = text_size(document.text, lang)
    doc_id = document.doc_id
    entries = sorted(lexicon.for_lang(lang), key=_ENTRY_ID)
    # counts in C (map/Counter); the per-match checks are set inclusions, and the first
    # offending match is looked up only when one fails
    by_entry: Counter[str] = Counter(map(_ENTRY_ID, matches))
    if (not set(map(_DOC_ID, matches)) <= {doc_id}
            or not set(map(_CONVENTION, matches)) <= {convention}
            or not by_entry.keys() <= {e.entry_id for e in entries}):
        known = {e.entry_id for e in entries}
        for m in matches:
            if m.doc_id != doc_id or m.convention != convention or m.entry_id not in known:
                raise AnalysisError("E303", f"count_table(): match {m.entry_id}@{m.start} "
                                            f"(doc '{m.doc_id}', {m.convention}) does not belong "
                                            f"to document '{doc_id}' / {convention} / this "
                                            "lexicon's entries of its language")
    by_sense = Counter(map(_SENSE, matches))
    reason = "" if size > 0 else f"empty text: 0 {unit}, per-10k rate undefined"
    sectors: dict[str, int] = {}
    categories: dict[str, int] = {}
    for e in entries:
        n = by_entry[e.entry_id]
        sectors[e.sector] = sectors.get(e.sector, 0) + n
        categories[e.category] = categories.get(e.category, 0) + n
    nan = math.nan
    # field dicts in field order (no intermediate tuples: fewer allocations)
    fields = [{"doc_id": doc_id, "key_type": "term", "key": e.term, "entry_id": e.entry_id,
               "count": by_entry[e.entry_id], "size": size, "unit": unit,
               "per_10k": 10_000 * by_entry[e.entry_id] / size if size > 0 else nan,
               "convention": convention, "reason": reason, "category": e.category,
               "sector": e.sector} for e in entries]
    for key_type, counts, keys in (("sector", sectors, sorted(sectors)),
                                   ("sense", by_sense, SENSES),
                                   ("category", categories, sorted(categories)),
                                   ("total", {"all": len(matches)}, ("all",))):
        fields += [{"doc_id": doc_id, "key_type": key_type, "key": key, "entry_id": "",
                    "count": counts[key], "size": size, "unit": unit,
                    "per_10k": 10_000 * counts[key] / size if size > 0 else nan,
                    "convention": convention, "reason": reason, "category": "",
                    "sector": ""} for key in keys]
    # CountRow objects built without the frozen-dataclass __init__ (hot path): the same
    # field dicts, keys in field order (tests check equality with CountRow(...))
    new = object.__new__
    rows: list[CountRow] = [new(CountRow) for _ in fields]
    deque(map(object.__setattr__, rows, repeat("__dict__"), fields), maxlen=0)
    return rows
