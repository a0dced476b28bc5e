"""``seclens analyze`` in-process (CliRunner)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from seclens.cli import main


def _corpus(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text("维护国家安全。保障网络安全。加强国防。", encoding="utf-8")
    (docs / "blank.txt").write_text("\n\n", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"not a pdf")
    (root / "manifest.csv").write_text(
        "id,title,level,language\na,<b>甲</b>,central,zh\nblank,空,municipal,zh\n",
        encoding="utf-8",
    )
    return root


def test_analyze_writes_report_and_summary(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "Analysed 1 documents" in res.output
    assert "excluded 2" in res.output
    assert "excluded blank: [E1" in res.output  # empty text, with its code and reason
    assert "Top terms: 安全 2, 国家安全 1, 国防 1, 网络安全 1" in res.output
    for name in ("report.html", "documents.csv", "counts.csv", "matches.csv", "run.json"):
        assert (out / name).is_file()
        assert str(out / name) in res.output
    with (out / "documents.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["doc_id"]: r["status"] for r in rows} == {
        "a": "analysed", "blank": "excluded", "broken": "excluded",
    }
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["convention"] == "substring"


def test_analyze_refuses_output_in_corpus(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(main, ["analyze", str(corpus), "--out", str(corpus / "docs")])
    assert res.exit_code == 2
    assert "E020" in res.output
    assert not (corpus / "docs" / "report.html").exists()


def test_analyze_bad_context_is_a_clean_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    res = CliRunner().invoke(
        main, ["analyze", str(corpus), "--out", str(tmp_path / "o"), "--context", "-5"]
    )
    assert res.exit_code == 2
    assert "E010" in res.output and "context_chars" in res.output
    assert "Traceback" not in res.output


def test_analyze_reference_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["analyze", str(corpus_dir), "--out", str(tmp_path / "o"), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "Analysed 28 documents" in res.output
    assert "excluded 0" in res.output
