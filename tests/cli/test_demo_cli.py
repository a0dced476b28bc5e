"""``seclens demo`` in-process (CliRunner): reference corpus and offline sample fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main


def _row(output: str, doc_id: str, term: str) -> list[str]:
    for line in output.splitlines():
        cells = line.split()
        if cells[:2] == [doc_id, term]:
            return cells
    raise AssertionError(f"no row {doc_id} {term} in:\n{output}")


def test_demo_reproduces_the_study_figures(corpus_dir: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["demo", "--corpus", str(corpus_dir), "--out", str(tmp_path / "o"), "--no-download"]
    )
    assert res.exit_code == 0, res.output
    assert _row(res.output, "cn-sc-2017-aidp", "安全") == ["cn-sc-2017-aidp", "安全", "48", "48",
                                                           "match"]
    assert _row(res.output, "cn-sc-2017-aidp", "国家安全")[2:] == ["8", "8", "match"]
    assert _row(res.output, "cn-sc-2017-aidp", "国防")[2:] == ["11", "11", "match"]
    ndrc = _row(res.output, "cn-ndrc-2016-internetplus-ai", "安全")
    assert ndrc[2:] == ["16", "-", "not", "in", "corpus"]
    assert "ILLUSTRATIVE" not in res.output
    assert (tmp_path / "o" / "report.html").is_file()


def test_demo_offline_falls_back_to_the_labelled_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ../shared/corpus beside the working directory
    env = {"SECLENS_CORPUS": None, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = tmp_path / "o"
    res = CliRunner(env=env).invoke(main, ["demo", "--out", str(out), "--no-download"])
    assert res.exit_code == 0, res.output
    assert "ILLUSTRATIVE SAMPLE" in res.output
    assert "not real policy text" in res.output
    assert "--corpus DIR" in res.output and "SECLENS_CORPUS" in res.output
    assert "Analysed 3 documents" in res.output
    assert _row(res.output, "cn-sc-2017-aidp", "安全")[3:] == ["-", "not", "in", "corpus"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="notice"' in html and "ILLUSTRATIVE SAMPLE" in html
    assert "ILLUSTRATIVE SAMPLE" in json.loads((out / "run.json").read_text("utf-8"))["notice"]
