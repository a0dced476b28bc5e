"""Discovery: the os.walk listing keeps the meaning of the rglob listing it replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seclens.ingest.discover import _visible_files


def _by_rglob(folder: Path, recursive: bool) -> set[Path]:
    """The previous definition: rglob/glob, files only, no hidden part, no ~$ lock files."""
    candidates = folder.rglob("*") if recursive else folder.glob("*")
    return {p for p in candidates if p.is_file() and not p.name.startswith("~$")
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


_NAMES = st.sampled_from(["a", "b.txt", ".hidden", "~$lock.docx", "sub", ".git", "c.pdf",
                          "国家安全.txt", "d"])
_TREES = st.lists(st.lists(_NAMES, min_size=1, max_size=4), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_TREES, st.booleans())
def test_visible_files_equal_the_rglob_definition(tmp_path_factory: pytest.TempPathFactory,
                                                  paths: list[list[str]],
                                                  recursive: bool) -> None:
    root = tmp_path_factory.mktemp("tree")
    for parts in paths:
        target = root.joinpath(*parts)
        if any(p.is_file() for p in [root.joinpath(*parts[:i]) for i in range(1, len(parts))]):
            continue  # a file already sits where a folder would go
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    assert set(_visible_files(root, recursive)) == _by_rglob(root, recursive)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symlinks_as_rglob(tmp_path: Path) -> None:
    """A link to a file is listed; a link to a folder is not descended into."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("x", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "real.txt").write_text("r", encoding="utf-8")
    os.symlink(outside / "x.txt", root / "link.txt")
    os.symlink(outside, root / "linked-folder")
    os.symlink(tmp_path / "missing.txt", root / "broken.txt")
    got = set(_visible_files(root, True))
    assert got == _by_rglob(root, True) == {root / "real.txt", root / "link.txt"}


_ROOT_NAMES = st.sampled_from(["README.md", "LICENSE", "a.txt", "b.csv", "sub", "x.docx",
                               "notes.md", "CITATION.cff"])


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_ROOT_NAMES, min_size=1, max_size=3), min_size=1, max_size=10),
       st.booleans())
def test_discover_all_equals_the_three_listings(tmp_path_factory: pytest.TempPathFactory,
                                                paths: list[list[str]],
                                                recursive: bool) -> None:
    """One walk per folder (the planner's) classifies as the three separate walks do."""
    from seclens.ingest.discover import (
        discover,
        discover_all,
        discover_documentation,
        discover_unsupported,
    )

    root = tmp_path_factory.mktemp("tree")
    for parts in paths:
        target = root.joinpath(*parts)
        if any(p.is_file() for p in [root.joinpath(*parts[:i]) for i in range(1, len(parts))]):
            continue
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    inputs = [root, *([root / "sub"] if (root / "sub").is_dir() else [])]
    found = discover_all(inputs, recursive=recursive)
    assert list(found.documents) == discover(inputs, recursive=recursive)
    assert list(found.unsupported) == discover_unsupported(inputs, recursive=recursive)
    assert list(found.documentation) == discover_documentation(inputs)
