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

from seclens.errors import ConfigError
from seclens.types import Sentence

_PARA = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")
_CLOSERS = "」”’）』》】〕\"')\\]"
_ZH_END = re.compile(rf"[。！？!?｡]+[{_CLOSERS}]*")
_EN_END = re.compile(rf"[.!?]+[{_CLOSERS}]*(?=\s+[A-Z\"“‘'(])")

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


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without surrounding whitespace (``str.isspace``)."""
    piece = text[start:end]
    core = piece.lstrip()
    if not core:
        return end, end
    start += len(piece) - len(core)
    return start, start + len(core.rstrip())


def _en_is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    """True if the '.' at ``dot`` closes an abbreviation or a single initial."""
    i = dot
    while i > para_start and not text[i - 1].isspace() and text[i - 1] not in "(\"“‘'":
        i -= 1
    word = text[i:dot + 1].lower()
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


def _marker(text: str, pos: int, end: int, lang: str) -> tuple[str, int]:
    """Return (kind, marker end) when a numbering marker starts at ``pos``."""
    if text[pos] not in _MARKER_FIRST[lang]:
        return "", pos
    m = _MARKERS[lang].match(text, pos, end)
    if m is None:
        return "", pos
    return ("heading" if m.group("heading") is not None else "item"), m.end()


def _split_paragraph(text: str, start: int, end: int, lang: str) -> list[tuple[int, int, str]]:
    start, end = _strip_span(text, start, end)
    if start >= end:
        return []
    kind, search_from = _marker(text, start, end, lang)
    cuts: list[int] = []
    if lang == "zh":
        cuts = [m.end() for m in _ZH_END.finditer(text, search_from, end)]
    else:
        for m in _EN_END.finditer(text, search_from, end):
            last = m.group().rstrip(_CLOSERS)
            if last.endswith(".") and _en_is_abbreviation(text, m.start() + len(last) - 1, start):
                continue
            cuts.append(m.end())
    units: list[tuple[int, int, str]] = []
    prev = start
    for cut in [*cuts, end]:
        s, e = _strip_span(text, prev, cut)
        prev = cut
        if s < e:
            if units:
                kind = _marker(text, s, e, lang)[0]
            units.append((s, e, kind or "sentence"))
    return units


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
    if lang not in ("zh", "en"):
        raise ConfigError("E301", f"split_sentences(): lang must be 'zh' or 'en', got '{lang}'")
    out: list[Sentence] = []
    append = out.append
    new = object.__new__
    for para in _PARA.finditer(text):
        for s, e, kind in _split_paragraph(text, para.start(), para.end(), lang):
            # same as Sentence(...) without the frozen-dataclass __init__ (hot path;
            # tests/segment/test_sentences.py checks the equivalence)
            unit = new(Sentence)
            unit.__dict__.update({"doc_id": doc_id, "index": len(out), "start": s, "end": e,
                                  "text": text[s:e], "kind": kind})
            append(unit)
    return out
