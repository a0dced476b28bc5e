"""Lexicon stage: read and validate lexicon and sense-rule files (YAML / CSV).

Files are validated strictly: unknown fields, missing or empty required fields,
unknown languages, undeclared sectors, duplicate ids and conflicting duplicate terms
raise :class:`~seclens.errors.LexiconError` naming the file and the entry (or line).
User input files are only read, never modified.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from seclens.errors import LexiconError
from seclens.lexicon.model import RULE_SENSES, Lexicon, NameRule, SenseRule, SenseRules
from seclens.types import LexiconEntry

#: Languages a lexicon entry may declare.
LANGS: tuple[str, ...] = ("zh", "en")

_LEX_TOP = {"lexicon_id", "version", "title", "source", "description", "references",
            "categories", "sectors", "entries"}
_ENTRY_REQUIRED = ("id", "term", "lang", "category", "sector", "source")
_ENTRY_FIELDS = {*_ENTRY_REQUIRED, "note"}
_RULES_TOP = {"rules_id", "version", "title", "source", "description", "rules", "names"}
_NAME_REQUIRED = ("id", "lang", "pattern", "source")
_NAME_FIELDS = {*_NAME_REQUIRED, "note"}
_RULE_REQUIRED = ("id", "lang", "pattern", "anchor", "sense", "source")
_RULE_FIELDS = {*_RULE_REQUIRED, "note"}
_CSV_META = {"lexicon_id", "version", "title", "source"}

DEFAULT_LEXICON = "security_default.yaml"
DEFAULT_SENSES = "security_senses.yaml"


def _read_text(path: Path | None, package_dir: str, default_name: str) -> tuple[str, str]:
    """Return (text, display name) of a user file or a packaged data file."""
    if path is None:
        res = resources.files("seclens") / "data" / package_dir / default_name
        return res.read_text(encoding="utf-8"), f"<packaged {package_dir}/{default_name}>"
    p = Path(path)
    if not p.is_file():
        raise LexiconError("E201", f"{p}: file not found (give the path of a .yaml or .csv file)")
    try:
        return p.read_text(encoding="utf-8-sig"), str(p)
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError("E201", f"{p}: cannot read as UTF-8 text ({exc})") from exc


def _parse_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError("E202", f"{name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise LexiconError("E203", f"{name}: expected a mapping at top level, got "
                                   f"{type(data).__name__}")
    return data


def _str_field(value: object, name: str, where: str, field: str, required: bool) -> str:
    if value is None:
        if required:
            raise LexiconError("E205", f"{name}: {where}: missing required field '{field}'")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LexiconError("E206", f"{name}: {where}: field '{field}' must be text, got "
                                   f"{type(value).__name__}")
    s = str(value)
    if required and not s.strip():
        raise LexiconError("E205", f"{name}: {where}: field '{field}' is empty")
    return s


def _entry(raw: Mapping[str, Any], name: str, where: str, lexicon_id: str,
           sectors: Mapping[str, str] | None) -> LexiconEntry:
    rid = raw.get("id")
    if isinstance(rid, str) and rid.strip():
        where = f"entry '{rid}' ({where})"
    unknown = sorted(set(raw) - _ENTRY_FIELDS)
    if unknown:
        raise LexiconError("E204", f"{name}: {where}: unknown field(s) {unknown}; allowed: "
                                   f"{sorted(_ENTRY_FIELDS)}")
    vals = {f: _str_field(raw.get(f), name, where, f, f in _ENTRY_REQUIRED)
            for f in _ENTRY_FIELDS}
    term, lang = vals["term"], vals["lang"]
    if lang not in LANGS:
        raise LexiconError("E206", f"{name}: {where}: lang must be one of {list(LANGS)}, got "
                                   f"'{lang}'")
    if term != term.strip() or any(ch in term for ch in "\r\n\t"):
        raise LexiconError("E206", f"{name}: {where}: term '{term}' has leading/trailing "
                                   "whitespace or a tab/line break")
    if lang == "en" and term != term.lower():
        raise LexiconError("E206", f"{name}: {where}: English terms are written in lower case "
                                   f"(matching is case-insensitive); got '{term}'")
    if lang == "en" and "  " in term:
        raise LexiconError("E206", f"{name}: {where}: English phrase '{term}' has a double space")
    if sectors is not None and vals["sector"] not in sectors:
        raise LexiconError("E206", f"{name}: {where}: sector '{vals['sector']}' is not declared "
                                   f"under 'sectors:' ({sorted(sectors)})")
    return LexiconEntry(entry_id=vals["id"], term=term, lang=lang, category=vals["category"],
                        sector=vals["sector"], source=vals["source"], lexicon_id=lexicon_id,
                        note=vals["note"])


def _check_unique(entries: Sequence[LexiconEntry], name: str) -> None:
    ids: dict[str, LexiconEntry] = {}
    terms: dict[tuple[str, str], LexiconEntry] = {}
    for e in entries:
        if e.entry_id in ids:
            raise LexiconError("E207", f"{name}: duplicate entry id '{e.entry_id}'")
        ids[e.entry_id] = e
        key = (e.lang, e.term)
        if key in terms:
            raise LexiconError("E208", f"{name}: term '{e.term}' ({e.lang}) occurs in entries "
                                       f"'{terms[key].entry_id}' and '{e.entry_id}'")
        terms[key] = e


def _lexicon_from_yaml(text: str, name: str) -> Lexicon:
    data = _parse_yaml(text, name)
    unknown = sorted(set(data) - _LEX_TOP)
    if unknown:
        raise LexiconError("E203", f"{name}: unknown top-level field(s) {unknown}; allowed: "
                                   f"{sorted(_LEX_TOP)}")
    meta = {f: _str_field(data.get(f), name, "header", f, True)
            for f in ("lexicon_id", "version", "title", "source")}
    sectors: dict[str, str] | None = None
    if data.get("sectors") is not None:
        raw_sectors = data["sectors"]
        if not isinstance(raw_sectors, dict):
            raise LexiconError("E203", f"{name}: 'sectors' must be a mapping of sector ids")
        sectors = {}
        for sid, spec in raw_sectors.items():
            cb = spec.get("codebook", "") if isinstance(spec, dict) else ""
            sectors[str(sid)] = "" if cb is None else str(cb)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise LexiconError("E203", f"{name}: 'entries' must be a non-empty list")
    entries = []
    for i, raw in enumerate(raw_entries, start=1):
        if not isinstance(raw, dict):
            raise LexiconError("E203", f"{name}: entry #{i} is not a mapping")
        entries.append(_entry(raw, name, f"entry #{i}", meta["lexicon_id"], sectors))
    _check_unique(entries, name)
    return Lexicon(lexicon_id=meta["lexicon_id"], version=meta["version"], title=meta["title"],
                   source=meta["source"], entries=tuple(entries),
                   sectors=tuple(sorted((sectors or {}).items())))


def _lexicon_from_csv(text: str, name: str, stem: str) -> Lexicon:
    meta = {"lexicon_id": stem, "version": "unversioned", "title": stem, "source": ""}
    body: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") and not body:
            key, _, value = line[1:].partition(":")
            if key.strip() in _CSV_META:
                meta[key.strip()] = value.strip()
            continue
        body.append(line)
    reader = csv.DictReader(io.StringIO("".join(body)))
    header = reader.fieldnames or []
    unknown = sorted(set(header) - _ENTRY_FIELDS)
    if unknown:
        raise LexiconError("E204", f"{name}: unknown column(s) {unknown}; allowed: "
                                   f"{sorted(_ENTRY_FIELDS)}")
    missing = [c for c in _ENTRY_REQUIRED if c not in header]
    if missing:
        raise LexiconError("E205", f"{name}: missing column(s) {missing}")
    entries = []
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row:
                raise LexiconError("E203", f"{name}: {where}: more cells than columns")
            entries.append(_entry({k: (v if v != "" else None) for k, v in row.items()}, name,
                                  where, meta["lexicon_id"], None))
    except csv.Error as exc:
        raise LexiconError("E202", f"{name}: not valid CSV ({exc})") from exc
    if not entries:
        raise LexiconError("E203", f"{name}: no entries")
    _check_unique(entries, name)
    return Lexicon(lexicon_id=meta["lexicon_id"], version=meta["version"], title=meta["title"],
                   source=meta["source"], entries=tuple(entries))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a lexicon file.

    Parameters
    ----------
    path : str or Path or None
        A ``.yaml``/``.yml`` or ``.csv`` lexicon (format: ``docs/lexicon.md``). ``None``
        loads the packaged default ``seclens/data/lexicons/security_default.yaml``
        (sources: National Security Law of the PRC 2015 Art. 2-3 and Ch. 2; State
        Council 2017 AI plan; Zeng 2021; Buzan, Wæver & de Wilde 1998).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        ``E201`` file missing/unreadable, ``E202`` YAML/CSV syntax, ``E203`` bad
        structure, ``E204`` unknown field, ``E205`` missing/empty required field,
        ``E206`` invalid value, ``E207`` duplicate entry id, ``E208`` duplicate term.
        Messages name the file and the entry id or line.
    """
    text, name = _read_text(None if path is None else Path(path), "lexicons", DEFAULT_LEXICON)
    suffix = Path(name.strip("<>")).suffix.lower() if path is None else Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _lexicon_from_yaml(text, name)
    if suffix == ".csv":
        return _lexicon_from_csv(text, name, Path(str(path)).stem)
    raise LexiconError("E201", f"{name}: unsupported lexicon format '{suffix}' "
                               "(use .yaml, .yml or .csv)")


