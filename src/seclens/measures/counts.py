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

import functools
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from seclens.errors import AnalysisError, ConfigError
from seclens.lexicon import Lexicon
from seclens.match.matcher import CONVENTIONS
from seclens.match.table import MatchTable
from seclens.segment.tokenize import text_words
from seclens.types import Document, Match, RowChain, RowSequence

#: Sense values reported in ``sense`` rows: ``security``/``safety``/``undetermined`` over
#: matches of sense-ambiguous entries outside proper names; ``name`` over matches of any
#: entry inside a proper name (``docs/counting.md``).
SENSES: tuple[str, ...] = ("security", "safety", "undetermined", "name")
KEY_TYPES: tuple[str, ...] = ("term", "sector", "sense", "category", "total")
_SENSE_KEYS: tuple[tuple[str, str, str, str, str], ...] = tuple(
    ("sense", x, "", "", "") for x in SENSES)
_TOTAL_KEYS: tuple[tuple[str, str, str, str, str], ...] = (("total", "all", "", "", ""),)

_ENTRY_ID = attrgetter("entry_id")
_DOC_ID = attrgetter("doc_id")
_CONVENTION = attrgetter("convention")
_SENSE = attrgetter("sense")


#: Texts at least this long have their non-whitespace characters counted with numpy (for
#: shorter ones ``str.split`` is as fast).
_NUMPY_MIN_CHARS = 1_000


@functools.cache
def _space_table() -> Any:
    """Read-only boolean table: is code point ``c`` (< 0x10000) whitespace (``str.isspace``)?

    Built on first use (a few ms), never at import.
    """
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    table[[c for c in range(0x10000) if chr(c).isspace()]] = True
    table.setflags(write=False)
    return table


def text_nonspace(text: str) -> int:
    """Number of non-whitespace characters of ``text`` (``str.isspace``; U+3000 is
    whitespace): ``sum(map(len, text.split()))``.

    Texts of 1,000 characters or more without characters beyond U+FFFF are counted from
    their UTF-16 code units with one numpy table look-up (same number, tested); others
    with ``str.split``.
    """
    if len(text) >= _NUMPY_MIN_CHARS:
        data = text.encode("utf-16-le", "surrogatepass")
        if len(data) == 2 * len(text):  # one code unit per character
            import numpy as np

            space = _space_table().take(np.frombuffer(data, dtype=np.uint16))
            return len(text) - int(np.count_nonzero(space))
    return sum(map(len, text.split()))


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
        return text_nonspace(text), "characters"
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


#: Fields of :class:`CountRow`, in field order (the columns of ``counts.csv``).
COUNT_FIELDS: tuple[str, ...] = ("doc_id", "key_type", "key", "entry_id", "count", "size",
                                 "unit", "per_10k", "convention", "reason", "category",
                                 "sector")
#: Fields read from a row's key: field -> position in ``(key_type, key, entry_id,
#: category, sector)``.
_KEY_FIELDS = {"key_type": 0, "key": 1, "entry_id": 2, "category": 3, "sector": 4}
_DOC_FIELDS = ("doc_id", "size", "unit", "convention", "reason")


@dataclass(frozen=True, eq=False, slots=True)
class CountTable(RowSequence[CountRow]):
    """One document's count table as columns; a read-only sequence of CountRow.

    What :func:`count_table` returns: one count per key instead of one object per row;
    indexing and iteration build :class:`CountRow` objects on demand, and a table
    equals a list or tuple of the same rows.

    Attributes
    ----------
    doc_id : str
    size : int
        Document size in ``unit`` (the denominator of ``per_10k``).
    unit : str
        ``characters`` (zh, non-whitespace) or ``words`` (en).
    convention : str
    reason : str
        Why ``per_10k`` is NaN (empty text), else ``""``.
    keys : tuple of (key_type, key, entry_id, category, sector), shape (n_rows,)
    counts : list of int, shape (n_rows,)
        Raw number of matches per key (the ``count`` field of each row).
    per_10k : list of float, shape (n_rows,)
        ``10,000 × count / size``: per 10,000 ``unit`` of the document.
    """

    doc_id: str
    size: int
    unit: str
    convention: str
    reason: str
    keys: tuple[tuple[str, str, str, str, str], ...]
    counts: list[int]
    per_10k: list[float]

    def __len__(self) -> int:
        return len(self.counts)

    def _build(self, key: tuple[str, str, str, str, str], count: int, rate: float) -> CountRow:
        # a CountRow without the frozen-dataclass __init__ (field dict in field order;
        # tests check equality with CountRow(...))
        row = object.__new__(CountRow)
        object.__setattr__(row, "__dict__", {
            "doc_id": self.doc_id, "key_type": key[0], "key": key[1], "entry_id": key[2],
            "count": count, "size": self.size, "unit": self.unit, "per_10k": rate,
            "convention": self.convention, "reason": self.reason, "category": key[3],
            "sector": key[4]})
        return row

    def _row(self, i: int) -> CountRow:
        return self._build(self.keys[i], self.counts[i], self.per_10k[i])

    def __iter__(self) -> Iterator[CountRow]:
        build = self._build
        for key, n, rate in zip(self.keys, self.counts, self.per_10k, strict=True):
            yield build(key, n, rate)

    def column(self, name: str) -> list[object]:
        """One column of the rows, by :class:`CountRow` field name (a new list).

        Raises
        ------
        KeyError
            ``name`` is not a field of CountRow.
        """
        if name in _KEY_FIELDS:
            j = _KEY_FIELDS[name]
            return [k[j] for k in self.keys]
        if name in _DOC_FIELDS:
            return [getattr(self, name)] * len(self)
        if name == "count":
            return list(self.counts)
        if name == "per_10k":
            return list(self.per_10k)
        raise KeyError(f"no CountRow field {name!r}; fields: {', '.join(COUNT_FIELDS)}")

    def __repr__(self) -> str:
        return f"CountTable(doc_id={self.doc_id!r}, n_rows={len(self)})"


