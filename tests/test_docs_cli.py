"""docs/cli.md documents every registered command and every option (from --help)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "cli.md"


def _script() -> ModuleType:
    script = REPO / "scripts" / "gen_cli_docs.py"
    spec = importlib.util.spec_from_file_location("gen_cli_docs", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## `([^`]+)`\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _commands() -> list[tuple[str, click.Command]]:
    from seclens.cli import main

    gen = _script()
    root = click.Context(main, info_name="seclens")
    return [(full, cmd) for full, cmd, _ in gen.iter_commands(main, "seclens", root)]


def test_every_command_has_a_section() -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    missing = [full for full, _ in _commands() if full not in sections]
    assert not missing, f"not in docs/cli.md (run scripts/gen_cli_docs.py): {missing}"


@pytest.mark.parametrize("full,command", _commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_option_is_documented(full: str, command: click.Command) -> None:
    section = _sections(DOC.read_text(encoding="utf-8")).get(full, "")
    for param in command.params:
        if isinstance(param, click.Option):
            for opt in param.opts + param.secondary_opts:
                assert re.search(rf"(^|[\s,/]){re.escape(opt)}\b", section), (
                    f"{full}: option {opt} not in docs/cli.md"
                )
        else:
            assert param.human_readable_name.upper() in section, (
                f"{full}: argument {param.name} not in docs/cli.md"
            )


def test_docs_cli_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == _script().render(), (
        "docs/cli.md is stale: run python scripts/gen_cli_docs.py"
    )


def test_the_check_detects_a_missing_option() -> None:
    # The section parser and option check must fail on a doc that lacks an option.
    sections = _sections(DOC.read_text(encoding="utf-8"))
    trimmed = sections["seclens analyze"].replace("--replace-lexicon", "")
    assert not re.search(r"(^|[\s,/])--replace-lexicon\b", trimmed)
