"""The README's two setup commands stay true: CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _fenced_after(heading_text: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pos = readme.index(heading_text)
    block = re.search(r"```bash\n(.+?)\n```", readme[pos:], re.S)
    assert block, f"no bash block after {heading_text!r}"
    return block.group(1).strip()


def test_ci_runs_the_readme_test_command() -> None:
    command = _fenced_after("Run the tests")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines(), "the README test command must appear verbatim in .ci/run"
    assert "pytest" in command


def test_readme_main_command_runs_the_demo() -> None:
    command = _fenced_after("Run the main job")
    assert "pip install" in command
    assert "seclens demo" in command
