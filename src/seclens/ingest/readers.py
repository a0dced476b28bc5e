"""Ingest stage: one reader per file format (txt, html/htm, pdf, docx).

Each reader turns a file into an :class:`Extracted` record: the body text, the
encoding used, notes, and the metadata the file itself carries. Readers never write
to the input file. Metadata resolution (manifest vs. file) happens in
:mod:`seclens.ingest.document`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens.errors import IngestError
from seclens.ingest.codes import E_CORRUPT, E_EMPTY, E_NO_TEXT_LAYER, E_UNREADABLE
from seclens.ingest.encoding import decode_bytes, sniff_declared_charset
from seclens.ingest.html import extract_html

if TYPE_CHECKING:
    from docx.table import Table

# python-docx and pdfplumber are imported by the readers that use them: together they
# take ~0.15 s to import, paid by every process that reads documents (pool workers,
# the planning child, seclens analyze) even when the corpus holds no DOCX or PDF.

#: File suffix (lower case) → format name.
FORMATS: Mapping[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}

# Clark names of w:sdt / w:sdtContent (the WordprocessingML main namespace), as
# python-docx's ``docx.oxml.ns.qn`` gives them.
_W_MAIN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SDT = _W_MAIN + "sdt"
_SDT_CONTENT = _W_MAIN + "sdtContent"


@dataclass(frozen=True)
class FileMeta:
    """Metadata carried by the file itself (HTML table/meta, DOCX/PDF properties)."""

    title: str = ""
    issuer: str = ""
    date: str = ""
    doc_number: str = ""
    source: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """Body text and facts of one file, before metadata resolution."""

    text: str
    fmt: str
    encoding: str
    sha256: str
    notes: tuple[str, ...] = ()
    file_meta: FileMeta = field(default_factory=FileMeta)


def read_bytes(path: Path) -> bytes:
    """Read a file's bytes (read-only).

    Raises
    ------
    IngestError
        ``E103`` on any OS error.
    """
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(E_UNREADABLE, f"{path}: cannot be read ({exc.strerror or exc})") from exc


def extract_file(path: Path, fmt: str) -> Extracted:
    """Extract one file with the reader for ``fmt`` (a value of :data:`FORMATS`).

    Raises
    ------
    IngestError
        ``E103`` unreadable, ``E104``/``E105`` encoding, ``E106`` empty,
        ``E107`` PDF without text layer, ``E108`` corrupt container.
    """
    data = read_bytes(path)
    extracted = _READERS[fmt](data, str(path))
    if not extracted.text.strip():
        raise IngestError(E_EMPTY, f"{path}: no body text after extraction")
    return extracted


def extract_txt(data: bytes, source: str) -> Extracted:
    """Plain text: decoded bytes, unchanged (no newline or whitespace normalisation)."""
    decoded = decode_bytes(data, source=source)
    return Extracted(decoded.text, "txt", decoded.encoding, _sha(data), decoded.notes)


def extract_html_bytes(data: bytes, source: str, declared: str | None = None) -> Extracted:
    """HTML page: decoded with its declared charset, then body and metadata extracted.

    ``declared`` (e.g. an HTTP ``charset``) overrides the page's own declaration, as
    transport-layer information does in the HTML standard's encoding sniffing.
    """
    declared = declared or sniff_declared_charset(data)
    decoded = decode_bytes(data, declared, source=source)
    page = extract_html(decoded.text, source=source)
    meta = page.meta
    extra = dict(meta.extra)
    if meta.published:
        extra["published"] = meta.published
    file_meta = FileMeta(meta.title, meta.issuer, meta.date, meta.doc_number, "html", extra)
    notes = decoded.notes + page.notes
    return Extracted(page.text, "html", decoded.encoding, _sha(data), notes, file_meta)


def extract_pdf(data: bytes, source: str) -> Extracted:
    """PDF text layer via pdfplumber, pages joined by a newline.

    Raises
    ------
    IngestError
        ``E107`` when no page has text (scanned?), ``E108`` when unparsable.
    """
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
            info = dict(pdf.metadata or {})
    except PdfminerException as exc:
        raise IngestError(E_CORRUPT, f"{source}: PDF cannot be parsed ({exc})") from exc
    if not any(page.strip() for page in pages):
        raise IngestError(E_NO_TEXT_LAYER, f"{source}: no text layer (scanned?); OCR it first")
    empty = sum(1 for page in pages if not page.strip())
    notes = (f"pdf: {len(pages)} pages, {empty} without text",)
    title = _text(info.get("Title"))
    extra = {
        f"pdf_{key.lower()}": value
        for key in ("Title", "Author", "Creator", "Producer")
        if (value := _text(info.get(key)))
    }
    if created := _pdf_date(_text(info.get("CreationDate"))):
        extra["pdf_creationdate"] = created
    # Author/Creator/Producer name a person or software, never the issuing body;
    # CreationDate is when the file was made, not the issuing date.
    file_meta = FileMeta(
        title="" if is_default_title(title) else title, source="pdf", extra=extra
    )
    return Extracted("\n".join(pages), "pdf", "n/a", _sha(data), notes, file_meta)


def extract_docx(data: bytes, source: str) -> Extracted:
    """DOCX paragraphs and table cells in body order (one line each).

    Raises
    ------
    IngestError
        ``E108`` when the file is not a valid DOCX package.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(E_CORRUPT, f"{source}: DOCX cannot be parsed ({exc})") from exc
    lines = list(_docx_lines(document))
    core = document.core_properties
    extra = {
        f"docx_{key}": value
        for key in ("title", "author", "last_modified_by")
        if (value := (getattr(core, key) or "").strip())
    }
    if core.created:
        extra["docx_created"] = core.created.date().isoformat()
    # author / last_modified_by name whoever saved the file ("Administrator",
    # "python-docx"), never the issuing body; created/modified are template or save
    # dates, not the issuing date (see seclens.ingest.document).
    title = (core.title or "").strip()
    file_meta = FileMeta(
        title="" if is_default_title(title) else title, source="docx", extra=extra
    )
    return Extracted("\n".join(lines), "docx", "n/a", _sha(data), (), file_meta)


