"""Ingest stage: metadata inferred from the text when a document has no manifest row.

- :func:`detect_language`: ``zh`` / ``en`` / ``other`` from the share of CJK characters.
- :func:`find_doc_number`: a Chinese document number (发文字号) in the title or on a line
  of its own among the first lines (not a citation inside a sentence).
- :class:`PrefixTable`: issuing-office prefixes → administrative level, loaded from the
  data file ``seclens/data/sources/issuer_prefixes.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from seclens.errors import IngestError
from seclens.ingest.codes import E_DATA

LEVELS = frozenset({"central", "provincial", "municipal", "county", "foreign", "unknown"})
LANGUAGES = frozenset({"zh", "en", "other"})

#: Minimum share of CJK ideographs among letters for ``zh``.
CJK_SHARE_ZH = 0.2
#: Minimum share of English function words among Latin words for ``en``.
EN_FUNCTION_SHARE = 0.08
#: Below this many Latin words a Latin-script text is taken as English without the test.
EN_MIN_WORDS = 20
#: Lines inspected for a document number (after the title).
DOC_NUMBER_LINES = 8

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# Frequent English function words (a language-ID heuristic, not a lexicon of the method).
_EN_FUNCTION = frozenset("the of and to in a is for that on with by be as are this".split())
_DOC_NUMBER = re.compile(
    r"(?P<office>[\u4e00-\u9fff]{1,10})\s*[〔\[［（(【]\s*(?P<year>\d{4})\s*[〕\]］）)】]"
    r"\s*(?P<serial>\d{1,4})\s*号"
)
_OWN_LINE_RESIDUE = re.compile(r"^[\s（()）【】\[\]：:]*$")


def detect_language(text: str) -> str:
    """Language of a text: ``zh``, ``en`` or ``other``.

    ``zh`` when CJK ideographs make up at least :data:`CJK_SHARE_ZH` of all letters;
    ``en`` when Latin letters dominate and at least :data:`EN_FUNCTION_SHARE` of the
    Latin words are frequent English function words (texts under :data:`EN_MIN_WORDS`
    Latin words count as ``en`` without this test); ``other`` otherwise (also for a
    text without letters).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    cjk = len(_CJK.findall(text))
    words = _LATIN_WORD.findall(text)
    latin = sum(len(word) for word in words)
    letters = cjk + latin
    if letters == 0:
        return "other"
    if cjk / letters >= CJK_SHARE_ZH:
        return "zh"
    if latin / letters <= 0.5:
        return "other"
    if len(words) < EN_MIN_WORDS:
        return "en"  # too short to judge; in scope, Latin-script policy texts are English
    function_words = sum(1 for word in words if word.lower() in _EN_FUNCTION)
    return "en" if function_words / len(words) >= EN_FUNCTION_SHARE else "other"


@dataclass(frozen=True)
class DocNumber:
    """A document number found in a document.

    Attributes
    ----------
    text : str
        As printed, e.g. ``国发〔2017〕35号``.
    office : str
        The issuing-office code before the year, e.g. ``国发``.
    year : str
        Four digits.
    """

    text: str
    office: str
    year: str


def find_doc_number(title: str, text: str, *, lines: int = DOC_NUMBER_LINES) -> DocNumber | None:
    """Find the document's own number in its title or first lines.

    Only a number in the title or standing on a line of its own (optionally in
    brackets) counts: numbers cited inside sentences refer to other documents.

    Parameters
    ----------
    title : str
    text : str
        Document body.
    lines : int
        Number of non-empty lines inspected.

    Returns
    -------
    DocNumber or None
    """
    candidates = [title] if title else []
    candidates += [line for line in text.splitlines() if line.strip()][:lines]
    for position, line in enumerate(candidates):
        for found in _DOC_NUMBER.finditer(line):
            residue = line[: found.start()] + line[found.end() :]
            in_title = position == 0 and bool(title)
            if in_title or _OWN_LINE_RESIDUE.match(residue):
                return DocNumber(found.group().strip(), found.group("office"), found.group("year"))
    return None


@dataclass(frozen=True)
class PrefixEntry:
    """One row of the issuing-office prefix table (see the YAML file)."""

    entry_id: str
    prefix: str
    level: str
    region: str
    issuer: str
    source: str


