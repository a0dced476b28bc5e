"""One exception hierarchy with coded messages (all stages).

Every error seclens raises on purpose is a :class:`SeclensError` carrying a stable
code (``E001`` ...) that users can search for in ``docs/errors.md``. The CLI maps
them to exit codes and clean messages; library callers can catch the base class.

Codes are grouped by stage:

- ``E0xx`` configuration and parameters
- ``E1xx`` ingest (files, encodings, manifests)
- ``E2xx`` lexicons and rule data
- ``E3xx`` matching, segmentation and measures
- ``E4xx`` annotation, validation and coded data
- ``E5xx`` comparison and bibliometric imports
- ``E6xx`` store and distributed execution
"""

from __future__ import annotations


class SeclensError(Exception):
    """Base class of every deliberate seclens error.

    Parameters
    ----------
    code : str
        Stable error code such as ``"E101"``.
    message : str
        What went wrong and, where possible, how to fix it.
    """

    exit_code = 1

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")


class ConfigError(SeclensError):
    """A parameter or option has a value outside what is allowed (``E0xx``)."""

    exit_code = 2


class IngestError(SeclensError):
    """A document, folder or manifest cannot be read (``E1xx``)."""


class LexiconError(SeclensError):
    """A lexicon or rule file is malformed (``E2xx``)."""


class AnalysisError(SeclensError):
    """Matching, segmentation or a measure cannot proceed (``E3xx``)."""


class AnnotationError(SeclensError):
    """Annotation, validation or coded-data import failed (``E4xx``)."""


class CompareError(SeclensError):
    """Group comparison or bibliometric import failed (``E5xx``)."""


class StoreError(SeclensError):
    """The embedded store or the distributed engine failed (``E6xx``)."""
