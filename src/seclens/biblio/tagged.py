"""Bibliometric stage: a shared reader for line-tagged export formats.

Used by the RefWorks (CNKI), EndNote (CNKI), NoteExpress (CNKI), RIS and Web of
Science parsers. A record starts at ``start_tag`` and ends at the next start tag or
at ``end_tag``; a line without a tag inside a record continues the previous field
(wrapped titles and abstracts are joined with one space, so no record is lost); a
line without a tag outside any record is a malformed file (``E511``, naming the line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from seclens.biblio.records import BiblioRecord, make_record
from seclens.errors import CompareError


@dataclass(frozen=True)
class TaggedFormat:
    """Description of one tagged format.

    Attributes
    ----------
    name : str
        Format name (one of :data:`seclens.biblio.records.FORMATS`).
    tag_line : Callable[[str], tuple[str, str] | None]
        Returns ``(tag, value)`` when the line is a tagged line, else ``None``.
    start_tag : str
        Tag that opens a record.
    end_tag : str or None
        Tag that closes a record (``ER`` in RIS and WoS), if any.
    header_tags : tuple[str, ...]
        Tags allowed outside records (WoS ``FN``, ``VR``, ``EF``).
    indented_continuation : bool
        Continuation lines must start with whitespace (WoS); otherwise any untagged
        line inside a record is a continuation.
    mapping : Mapping[str, Sequence[str]]
        Canonical field → tags.
    year_tags : tuple[str, ...]
    """

    name: str
    tag_line: Callable[[str], tuple[str, str] | None]
    start_tag: str
    end_tag: str | None
    header_tags: tuple[str, ...]
    indented_continuation: bool
    mapping: Mapping[str, Sequence[str]]
    year_tags: tuple[str, ...]


def regex_tagger(
    pattern: str, tags: frozenset[str] | None = None
) -> Callable[[str], tuple[str, str] | None]:
    """Tagger from a regex with groups (tag, value); optionally restricted to known tags."""
    compiled = re.compile(pattern)

    def tag_line(line: str) -> tuple[str, str] | None:
        m = compiled.match(line)
        if m is None:
            return None
        tag = m.group(1).strip()
        if tags is not None and tag not in tags:
            return None
        return tag, (m.group(2) or "").strip()

    return tag_line


def parse_tagged(text: str, source: str, spec: TaggedFormat) -> list[BiblioRecord]:
    """Parse tagged export text into records (see the module docstring).

    Raises
    ------
    CompareError
        ``E511`` for an untagged line or a field outside any record, an unclosed
        record when the format has an end tag, or a file without any record.
    """
    records: list[BiblioRecord] = []
    current: dict[str, list[str]] | None = None
    start_line = 0
    last_tag: str | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            records.append(
                make_record(source, start_line, spec.name, current, spec.mapping, spec.year_tags)
            )
        current = None

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        tagged = None
        if not (spec.indented_continuation and line[:1].isspace()):
            tagged = spec.tag_line(line)
        if tagged is None:
            if (
                current is not None
                and last_tag is not None
                and (not spec.indented_continuation or line[:1].isspace())
            ):
                values = current[last_tag]
                values[-1] = f"{values[-1]} {line.strip()}".strip()
                continue
            raise CompareError(
                "E511",
                f"{source}:{number}: malformed {spec.name} export: cannot read "
                f"{line.strip()[:60]!r} (expected a field tag"
                + ("" if current is None else " or an indented continuation line")
                + ")",
            )
        tag, value = tagged
        if tag == spec.start_tag:
            flush()
            current, start_line = {}, number
        elif current is None:
            if tag in spec.header_tags:
                last_tag = None
                continue
            raise CompareError(
                "E511",
                f"{source}:{number}: malformed {spec.name} export: field {tag!r} outside a "
                f"record (a record starts with {spec.start_tag!r})",
            )
        if spec.end_tag is not None and tag == spec.end_tag:
            flush()
            last_tag = None
            continue
        current.setdefault(tag, []).append(value)
        last_tag = tag
    if current is not None:
        if spec.end_tag is not None:
            raise CompareError(
                "E511",
                f"{source}:{start_line}: malformed {spec.name} export: the record starting "
                f"here has no closing {spec.end_tag!r} line (truncated file?)",
            )
        flush()
    if not records:
        raise CompareError("E511", f"{source}: no {spec.name} record found")
    return records