def _docx_lines(document: Any) -> Iterator[str]:
    """Paragraph texts and table cell texts in the order they appear in the body XML."""
    yield from _block_lines(document.element.body, document)


def _block_lines(container: Any, document: Any) -> Iterator[str]:
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if isinstance(child, CT_P):
            yield Paragraph(child, document).text
        elif isinstance(child, CT_Tbl):
            yield from _table_lines(Table(child, document))
        elif child.tag == _SDT:  # content control: its blocks are body text too
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_lines(content, document)


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            yield cell.text


#: Titles that software and templates put in file properties (compared case-folded,
#: whitespace collapsed); such a title is not the document's title.
DEFAULT_TITLES: frozenset[str] = frozenset(
    {
        "", "title", "untitled", "document", "doc", "new document", "word document",
        "microsoft word document", "powerpoint presentation", "pdf", "slide 1",
        "文档", "新建文档", "新建 microsoft word 文档", "新建 doc 文档", "无标题", "标题",
    }
)
_DEFAULT_TITLE_PREFIXES = ("microsoft word - ", "microsoft powerpoint - ", "untitled-")


def is_default_title(title: str) -> bool:
    """True when a property title is a software/template default, not a real title.

    Defaults: :data:`DEFAULT_TITLES`, titles starting with ``Microsoft Word - `` (the
    file name printed to PDF) and titles that are a file name (``.doc``/``.docx``/
    ``.pdf``/``.wps`` ending).
    """
    folded = " ".join(title.split()).casefold()
    return (
        folded in DEFAULT_TITLES
        or folded.startswith(_DEFAULT_TITLE_PREFIXES)
        or folded.endswith((".doc", ".docx", ".pdf", ".wps", ".txt"))
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks of ``chunk`` bytes (1 MiB).

    The hash of every input file seclens records (documents, manifests, lexicons,
    the store's change detection).

    Raises
    ------
    OSError
        The file cannot be read.
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="strict") if value.isascii() else ""
    return str(value).strip() if value else ""


def _pdf_date(value: str) -> str:
    """``D:20240102...`` → ``2024-01-02``; anything else → ``""``."""
    digits = value.removeprefix("D:")[:8]
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return ""


_READERS: Mapping[str, Callable[[bytes, str], Extracted]] = {
    "txt": extract_txt,
    "html": extract_html_bytes,
    "pdf": extract_pdf,
    "docx": extract_docx,
}