@dataclass(frozen=True)
class PrefixTable:
    """Issuing-office prefixes → level, region and issuer.

    Attributes
    ----------
    table_id, version, source : str
        From the data file header.
    entries : tuple[PrefixEntry, ...]
    """

    table_id: str
    version: str
    source: str
    entries: tuple[PrefixEntry, ...]

    def lookup(self, office: str) -> PrefixEntry | None:
        """Entry for an office code, e.g. ``按照国发`` → 国发, ``工信部科`` → 工信部.

        The leftmost start position in ``office`` at which some prefix matches wins;
        at that position the longest prefix wins.
        """
        for start in range(len(office)):
            tail = office[start:]
            hits = [entry for entry in self.entries if tail.startswith(entry.prefix)]
            if hits:
                return max(hits, key=lambda entry: len(entry.prefix))
        return None


def load_prefix_table(data: Mapping[str, Any] | None = None) -> PrefixTable:
    """Load the issuing-office prefix table (packaged YAML unless ``data`` is given).

    Raises
    ------
    IngestError
        ``E130`` when a row lacks a field, repeats an id or has an unknown level.
    """
    if data is None:
        path = resources.files("seclens").joinpath("data", "sources", "issuer_prefixes.yaml")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), Sequence):
        raise IngestError(E_DATA, "issuer prefix table: expected a mapping with 'entries'")
    entries = tuple(_prefix_entry(row, index) for index, row in enumerate(data["entries"]))
    ids = [entry.entry_id for entry in entries]
    duplicates = sorted({entry_id for entry_id in ids if ids.count(entry_id) > 1})
    if duplicates:
        raise IngestError(E_DATA, f"issuer prefix table: duplicate ids {duplicates}")
    return PrefixTable(
        str(data.get("id", "")), str(data.get("version", "")), str(data.get("source", "")), entries
    )


def _prefix_entry(row: Any, index: int) -> PrefixEntry:
    fields = ("id", "prefix", "level", "region", "issuer", "source")
    if not isinstance(row, Mapping) or any(not row.get(name) for name in fields):
        raise IngestError(E_DATA, f"issuer prefix table: entry {index} lacks one of {fields}")
    if row["level"] not in LEVELS:
        message = f"issuer prefix table: entry {row['id']} has level {row['level']!r}"
        raise IngestError(E_DATA, message)
    return PrefixEntry(*(str(row[name]) for name in fields))


# --- dates -------------------------------------------------------------------------

#: Non-empty lines at the end of a text searched for a sign-off (issuing) date.
SIGNOFF_LINES = 6
#: Longest line (characters) that can hold a sign-off: issuer name + date.
SIGNOFF_MAX_CHARS = 60

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})\s*[/.年]\s*(\d{1,2})\s*(?:[/.月]\s*(?:(\d{1,2})\s*日?)?)?$")
_YEAR_LAST = re.compile(r"^\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}$")
_ZH_NUMERAL = "〇零一二三四五六七八九"
_ZH_DIGITS = "〇零一二三四五六七八九十"
_ZH_DATE_TAIL = re.compile(
    rf"(?P<y>[0-9０-９{_ZH_NUMERAL}Ｏ○]{{4}})\s*年\s*(?P<m>[0-9０-９{_ZH_DIGITS}]{{1,3}})\s*月"
    rf"\s*(?P<d>[0-9０-９{_ZH_DIGITS}]{{1,3}})\s*日$"
)
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = r"(?P<mon>" + "|".join(m.capitalize() for m in _MONTHS) + r")"
_EN_DATE_TAIL = re.compile(
    rf"(?:{_MONTH}\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+{_MONTH.replace('mon', 'mon2')},?\s+(?P<y2>\d{{4}}))$"
)
_TRAILING = " \t\u3000.。)）]】"
_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?]")


@dataclass(frozen=True)
class DateValue:
    """A date cell or text date, normalised where that is unambiguous.

    Attributes
    ----------
    value : str
        ISO 8601 (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) when it could be normalised,
        else the raw text unchanged.
    normalised : bool
        ``value`` differs from the raw text only in form (same date).
    problem : str
        ``""`` when ``value`` is ISO 8601; else why the raw text was kept.
    """

    value: str
    normalised: bool = False
    problem: str = ""