def count_table_columns(rows: Sequence[CountRow], names: Sequence[str] = COUNT_FIELDS
                  ) -> list[list[object]]:
    """Columns of any sequence of count rows (fast for :class:`CountTable` and chains).

    Parameters
    ----------
    rows : sequence of CountRow
        A :class:`CountTable`, a :class:`CountChain` or any sequence of rows.
    names : sequence of str
        CountRow field names, default all (:data:`COUNT_FIELDS`).

    Returns
    -------
    list of list
        One list per name, each of shape (n_rows,).

    Raises
    ------
    KeyError
        A name that is not a CountRow field.
    """
    if isinstance(rows, (CountTable, CountChain)):
        return [rows.column(n) for n in names]
    for n in names:
        if n not in COUNT_FIELDS:
            raise KeyError(f"no CountRow field {n!r}; fields: {', '.join(COUNT_FIELDS)}")
    return [[getattr(r, n) for r in rows] for n in names]


@dataclass(frozen=True, eq=False, slots=True)
class CountChain(RowChain[CountRow]):
    """The count tables of several documents, one after another (not copied).

    Attributes
    ----------
    tables : tuple of CountTable, or TableSource of CountTable
        In document order; a :class:`~seclens.types.TableSource` (a store's rows,
        :func:`seclens.store.load_analysis`) loads them a batch at a time.
    """

    tables: Sequence[CountTable]

    def __repr__(self) -> str:
        return f"CountChain(n_tables={len(self.tables)}, n_rows={len(self)})"


def count_table(document: Document, matches: Sequence[Match], lexicon: Lexicon,
                convention: str) -> CountTable:
    """Counts per term, sector, sense, category and in total for one document.

    Parameters
    ----------
    document : Document
        Its language selects the lexicon entries; its original text gives the size.
    matches : sequence of Match
        All matches of ``document`` under ``convention`` (from ``Matcher.find``: a
        :class:`~seclens.match.MatchTable`, counted from its columns; any other
        sequence of Match is accepted too).
    lexicon : Lexicon
        The lexicon the matches came from: every entry of the document's language gets
        a ``term`` row, zeros included (an explicit 0, never a missing row).
    convention : {"substring", "token"}

    Returns
    -------
    CountTable
        A sequence of :class:`CountRow` in deterministic order: term rows (by entry id),
        sector rows (by sector id), sense rows (security, safety, undetermined — over
        sense-ambiguous matches outside proper names; name — over matches of any entry
        inside a proper name), category rows (by category), one total row (key ``all``).
        ``per_10k`` is per 10,000 characters (zh) or words (en), NaN for empty text.

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
    layout = lexicon.count_layout(lang)
    known = layout.entry_ids
    # counts in C (Counter over columns); the per-match checks are set inclusions, and
    # the first offending match is looked up only when one fails
    if isinstance(matches, MatchTable):
        table_entries = matches.entries
        by_entry: Counter[str] = Counter()
        for k, n in Counter(matches.entry).items():
            by_entry[table_entries[k][1]] += n
        by_sense = Counter(matches.sense)
        ok = (not matches or (matches.doc_id == doc_id and matches.convention == convention)) \
            and by_entry.keys() <= known
    else:
        by_entry = Counter(map(_ENTRY_ID, matches))
        by_sense = Counter(map(_SENSE, matches))
        ok = (set(map(_DOC_ID, matches)) <= {doc_id}
              and set(map(_CONVENTION, matches)) <= {convention}
              and by_entry.keys() <= known)
    if not ok:
        for m in matches:
            if m.doc_id != doc_id or m.convention != convention or m.entry_id not in known:
                raise AnalysisError("E303", f"count_table(): match {m.entry_id}@{m.start} "
                                            f"(doc '{m.doc_id}', {m.convention}) does not belong "
                                            f"to document '{doc_id}' / {convention} / this "
                                            "lexicon's entries of its language")
    entries = layout.entries
    counts = [by_entry.get(e.entry_id, 0) for e in entries]
    sectors = [0] * len(layout.sectors)
    categories = [0] * len(layout.categories)
    for n, si, ci in zip(counts, layout.sector_of, layout.category_of, strict=True):
        if n:
            sectors[si] += n
            categories[ci] += n
    keys = (layout.term_keys + layout.sector_keys + _SENSE_KEYS + layout.category_keys
            + _TOTAL_KEYS)
    counts += sectors
    counts += [by_sense.get(x, 0) for x in SENSES]
    counts += categories
    counts.append(len(matches))
    if size > 0:
        per_10k = [10_000 * n / size for n in counts]
        reason = ""
    else:
        per_10k = [math.nan] * len(counts)
        reason = f"empty text: 0 {unit}, per-10k rate undefined"
    return CountTable(doc_id, size, unit, convention, reason, keys, counts, per_10k)