def combine(lexicons: Sequence[Lexicon]) -> Lexicon:
    """Combine lexicons into one (user lexicons added to the default, or alone).

    Entries keep their order (lexicon by lexicon) and their ``lexicon_id``. To *replace*
    the default, pass only the user lexicon(s).

    Parameters
    ----------
    lexicons : sequence of Lexicon
        At least one lexicon.

    Returns
    -------
    Lexicon
        ``lexicon_id``/``version`` are the parts' values joined with ``+``. When the
        same (lang, term) occurs in two lexicons with identical category and sector,
        the first entry is kept and the merge is recorded in ``notes``.

    Raises
    ------
    LexiconError
        ``E203`` no lexicon given; ``E207`` the same entry id in two lexicons;
        ``E208`` the same term in two entries with different category or sector.
    """
    if not lexicons:
        raise LexiconError("E203", "combine(): no lexicon given")
    if len(lexicons) == 1:
        return lexicons[0]
    ids: dict[str, LexiconEntry] = {}
    terms: dict[tuple[str, str], LexiconEntry] = {}
    entries: list[LexiconEntry] = []
    notes: list[str] = [n for lx in lexicons for n in lx.notes]
    sectors: dict[str, str] = {}
    for lx in lexicons:
        for sid, cb in lx.sectors:
            sectors.setdefault(sid, cb)
        for e in lx.entries:
            if e.entry_id in ids:
                raise LexiconError("E207", f"entry id '{e.entry_id}' occurs in lexicons "
                                           f"'{ids[e.entry_id].lexicon_id}' and '{e.lexicon_id}'")
            ids[e.entry_id] = e
            key = (e.lang, e.term)
            prev = terms.get(key)
            if prev is not None:
                if (prev.category, prev.sector) != (e.category, e.sector):
                    raise LexiconError(
                        "E208", f"term '{e.term}' ({e.lang}) is '{prev.entry_id}' "
                        f"({prev.category}/{prev.sector}) in '{prev.lexicon_id}' but "
                        f"'{e.entry_id}' ({e.category}/{e.sector}) in '{e.lexicon_id}'")
                notes.append(f"term '{e.term}' ({e.lang}): entry '{e.entry_id}' of "
                             f"'{e.lexicon_id}' merged into identical '{prev.entry_id}'")
                continue
            terms[key] = e
            entries.append(e)
    return Lexicon(lexicon_id="+".join(lx.lexicon_id for lx in lexicons),
                   version="+".join(lx.version for lx in lexicons),
                   title="combined: " + "; ".join(lx.title for lx in lexicons),
                   source="; ".join(lx.source for lx in lexicons if lx.source),
                   entries=tuple(entries), sectors=tuple(sorted(sectors.items())),
                   notes=tuple(notes))


