"""Every error code raised in the package is documented in docs/errors.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_code_in_the_source_is_documented() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "src" / "seclens").rglob("*.py")
    )
    used = set(re.findall(r"[\"'](E\d{3})[\"']", source))
    catalogue = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (E\d{3}) \|", catalogue, re.M))
    assert used, "no error codes found: the scan is broken"
    assert sorted(used - documented) == []


def test_errors_md_is_up_to_date() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_error_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
