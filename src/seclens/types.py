"""Small typed objects passed between pipeline stages.

These frozen dataclasses are the contract between stages (ingest → normalize →
segment → match → measures → report). Metadata and character offsets travel with
them so that every number can be traced back to the exact span of text.

Offsets
-------
All offsets are Python ``str`` indices (Unicode code points) into
``Document.text``, the *original* extracted text of the document, half-open
``[start, end)``: ``document.text[m.start:m.end] == m.text`` always holds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import Any, Literal, TypeVar, overload

Level = Literal["central", "provincial", "municipal", "county", "foreign", "unknown"]
Language = Literal["zh", "en", "other"]
Sense = Literal["security", "safety", "undetermined", "name", "not_applicable"]
Convention = Literal["substring", "token"]


@dataclass(frozen=True)
class DocumentMeta:
    """Descriptive metadata of one document (the columns of ``manifest.csv``).

    Attributes
    ----------
    doc_id : str
        Stable identifier (manifest ``id``; else derived from the file name).
    title, title_en, issuer, region, date, doc_number : str
        As in the manifest; empty string when unknown (never ``None``).
    level : str
        ``central``, ``provincial``, ``municipal``, ``county``, ``foreign`` or ``unknown``.
    language : str
        ``zh``, ``en`` or ``other``.
    original_url : str
        Official address of the document, if recorded.
    meta_source : str
        Where the metadata came from: ``manifest``, ``html``, ``docx``, ``pdf``,
        ``doc_number`` (level inferred from the issuing-office prefix), ``filename``.
    extra : Mapping[str, str]
        Every other manifest column, unchanged.
    """

    doc_id: str
    title: str = ""
    title_en: str = ""
    issuer: str = ""
    level: str = "unknown"
    region: str = ""
    date: str = ""
    doc_number: str = ""
    language: str = "zh"
    original_url: str = ""
    meta_source: str = "filename"
    extra: Mapping[str, str] = field(default_factory=dict)


META_FIELDS: tuple[str, ...] = (
    "title", "title_en", "issuer", "level", "region", "date", "doc_number", "language",
    "original_url", "meta_source",
)
"""The scalar :class:`DocumentMeta` fields other than ``doc_id``, in declaration order:
the metadata columns of ``documents.csv`` and of the store's Parquet tables."""


@dataclass(frozen=True)
class Document:
    """One ingested document.

    Attributes
    ----------
    meta : DocumentMeta
    text : str
        The original extracted body text (decoded, never converted). All offsets
        refer to this string.
    path : str
        Path of the source file as given by the user ("" for in-memory text).
    fmt : str
        ``txt``, ``html``, ``pdf`` or ``docx``.
    encoding : str
        Encoding used to decode the bytes (``utf-8``, ``gb18030``, ``big5`` ...);
        ``n/a`` for binary container formats (pdf, docx).
    sha256 : str
        Hex SHA-256 of the file bytes (of the UTF-8 text for in-memory documents).
    notes : tuple[str, ...]
        Non-fatal remarks from ingest (e.g. "declared gb2312, decoded as gb18030").
    """

    meta: DocumentMeta
    text: str
    path: str = ""
    fmt: str = "txt"
    encoding: str = "utf-8"
    sha256: str = ""
    notes: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        """The document's identifier (``meta.doc_id``)."""
        return self.meta.doc_id


@dataclass(frozen=True)
class Exclusion:
    """An input that was not analysed, with the reason. Never dropped silently.

    Attributes
    ----------
    path : str
        The file (or manifest row) concerned.
    doc_id : str
        Identifier if known, else "".
    code : str
        Error code (``E1xx`` ...) of the reason.
    reason : str
        Human-readable reason.
    """

    path: str
    doc_id: str
    code: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """One sentence-like unit of a document.

    Attributes
    ----------
    doc_id : str
    index : int
        0-based position of the unit in the document.
    start, end : int
        Half-open character offsets into ``Document.text``.
    text : str
        ``Document.text[start:end]`` (stripped of surrounding whitespace by
        construction of the offsets).
    kind : str
        ``sentence``, ``heading`` (numbered heading) or ``item`` (list item).
    """

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    kind: str = "sentence"