def load_sense_rules(path: str | Path | None = None) -> SenseRules:
    """Read and validate a sense-rule file (YAML).

    Parameters
    ----------
    path : str or Path or None
        A YAML rule file (format: ``docs/counting.md``); ``None`` loads the packaged
        ``seclens/data/senses/security_senses.yaml`` (sources: the CODEBOOK sense
        definitions and the PRC security and safety laws cited per rule).

    Returns
    -------
    SenseRules

    Raises
    ------
    LexiconError
        ``E201``-``E206`` as for :func:`load_lexicon`; ``E207`` duplicate rule id;
        ``E209`` the anchor does not occur exactly once in the pattern. The optional
        ``names:`` section (proper names, see :class:`~seclens.lexicon.NameRule`) is
        checked the same way (``E203``/``E204``/``E205``/``E206``; ``E207`` for an id
        already used by a rule or name; ``E210`` a name pattern with surrounding or
        double whitespace, a tab or a line break).
    """
    text, name = _read_text(None if path is None else Path(path), "senses", DEFAULT_SENSES)
    data = _parse_yaml(text, name)
    unknown = sorted(set(data) - _RULES_TOP)
    if unknown:
        raise LexiconError("E203", f"{name}: unknown top-level field(s) {unknown}; allowed: "
                                   f"{sorted(_RULES_TOP)}")
    meta = {f: _str_field(data.get(f), name, "header", f, True) for f in ("rules_id", "version")}
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise LexiconError("E203", f"{name}: 'rules' must be a non-empty list")
    rules: list[SenseRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_rules, start=1):
        where = f"rule #{i}"
        if not isinstance(raw, dict):
            raise LexiconError("E203", f"{name}: {where} is not a mapping")
        if isinstance(raw.get("id"), str) and raw["id"].strip():
            where = f"rule '{raw['id']}' ({where})"
        bad = sorted(set(raw) - _RULE_FIELDS)
        if bad:
            raise LexiconError("E204", f"{name}: {where}: unknown field(s) {bad}; allowed: "
                                       f"{sorted(_RULE_FIELDS)}")
        v = {f: _str_field(raw.get(f), name, where, f, f in _RULE_REQUIRED) for f in _RULE_FIELDS}
        if v["lang"] not in LANGS:
            raise LexiconError("E206", f"{name}: {where}: lang must be one of {list(LANGS)}")
        if v["sense"] not in RULE_SENSES:
            raise LexiconError("E206", f"{name}: {where}: sense must be one of "
                                       f"{list(RULE_SENSES)}, got '{v['sense']}'")
        pattern, anchor = v["pattern"], v["anchor"]
        if v["lang"] == "en":
            pattern, anchor = pattern.lower(), anchor.lower()
        if pattern.count(anchor) != 1:
            raise LexiconError("E209", f"{name}: {where}: anchor '{anchor}' must occur exactly "
                                       f"once in pattern '{pattern}'")
        if v["id"] in seen:
            raise LexiconError("E207", f"{name}: duplicate rule id '{v['id']}'")
        seen.add(v["id"])
        rules.append(SenseRule(rule_id=v["id"], lang=v["lang"], pattern=pattern, anchor=anchor,
                               sense=v["sense"], source=v["source"], note=v["note"]))
    names = _name_rules(data.get("names"), name, seen)
    return SenseRules(rules_id=meta["rules_id"], version=meta["version"], rules=tuple(rules),
                      title=_str_field(data.get("title"), name, "header", "title", False),
                      source=_str_field(data.get("source"), name, "header", "source", False),
                      names=names)


