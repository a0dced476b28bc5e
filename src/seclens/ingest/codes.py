"""Ingest stage: the error / exclusion codes of this stage (``E1xx``).

Each code is used both for :class:`seclens.errors.IngestError` (raised) and for
:class:`seclens.types.Exclusion` records (yielded while streaming a folder).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

E_NOT_FOUND = "E101"
E_UNSUPPORTED = "E102"
E_UNREADABLE = "E103"
E_ENCODING = "E104"
E_BINARY = "E105"
E_EMPTY = "E106"
E_NO_TEXT_LAYER = "E107"
E_CORRUPT = "E108"
E_DUPLICATE_FILE_ID = "E109"
E_MANIFEST_NO_ID = "E110"
E_MANIFEST_DUPLICATE = "E111"
E_MANIFEST_MISSING_FILE = "E112"
E_MANIFEST_UNREADABLE = "E113"
E_MANIFEST_VALUE = "E114"
E_NOTHING_ANALYSED = "E115"
E_FILE_NAME = "E116"
E_FETCH = "E120"
E_FETCH_HTTP = "E121"
E_SOURCES = "E122"
E_DATA = "E130"

CODES: Mapping[str, str] = MappingProxyType(
    {
        E_NOT_FOUND: "input path does not exist",
        E_UNSUPPORTED: "file type not supported (txt, html/htm, pdf, docx): a file named "
        "explicitly (error) or found in a folder input (exclusion)",
        E_UNREADABLE: "file cannot be read (permissions, I/O error)",
        E_ENCODING: "text cannot be decoded without replacement characters, or encoding unsure",
        E_BINARY: "a text file holds binary content (NUL bytes)",
        E_EMPTY: "no body text after extraction",
        E_NO_TEXT_LAYER: "PDF has no text layer (scanned?)",
        E_CORRUPT: "PDF / DOCX / HTML cannot be parsed",
        E_DUPLICATE_FILE_ID: "two input files share one document id (file stem)",
        E_MANIFEST_NO_ID: "manifest has no 'id' column, or a row with an empty id",
        E_MANIFEST_DUPLICATE: "manifest repeats an id",
        E_MANIFEST_MISSING_FILE: "manifest row whose file is not among the inputs",
        E_MANIFEST_UNREADABLE: "manifest cannot be read or decoded",
        E_MANIFEST_VALUE: "manifest cell has a value outside the allowed set (level, language)",
        E_NOTHING_ANALYSED: "a run analysed no document at all (every input excluded, or no "
        "file found); the report lists the exclusions",
        E_FILE_NAME: "file name is not valid UTF-8 (bytes the file system gives undecoded): "
        "rename the file",
        E_FETCH: "download failed (network, timeout, offline)",
        E_FETCH_HTTP: "download answered with an HTTP error status",
        E_SOURCES: "sources CSV is malformed",
        E_DATA: "packaged ingest data file is malformed",
    }
)
