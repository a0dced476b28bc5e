"""Match stage: the KWIC evidence of the match stage stored as columns.

:meth:`seclens.match.Matcher.find` returns a :class:`MatchTable`: one document's
matches as parallel columns (offsets, sentence index, lexicon entry, sense, context)
rather than one object per match, so that the count + evidence stage does not pay for
an object per row (``benchmarks/bench_count.py``). A table is a read-only sequence of
:class:`~seclens.types.Match`: indexing and iteration build the row objects on demand,
and a table equals a list or tuple of the same matches. :class:`MatchChain` joins the
tables of several documents (the corpus-level ``AnalysisResult.matches``) without
copying them. Writers read the columns directly (:meth:`MatchTable.column`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from seclens.types import Match, RowChain, RowSequence

#: Columns of :class:`~seclens.types.Match`, in field order.
MATCH_FIELDS: tuple[str, ...] = ("doc_id", "sentence_index", "start", "end", "term",
                                 "matched_text", "entry_id", "category", "sector", "sense",
                                 "sense_rule", "convention", "left", "right")
#: Columns read through the lexicon entry of a row: field -> position in an entry's
#: ``(term, entry_id, category, sector)``.
_ENTRY_FIELDS = {"term": 0, "entry_id": 1, "category": 2, "sector": 3}


def _build(doc_id: str, sentence_index: int, start: int, end: int,
           entry: tuple[str, str, str, str], matched_text: str, sense: str, sense_rule: str,
           convention: str, left: str, right: str) -> Match:
    # a Match without the frozen-dataclass __init__ (field dict in field order; tests
    # check equality with Match(...))
    row = object.__new__(Match)
    object.__setattr__(row, "__dict__", {
        "doc_id": doc_id, "sentence_index": sentence_index, "start": start, "end": end,
        "term": entry[0], "matched_text": matched_text, "entry_id": entry[1],
        "category": entry[2], "sector": entry[3], "sense": sense, "sense_rule": sense_rule,
        "convention": convention, "left": left, "right": right})
    return row


@dataclass(frozen=True, eq=False, slots=True)
class MatchTable(RowSequence[Match]):
    """One document's matches (KWIC rows) as columns; a sequence of Match.

    Attributes
    ----------
    doc_id : str
        The document of every row.
    convention : str
        ``substring`` or ``token``: the counting convention of every row.
    entries : tuple of (term, entry_id, category, sector)
        The lexicon entries the ``entry`` column points into (the matcher's whole
        lexicon, in lexicon order; shared by all tables of one matcher).
    entry : list of int, shape (n_matches,)
        Position in ``entries`` of each row's lexicon entry.
    sentence_index, start, end : list of int, shape (n_matches,)
        Sentence index and half-open character offsets into the original text
        (``text[start:end] == matched_text``).
    matched_text, sense, sense_rule, left, right : list of str, shape (n_matches,)
        As the fields of :class:`~seclens.types.Match`.

    Rows are in (start, end, lexicon order) order. Treat the columns as read-only.
    """

    doc_id: str
    convention: str
    entries: tuple[tuple[str, str, str, str], ...]
    entry: list[int]
    sentence_index: list[int]
    start: list[int]
    end: list[int]
    matched_text: list[str]
    sense: list[str]
    sense_rule: list[str]
    left: list[str]
    right: list[str]

    @classmethod
    def empty(cls, doc_id: str, convention: str,
              entries: tuple[tuple[str, str, str, str], ...] = ()) -> MatchTable:
        """A table with no rows."""
        return cls(doc_id, convention, entries, [], [], [], [], [], [], [], [], [])

    def __len__(self) -> int:
        return len(self.start)

    def _row(self, i: int) -> Match:
        return _build(self.doc_id, self.sentence_index[i], self.start[i], self.end[i],
                      self.entries[self.entry[i]], self.matched_text[i], self.sense[i],
                      self.sense_rule[i], self.convention, self.left[i], self.right[i])

    def __iter__(self) -> Iterator[Match]:
        doc_id, conv, entries = self.doc_id, self.convention, self.entries
        for k, si, s, e, mt, sense, rule, left, right in zip(
                self.entry, self.sentence_index, self.start, self.end, self.matched_text,
                self.sense, self.sense_rule, self.left, self.right, strict=True):
            yield _build(doc_id, si, s, e, entries[k], mt, sense, rule, conv, left, right)

    def column(self, name: str) -> list[object]:
        """One column of the rows, by :class:`~seclens.types.Match` field name.

        Parameters
        ----------
        name : str
            One of :data:`MATCH_FIELDS`.

        Returns
        -------
        list, shape (n_matches,)
            A new list (the table is not modified).

        Raises
        ------
        KeyError
            ``name`` is not a field of Match.
        """
        if name in _ENTRY_FIELDS:
            j = _ENTRY_FIELDS[name]
            values = [e[j] for e in self.entries]
            return [values[k] for k in self.entry]
        if name in ("doc_id", "convention"):
            return [getattr(self, name)] * len(self)
        if name not in MATCH_FIELDS:
            raise KeyError(f"no Match field {name!r}; fields: {', '.join(MATCH_FIELDS)}")
        return list(getattr(self, name))

    def entry_ids(self) -> list[str]:
        """The ``entry_id`` of each row (shape (n_matches,))."""
        ids = [e[1] for e in self.entries]
        return [ids[k] for k in self.entry]

    def __repr__(self) -> str:
        return f"MatchTable(doc_id={self.doc_id!r}, n_matches={len(self)})"


@dataclass(frozen=True, eq=False, slots=True)
class MatchChain(RowChain[Match]):
    """The matches of several documents, one :class:`MatchTable` after another.

    Attributes
    ----------
    tables : tuple of MatchTable, or TableSource of MatchTable
        In document order; the chain does not copy them. A
        :class:`~seclens.types.TableSource` (a store's rows,
        :func:`seclens.store.load_analysis`) loads them a batch at a time.
    """

    tables: Sequence[MatchTable]

    def __repr__(self) -> str:
        return f"MatchChain(n_tables={len(self.tables)}, n_matches={len(self)})"


def match_table_columns(matches: Sequence[Match], names: Sequence[str] = MATCH_FIELDS
                  ) -> list[list[object]]:
    """Columns of any sequence of matches (fast for :class:`MatchTable`/:class:`MatchChain`).

    Parameters
    ----------
    matches : sequence of Match
    names : sequence of str
        Match field names, default all of :data:`MATCH_FIELDS`.

    Returns
    -------
    list of list
        One list per name, each of shape (n_matches,).

    Raises
    ------
    KeyError
        A name that is not a Match field.
    """
    if isinstance(matches, (MatchTable, MatchChain)):
        return [matches.column(n) for n in names]
    for n in names:
        if n not in MATCH_FIELDS:
            raise KeyError(f"no Match field {n!r}; fields: {', '.join(MATCH_FIELDS)}")
    return [[getattr(m, n) for m in matches] for n in names]
