"""Engine stage (scale): the small, frozen, picklable configuration of one analysis.

An :class:`EngineConfig` is all a worker process (local pool or Dask worker) needs to
build its own lexicon, sense rules, segmenters and matchers once. It holds only
strings, booleans and integers, so it pickles cheaply and hashes, and it is the
cache key of the per-process pipeline (see :mod:`seclens.engine.process`). Its fields
mirror :class:`seclens.api.AnalysisOptions` (minus the manifest, which belongs to
ingest), so the store and ``seclens analyze`` compute the same thing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seclens.errors import ConfigError

if TYPE_CHECKING:
    from seclens.api import AnalysisOptions


@dataclass(frozen=True)
class EngineConfig:
    """Configuration of the per-document analysis.

    Parameters
    ----------
    convention : str
        ``"substring"`` (overlapping compounds counted, as in the reference figures)
        or ``"token"`` (occurrences on segmenter token boundaries).
    lexicon_paths : tuple[str, ...]
        Extra lexicon files combined with the packaged default lexicon.
    replace_lexicon : bool
        Use only ``lexicon_paths``.
    sense_rules_path : str or None
        Sense-rule file; ``None`` for the packaged rules.
    to_simplified : bool
        Match on the OpenCC conversion to Simplified Chinese (offsets still refer to
        the original).
    t2s_config : str
        OpenCC configuration for ``to_simplified`` (``t2s``, ``tw2s``, ``tw2sp``,
        ``hk2s``, ``hk2sp``; as :class:`seclens.api.AnalysisOptions`).
    join_cjk_breaks : bool
        Match compounds broken by a line break or spaces between two Han characters
        (as :class:`seclens.api.AnalysisOptions`).
    context_chars : int
        Characters of KWIC context kept left and right of each match.
    annotate : bool
        Also code every sentence with :class:`seclens.annotate.RuleAnnotator`.

    Raises
    ------
    ConfigError
        ``E010``/``E011`` (from :class:`seclens.api.AnalysisOptions`) when a value is
        outside what is allowed or a named file is missing; ``E601`` when
        ``annotate`` is not a bool.
    """

    convention: str = "substring"
    lexicon_paths: tuple[str, ...] = ()
    replace_lexicon: bool = False
    sense_rules_path: str | None = None
    to_simplified: bool = False
    t2s_config: str = "t2s"
    join_cjk_breaks: bool = True
    context_chars: int = 30
    annotate: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "lexicon_paths",
                           tuple(str(Path(p).resolve()) for p in self.lexicon_paths))
        if self.sense_rules_path is not None:
            object.__setattr__(self, "sense_rules_path", str(Path(self.sense_rules_path).resolve()))
        for name in ("annotate", "join_cjk_breaks"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(
                    "E601", f"{name} must be True or False; received {getattr(self, name)!r}")
        self.analysis_options()  # validates the shared fields

    def analysis_options(self) -> AnalysisOptions:
        """The equivalent :class:`seclens.api.AnalysisOptions` (no manifest)."""
        from seclens.api import AnalysisOptions

        return AnalysisOptions(
            convention=self.convention,
            lexicon_paths=tuple(Path(p) for p in self.lexicon_paths),
            replace_lexicon=self.replace_lexicon,
            sense_rules_path=Path(self.sense_rules_path) if self.sense_rules_path else None,
            to_simplified=self.to_simplified,
            t2s_config=self.t2s_config,
            join_cjk_breaks=self.join_cjk_breaks,
            context_chars=self.context_chars,
        )

    def as_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-serialisable dict (for provenance)."""
        out = asdict(self)
        out["lexicon_paths"] = list(self.lexicon_paths)
        return out


def config_fingerprint(config: EngineConfig, provenance: dict[str, Any]) -> str:
    """Hex SHA-256 identifying an analysis configuration.

    Two ingests whose fingerprints are equal produce identical rows for identical
    document bytes; a stored document is re-analysed when its fingerprint differs.

    Parameters
    ----------
    config : EngineConfig
    provenance : dict
        Versions the configuration resolves to (package, lexicon and rule ids,
        versions and file hashes ...), from
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