def normalise_date(raw: str) -> DateValue:
    """Normalise a date cell to ISO 8601 when its reading is unambiguous.

    Accepted and converted: ``2017-07-08``/``2017-7-8``, ``2017/7/8``, ``2017.7.8``,
    ``2017年7月8日``, ``2017年7月`` and full-width digits. Year-last numeric dates
    (``07/08/2017``) are ambiguous (day/month order) and kept raw with a problem.

    Parameters
    ----------
    raw : str

    Returns
    -------
    DateValue
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return DateValue("")
    for pattern in (_ISO_DATE, _YEAR_FIRST):
        found = pattern.match(text)
        if found:
            iso = _iso(*found.groups())
            if iso:
                return DateValue(iso, normalised=iso != raw)
            return DateValue(raw, problem=f"date {raw!r} is not a valid calendar date")
    if _YEAR_LAST.match(text):
        return DateValue(
            raw, problem=f"date {raw!r} is ambiguous (day/month order unknown); "
            "kept as is — write it as YYYY-MM-DD"
        )
    return DateValue(raw, problem=f"date {raw!r} is not in a recognised form (YYYY-MM-DD)")


def find_signoff_date(text: str, *, lines: int = SIGNOFF_LINES) -> str:
    """The issuing date that closes a document (its sign-off), as ISO ``YYYY-MM-DD``.

    A date counts only when it ends a short line (at most :data:`SIGNOFF_MAX_CHARS`
    characters) among the last ``lines`` non-empty lines: a Chinese date may follow the
    issuer's name (no sentence punctuation, not after 于/自/至/到/在), e.g.
    ``2017年7月8日``, ``国务院 2017年7月8日``, ``二〇一七年七月八日``, ``（2017年7月8日）``;
    an English date stands alone (``July 8, 2017``, ``8 July 2017``, ``Dated: ...``).
    Dates inside sentences ("自2018年1月1日起施行。") are not sign-offs.

    Parameters
    ----------
    text : str
    lines : int
        Non-empty lines inspected from the end.

    Returns
    -------
    str
        ``""`` when there is no clear sign-off date.
    """
    tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    for line in reversed(tail):
        if len(line) > SIGNOFF_MAX_CHARS:
            continue
        core = line.rstrip(_TRAILING)
        iso = _zh_tail_date(core) or _en_tail_date(core)
        if iso:
            return iso
    return ""


def _zh_tail_date(line: str) -> str:
    found = _ZH_DATE_TAIL.search(line)
    if not found:
        return ""
    before = line[: found.start()].rstrip(" \t\u3000（(:：")
    if _SENTENCE_PUNCT.search(before) or before.endswith(("于", "自", "至", "到", "在", "截至")):
        return ""
    year = "".join(_zh_digit(ch) for ch in unicodedata.normalize("NFKC", found.group("y")))
    return _iso(year, _zh_small(found.group("m")), _zh_small(found.group("d")))


def _en_tail_date(line: str) -> str:
    found = _EN_DATE_TAIL.search(line)
    if not found or line[: found.start()].strip(" \t([:").lower() not in ("", "date", "dated"):
        return ""
    month = found.group("mon") or found.group("mon2")
    day = found.group("d1") or found.group("d2")
    year = found.group("y1") or found.group("y2")
    return _iso(year, str(_MONTHS.index(month.lower()) + 1), day)


def _zh_digit(ch: str) -> str:
    if ch.isdigit():
        return ch
    if ch in "〇零○O":
        return "0"
    return str(_ZH_NUMERAL.index(ch) - 1) if ch in _ZH_NUMERAL else ""


def _zh_small(value: str) -> str:
    """``7``/``７``/``七``/``十二``/``二十八`` → decimal string ("" if not a number)."""
    value = unicodedata.normalize("NFKC", value)
    if value.isdigit():
        return value
    if "十" in value:
        tens, _, units = value.partition("十")
        high = int(_zh_digit(tens)) if tens else 1
        low = int(_zh_digit(units)) if units else 0
        return str(high * 10 + low)
    return "".join(_zh_digit(ch) for ch in value)


def _iso(year: str | None, month: str | None = None, day: str | None = None) -> str:
    """ISO 8601 for valid parts (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), else ``""``."""
    import datetime as _dt

    if not year or not year.isdigit() or len(year) != 4:
        return ""
    if not month:
        return year
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return ""
    if not day:
        return f"{year}-{int(month):02d}"
    if not day.isdigit():
        return ""
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""
