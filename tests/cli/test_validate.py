"""End-to-end CLI runs: validate, agreement, annotate, table, sample / import-coded."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from seclens.cli import main


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_validate_gold_prints_fields_alpha_and_confusion(reference_dir: Path) -> None:
    out = _run("validate", "--gold", str(reference_dir / "gold" / "dev.jsonl"))
    assert "securitizing_move" in out and "confusion" in out and "alpha" in out
    res = CliRunner().invoke(main, ["validate", "--gold", str(reference_dir / "gold" /
                                                             "dev.jsonl"), "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)  # the NOT HELD-OUT warning goes to stderr
    assert data["n"] == 240
    assert "NOT HELD-OUT" in res.stderr


def test_agreement_reproduces_reference(reference_dir: Path) -> None:
    g = reference_dir / "gold" / "coders"
    data = json.loads(
        _run("agreement", str(g / "coderA_dev.jsonl"), str(g / "coderB_dev.jsonl"), "--json")
    )
    pair = data["coderA_dev_vs_coderB_dev"]  # agreement.json layout: one entry per pair
    assert data["n_sentences"] == pair["n"] == 240
    assert round(pair["securitizing_move"]["alpha"], 3) == 0.887
    assert round(pair["referent_object"]["mean_alpha"], 3) == 0.724


def test_missing_gold_file_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", "--gold", str(bad)])
    assert res.exit_code == 1
    assert "E410" in res.output


def test_table_central_and_sample_round_trip(corpus_dir: Path, tmp_path: Path) -> None:
    out = _run(
        "table", str(corpus_dir), "--group", "level=central", "--html", str(tmp_path / "t.html")
    )
    assert "State Council" in out and "Facilitating conditions" in out
    assert "<details>" in (tmp_path / "t.html").read_text(encoding="utf-8")
    _run(
        "sample",
        str(corpus_dir),
        "-n",
        "12",
        "--csv",
        str(tmp_path / "s.csv"),
        "--qdpx",
        str(tmp_path / "s.qdpx"),
        "--with-suggestions",
    )
    _run(
        "import-coded",
        str(tmp_path / "s.qdpx"),
        "--out",
        str(tmp_path / "a.jsonl"),
        "--template",
        str(tmp_path / "s.csv"),
        "--accept-suggestions",  # the codes are the unedited detector suggestions
    )
    _run(
        "import-coded",
        str(tmp_path / "s.csv"),
        "--out",
        str(tmp_path / "b.jsonl"),
        "--accept-suggestions",
    )
    a = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    b = [json.loads(x) for x in (tmp_path / "b.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(a) == len(b) == 12
    assert a == b  # same codes, text and context through CSV and through .qdpx


def test_annotate_corpus_writes_evidence(corpus_dir: Path, tmp_path: Path) -> None:
    out = _run("annotate", str(corpus_dir), "--out", str(tmp_path / "a.jsonl"))
    assert "cn-sc-2017-aidp" in out
    first = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"evidence", "securitizing_move", "start", "end", "detector"} <= set(first)