@dataclass(frozen=True)
class LexiconEntry:
    """One term of a lexicon.

    Attributes
    ----------
    entry_id : str
        Stable identifier, e.g. ``zh.sec.national``. Never reused for another term.
    term : str
        The string matched (Chinese) or the lower-case word/phrase (English).
    lang : str
        ``zh`` or ``en``.
    category : str
        ``security`` (security vocabulary), ``sector`` (a named security domain),
        ``threat`` (threat and risk vocabulary) or another category a user lexicon
        declares.
    sector : str
        Sector id (``general``, ``national``, ``military``, ``political``,
        ``economic``, ``cyber``, ``data``, ...); ``general`` for unqualified terms.
    source : str
        Citation for the entry (document, article, study).
    lexicon_id : str
        Id of the lexicon file the entry came from.
    note : str
        Free text.
    """

    entry_id: str
    term: str
    lang: str
    category: str
    sector: str
    source: str
    lexicon_id: str = ""
    note: str = ""


@dataclass(frozen=True)
class Match:
    """One counted occurrence of a lexicon term: one row of ``matches.csv``.

    Attributes
    ----------
    doc_id : str
    sentence_index : int
        Index of the :class:`Sentence` containing the match.
    start, end : int
        Half-open offsets into ``Document.text``; ``text[start:end] == term``
        (up to case for English).
    term : str
        The lexicon term that matched.
    matched_text : str
        The exact slice of the original text.
    entry_id : str
        The lexicon entry id.
    category, sector : str
        Copied from the entry.
    sense : str
        ``security``, ``safety``, ``undetermined`` for ambiguous terms (安全,
        safety/security words); ``name`` for any match inside a proper name of an
        office, agency or programme ("Secretary of Homeland Security"; still counted
        under its term); ``not_applicable`` otherwise.
    sense_rule : str
        Id of the sense rule that decided the sense ("" when none applied).
    convention : str
        ``substring`` or ``token``.
    left, right : str
        Context to the left and right of the match (KWIC), whitespace collapsed.
    """

    doc_id: str
    sentence_index: int
    start: int
    end: int
    term: str
    matched_text: str
    entry_id: str
    category: str
    sector: str
    sense: str
    sense_rule: str
    convention: str
    left: str = ""
    right: str = ""


RowT = TypeVar("RowT")


def _check_positions(positions: Sequence[int], n: int, kind: str) -> None:
    previous = -1
    for i in positions:
        if not previous < i < n:
            raise IndexError(f"positions must ascend within 0..{n - 1} ({kind}); "
                             f"received {i} after {previous}")
        previous = i


