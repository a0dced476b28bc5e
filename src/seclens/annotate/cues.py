"""Annotation stage: loading and compiling the cue lexicons (``data/cues/*.yaml``).

Cues are data, not code: every entry has a stable ``id``, a ``field`` (which codebook
decision it informs), a ``label``, literal ``terms`` and/or regular-expression
``patterns``, an optional ``strength`` (``strong`` fires alone, ``weak`` needs a
security anchor) and a ``source`` citation. This module validates the files and
compiles each entry into one regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from seclens.errors import AnnotationError

FIELDS = frozenset(
    {
        "sense_word",
        "sense",
        "sense_context",
        "anchor",
        "sector",
        "referent_object",
        "protect",
        "threat",
        "threat_procedural",
        "threat_scope",
        "prohibition",
        "vuori_boiler",
        "vuori_heading_noun",
        "vuori_heading_task",
        "vuori_goal",
        "negation",
        "urgency",
        "extraordinary_measures",
        "vuori",
        "vuori_task",
        "vuori_verb",
        "vuori_none",
        "vuori_nominal",
        "domain_list",
        "heading_programme",
        "audience",
        "responsibility",
        "name",
        "vuori_purpose",
        "local_self",
        "heading_topic",
        "mobilize",
        "threat_source",
        "audience_object",
        "audience_quantity",
        "audience_possessed",
        "lag_other",
        "lag_self",
    }
)
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Cue:
    """One compiled cue entry.

    Attributes
    ----------
    cue_id : str
        Stable entry id from the YAML file (e.g. ``zh.threat.core``).
    field : str
        The decision it informs (one of :data:`FIELDS`).
    label : str
        Label it votes for (``security``, ``military``, ``1``, ``request`` ...).
    strength : str
        ``strong`` or ``weak``.
    source : str
        Citation.
    regex : re.Pattern[str] or None
        Compiled alternation of the entry's ``patterns`` (None without patterns).
    terms : tuple[str, ...]
        Literal terms (matched through the book's term index).
    case_sensitive : bool
        English only: match terms and patterns with case.
    frame : bool
        Sector cues only: whether the cue alone frames a sentence as security talk
        (default True; cooperation vocabulary such as 国际合作 names a sector without
        presenting a security matter).
    """

    cue_id: str
    field: str
    label: str
    strength: str
    source: str
    regex: re.Pattern[str] | None
    terms: tuple[str, ...] = ()
    case_sensitive: bool = False
    frame: bool = True


_EN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def _en_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _EN_TOKEN.finditer(text)]


@dataclass(frozen=True)
class Hit:
    """One occurrence of a cue in a sentence: ``text[start:end] == matched``."""

    cue: Cue
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class CueBook:
    """All cues of one language plus the file version.

    Attributes
    ----------
    lang : str
        ``zh`` or ``en``.
    version : str
        ``version`` of the YAML file.
    cues : tuple[Cue, ...]
    path : str
        Where the file was read from.
    """

    lang: str
    version: str
    cues: tuple[Cue, ...]
    path: str

    def __post_init__(self) -> None:
        # Term index: zh first character -> [(term, cue)], en first token -> [(tokens, cue)].
        index: dict[str, list[tuple[Any, Cue]]] = {}
        for cue in self.cues:
            for term in cue.terms:
                if self.lang == "zh":
                    index.setdefault(term[0], []).append((term, cue))
                else:
                    toks = tuple(t for t, _, _ in _en_tokens(term))
                    if not toks:
                        continue
                    key = toks[0] if cue.case_sensitive else toks[0].lower()
                    if not cue.case_sensitive:
                        toks = tuple(t.lower() for t in toks)
                    index.setdefault(key, []).append((toks, cue))
        object.__setattr__(self, "_index", index)

    def by_field(self, field: str) -> tuple[Cue, ...]:
        """Cues of one field, in file order."""
        return tuple(c for c in self.cues if c.field == field)

    def find(self, text: str, fields: Iterable[str] | None = None) -> list[Hit]:
        """All occurrences of the cues (optionally restricted to ``fields``) in ``text``.

        Returns
        -------
        list[Hit]
            Sorted by ``(start, -length, cue_id)``; offsets are ``str`` indices.
        """
        wanted = None if fields is None else set(fields)
        hits: list[Hit] = []
        index: dict[str, list[tuple[Any, Cue]]] = self._index  # type: ignore[attr-defined]
        if self.lang == "zh":
            for i, ch in enumerate(text):
                for term, cue in index.get(ch, ()):
                    if (wanted is None or cue.field in wanted) and text.startswith(term, i):
                        hits.append(Hit(cue, i, i + len(term), term))
        else:
            toks = _en_tokens(text)
            lower = [t.lower() for t, _, _ in toks]
            for i, (tok, start, _) in enumerate(toks):
                cands = index.get(lower[i], []) + (index.get(tok, []) if tok != lower[i] else [])
                for words, cue in cands:
                    if wanted is not None and cue.field not in wanted:
                        continue
                    j = i + len(words)
                    if j > len(toks):
                        continue
                    seq = [t for t, _, _ in toks[i:j]] if cue.case_sensitive else lower[i:j]
                    if tuple(seq) == words:
                        end = toks[j - 1][2]
                        hits.append(Hit(cue, start, end, text[start:end]))
        for cue in self.cues:
            if cue.regex is None or (wanted is not None and cue.field not in wanted):
                continue
            for m in cue.regex.finditer(text):
                if m.end() > m.start():
                    hits.append(Hit(cue, m.start(), m.end(), m.group(0)))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start), h.cue.cue_id))
        return hits


def _compile(entry: Mapping[str, Any], lang: str, where: str) -> re.Pattern[str] | None:
    terms = entry.get("terms") or []
    patterns = entry.get("patterns") or []
    if not isinstance(terms, list) or not isinstance(patterns, list):
        raise AnnotationError("E401", f"{where}: 'terms' and 'patterns' must be lists")
    if not terms and not patterns:
        raise AnnotationError("E401", f"{where}: entry has neither 'terms' nor 'patterns'")
    if not patterns:
        return None
    alts: list[str] = []
    for pat in patterns:
        alts.append(f"(?:{pat})" if lang == "zh" else rf"(?<![\w-])(?:{pat})(?![\w])")
    flags = 0 if (lang == "zh" or entry.get("case_sensitive")) else re.IGNORECASE
    try:
        return re.compile("|".join(alts), flags)
    except re.error as exc:
        raise AnnotationError("E402", f"{where}: invalid pattern: {exc}") from exc


def parse_cuebook(data: Any, path: str) -> CueBook:
    """Validate and compile a parsed cue file.

    Raises
    ------
    AnnotationError
        ``E401`` malformed file or entry, ``E402`` invalid regular expression,
        ``E403`` duplicate entry id.
    """
    if not isinstance(data, dict) or "entries" not in data:
        raise AnnotationError(
            "E401", f"{path}: expected a mapping with 'version', 'lang', 'entries'"
        )
    lang = str(data.get("lang", ""))
    if lang not in LANGS:
        raise AnnotationError("E401", f"{path}: lang must be one of {LANGS}, got {lang!r}")
    seen: set[str] = set()
    cues: list[Cue] = []
    for i, entry in enumerate(data["entries"]):
        where = f"{path} entry {i}"
        if not isinstance(entry, dict):
            raise AnnotationError("E401", f"{where}: not a mapping")
        for key in ("id", "field", "label", "source"):
            if not entry.get(key):
                raise AnnotationError("E401", f"{where}: missing '{key}'")
        cue_id = str(entry["id"])
        if cue_id in seen:
            raise AnnotationError("E403", f"{path}: duplicate entry id {cue_id!r}")
        seen.add(cue_id)
        field = str(entry["field"])
        if field not in FIELDS:
            raise AnnotationError("E401", f"{where} ({cue_id}): unknown field {field!r}")
        strength = str(entry.get("strength", "strong"))
        if strength not in ("strong", "weak"):
            raise AnnotationError("E401", f"{where} ({cue_id}): strength must be strong or weak")
        cues.append(
            Cue(
                cue_id=cue_id,
                field=field,
                label=str(entry["label"]),
                strength=strength,
                source=str(entry["source"]),
                regex=_compile(entry, lang, f"{where} ({cue_id})"),
                terms=tuple(str(t) for t in (entry.get("terms") or []) if str(t)),
                case_sensitive=bool(entry.get("case_sensitive", False)),
                frame=bool(entry.get("frame", True)),
            )
        )
    return CueBook(lang=lang, version=str(data.get("version", "")), cues=tuple(cues), path=path)


def _read_yaml(path: Path | None, name: str) -> tuple[Any, str]:
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise AnnotationError("E404", f"cannot read cue file {path}: {exc}") from exc
        where = str(path)
    else:
        ref = resources.files("seclens") / "data" / "cues" / name
        text = ref.read_text(encoding="utf-8")
        where = f"seclens/data/cues/{name}"
    try:
        return yaml.safe_load(text), where
    except yaml.YAMLError as exc:
        raise AnnotationError("E401", f"{where}: not valid YAML: {exc}") from exc


def load_cuebook(lang: str, path: Path | None = None) -> CueBook:
    """Load the packaged cue lexicon of ``lang`` (or a user file at ``path``).

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.
    path : pathlib.Path, optional
        A user cue file in the same schema; replaces the packaged one.

    Raises
    ------
    AnnotationError
        ``E405`` unsupported language; see :func:`parse_cuebook` for the others.
    """
    if lang not in LANGS:
        raise AnnotationError("E405", f"no cue lexicon for language {lang!r}; supported: zh, en")
    data, where = _read_yaml(path, f"{lang}.yaml")
    book = parse_cuebook(data, where)
    if book.lang != lang:
        raise AnnotationError("E401", f"{where}: declares lang {book.lang!r}, expected {lang!r}")
    return book


def load_data_file(name: str) -> dict[str, Any]:
    """Load one of the packaged auxiliary YAML files (``rules``, ``facilitating``, ``actors``).

    Raises
    ------
    AnnotationError
        ``E401`` when the file is not a mapping.
    """
    data, where = _read_yaml(None, f"{name}.yaml")
    if not isinstance(data, dict):
        raise AnnotationError("E401", f"{where}: expected a mapping")
    return data
