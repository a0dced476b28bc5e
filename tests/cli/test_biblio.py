"""``seclens biblio``: per-year counts from export files (GB18030 CNKI file, RIS)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from seclens.cli import main

CNKI = (
    "RT Journal Article\nA1 张三;\nT1 人工智能安全风险研究\nYR 2018\nDS CNKI\n\n"
    "RT Journal Article\nA1 李四;\nT1 人工智能与教育\nYR 2018\nDS CNKI\n\n"
    "RT Journal Article\nA1 王五;\nT1 AI安全治理\nYR 2020\nDS CNKI\n\n"
    "RT Journal Article\nA1 赵六;\nT1 人工智能国家安全\nDS CNKI\n"
)
RIS = "TY  - JOUR\nTI  - AIDS and security\nPY  - 2019\nER  -\n"


def test_biblio_counts_and_outputs(tmp_path: Path) -> None:
    cnki = tmp_path / "cnki.txt"
    cnki.write_bytes(CNKI.replace("\n", "\r\n").encode("gb18030"))
    ris = tmp_path / "wos.ris"
    ris.write_text(RIS, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "biblio",
            str(cnki),
            str(ris),
            "--all",
            "人工智能,AI",
            "--all",
            "安全,security",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Records without a year: 1 (1 matching" in result.output
    for name in ("biblio_counts.csv", "biblio_records.csv"):  # UTF-8 with BOM for Excel
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    table = pd.read_csv(out / "biblio_counts.csv", encoding="utf-8-sig")
    assert table.to_dict("list")["year"] == [2018, 2019, 2020]
    assert table.to_dict("list")["matching"] == [1, 0, 1]  # "AIDS" is not "AI"
    assert table.to_dict("list")["records"] == [2, 1, 1]
    audit = pd.read_csv(out / "biblio_records.csv", encoding="utf-8-sig")
    assert table.columns[0] == "year"  # no BOM left in the first header
    assert len(audit) == 5 and audit.matching.sum() == 3
    assert (out / "biblio_figure.png").read_bytes().startswith(b"\x89PNG")


def test_biblio_malformed_file_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("T1 no record start\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["biblio", str(bad), "--all", "AI", "--format", "refworks"])
    assert result.exit_code == 1
    assert "E511" in result.output and "bad.txt:1" in result.output


def test_biblio_refuses_to_overwrite_input(tmp_path: Path) -> None:
    # regression: an export named like an output file must never be replaced
    src = tmp_path / "biblio_records.csv"
    src.write_text(RIS, encoding="utf-8")
    before = src.read_bytes()
    result = CliRunner().invoke(
        main,
        ["biblio", str(src), "--all", "security", "--format", "ris", "--out", str(tmp_path)],
    )
    assert result.exit_code == 1 and "E507" in result.output
    assert src.read_bytes() == before


def test_trend_out_inside_corpus_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("人工智能安全。", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["trend", str(corpus), "--no-moves", "--out", str(corpus / "out")]
    )
    assert result.exit_code == 1 and "E507" in result.output
    assert not (corpus / "out").exists()
