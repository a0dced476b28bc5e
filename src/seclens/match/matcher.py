"""Match stage: find lexicon terms in one document and emit KWIC evidence rows.

Two counting conventions (``docs/counting.md``):

``substring`` (the founding study's convention)
    Every occurrence of each term, overlapping compounds included: 国家安全 also counts
    as one 安全 (the occurrences of every term, found in one pass over the text, the
    same as a ``str.find`` loop per term). English: case-insensitive,
    whole words (the characters before and after the occurrence are not letters,
    digits or ``_``); words of a phrase may be separated by any run of horizontal
    whitespace (not a line break).
``token``
    A match is a token equal to the term. zh: jieba with the lexicon as user words, so
    国家安全 is one token and does **not** count as 安全. en: regex word tokens; a
    lexicon phrase is a run of consecutive tokens (separated by horizontal whitespace,
    or by exactly the phrase's own separator such as ``-``), taken greedily left to
    right, longest phrase first, and its tokens are not counted again (``national
    security`` does not also count as ``security``), as jieba does for Chinese.

The matcher is compiled once per (lexicon, sense rules, options) and holds no
per-corpus state: :meth:`Matcher.find` works on one document at a time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter, ge
from typing import Literal, Protocol

from seclens.errors import AnalysisError, ConfigError
from seclens.lexicon import NAME_SENSE, Lexicon, NameRule, SenseRules
from seclens.match.scan import WordScanner
from seclens.match.senses import SenseResolver, build_resolvers
from seclens.match.table import MatchTable
from seclens.normalize.join import JoinedText, join_gaps
from seclens.segment.sentences import SentenceTable
from seclens.segment.tokenize import RegexWordSegmenter, Segmenter, make_segmenter
from seclens.types import Document, LexiconEntry, Sentence

CONVENTIONS: tuple[str, ...] = ("substring", "token")
_WS = re.compile(r"\s+")
_HSPACE = r"[^\S\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+"
_EN_TOKEN_GAP = re.compile(_HSPACE)
_START = attrgetter("start")


class NormalizedTextLike(Protocol):
    """What the matcher needs from ``seclens.normalize.NormalizedText``."""

    @property
    def text(self) -> str: ...

    @property
    def original(self) -> str: ...

    def to_original(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class MatchOptions:
    """Options of the match stage.

    Attributes
    ----------
    convention : {"substring", "token"}
        Counting convention (see module docstring). Default ``substring``.
    context_chars : int
        KWIC context width on each side, in characters of the original text (>= 0).
    join_cjk_breaks : bool
        Chinese documents: match on the text with whitespace between two Han characters
        removed (``维护国家\n安全`` counts as 国家安全; :func:`seclens.normalize.join_cjk_breaks`),
        spans mapped back to the original. Default ``True``; ``False`` matches the text
        exactly as given.
    """

    convention: Literal["substring", "token"] = "substring"
    context_chars: int = 30
    join_cjk_breaks: bool = True

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ConfigError("E301", f"MatchOptions.convention must be one of "
                                      f"{list(CONVENTIONS)}, got '{self.convention}'")
        if (isinstance(self.context_chars, bool) or not isinstance(self.context_chars, int)
                or self.context_chars < 0):
            raise ConfigError("E301", "MatchOptions.context_chars must be an integer >= 0, "
                                      f"got {self.context_chars!r}")
        if not isinstance(self.join_cjk_breaks, bool):
            raise ConfigError("E301", "MatchOptions.join_cjk_breaks must be True or False, "
                                      f"got {self.join_cjk_breaks!r}")


@dataclass(frozen=True)
class _Chained:
    """A normalization of a normalization: ``outer`` was applied to ``inner.text``."""

    inner: NormalizedTextLike
    outer: NormalizedTextLike

    @property
    def text(self) -> str:
        return self.outer.text

    @property
    def original(self) -> str:
        return self.inner.original

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.inner.to_original(*self.outer.to_original(start, end))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_ASCII_BYTES = bytes(range(128))


def _lower_same_length(text: str) -> str:
    """``text.lower()``, except that characters whose lower case is longer (e.g. U+0130)
    are kept as they are, so that offsets are unchanged.

    Fast path for text whose non-ASCII characters are all unchanged by ``str.lower``
    (curly quotes, dashes, CJK ...: the usual English document): only ASCII letters
    change, and ``bytes.lower`` of the UTF-8 encoding lowers exactly those (multi-byte
    sequences have no ASCII bytes), several times faster than ``str.lower`` of a
    non-ASCII string. Whether the non-ASCII characters are unchanged is checked on
    them alone (their UTF-8 bytes with the ASCII bytes deleted): lower-casing is per
    character except for the final-sigma rule, and Σ itself changes, so the check
    fails whenever it could matter.
    """
    if not text.isascii():
        data = text.encode("utf-8", "surrogatepass")
        rest = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        if rest.lower() == rest:
            return data.lower().decode("utf-8", "surrogatepass")
    low = text.lower()
    if len(low) == len(text):
        return low
    # rare characters whose lower case is longer (e.g. U+0130): keep them as they are
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _collapse(s: str) -> str:
    """Collapse every whitespace run to one space (fast path when there is none)."""
    # str.isprintable() is False for every whitespace character except the ASCII space,
    # so a printable string without a double space is already collapsed
    if s.isprintable() and "  " not in s:
        return s
    parts = s.split()
    if not parts:
        return " " if s else ""
    core = " ".join(parts)
    if s[0].isspace():
        core = " " + core
    if s[-1].isspace():
        core += " "
    return core


@dataclass(frozen=True)
class _Term:
    entry: LexiconEntry
    order: int
    resolver: SenseResolver | None
    phrase: re.Pattern[str] | None  # en phrases (substring convention)
    #: (term, entry_id, category, sector): the entry's columns of a match row
    fields: tuple[str, str, str, str] = ("", "", "", "")


_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")


def _by_previous_word(phrases: list[tuple[_Term, list[str]]]
                      ) -> tuple[int, dict[str, list[tuple[_Term, list[str]]]]]:
    """Phrases sharing a last word, keyed by the last ``k`` characters of the word before
    it (``k`` = the shortest such word's length), in phrase order."""
    k = min(len(words[-2]) for _, words in phrases)
    table: dict[str, list[tuple[_Term, list[str]]]] = {}
    for t, words in phrases:
        table.setdefault(words[-2][len(words[-2]) - k:], []).append((t, words))
    return k, table


def _phrase_spans_from_last_word(low: str, phrases: list[tuple[_Term, list[str]]],
                                 last_hits: list[int],
                                 append: Callable[[tuple[int, int, int, _Term]], None],
                                 by_previous: tuple[int, dict[str, list[tuple[_Term, list[str]]]]]
                                 | None = None) -> None:
    """English phrase occurrences from the raw occurrences of their common last word.

    For each occurrence of the last word (checked once for the whole-word rule at its
    end), walks back over the run of horizontal whitespace before it, then, for each
    phrase, over the preceding words in the same way; finally checks the whole-word
    rule at the phrase start. Same result as the phrase regex (tested). With
    ``by_previous`` (from :func:`_by_previous_word`) only the phrases whose word before
    the last one can end there are tried.
    """
    k, table = by_previous if by_previous is not None else _by_previous_word(phrases)
    get = table.get
    size = len(low)
    n_last = len(phrases[0][1][-1])
    last_w = _is_word(phrases[0][1][-1][-1])
    endswith = low.endswith
    breaks = _LINE_BREAKS
    for i in last_hits:
        end = i + n_last
        if last_w and end < size and (low[end].isalnum() or low[end] == "_"):
            continue
        j0 = i
        while j0 > 0 and low[j0 - 1].isspace() and low[j0 - 1] not in breaks:
            j0 -= 1
        if j0 == i:
            continue  # no space before the last word: no phrase ends here
        for t, words in get(low[j0 - k:j0] if j0 >= k else "", ()):
            pos, j = i, j0
            for w in reversed(words[:-1]):
                if j == pos or not endswith(w, 0, j):
                    break
                pos = j - len(w)
                j = pos
                while j > 0 and low[j - 1].isspace() and low[j - 1] not in breaks:
                    j -= 1
            else:
                if not (pos > 0 and _is_word(words[0][0]) and _is_word(low[pos - 1])):
                    append((pos, end, t.order, t))


def _scan_plan(terms: list[_Term]) -> list[tuple[_Term, int, int]]:
    """Order plain terms so that each can reuse the hits of a contained shorter term.

    Returns ``(term, base, offset)`` triples, shortest terms first; ``base`` is the
    index (in the plan) of the longest shorter term contained in this one (``-1``: scan
    the text), ``offset`` its position inside the term.
    """
    plain = sorted((t for t in terms if t.phrase is None),
                   key=lambda t: (len(t.entry.term), t.order))
    plan: list[tuple[_Term, int, int]] = []
    for t in plain:
        term = t.entry.term
        base, off, best = -1, 0, 0
        for k, (u, _, _) in enumerate(plan):
            sub = u.entry.term
            if len(sub) > best and len(sub) < len(term) and sub in term:
                base, off, best = k, term.index(sub), len(sub)
        plan.append((t, base, off))
    return plan


#: Longest whitespace run that a space of a proper name matches (a line break plus
#: indentation); bounds the text around a match that can hold a name containing it.
MAX_NAME_GAP = 8


@dataclass(frozen=True)
class _NameProgram:
    """Compiled proper names of one language (see :func:`_name_program`)."""

    regex: re.Pattern[str]
    ids: Mapping[str, str]
    #: exact-case text a lexicon match must have to lie inside some name
    forms: frozenset[str]
    #: longest possible occurrence of a name (characters)
    reach: int
    #: first characters of ``forms``
    leads: frozenset[str] = frozenset()


def _name_program(names: Sequence[NameRule], terms: Sequence[str], lang: str
                  ) -> _NameProgram | None:
    """One case-sensitive regex for the proper names of a language, and name → rule id.

    Longest names first (the longest name starting at a position wins); each space of a
    name matches a whitespace run of 1 to :data:`MAX_NAME_GAP` characters; the name
    stands as whole words. ``forms``: for every lexicon term occurring in a name (in
    English case-insensitively and as a whole word: English matches are whole words),
    the exact text of that part of the name; a match whose
    text is none of these cannot lie inside a name, so the text is searched for names
    only around the others. ``None`` without names. A name occurring twice in the rules
    keeps its first rule id.
    """
    if not names:
        return None
    ids: dict[str, str] = {}
    for n in names:
        ids.setdefault(n.pattern, n.rule_id)
    alts = sorted(ids, key=lambda x: (-len(x), x))
    gap = rf"\s{{1,{MAX_NAME_GAP}}}"
    body = "|".join(gap.join(re.escape(w) for w in x.split(" ")) for x in alts)
    forms: set[str] = set()
    for x in alts:
        folded = x.lower() if lang == "en" else x
        for t in terms:
            i = folded.find(t)
            while i >= 0:
                j = i + len(t)
                # English matches are whole words (both conventions), so only a whole-word
                # occurrence inside the name can be one (security in Cybersecurity cannot)
                if lang != "en" or not ((i > 0 and _is_word(x[i - 1]) and _is_word(t[0]))
                                        or (j < len(x) and _is_word(x[j])
                                            and _is_word(t[-1]))):
                    forms.add(x[i:j])
                i = folded.find(t, i + 1)
    reach = max(len(x) + (MAX_NAME_GAP - 1) * x.count(" ") for x in alts)
    # no look-behind at the start: the regex engine can then skip quickly to the
    # possible first characters; the whole-word check at the start is done by the caller
    return _NameProgram(re.compile(rf"(?:{body})(?!\w)"), ids, frozenset(forms), reach,
                        frozenset(f[0] for f in forms if f))


def _name_spans(program: _NameProgram, text: str, spans: Sequence[tuple[int, int, int, _Term]]
                ) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and rule ids of the proper-name occurrences that may hold a match.

    Only the text within ``program.reach`` characters of a match whose text is one of
    ``program.forms`` is searched (windows merged); the result is the same as searching
    the whole text for the names containing a match.
    """
    forms = program.forms
    leads = program.leads
    size = len(text)
    reach = program.reach
    windows: list[list[int]] = []
    for s, e, _, _ in spans:
        # a match that is a form, or collapses to one, starts with a form's first
        # character or with whitespace (spans are never empty)
        c = text[s]
        if c not in leads and not c.isspace():
            continue
        piece = text[s:e]
        if piece in forms or ((not piece.isprintable() or "  " in piece)
                              and " ".join(piece.split()) in forms):
            a, b = max(0, s - reach), min(size, e + reach)
            if windows and a <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], b)
            else:
                windows.append([a, b])
    starts: list[int] = []
    ends: list[int] = []
    rule_ids: list[str] = []
    search = program.regex.search
    ids = program.ids
    last = 0
    for a, b in windows:
        # one character beyond the window: the whole-word check at a name's end sees it
        endpos = min(size, b + 1)
        m = search(text, max(a, last), endpos)
        while m is not None:
            i = m.start()
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
                m = search(text, i + 1, endpos)  # not at a word start: look again
                continue
            starts.append(i)
            ends.append(m.end())
            found = m.group()
            rule_ids.append(ids[found] if found in ids else ids[" ".join(found.split())])
            last = m.end()
            m = search(text, last, endpos)
    return starts, ends, rule_ids


def _can_overlap(a: str, b: str) -> bool:
    """True if an occurrence of ``a`` can overlap a later occurrence of ``b``."""
    return any(a[-k:] == b[:k] for k in range(1, min(len(a), len(b))))


def _find_loops(text: str, needles: Sequence[tuple[str, tuple[str, ...]]]
                ) -> dict[str, list[int]]:
    """What :meth:`WordScanner.hits` finds, by one ``str.find`` loop per needle prefix."""
    hits_of: dict[str, list[int]] = {}
    find = text.find
    startswith = text.startswith
    for key, words in needles:
        hits = []
        i = find(key)
        while i >= 0:
            hits.append(i)
            i = find(key, i + 1)
        for w in words:
            hits_of[w] = hits if w == key else [i for i in hits if startswith(w, i)]
    return hits_of


@dataclass(frozen=True)
class _ScanProgram:
    """How :meth:`Matcher._substring_spans` finds the raw hits of every planned term.

    Attributes
    ----------
    regex : re.Pattern or None
        Alternation of the scanned terms when one ``finditer`` pass finds all their
        occurrences: none contains another (guaranteed by the plan) and no two of them,
        or two occurrences of one, can overlap. ``None``: ``str.find`` loops.
    scanned : tuple of (term, plan indexes)
        Terms located in the text itself (duplicate terms share their hits).
    derived : tuple of (base index, offset, length, {text: plan indexes})
        Terms found among the hits of a contained shorter term: at each base hit ``i``
        the text ``text[i - offset : i - offset + length]`` names the terms that occur
        there. Ordered by length, so every base is complete before it is used.
    needles : tuple of (prefix, words)
        Without the regex: the scanned terms and the first words of English phrases
        that are found from their first word, located by one ``str.find`` loop per
        shared prefix (see :func:`_needle_groups`) when ``scanner`` cannot be used.
    scanner : WordScanner or None
        The words of ``needles`` in one Aho–Corasick pass (``None`` without words).
    """

    regex: re.Pattern[str] | None
    scanned: tuple[tuple[str, tuple[int, ...]], ...]
    derived: tuple[tuple[int, int, int, Mapping[str, tuple[int, ...]]], ...]
    needles: tuple[tuple[str, tuple[str, ...]], ...]
    #: ``scanned`` as a mapping: term -> plan indexes
    scanned_at: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    scanner: WordScanner | None = None


def _needle_groups(words: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Words grouped by their first four characters, each group with its common prefix.

    One ``str.find`` loop over the text per group locates the common prefix (overlapping
    occurrences included); each word's occurrences are the prefix hits where the text
    continues with the word (e.g. *secur* for *secure* and *security*).
    """
    by_start: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        by_start.setdefault(w[:4], []).append(w)
    groups = []
    for ws in by_start.values():
        a, b = min(ws), max(ws)  # the common prefix of all is that of the extremes
        n = 0
        while n < len(a) and a[n] == b[n]:
            n += 1
        groups.append((a[:n], tuple(ws)))
    return tuple(groups)


def _scan_program(plan: list[tuple[_Term, int, int]], lang: str,
                  heads: Sequence[str] = ()) -> _ScanProgram:
    """Compile a scan plan (see :func:`_scan_plan`) into a :class:`_ScanProgram`.

    The single regex pass is used for Chinese only: with its large alphabet the
    regex engine skips to the few candidate characters quickly, while for English
    ``str.find`` loops are faster than a regex whose first letters are most letters.
    """
    scanned: dict[str, list[int]] = {}
    groups: dict[tuple[int, int, int], dict[str, list[int]]] = {}
    for k, (t, base, off) in enumerate(plan):
        term = t.entry.term
        if base < 0:
            scanned.setdefault(term, []).append(k)
        else:
            groups.setdefault((base, off, len(term)), {}).setdefault(term, []).append(k)
    terms = list(scanned)
    regex = None
    if lang == "zh" and terms and all(terms) and not any(
            _can_overlap(a, b) for a in terms for b in terms):
        ordered = sorted(terms, key=lambda x: (-len(x), x))
        regex = re.compile("|".join(re.escape(x) for x in ordered))
    derived = tuple((base, off, length, {x: tuple(ks) for x, ks in table.items()})
                    for (base, off, length), table in sorted(groups.items(),
                                                             key=lambda g: (g[0][2], g[0])))
    needles = _needle_groups([*terms, *heads]) if regex is None else _needle_groups(list(heads))
    words = [w for _, ws in needles for w in ws]
    return _ScanProgram(regex=regex, scanned=tuple((x, tuple(ks)) for x, ks in scanned.items()),
                        derived=derived, needles=needles,
                        scanned_at={x: tuple(ks) for x, ks in scanned.items()},
                        scanner=WordScanner(words) if words and all(words) else None)


class Matcher:
    """Compiled lexicon + sense rules for one counting convention.

    Build with :func:`compile_matcher`. Attributes ``lexicon``, ``sense_rules``,
    ``options`` are kept for provenance; ``segmenter_name``/``segmenter_version``
    describe the token segmenter (``"str.find"`` for the substring convention).
    """

    def __init__(self, lexicon: Lexicon, sense_rules: SenseRules, options: MatchOptions) -> None:
        self.lexicon = lexicon
        self.sense_rules = sense_rules
        self.options = options
        resolvers = build_resolvers(sense_rules)
        self._terms: dict[str, list[_Term]] = {"zh": [], "en": []}
        #: (term, entry_id, category, sector) of every entry, in lexicon order: what the
        #: ``entry`` column of a MatchTable points into
        self._entry_fields: tuple[tuple[str, str, str, str], ...] = tuple(
            (e.term, e.entry_id, e.category, e.sector) for e in lexicon.entries)
        for i, e in enumerate(lexicon.entries):
            phrase = None
            if e.lang == "en" and " " in e.term:
                phrase = re.compile(_HSPACE.join(re.escape(w) for w in e.term.split(" ")))
            self._terms[e.lang].append(
                _Term(entry=e, order=i, resolver=resolvers.get((e.lang, e.term)), phrase=phrase,
                      fields=(e.term, e.entry_id, e.category, e.sector)))
        self._plans = {lang: _scan_plan(terms) for lang, terms in self._terms.items()}
        # English phrases grouped by the plan index of their last word (when that word
        # is itself a lexicon term); the others are found from their first word
        index = {t.entry.term: k for k, (t, _, _) in enumerate(self._plans["en"])}
        self._phrase_groups: dict[int, list[tuple[_Term, list[str]]]] = {}
        self._phrase_fallback: list[_Term] = []
        for t in self._terms["en"]:
            if t.phrase is None:
                continue
            words = t.entry.term.split(" ")
            k = index.get(words[-1], -1)
            if k >= 0:
                self._phrase_groups.setdefault(k, []).append((t, words))
            else:
                self._phrase_fallback.append(t)
        self._by_previous = {k: _by_previous_word(phrases)
                             for k, phrases in self._phrase_groups.items()}
        heads = [t.entry.term.split(" ", 1)[0] for t in self._phrase_fallback]
        self._programs = {lang: _scan_program(plan, lang, heads if lang == "en" else [])
                          for lang, plan in self._plans.items()}
        self._segmenters: dict[str, Segmenter] = {}
        self._names = {lang: _name_program([n for n in sense_rules.names if n.lang == lang],
                                           [t.entry.term for t in terms], lang)
                       for lang, terms in self._terms.items()}

    # ------------------------------------------------------------------ provenance
    @property
    def segmenter_name(self) -> str:
        """``str.find`` (substring) or the token segmenters' names."""
        if self.options.convention == "substring":
            return "str.find"
        return "zh:jieba.v1;en:regex-words.v1"

    @property
    def segmenter_version(self) -> str:
        """Version of jieba used by the token convention ("" for substring)."""
        if self.options.convention == "substring":
            return ""
        return self._segmenter("zh").version

    def _segmenter(self, lang: str) -> Segmenter:
        seg = self._segmenters.get(lang)
        if seg is None:
            seg = make_segmenter(lang, [t.entry for t in self._terms.get(lang, [])])
            self._segmenters[lang] = seg
        return seg

    # ------------------------------------------------------------------ diagnostics
    def unmatchable(self) -> list[tuple[LexiconEntry, str]]:
        """Entries that can never match under this convention, with the reason.

        ``token``: a Chinese term is unmatchable when the segmenter, given the term
        alone, does not return it as one token; an English term when its word tokens
        do not cover it from its first to its last character. ``substring``: an English
        term that starts or ends with a non-word character next to which the whole-word
        rule can still match is fine, so only terms without any letter/digit are reported.
        """
        out: list[tuple[LexiconEntry, str]] = []
        for lang in ("zh", "en"):
            for t in self._terms[lang]:
                term = t.entry.term
                if self.options.convention == "substring":
                    if not any(_is_word(c) for c in term) and lang == "en":
                        out.append((t.entry, "English term has no letter or digit"))
                    continue
                toks = self._segmenter(lang).tokenize(term)
                if lang == "zh":
                    if [w for w, _, _ in toks] != [term]:
                        shown = "/".join(w for w, _, _ in toks)
                        out.append((t.entry, f"jieba segments '{term}' as '{shown}' even with "
                                             "the lexicon as user dictionary"))
                elif not toks or toks[0][1] != 0 or toks[-1][2] != len(term):
                    out.append((t.entry, f"'{term}' begins or ends with a character that no "
                                         "word token includes"))
        return out

    # ------------------------------------------------------------------ matching
    def find(self, document: Document, sentences: Sequence[Sentence],
             analysis_text: NormalizedTextLike | None = None) -> MatchTable:
        """All matches of the lexicon's terms of the document's language, as KWIC rows.

        Parameters
        ----------
        document : Document
            ``document.meta.language`` selects the entries (``zh`` or ``en``).
        sentences : sequence of Sentence
            The document's units (from :func:`seclens.segment.split_sentences`), used
            to give each match its ``sentence_index`` (located by ``bisect``).
        analysis_text : NormalizedText, optional
            A normalized version of ``document.text``; matching and sense rules run on
            ``analysis_text.text`` and spans are mapped back with ``to_original``.
            Chinese with ``options.join_cjk_breaks`` (default): whitespace between two
            Han characters of that text is removed before matching (see
            :func:`seclens.normalize.join_cjk_breaks`), so ``matched_text`` (the exact
            original span) may contain a line break while ``term`` is what was counted.

        Returns
        -------
        MatchTable
            The KWIC rows as columns (a sequence of :class:`~seclens.types.Match`),
            sorted by (start, end, lexicon order). Offsets refer to ``document.text``;
            ``matched_text == document.text[start:end]``; ``left``/``right`` are
            ``context_chars`` characters of the original text, whitespace collapsed.

        Raises
        ------
        AnalysisError
            ``E302`` the document language has no lexicon terms (not ``zh``/``en``);
            ``E304`` ``analysis_text`` belongs to another text or maps outside it;
            ``E305`` a match lies outside every given sentence.
        """
        lang = document.meta.language
        if lang not in self._terms:
            raise AnalysisError("E302", f"document '{document.doc_id}': language '{lang}' is "
                                        "not supported (zh or en)")
        original = document.text
        if analysis_text is not None and analysis_text.original is not original \
                and analysis_text.original != original:
            raise AnalysisError("E304", f"document '{document.doc_id}': analysis_text is the "
                                        "normalization of a different text")
        if lang == "zh" and self.options.join_cjk_breaks:
            joined = join_gaps(original if analysis_text is None else analysis_text.text)
            if joined.gaps:  # something was joined
                analysis_text = joined if analysis_text is None else _Chained(analysis_text,
                                                                               joined)
        atext = original if analysis_text is None else analysis_text.text
        # sense rules for English compare lower-cased windows: lower the text once
        stext = atext if lang == "zh" else _lower_same_length(atext)
        if self.options.convention == "substring":
            spans = self._substring_spans(stext, lang)
        else:
            spans = self._token_spans(atext, lang)
        return self._to_matches(document, sentences, stext, analysis_text, spans)

    def _substring_spans(self, text: str, lang: str) -> list[tuple[int, int, int, _Term]]:
        """Occurrences of every term (``text`` already lower-cased for English).

        Plain terms are located in one Aho–Corasick pass over the text (see
        :class:`WordScanner`; ``str.find`` loops for a text with lone surrogates;
        Chinese: one regex pass, see :class:`_ScanProgram`), except a term that contains a shorter
        lexicon term (its *base*, e.g. 国家安全 ⊃ 安全): its occurrences are exactly the
        base occurrences at the right offset where the text continues with the term, so
        it needs no scan of its own (one slice and dictionary look-up per base hit for
        all the terms sharing that base, offset and length).
        """
        spans: list[tuple[int, int, int, _Term]] = []
        append = spans.append
        size = len(text)
        plan = self._plans[lang]
        program = self._programs[lang]
        # hits per plan index; the work per document is proportional to the terms that
        # occur (an index with no hit is never visited below)
        none: list[int] = []  # (never appended to: a derived term's first hit replaces it)
        raw: list[list[int]] = [none] * len(plan)
        if program.regex is not None:
            found: dict[str, list[int]] = {}
            for m in program.regex.finditer(text):
                hit = found.get(m.group())
                if hit is None:
                    found[m.group()] = [m.start()]
                else:
                    hit.append(m.start())
            scanned_at = program.scanned_at
            for term, hits in found.items():
                for k in scanned_at[term]:
                    raw[k] = hits
        found_words = program.scanner.hits(text) if program.scanner is not None else None
        hits_of = found_words if found_words is not None else _find_loops(text, program.needles)
        if program.regex is None:
            for term, ks in program.scanned:
                for k in ks:
                    raw[k] = hits_of[term]
        for base, off, length, table in program.derived:
            base_hits = raw[base]
            if not base_hits:
                continue
            get = table.get
            for i in base_hits:
                j = i - off
                if j >= 0:
                    named = get(text[j:j + length])
                    if named is not None:
                        for k in named:
                            if raw[k] is none:
                                raw[k] = [j]
                            else:
                                raw[k].append(j)
        for k, hits in enumerate(raw):
            if not hits:
                continue
            t = plan[k][0]
            term = t.entry.term
            n, o = len(term), t.order
            if lang == "zh":
                spans += [(i, i + n, o, t) for i in hits]
                continue
            first_w, last_w = _is_word(term[0]), _is_word(term[-1])
            for i in hits:
                if first_w and i > 0:
                    c = text[i - 1]
                    if c.isalnum() or c == "_":
                        continue
                if last_w and i + n < size:
                    c = text[i + n]
                    if c.isalnum() or c == "_":
                        continue
                append((i, i + n, o, t))
        if lang == "en":
            for k, phrases in self._phrase_groups.items():
                _phrase_spans_from_last_word(text, phrases, raw[k], append,
                                             self._by_previous[k])
            for t in self._phrase_fallback:
                self._phrase_spans(text, t, append, hits_of[t.entry.term.split(" ", 1)[0]])
        return spans

    @staticmethod
    def _phrase_spans(low: str, t: _Term, append: Callable[[tuple[int, int, int, _Term]], None],
                      head_hits: list[int]) -> None:
        """English phrases: at each occurrence of the first word, match the whole phrase."""
        assert t.phrase is not None
        term = t.entry.term
        size = len(low)
        first_w, last_w = _is_word(term[0]), _is_word(term[-1])
        pmatch = t.phrase.match
        for i in head_hits:
            if not (first_w and i > 0 and _is_word(low[i - 1])):
                m = pmatch(low, i)
                if m is not None:
                    e = m.end()
                    if not (last_w and e < size and _is_word(low[e])):
                        append((i, e, t.order, t))

    def _token_spans(self, text: str, lang: str) -> list[tuple[int, int, int, _Term]]:
        spans: list[tuple[int, int, int, _Term]] = []
        tokens = self._segmenter(lang).tokenize(text)
        if lang == "zh":
            by_term = {t.entry.term: t for t in self._terms["zh"]}
            for w, s, e in tokens:
                hit = by_term.get(w)
                if hit is not None:
                    spans.append((s, e, hit.order, hit))
            return spans
        en_seg = RegexWordSegmenter()
        # phrase -> (word tokens of the term, gaps between them)
        starts: dict[str, list[tuple[list[str], list[str], _Term]]] = {}
        for t in self._terms["en"]:
            tt = en_seg.tokenize(t.entry.term)
            if not tt or tt[0][1] != 0 or tt[-1][2] != len(t.entry.term):
                continue  # reported by unmatchable()
            words = [w for w, _, _ in tt]
            gaps = [t.entry.term[a[2]:b[1]] for a, b in pairwise(tt)]
            starts.setdefault(words[0], []).append((words, gaps, t))
        for cands in starts.values():  # longest phrase first (multiword units win)
            cands.sort(key=lambda c: (-len(c[0]), c[2].order))
        low = [w.lower() for w, _, _ in tokens]
        k, n_tok = 0, len(tokens)
        while k < n_tok:
            step = 1
            for words, gaps, t in starts.get(low[k], ()):
                last = k + len(words) - 1
                if last >= n_tok or low[k:last + 1] != words:
                    continue
                ok = True
                for j, gap in enumerate(gaps):
                    real = text[tokens[k + j][2]:tokens[k + j + 1][1]]
                    if gap.isspace():
                        ok = _EN_TOKEN_GAP.fullmatch(real) is not None
                    else:
                        ok = real.lower() == gap
                    if not ok:
                        break
                if ok:
                    spans.append((tokens[k][1], tokens[last][2], t.order, t))
                    step = len(words)
                    break
            k += step
        return spans

    def _to_matches(self, document: Document, sentences: Sequence[Sentence], atext: str,
                    analysis_text: NormalizedTextLike | None,
                    spans: list[tuple[int, int, int, _Term]]) -> MatchTable:
        original = document.text
        size = len(original)
        doc_id = document.doc_id
        if isinstance(sentences, SentenceTable):
            starts, ends = sentences.starts, sentences.ends
            indexes: list[int] | None = None  # a unit's index is its position
        else:
            starts = list(map(_START, sentences))
            if starts != sorted(starts):
                sentences = sorted(sentences, key=_START)
                starts = list(map(_START, sentences))
            ends = [u.end for u in sentences]
            indexes = [u.index for u in sentences]
        names = self._names.get(document.meta.language)
        spans.sort()  # (start, end, lexicon order) are unique: _Term is never compared
        nstarts: list[int] = []
        nends: list[int] = []
        nids: list[str] = []
        if names is not None and spans:
            # proper names are matched case-sensitively on the analysis text (not lowered)
            ntext = original if analysis_text is None else analysis_text.text
            nstarts, nends, nids = _name_spans(names, ntext, spans)
        # columns (comprehensions: no object per row; see seclens.match.table)
        if analysis_text is None:
            ostart = [sp[0] for sp in spans]
            oend = [sp[1] for sp in spans]
        elif isinstance(analysis_text, JoinedText):
            ostart, oend = analysis_text.spans_to_original([sp[0] for sp in spans],
                                                           [sp[1] for sp in spans])
        else:
            to_original = analysis_text.to_original
            mapped = [to_original(sp[0], sp[1]) for sp in spans]
            ostart = [m[0] for m in mapped]
            oend = [m[1] for m in mapped]
            for (s, e, _, _), os_, oe in zip(spans, ostart, oend, strict=True):
                if not 0 <= os_ <= oe <= size:
                    raise AnalysisError("E304", f"document '{doc_id}': analysis span {s}-{e} "
                                                f"maps to {os_}-{oe}, outside the original text")
        unit = [bisect_right(starts, os_) - 1 for os_ in ostart]
        n_units = len(ends)
        # k < n_units always (bisect_right); k < 0 only before the first unit
        if unit and (min(unit) < 0 or any(map(ge, ostart, map(ends.__getitem__, unit)))):
            for k, os_, oe, sp in zip(unit, ostart, oend, spans, strict=True):
                if k < 0 or k >= n_units or os_ >= ends[k]:
                    raise AnalysisError("E305", f"document '{doc_id}': match "
                                                f"'{sp[3].entry.term}' at {os_}-{oe} lies "
                                                "outside every given sentence (sentences of "
                                                "another text?)")
        sense: list[str] = []
        rule: list[str] = []
        add_sense, add_rule = sense.append, rule.append
        for s, e, _, t in spans:
            if nstarts:
                j = bisect_right(nstarts, s) - 1
                if j >= 0 and e <= nends[j]:  # inside a proper name (names do not overlap)
                    add_sense(NAME_SENSE)
                    add_rule(nids[j])
                    continue
            resolver = t.resolver
            if resolver is None:
                add_sense("not_applicable")
                add_rule("")
            else:
                dec = resolver.decide(atext, s)
                add_sense(dec.sense)
                add_rule(dec.rule)
        ctx = self.options.context_chars
        if ctx:
            collapse = _collapse
            left = [original[os_ - ctx if os_ > ctx else 0:os_] for os_ in ostart]
            left = [x if x.isprintable() and "  " not in x else collapse(x) for x in left]
            right = [original[oe:oe + ctx] for oe in oend]
            right = [x if x.isprintable() and "  " not in x else collapse(x) for x in right]
        else:
            left = right = [""] * len(spans)
        return MatchTable(
            doc_id=doc_id, convention=self.options.convention, entries=self._entry_fields,
            entry=[sp[2] for sp in spans],
            sentence_index=unit if indexes is None else [indexes[k] for k in unit],
            start=ostart, end=oend,
            matched_text=[original[a:b] for a, b in zip(ostart, oend, strict=True)],
            sense=sense, sense_rule=rule, left=left, right=right)


def compile_matcher(lexicon: Lexicon, sense_rules: SenseRules,
                    options: MatchOptions | None = None) -> Matcher:
    """Compile a lexicon and sense rules into a :class:`Matcher`.

    Parameters
    ----------
    lexicon : Lexicon
        From :func:`seclens.lexicon.load_lexicon` / :func:`~seclens.lexicon.combine`.
    sense_rules : SenseRules
        From :func:`seclens.lexicon.load_sense_rules`. Entries whose term is a rule
        anchor (安全; security, safety, secure, safe) get a sense; others
        ``not_applicable``.
    options : MatchOptions, optional
        Convention and KWIC width; default ``MatchOptions()`` (substring, 30 chars).

    Returns
    -------
    Matcher
        Holds no per-document or per-corpus state (the token convention's jieba
        instance is built lazily on first use and reused).
    """
    return Matcher(lexicon, sense_rules, options if options is not None else MatchOptions())