class RowSequence(Sequence[RowT]):
    """A read-only sequence of row objects stored as columns (mixin).

    The columnar tables of the pipeline (``SentenceTable``, ``MatchTable``,
    ``CountTable`` and their chains) store one list per field instead of one object per
    row. This mixin gives them the behaviour of a tuple of rows: indexing (negative
    indexes and slices included; a slice is a list), iteration, ``len``, equality with
    any such table or with a list or tuple of the same rows, and ``+`` (a list).
    Subclasses define ``__len__`` and ``_row(i)`` for ``0 <= i < len(self)``.

    Raises
    ------
    IndexError
        An index outside ``-len(self) <= i < len(self)``.
    """

    __slots__ = ()

    def _row(self, i: int) -> RowT:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> RowT: ...

    @overload
    def __getitem__(self, i: slice) -> list[RowT]: ...

    def __getitem__(self, i: int | slice) -> RowT | list[RowT]:
        n = len(self)
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(n))]
        if not isinstance(i, int):
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"not {type(i).__name__}")
        if not -n <= i < n:
            raise IndexError(f"row {i} out of range ({n} rows in {type(self).__name__})")
        return self._row(i % n)

    def rows_at(self, positions: Sequence[int]) -> list[RowT]:
        """The rows at ``positions`` (ascending, each ``0 <= i < len(self)``), in order.

        Raises
        ------
        IndexError
            A position out of range or out of ascending order.
        """
        n = len(self)
        _check_positions(positions, n, type(self).__name__)
        return [self._row(i) for i in positions]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (RowSequence, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable like them

    def __add__(self, other: Sequence[RowT]) -> list[RowT]:
        """The rows of both, as a list (as ``list + list``)."""
        if not isinstance(other, Sequence):
            return NotImplemented
        return [*self, *other]

    def __radd__(self, other: Sequence[RowT]) -> list[RowT]:
        if not isinstance(other, Sequence):
            return NotImplemented
        return [*other, *self]


TableT = TypeVar("TableT")


class TableSource(Sequence[TableT]):
    """A sequence of columnar tables that knows their row counts before loading them.

    The tables of a :class:`RowChain` are usually a tuple held in memory. A source
    instead loads them when asked (e.g. a store's rows, read a batch of documents at
    a time: :class:`seclens.store.rows.StoredTables`), so that a chain over millions
    of rows holds only the rows in use. Subclasses define ``lengths``, ``doc_ids``,
    ``head``, ``__len__``, ``__getitem__`` (an ``int``) and ``__iter__`` (one pass,
    loading as it goes).
    """

    __slots__ = ()

    @property
    def lengths(self) -> Sequence[int]:
        """Rows of each table, in order, without loading the tables."""
        raise NotImplementedError

    def doc_ids(self) -> Sequence[str]:
        """The ``doc_id`` of each table, in order, without loading the tables."""
        raise NotImplementedError

    def head(self, n: int) -> Iterator[TableT]:
        """The first ``n`` tables, in order, loaded in one pass."""
        raise NotImplementedError


class RowChain(RowSequence[RowT]):
    """Several columnar tables of one row type, one after another, not copied (mixin).

    Subclasses are dataclasses with a ``tables`` field: a tuple of tables, each a
    :class:`RowSequence` with a ``column(name)`` method, or a :class:`TableSource`
    that loads them when needed. Gives ``len``, indexing (the table is found by
    bisection over the tables' lengths), iteration and :meth:`column` over all
    tables.
    """

    __slots__ = ()
    tables: Sequence[Any]

    def table_lengths(self) -> Sequence[int]:
        """Rows of each table, in order (a :class:`TableSource`'s without loading)."""
        if isinstance(self.tables, TableSource):
            return self.tables.lengths
        return [len(t) for t in self.tables]

    def __len__(self) -> int:
        return sum(self.table_lengths())

    def _row(self, i: int) -> RowT:
        bounds = list(accumulate(self.table_lengths(), initial=0))
        k = bisect_right(bounds, i) - 1  # bisect_right skips empty tables
        row: RowT = self.tables[k]._row(i - bounds[k])
        return row

    def rows_at(self, positions: Sequence[int]) -> list[RowT]:
        """The rows at ascending ``positions``, in one walk over the tables.

        Indexing a chain finds the table of each row anew (``O(n_tables)``); a
        report picking thousands of rows from a chain of thousands of tables takes
        them here instead. Tables of a :class:`TableSource` are loaded in one pass,
        up to the last table with a position.

        Raises
        ------
        IndexError
            A position out of range or out of ascending order.
        """
        lengths = self.table_lengths()
        _check_positions(positions, sum(lengths), type(self).__name__)
        out: list[RowT] = []
        if not positions:
            return out
        it = iter(positions)
        pos = next(it, None)
        last = positions[-1]
        offset = 0
        for table, n in zip(self._tables_until(lengths, last), lengths, strict=False):
            end = offset + n
            while pos is not None and pos < end:
                out.append(table._row(pos - offset))
                pos = next(it, None)
            offset = end
            if pos is None:
                break
        return out

    def _tables_until(self, lengths: Sequence[int], position: int) -> Iterator[Any]:
        """The tables in order, up to the one holding row ``position``."""
        stop = bisect_right(list(accumulate(lengths)), position) + 1
        if isinstance(self.tables, TableSource):
            return self.tables.head(stop)
        return iter(self.tables[:stop])

    def __iter__(self) -> Iterator[RowT]:
        return chain.from_iterable(self.tables)

    def column(self, name: str) -> list[object]:
        """One column (a field name of the row type) over all tables, as a new list
        (``doc_id`` of a :class:`TableSource` without loading its tables)."""
        if name == "doc_id" and isinstance(self.tables, TableSource):
            return list(chain.from_iterable(
                [d] * n for d, n in zip(self.tables.doc_ids(), self.tables.lengths,
                                        strict=True)))
        return list(chain.from_iterable(t.column(name) for t in self.tables))
