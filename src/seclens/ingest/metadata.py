"""Ingest stage: metadata inferred from the text when a document has no manifest row.

- :func:`detect_language`: ``zh`` / ``en`` / ``other`` from the share of CJK characters.
- :func:`find_doc_number`: a Chinese document number (发文字号) in the title or on a line
  of its own among the first lines (not a citation inside a sentence).
- :class:`PrefixTable`: issuing-office prefixes → administrative level, loaded from the
  data file ``seclens/data/sources/issuer_prefixes.yaml``.
"""

from __future__ import annotations

import re
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
