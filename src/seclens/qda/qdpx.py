"""QDA stage: REFI-QDA project export/import (``.qdpx``) for hand coding in QDA software.

A ``.qdpx`` file is a zip archive with ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, REFI-QDA Project schema 1.0, 2019) and the plain-text
sources in ``sources/`` (UTF-8, no BOM), referenced as ``internal://<file>``.

Mapping:

* codebook: one non-codable parent ``Code`` per codebook field, one codable child per
  value, named ``field=value`` (e.g. ``sector=military``, ``threat=1``);
* sources: one ``TextSource`` per document (``name`` = doc_id) with the full document
  text when given, so selections use document offsets; otherwise one source per unit
  holding the sentence alone (``name`` = ``doc_id#sentence_index``);
* each sampled sentence is a ``PlainTextSelection`` (``name`` = sid,
  ``startPosition``/``endPosition`` = character offsets, end exclusive) with one
  ``Coding`` per assigned value (``CodeRef targetGUID``).

On import, a field without any coding on a selection takes its codebook default
(``none``, ``0`` or the empty set), so coders in a QDA tool only need to code what is
present. GUIDs are UUIDv5 derived from the content, so exports are reproducible.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from seclens.annotate.types import CODEBOOK_FIELDS, MULTI_FIELDS, NOMINAL_FIELDS, REFERENT_OBJECTS
from seclens.errors import AnnotationError
from seclens.qda.sample import SampleUnit

NS = "urn:QDA-XML:project:1.0"
_Q = f"{{{NS}}}"
_UUID_NS = uuid.UUID("6f1c1c3e-2b7a-5d3e-9a55-5ec1e25ec1e2")
_GUID_RE = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
DEFAULTS: dict[str, Any] = {
    "security_sense": "none",
    "threat": 0,
    "urgency": 0,
    "extraordinary_measures": 0,
    "vuori_act": "none",
    "securitizing_move": 0,
    "sector": [],
    "referent_object": ["none"],
    "audience": [],
}
PROJECT_ORDER = (
    "Users",
    "CodeBook",
    "Variables",
    "Cases",
    "Sources",
    "Notes",
    "Links",
    "Sets",
    "Graphs",
    "Description",
    "NoteRef",
)


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(_UUID_NS, "\x1f".join(str(p) for p in parts)))


def field_values(field: str) -> tuple[str, ...]:
    """All values of a codebook field as code names (``referent_object`` includes none)."""
    if field in NOMINAL_FIELDS:
        return tuple(str(v) for v in NOMINAL_FIELDS[field])
    return REFERENT_OBJECTS if field == "referent_object" else MULTI_FIELDS[field]


def _values_of(field: str, codes: Mapping[str, Any]) -> list[str]:
    val = codes[field]
    return [str(v) for v in val] if isinstance(val, list | tuple) else [str(val)]


def build_project(
    units: Sequence[SampleUnit],
    documents: Mapping[str, str] | None = None,
    *,
    name: str = "seclens coding sample",
    created: datetime | None = None,
) -> tuple[bytes, dict[str, str]]:
    """Build ``project.qde`` bytes and the source files ``{filename: text}``.

    Raises
    ------
    AnnotationError
        ``E443`` when a unit's offsets do not slice its text out of the given document.
    """
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = _guid("user", "seclens")
    root = etree.Element(_Q + "Project", nsmap={None: NS})
    root.set("name", name)
    root.set("origin", "seclens")
    root.set("creatingUserGUID", user)
    root.set("creationDateTime", stamp)
    users = etree.SubElement(root, _Q + "Users")
    etree.SubElement(users, _Q + "User", guid=user, name="seclens")
    codebook = etree.SubElement(root, _Q + "CodeBook")
    codes_el = etree.SubElement(codebook, _Q + "Codes")
    code_guid: dict[tuple[str, str], str] = {}
    for f in CODEBOOK_FIELDS:
        parent = etree.SubElement(
            codes_el, _Q + "Code", guid=_guid("code", f), name=f, isCodable="false"
        )
        for v in field_values(f):
            g = _guid("code", f, v)
            code_guid[(f, v)] = g
            etree.SubElement(parent, _Q + "Code", guid=g, name=f"{f}={v}", isCodable="true")
    sources_el = etree.SubElement(root, _Q + "Sources")
    files: dict[str, str] = {}
    by_source: dict[str, list[SampleUnit]] = {}
    src_text: dict[str, str] = {}
    for u in units:
        if documents is not None and u.doc_id in documents:
            doc = documents[u.doc_id]
            if not (0 <= u.start <= u.end <= len(doc)) or doc[u.start : u.end] != u.text:
                raise AnnotationError(
                    "E443", f"unit {u.sid}: offsets {u.start}:{u.end} do not match its document"
                )
            key = u.doc_id
            src_text[key] = doc
        else:
            key = f"{u.doc_id}#{u.sentence_index}#{u.sid}"
            src_text[key] = u.text
        by_source.setdefault(key, []).append(u)
    for key in sorted(by_source):
        sguid = _guid("source", key)
        fname = f"{sguid}.txt"
        files[fname] = src_text[key]
        src = etree.SubElement(
            sources_el,
            _Q + "TextSource",
            guid=sguid,
            name=key,
            plainTextPath=f"internal://{fname}",
            creatingUser=user,
            creationDateTime=stamp,
        )
        for u in sorted(by_source[key], key=lambda x: (x.start, x.sid)):
            single = "#" in key
            start, end = (0, len(u.text)) if single else (u.start, u.end)
            sel = etree.SubElement(
                src,
                _Q + "PlainTextSelection",
                guid=_guid("sel", u.sid),
                name=u.sid,
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=user,
                creationDateTime=stamp,
            )
            desc = etree.SubElement(sel, _Q + "Description")
            desc.text = (
                f"doc_id={u.doc_id}; sentence_index={u.sentence_index}; "
                f"lang={u.lang}; stratum={u.stratum}"
            )
            for f in CODEBOOK_FIELDS:
                if f not in u.codes:
                    continue
                for v in _values_of(f, u.codes):
                    if (f, v) not in code_guid:
                        raise AnnotationError(
                            "E412", f"unit {u.sid}: {f}={v!r} is not a codebook value"
                        )
                    cod = etree.SubElement(
                        sel,
                        _Q + "Coding",
                        guid=_guid("coding", u.sid, f, v),
                        creatingUser=user,
                        creationDateTime=stamp,
                    )
                    etree.SubElement(cod, _Q + "CodeRef", targetGUID=code_guid[(f, v)])
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def write_qdpx(
    units: Sequence[SampleUnit],
    path: Path,
    documents: Mapping[str, str] | None = None,
    *,
    name: str = "seclens coding sample",
) -> None:
    """Write a ``.qdpx`` archive (refuses to overwrite).

    Raises
    ------
    AnnotationError
        ``E424`` when ``path`` exists; see :func:`build_project`.
    """
    if Path(path).exists():
        raise AnnotationError("E424", f"{path} exists; choose a new file")
    xml, files = build_project(units, documents, name=name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for fname, text in files.items():
            z.writestr(f"sources/{fname}", text.encode("utf-8"))


def check_project(root: Any) -> list[str]:
    """Structural check of a parsed ``project.qde`` against the REFI-QDA Project schema.

    Checks the namespace, the root element and its required ``name``, the order of
    the Project children, required attributes (``guid``, ``name``, ``isCodable`` of
    Code; ``guid`` of TextSource, PlainTextSelection, Coding, User; integer
    ``startPosition <= endPosition``; ``targetGUID`` of CodeRef pointing to a Code),
    GUID syntax, and that each TextSource has exactly one of PlainTextContent or
    plainTextPath. Returns a list of problems (empty when valid).
    """
    import re

    problems: list[str] = []
    if root.tag != _Q + "Project":
        return [f"root element is {root.tag}, expected {{{NS}}}Project"]
    if not root.get("name"):
        problems.append("Project lacks the required 'name' attribute")
    order = [etree.QName(c).localname for c in root if isinstance(c.tag, str)]
    idx = [PROJECT_ORDER.index(t) if t in PROJECT_ORDER else -1 for t in order]
    if -1 in idx or idx != sorted(idx):
        problems.append(f"Project children out of schema order or unknown: {order}")
    guid_re = re.compile(_GUID_RE)
    codes = {c.get("guid") for c in root.iter(_Q + "Code")}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        if q.namespace != NS:
            problems.append(f"element {el.tag} outside namespace {NS}")
            continue
        tag = q.localname
        need = {
            "Code": ("guid", "name", "isCodable"),
            "User": ("guid",),
            "TextSource": ("guid",),
            "PlainTextSelection": ("guid", "startPosition", "endPosition"),
            "Coding": ("guid",),
            "CodeRef": ("targetGUID",),
        }.get(tag, ())
        for attr in need:
            if el.get(attr) is None:
                problems.append(f"{tag} lacks required attribute {attr}")
        for attr in ("guid", "targetGUID", "creatingUser"):
            if el.get(attr) is not None and not guid_re.match(el.get(attr)):
                problems.append(f"{tag} {attr}={el.get(attr)!r} is not a GUID")
        if tag == "Code" and el.get("isCodable") not in ("true", "false", "1", "0"):
            problems.append(f"Code {el.get('name')!r}: isCodable must be boolean")
        if tag == "PlainTextSelection":
            try:
                s, e = int(el.get("startPosition")), int(el.get("endPosition"))
                if not 0 <= s <= e:
                    problems.append(f"selection {el.get('name')}: bad positions {s}..{e}")
            except (TypeError, ValueError):
                problems.append(f"selection {el.get('name')}: positions are not integers")
        if tag == "CodeRef" and el.get("targetGUID") not in codes:
            problems.append(f"CodeRef targets unknown code {el.get('targetGUID')}")
        if tag == "TextSource":
            has_content = el.find(_Q + "PlainTextContent") is not None
            if has_content == (el.get("plainTextPath") is not None):
                problems.append(
                    f"TextSource {el.get('name')!r}: needs exactly one of "
                    "PlainTextContent/plainTextPath"
                )
    return problems


def read_qdpx(path: Path) -> list[SampleUnit]:
    """Import the coded selections of a ``.qdpx`` file as :class:`SampleUnit` objects.

    Units are returned in sid order with codes (defaults for fields without codings),
    the selected text and offsets (document offsets for document sources).

    Raises
    ------
    AnnotationError
        ``E444`` not a zip / no ``project.qde`` / invalid XML / schema problems,
        ``E445`` a selection outside its source text.
    """
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("project.qde")
            blobs = {n: z.read(n) for n in z.namelist() if n.startswith("sources/")}
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise AnnotationError("E444", f"{path}: not a readable .qdpx archive: {exc}") from exc
    try:
        root = etree.parse(
            io.BytesIO(xml), etree.XMLParser(resolve_entities=False, no_network=True)
        ).getroot()
    except etree.XMLSyntaxError as exc:
        raise AnnotationError("E444", f"{path}: project.qde is not well-formed XML: {exc}") from exc
    problems = check_project(root)
    if problems:
        raise AnnotationError(
            "E444", f"{path}: project.qde does not follow the REFI-QDA schema: {problems[:3]}"
        )
    code_of: dict[str, tuple[str, str]] = {}
    for parent in root.iter(_Q + "Code"):
        for child in parent.findall(_Q + "Code"):
            fname, _, val = (child.get("name") or "").partition("=")
            if (
                parent.get("name") == fname
                and fname in CODEBOOK_FIELDS
                and val in field_values(fname)
            ):
                code_of[child.get("guid")] = (fname, val)
    units: list[SampleUnit] = []
    for src in root.iter(_Q + "TextSource"):
        content = src.find(_Q + "PlainTextContent")
        if content is not None:
            text = content.text or ""
        else:
            ref = (src.get("plainTextPath") or "").removeprefix("internal://")
            blob = blobs.get(f"sources/{ref}")
            if blob is None:
                raise AnnotationError("E444", f"{path}: source file sources/{ref} missing")
            text = blob.decode("utf-8-sig")
        key = src.get("name") or ""
        single = "#" in key
        for sel in src.findall(_Q + "PlainTextSelection"):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            if e > len(text):
                raise AnnotationError(
                    "E445", f"{path}: selection {sel.get('name')} ends after its source"
                )
            meta = _parse_desc(sel.findtext(_Q + "Description") or "")
            codes: dict[str, Any] = {}
            for cod in sel.findall(_Q + "Coding"):
                for cref in cod.findall(_Q + "CodeRef"):
                    fv = code_of.get(cref.get("targetGUID"))
                    if fv is None:
                        continue
                    f, v = fv
                    if f in NOMINAL_FIELDS:
                        codes[f] = int(v) if v.isdigit() else v
                    else:
                        codes.setdefault(f, []).append(v)
            if codes:
                for f in CODEBOOK_FIELDS:
                    codes.setdefault(
                        f, list(DEFAULTS[f]) if isinstance(DEFAULTS[f], list) else DEFAULTS[f]
                    )
                for f in MULTI_FIELDS:
                    vals = sorted(set(codes[f]))
                    if f == "referent_object":
                        vals = [v for v in vals if v != "none"] or ["none"]
                    codes[f] = vals
            doc_id = meta.get("doc_id") or key.split("#")[0]
            units.append(
                SampleUnit(
                    sel.get("name") or "",
                    doc_id,
                    meta.get("lang", ""),
                    int(meta.get("sentence_index", "-1")),
                    -1 if single else s,
                    -1 if single else e,
                    "",
                    text[s:e],
                    "",
                    meta.get("stratum", ""),
                    codes,
                )
            )
    return sorted(units, key=lambda u: u.sid)


def _parse_desc(desc: str) -> dict[str, str]:
    out = {}
    for part in desc.split(";"):
        k, _, v = part.strip().partition("=")
        if k:
            out[k] = v
    return out


def merge_context(
    imported: Sequence[SampleUnit], template: Sequence[SampleUnit]
) -> list[SampleUnit]:
    """Restore ``prev``/``next``, offsets and the suggestion fingerprint
    (``suggestion_key``) from the exported units (matched on sid)."""
    by_sid = {u.sid: u for u in template}
    out = []
    for u in imported:
        t = by_sid.get(u.sid)
        out.append(
            u
            if t is None
            else replace(
                u,
                prev=t.prev,
                next=t.next,
                start=t.start,
                end=t.end,
                suggestion_key=t.suggestion_key,
            )
        )
    return out
