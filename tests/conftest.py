"""Shared fixtures: locations of the reference corpus and reference material.

The corpus is read from ``$SECLENS_CORPUS`` or ``<repo>/../shared/corpus`` (as in CI),
the reference material from ``$SECLENS_REFERENCE`` or ``<repo>/../shared/reference``;
neither is ever copied into the repository. When CI=true and it is missing, tests that
need it fail instead of skipping.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
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


_PHRASES = (
    "维护国家安全", "加强网络安全和数据安全保护", "人工智能安全风险", "巩固国防",
    "推动人工智能产业发展", "保障人民生命财产安全", "防范化解重大风险", "完善安全评估制度",
    "促进经济社会发展", "提升公共服务水平", "强化技术攻关", "建设智慧城市",
)


def _write_generated_corpus(folder: Path, n: int, seed: int = 0, sentences: int = 6) -> list[Path]:
    """Write ``n`` small Chinese documents ``doc-000.txt`` ... (deterministic)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = "。".join(
            "，".join(rng.choice(_PHRASES) for _ in range(rng.randint(1, 4)))
            for _ in range(sentences)) + "。"
        path = folder / f"doc-{i:03d}.txt"
        path.write_text(f"第{i}号文件\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def make_corpus() -> Callable[..., list[Path]]:
    """Writer of small generated Chinese corpora for the store and engine tests
    (``make_corpus(folder, n, seed=0)``; no reference corpus needed)."""
    return _write_generated_corpus


@pytest.fixture()
def same_as_folder(tmp_path: Path) -> Callable[[Path, Path, list[str], str], None]:
    """Checker: a command run on a stored analysis (store or Dask output folder) prints
    and writes what it does run on the corpus folder.

    ``check(stored, folder, command, file_option)`` runs ``seclens COMMAND[0] CORPUS
    COMMAND[1:] FILE_OPTION FILE`` on both and asserts the same output (file paths
    replaced) and byte-identical, non-empty files.
    """
    from click.testing import CliRunner

    from seclens.cli import main

    def check(stored: Path, folder: Path, command: list[str], file_option: str) -> None:
        folder = folder.resolve()  # (stored analyses record resolved paths)
        got = {}
        for name, corpus in (("stored", stored), ("folder", folder)):
            out = tmp_path / f"{name}.out"
            run = CliRunner().invoke(main, [command[0], str(corpus), *command[1:],
                                            file_option, str(out)])
            assert run.exit_code == 0, run.output
            got[name] = (run.output.replace(str(out), "OUT"), out.read_bytes())
        assert got["stored"][1] and got["stored"] == got["folder"]

    return check


@pytest.fixture()
def same_report_as_folder(tmp_path: Path) -> Callable[[Path, Path], None]:
    """Checker: ``seclens analyze`` of a stored analysis writes the folder's report.

    ``check(stored, folder)``: documents.csv, counts.csv and matches.csv are
    byte-identical, and so is every section of report.html but the run provenance
    (the stored run names no manifest file, and its time differs).
    """
    import re

    from click.testing import CliRunner

    from seclens.cli import main

    section = re.compile(r'<section id="([^"]+)">.*?</section>', re.S)

    def check(stored: Path, folder: Path) -> None:
        # a stored analysis records resolved paths (symlinks followed, as ingest's
        # incremental keys): compare with the folder run of the same resolved path
        folder = folder.resolve()
        outs = {}
        for name, corpus in (("stored", stored), ("folder", folder)):
            out = tmp_path / f"report-{name}"
            run = CliRunner().invoke(main, [
                "analyze", str(corpus), "--out", str(out), "--no-progress",
                "--target", "level=central", "--reference", "level=provincial,municipal"])
            assert run.exit_code == 0, run.output
            outs[name] = out
        for file in ("documents.csv", "counts.csv", "matches.csv"):
            assert (outs["stored"] / file).read_bytes() == (outs["folder"] / file).read_bytes()
        pages = {name: {m.group(1): m.group(0) for m in
                        section.finditer((out / "report.html").read_text(encoding="utf-8"))}
                 for name, out in outs.items()}
        assert {"framework-table", "trends", "comparison", "kwic"} <= set(pages["folder"])
        for page in pages.values():
            page.pop("provenance")
        assert pages["stored"] == pages["folder"]

    return check
