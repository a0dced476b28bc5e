"""Shared fixtures: locations of the reference corpus and reference material.

The corpus is read from ``$SECLENS_CORPUS`` or ``<repo>/../shared/corpus`` (as in CI),
the reference material from ``$SECLENS_REFERENCE`` or ``<repo>/../shared/reference``;
neither is ever copied into the repository. When CI=true and it is missing, tests that
need it fail instead of skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _need(path: Path, what: str) -> Path:
    if path.exists():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} not found at {path} (required in CI)")
    pytest.skip(f"{what} not found at {path}")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The reference corpus folder (with manifest.csv and docs/)."""
    env = os.environ.get("SECLENS_CORPUS")
    return _need(Path(env) if env else SHARED / "corpus", "reference corpus")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The reference material: seed_figures.json, CODEBOOK.md, gold/."""
    env = os.environ.get("SECLENS_REFERENCE")
    return _need(Path(env) if env else SHARED / "reference", "reference material")
