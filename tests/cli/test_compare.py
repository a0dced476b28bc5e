"""``seclens compare`` and ``seclens trend`` end to end on the reference corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from seclens.cli import main


def test_compare_central_vs_local(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(corpus_dir),
            "--target",
            "level=central",
            "--reference",
            "level=provincial,municipal",
            "--top",
            "5",
            "--resamples",
            "999",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "target: 12 documents (zh 12)" in result.output
    assert "Keyness (zh)" in result.output and "security_per_10k" in result.output
    tests = pd.read_csv(out / "grouptests.csv")
    assert set(tests.measure) >= {"security_per_10k", "move_share"}
    keyness = pd.read_csv(out / "keyness_zh.csv")
    assert list(keyness.columns[:3]) == ["feature", "n_target", "n_reference"]
    assert (out / "compare.html").read_text(encoding="utf-8").count("<table") >= 3


def test_compare_bad_expression_is_a_clean_error(corpus_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(corpus_dir),
            "--target",
            "rank=central",
            "--reference",
            "level=municipal",
            "--no-moves",
        ],
    )
    assert result.exit_code == 1
    assert "E501" in result.output and "allowed columns" in result.output


def test_compare_needs_groups(corpus_dir: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(corpus_dir), "--target", "level=central"])
    assert result.exit_code == 2 and "--reference" in result.output


def test_trend_by_level(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t"
    result = CliRunner().invoke(
        main,
        [
            "trend",
            str(corpus_dir),
            "--by",
            "level",
            "--measure",
            "security_per_10k",
            "--no-moves",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    series = pd.read_csv(out / "trends.csv")
    central = series[(series.group == "central")]
    assert central.n_docs.sum() == 12 and central.small_n.any()
    assert (out / "trend_security_per_10k.svg").read_text(encoding="utf-8").startswith("<svg")


def test_compare_by_level_one_vs_rest(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "by"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(corpus_dir),
            "--by",
            "level",
            "--no-moves",
            "--resamples",
            "999",
            "--measure",
            "security_per_10k",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    # foreign (English) shares no language with the rest: reported, not dropped
    assert "[E506]" in result.output and "target level=foreign" in result.output
    assert (out / "keyness_zh_level-central.csv").exists()
    assert not (out / "keyness_en_level-foreign.csv").exists()