def _name_rules(raw_names: object, name: str, seen: set[str]) -> tuple[NameRule, ...]:
    """The ``names:`` section of a sense-rule file (optional; ``seen``: ids used so far)."""
    if raw_names is None:
        return ()
    if not isinstance(raw_names, list):
        raise LexiconError("E203", f"{name}: 'names' must be a list")
    out: list[NameRule] = []
    for i, raw in enumerate(raw_names, start=1):
        where = f"name #{i}"
        if not isinstance(raw, dict):
            raise LexiconError("E203", f"{name}: {where} is not a mapping")
        if isinstance(raw.get("id"), str) and raw["id"].strip():
            where = f"name '{raw['id']}' ({where})"
        bad = sorted(set(raw) - _NAME_FIELDS)
        if bad:
            raise LexiconError("E204", f"{name}: {where}: unknown field(s) {bad}; allowed: "
                                       f"{sorted(_NAME_FIELDS)}")
        v = {f: _str_field(raw.get(f), name, where, f, f in _NAME_REQUIRED) for f in _NAME_FIELDS}
        if v["lang"] not in LANGS:
            raise LexiconError("E206", f"{name}: {where}: lang must be one of {list(LANGS)}")
        pattern = v["pattern"]
        if pattern != pattern.strip() or "  " in pattern or any(
                c.isspace() and c != " " for c in pattern):
            raise LexiconError("E210", f"{name}: {where}: name pattern {pattern!r} must be "
                                       "words separated by single spaces")
        if v["id"] in seen:
            raise LexiconError("E207", f"{name}: duplicate rule id '{v['id']}'")
        seen.add(v["id"])
        out.append(NameRule(rule_id=v["id"], lang=v["lang"], pattern=pattern,
                            source=v["source"], note=v["note"]))
    return tuple(out)
