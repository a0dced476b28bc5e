"""Bibliometric stage: OpenAlex works as JSON.

Accepted shapes: the API response object ``{"meta": ..., "results": [work, ...]}``, a
JSON list of works, a single work object, or JSON Lines (one work per line, as in the
snapshot). Title ``title`` (else ``display_name``); year ``publication_year`` (else
``publication_date``); abstract rebuilt from ``abstract_inverted_index`` when present;
keywords from ``keywords[].display_name``/``concepts[].display_name``; journal
``primary_location.source.display_name``. ``line`` is the 0-based index of the work.
"""

from __future__ import annotations

from collections.abc import Mapping

from seclens.biblio.records import BiblioRecord, json_loads, make_record
from seclens.errors import CompareError


def _abstract(inv: object) -> str:
    if not isinstance(inv, Mapping):
        return ""
    pos: dict[int, str] = {}
    for word, places in inv.items():
        if isinstance(places, list):
            for p in places:
                if isinstance(p, int):
                    pos[p] = str(word)
    return " ".join(pos[i] for i in sorted(pos))


def _names(items: object) -> str:
    if not isinstance(items, list):
        return ""
    return "; ".join(str(x.get("display_name", "")) for x in items if isinstance(x, Mapping))


def _journal(work: Mapping[str, object]) -> str:
    loc = work.get("primary_location")
    src = loc.get("source") if isinstance(loc, Mapping) else None
    return str(src.get("display_name") or "") if isinstance(src, Mapping) else ""


def _works(text: str, source: str) -> list[object]:
    stripped = text.strip()
    lines = [ln for ln in stripped.split("\n") if ln.strip()]
    try:
        data = json_loads(stripped, source)
    except CompareError:
        if len(lines) > 1 and all(ln.lstrip().startswith("{") for ln in lines):
            return [json_loads(ln, source) for ln in lines]  # JSON Lines
        raise
    if isinstance(data, Mapping) and "results" in data:
        data = data["results"]
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        raise CompareError("E511", f"{source}: expected OpenAlex works (a list or 'results')")
    return data


def parse(text: str, source: str = "") -> list[BiblioRecord]:
    """Parse OpenAlex JSON. Raises ``CompareError`` ``E511`` for malformed JSON."""
    records: list[BiblioRecord] = []
    for i, work in enumerate(_works(text, source)):
        if not isinstance(work, Mapping):
            raise CompareError("E511", f"{source}: work #{i} is not a JSON object")
        year = work.get("publication_year")
        raw = {
            "title": [str(work.get("title") or work.get("display_name") or "")],
            "abstract": [_abstract(work.get("abstract_inverted_index"))],
            "keywords": [_names(work.get("keywords")) or _names(work.get("concepts"))],
            "journal": [_journal(work)],
            "authors": [
                "; ".join(
                    str(a.get("author", {}).get("display_name", ""))
                    for a in work.get("authorships", []) or []
                    if isinstance(a, Mapping) and isinstance(a.get("author"), Mapping)
                )
            ],
            "year": ["" if year is None else str(year)],
            "date": [str(work.get("publication_date") or "")],
        }
        mapping = {k: (k,) for k in ("title", "abstract", "keywords", "journal", "authors")}
        records.append(make_record(source, i, "openalex", raw, mapping, ("year", "date")))
    return records
