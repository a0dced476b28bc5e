"""Engine stage (scale): the small, frozen, picklable configuration of one analysis.

An :class:`EngineConfig` is all a worker process (local pool or Dask worker) needs to
build its own lexicon, sense rules, segmenter and matcher once. It holds only paths
and scalars, so it pickles cheaply and hashes, and it is the cache key of the
per-process pipeline (see :mod:`seclens.engine.process`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from seclens.errors import ConfigError

CONVENTIONS = ("substring", "token")


@dataclass(frozen=True)
class EngineConfig:
    """Configuration of the per-document analysis.

    Parameters
    ----------
    lexicon_path : str or None
        Lexicon file (YAML/CSV) for :func:`seclens.lexicon.load_lexicon`; ``None`` for
        the packaged default lexicon.
    sense_rules_path : str or None
        Sense-rule file for :func:`seclens.lexicon.load_sense_rules`; ``None`` for the
        packaged default rules.
    convention : str
        Counting convention, ``"substring"`` (overlapping compounds counted, as in the
        reference figures) or ``"token"``.
    context_chars : int
        Characters of KWIC context kept left and right of each match (>= 0).
    annotate : bool
        Also run the sentence annotator (:mod:`seclens.annotate`); raises
        :class:`~seclens.errors.ConfigError` (``E601``) at build time when it is not
        available.

    Raises
    ------
    ConfigError
        ``E601`` when a value is outside what is allowed.
    """

    lexicon_path: str | None = None
    sense_rules_path: str | None = None
    convention: str = "substring"
    context_chars: int = 30
    annotate: bool = False

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ConfigError(
                "E601",
                f"convention must be one of {', '.join(CONVENTIONS)}; got {self.convention!r}",
            )
        if not isinstance(self.context_chars, int) or self.context_chars < 0:
            raise ConfigError(
                "E601", f"context_chars must be an integer >= 0; got {self.context_chars!r}"
            )

    def as_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-serialisable dict (for provenance)."""
        return asdict(self)


def config_fingerprint(config: EngineConfig, provenance: dict[str, Any]) -> str:
    """Hex SHA-256 identifying an analysis configuration.

    Two ingests whose fingerprints are equal produce identical rows for identical
    document bytes; a document is re-analysed when its stored fingerprint differs.

    Parameters
    ----------
    config : EngineConfig
    provenance : dict
        Versions of the parts the configuration resolves to (package, lexicon id and
        version, sense-rule id and version, lexicon content hash ...), as returned by
        :func:`seclens.engine.process.describe_pipeline`.

    Returns
    -------
    str
        64 hex characters.
    """
    payload = json.dumps(
        {"config": config.as_dict(), "provenance": provenance}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
