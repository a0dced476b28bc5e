"""Segment stage: split a document into sentence-like units with exact offsets.

Rules (documented in ``docs/counting.md``):

- Paragraphs end at line breaks (``\\n``, ``\\r``, ``\\r\\n``, U+2028/2029 ...).
- Chinese: a sentence ends after a run of 。！？!?｡ (full- and half-width treated alike;
  semicolons ；/; do **not** end a sentence, as in the CODEBOOK). Closing quotes and
  brackets (」”’）』》】〕) " ' ] that follow the terminator stay with the sentence.
- English: a sentence ends after . ! ? (plus closing quotes/brackets) when followed by
  whitespace and then an upper-case letter, an opening quote or ``(``; not after an
  abbreviation (U.S., Sec., e.g., i.e., No., Dr. ... and single initials).
- A paragraph that starts with a numbering marker (一、 （一） 第一章 第一条 1. （1） ① ...;
  English ``Sec. 4.`` ``Section 1.`` ``(a)`` ``1.``) makes its first unit a ``heading``
  or ``item``; terminators inside the marker itself never split.
- Leading/trailing whitespace (``str.isspace``, incl. U+3000) is outside ``[start, end)``.

Every non-whitespace character of the input lies in exactly one unit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from seclens.errors import ConfigError
from seclens.types import RowSequence, Sentence

_CLOSERS = "」”’）』》】〕\"')\\]"

_ZH_NUM = "一二三四五六七八九十百千零〇两"
_ZH_HEADING = re.compile(
    rf"(?:第[{_ZH_NUM}\d]+[章节编篇]|第[{_ZH_NUM}\d]+部分|[{_ZH_NUM}]+[、．.]"
    rf"|[（(][{_ZH_NUM}]+[）)])"
)
_ZH_ITEM = re.compile(
    rf"(?:第[{_ZH_NUM}\d]+条|\d+(?:[.．]\d+)*[、．.](?!\d)|[（(]\d+[）)]|[①-⑳]|[•●■◆▪▶])"
)
_EN_HEADING = re.compile(r"(?:Sec\.|SEC\.|Section|SECTION|Part|PART|Article|ARTICLE)\s+"
                         r"[0-9IVXivx]+[A-Za-z]?\.?")
_EN_ITEM = re.compile(r"(?:\([a-zA-Z0-9]{1,5}\)|\d+(?:\.\d+)*\.(?=\s)|[-•*–](?=\s))")

#: Abbreviations after which "." does not end an English sentence (lower case).
#: Source: common US federal drafting abbreviations (Office of the Federal Register,
#: Document Drafting Handbook, 2023) and general English usage.
EN_ABBREVIATIONS: frozenset[str] = frozenset({
    "u.s.", "u.s.c.", "c.f.r.", "sec.", "secs.", "e.g.", "i.e.", "no.", "nos.", "dr.", "mr.",
    "mrs.", "ms.", "st.", "jr.", "sr.", "inc.", "corp.", "co.", "ltd.", "vs.", "v.", "art.",
    "fig.", "vol.", "pp.", "p.", "para.", "ch.", "cf.", "al.", "gen.", "gov.", "dept.",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
    "dec.", "pub.", "l.", "stat.", "fed.", "reg.", "approx.", "est.", "u.k.", "e.u.",
})


#: Line-break characters: a paragraph is a maximal run of other characters.
_BREAK = r"\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"
#: A paragraph without the whitespace around it (``\s`` is ``str.isspace``).
_PARA_CORE = re.compile(rf"\S(?:[^{_BREAK}]*\S)?")
_ZH_TERM = "。！？!?｡"
#: One Chinese unit, stripped: text up to and including a terminator run and its
#: closers; else text up to the end of the paragraph; else a bare terminator run.
_ZH_UNIT = re.compile(
    # (possessive ``*+``: a run of non-terminators is never given back to look for a
    # terminator inside it; same units, no backtracking over a paragraph without one)
    rf"[^\s{_ZH_TERM}][^{_ZH_TERM}{_BREAK}]*+[{_ZH_TERM}]+[{_CLOSERS}]*"
    rf"|[^\s{_ZH_TERM}](?:[^{_ZH_TERM}{_BREAK}]*[^\s{_ZH_TERM}])?"
    rf"|[{_ZH_TERM}]+[{_CLOSERS}]*"
)
#: An English sentence end (as ``_EN_END``) with group 1 = the terminator run and
#: group 2 = the whitespace before the next unit.
#: (``[.!?][.!?]*`` rather than ``[.!?]+``: a pattern that starts with a character
#: set lets ``re`` skip to candidate positions quickly.)
_EN_CUT = re.compile(rf"([.!?][.!?]*)[{_CLOSERS}]*(?=(\s+)[A-Z\"“‘'(])")
_EN_HSPACE = rf"[^\S{_BREAK}]"
#: Sentence-end candidates over the whole text, one pattern per terminator character so
#: that ``re`` can skip to that character quickly; each starts only where a terminator
#: run starts (lookbehind) and the whitespace before the next unit stays on the line
#: (so the candidates are those ``_EN_CUT`` finds paragraph by paragraph).
_EN_CUT_AT = {
    ch: re.compile(rf"({re.escape(ch)}(?<![.!?]{re.escape(ch)})[.!?]*)[{_CLOSERS}]*"
                   rf"(?={_EN_HSPACE}+[A-Z\"“‘'(])(?=({_EN_HSPACE}+))")
    for ch in ".!?"
}
_EN_SEPARATORS = "(\"“‘'"
#: The characters of a word just before a position (the word starts after whitespace
#: or an opening quote/bracket, as in :func:`_en_is_abbreviation`).
_EN_WORD_TAIL = re.compile(rf"[^\s{_EN_SEPARATORS}]*\Z")
_ABBR_MAX = max(map(len, EN_ABBREVIATIONS))


def _en_is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    """True if the '.' at ``dot`` closes an abbreviation or a single initial.

    The reference definition (character loop); :func:`_en_rejects_cut` is the fast
    equivalent used by the splitter (tested against this one).
    """
    i = dot
    while i > para_start and not text[i - 1].isspace() and text[i - 1] not in _EN_SEPARATORS:
        i -= 1
    word = text[i:dot + 1].lower()
    if word in EN_ABBREVIATIONS:
        return True
    core = word.rstrip(".")
    return len(core) == 1 and core.isalpha()


def _en_rejects_cut(text: str, run_start: int, run_end: int) -> bool:
    """:func:`_en_is_abbreviation` for the dot ending the terminator run ``[run_start,
    run_end)`` of a paragraph (the character before a paragraph is whitespace).

    Usually only the ``_ABBR_MAX + 1`` characters before the run are examined: a longer
    word is not an abbreviation (``str.lower`` never shortens a string), and it is a
    single initial only if all those characters are dots.
    """
    if run_start >= _ABBR_MAX and text[run_start - _ABBR_MAX:run_start].isalpha():
        # the usual sentence end: at least _ABBR_MAX letters before the run, so the word
        # and its dots are longer than any abbreviation and it is no single initial
        return False
    lo = run_start - _ABBR_MAX - 1
    if lo < 0:
        lo = 0
    m = _EN_WORD_TAIL.search(text, lo, run_start)
    i = m.start() if m is not None else run_start
    if i == lo and lo > 0 and not text[lo - 1].isspace() and text[lo - 1] not in _EN_SEPARATORS:
        # the word is longer than any abbreviation: it can only be an initial followed
        # by many dots (then the whole window is dots)
        if text[lo:run_start].strip("."):
            return False
        return _en_is_abbreviation(text, run_end - 1, 0)
    word = text[i:run_end].lower()
    if word in EN_ABBREVIATIONS:
        return True
    core = word.rstrip(".")
    return len(core) == 1 and core.isalpha()


_MARKERS = {
    "zh": re.compile(f"(?P<heading>{_ZH_HEADING.pattern})|(?P<item>{_ZH_ITEM.pattern})"),
    "en": re.compile(f"(?P<heading>{_EN_HEADING.pattern})|(?P<item>{_EN_ITEM.pattern})"),
}
#: Characters a numbering marker can start with (cheap pre-check before the regex).
_MARKER_FIRST = {
    "zh": frozenset("第（(①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳0123456789•●■◆▪▶" + _ZH_NUM),
    "en": frozenset("SPA(-•*–0123456789"),
}


#: ``_ZH_UNIT`` with the unit's marker kind: an optional lookahead at the unit start
#: (so the unit's extent is unchanged) captures ``heading`` or ``item`` (``lastgroup``).
#: Chinese numbering markers contain no terminator and no whitespace, so the marker of a
#: paragraph's first unit never hides a sentence end and lies inside that unit (same
#: result as matching markers up to the paragraph or unit end).
_ZH_UNIT_KIND = re.compile(
    "(?:(?=[" + "".join(re.escape(c) for c in sorted(_MARKER_FIRST["zh"])) + "])"
    f"(?=(?P<heading>{_ZH_HEADING.pattern})|(?P<item>{_ZH_ITEM.pattern})))?"
    f"(?:{_ZH_UNIT.pattern})"
)
_KIND = {None: "sentence", "heading": "heading", "item": "item"}


def _en_cut_candidates(text: str) -> list[tuple[int, int, int, int]]:
    """All sentence-end candidates: (run start, run end, cut, start of the next unit)."""
    cands = [(m.start(1), m.end(1), m.end(), m.end(2)) for m in _EN_CUT_AT["."].finditer(text)]
    extra = False
    for ch in "!?":
        if ch in text:
            cands += [(m.start(1), m.end(1), m.end(), m.end(2))
                      for m in _EN_CUT_AT[ch].finditer(text)]
            extra = True
    if extra:
        cands.sort()
    return cands


def _en_units(text: str) -> tuple[list[int], list[int], list[str]]:
    """English units as columns (starts, ends, kinds): per paragraph, the sentence
    ends after its leading marker.

    Sentence-end candidates are found once for the whole text (see ``_EN_CUT_AT``) and
    taken paragraph by paragraph; a paragraph whose marker ends inside a terminator run
    (``Sec. 4..``) is searched with ``_EN_CUT`` from the marker's end, as the rule says.
    """
    first = _MARKER_FIRST["en"]
    mark = _MARKERS["en"].match
    rejects = _en_rejects_cut
    cands = _en_cut_candidates(text)
    cand_starts = [c[0] for c in cands]
    ci = 0
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[str] = []
    pos = 0
    for line in text.splitlines(True):  # (C-speed; a regex over paragraphs is slower)
        line_start = pos
        pos += len(line)
        core = line.strip()
        if not core:
            continue
        ps = line_start + len(line) - len(line.lstrip())
        pe = ps + len(core)
        kind, search_from = "sentence", ps
        if text[ps] in first:
            m = mark(text, ps, pe)
            if m is not None:
                kind = "item" if m.group("heading") is None else "heading"
                search_from = m.end()
        lo = bisect_left(cand_starts, search_from, ci)
        ci = bisect_left(cand_starts, pe, lo)
        para: Sequence[tuple[int, int, int, int]] = cands[lo:ci] if lo < ci else ()
        if search_from > ps and text[search_from - 1] in ".!?" and search_from < pe \
                and text[search_from] in ".!?":
            # the marker ends inside a terminator run: search from its end
            para = [(c.start(1), c.end(1), c.end(), c.end(2))
                    for c in _EN_CUT.finditer(text, search_from, pe)]
        s = ps
        for run_start, run_end, e, next_start in para:
            if text[run_end - 1] == "." and rejects(text, run_start, run_end):
                continue
            if s != ps and text[s] in first:  # a later unit: marker bounded by its end
                m = mark(text, s, e)
                if m is not None:
                    kind = "item" if m.group("heading") is None else "heading"
            starts.append(s)
            ends.append(e)
            kinds.append(kind)
            s = next_start
            kind = "sentence"
        if s != ps and text[s] in first:
            m = mark(text, s, pe)
            if m is not None:
                kind = "item" if m.group("heading") is None else "heading"
        starts.append(s)
        ends.append(pe)
        kinds.append(kind)
    return starts, ends, kinds


@dataclass(frozen=True, eq=False, slots=True)
class SentenceTable(RowSequence[Sentence]):
    """The sentence-like units of one document as columns (a sequence of Sentence).

    What :func:`sentence_table` returns: the same units as :func:`split_sentences`,
    stored as three parallel columns instead of one object per unit (the count +
    evidence stage needs only the offsets). Indexing and iteration give
    :class:`~seclens.types.Sentence` objects built on demand; a table equals a list or
    tuple of the same sentences. Treat the columns as read-only.

    Attributes
    ----------
    doc_id : str
    text : str
        The document text the offsets refer to (the same object, not a copy).
    starts, ends : list of int, shape (n_units,)
        Half-open character offsets of each unit into ``text``, in text order.
    kinds : list of str, shape (n_units,)
        ``sentence``, ``heading`` or ``item``.
    """

    doc_id: str
    text: str
    starts: list[int]
    ends: list[int]
    kinds: list[str]

    def __len__(self) -> int:
        return len(self.starts)

    def _row(self, i: int) -> Sentence:
        s, e = self.starts[i], self.ends[i]
        return Sentence(self.doc_id, i, s, e, self.text[s:e], self.kinds[i])

    def __iter__(self) -> Iterator[Sentence]:
        text, doc_id = self.text, self.doc_id
        # Sentence objects without the frozen-dataclass __init__ (field dicts in field
        # order; tests/segment/test_sentences.py checks equality with Sentence(...))
        new, setattr_ = object.__new__, object.__setattr__
        for i, (s, e, k) in enumerate(zip(self.starts, self.ends, self.kinds, strict=True)):
            row = new(Sentence)
            setattr_(row, "__dict__", {"doc_id": doc_id, "index": i, "start": s, "end": e,
                                       "text": text[s:e], "kind": k})
            yield row

    def __repr__(self) -> str:
        return f"SentenceTable(doc_id={self.doc_id!r}, n_units={len(self)})"


def sentence_table(doc_id: str, text: str, lang: str) -> SentenceTable:
    """Split ``text`` into sentence-like units, as columns (see :class:`SentenceTable`).

    The same units, offsets and kinds as :func:`split_sentences` (one regex pass for
    Chinese; the paragraph loop for English), without building one object per unit.

    Parameters
    ----------
    doc_id : str
    text : str
        The original document text; offsets refer to it.
    lang : {"zh", "en"}

    Returns
    -------
    SentenceTable
        ``n_units`` rows; empty for empty or all-whitespace text.

    Raises
    ------
    ConfigError
        ``E301`` if ``lang`` is not ``zh`` or ``en``.
    """
    if lang == "zh":
        kinds_of = _KIND
        found = list(_ZH_UNIT_KIND.finditer(text))
        return SentenceTable(doc_id, text, [m.start() for m in found],
                             [m.end() for m in found], [kinds_of[m.lastgroup] for m in found])
    if lang == "en":
        return SentenceTable(doc_id, text, *_en_units(text))
    raise ConfigError("E301", f"sentence splitting: lang must be 'zh' or 'en', got '{lang}'")


def split_sentences(doc_id: str, text: str, lang: str) -> list[Sentence]:
    """Split ``text`` into sentence-like units (paragraphs, sentences, headings, items).

    Parameters
    ----------
    doc_id : str
        Copied into every :class:`~seclens.types.Sentence`.
    text : str
        The original document text; offsets refer to it.
    lang : {"zh", "en"}
        Splitting rules to apply (see the module docstring).

    Returns
    -------
    list of Sentence
        Ordered, non-overlapping units with ``text == original[start:end]``; whitespace
        around units excluded; ``index`` 0, 1, ... Empty or all-whitespace text gives ``[]``.

    Raises
    ------
    ConfigError
        ``E301`` if ``lang`` is not ``zh`` or ``en``.
    """
    return list(sentence_table(doc_id, text, lang))
