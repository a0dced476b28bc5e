"""``seclens compare`` and ``seclens trend`` end to end on the reference corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
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


def _small_corpus(tmp_path: Path) -> Path:
    """Three dated Chinese documents with a manifest (seconds to analyse)."""
    root = tmp_path / "corpus"
    (root / "docs").mkdir(parents=True)
    rows = ["id,title,issuer,level,date,language"]
    texts = [("2017", "维护国家安全。发展人工智能。"), ("2018", "加强网络安全。")]
    texts.append(("2019", "国防建设。"))
    for i, (year, text) in enumerate(texts):
        (root / "docs" / f"d{i}.txt").write_text(text, encoding="utf-8")
        rows.append(f"d{i},T{i},国务院,central,{year}-01-01,zh")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_trend_unknown_measure_is_e501(tmp_path: Path) -> None:
    """Case: ``trend --measure nonsense`` printed an empty table with rc=0."""
    corpus = _small_corpus(tmp_path)
    args = ["trend", str(corpus), "--by", "issuer", "--measure", "nonsense", "--no-moves"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "E501" in result.output and "'nonsense'" in result.output
    assert "security_per_10k" in result.output  # the allowed measures are named


def test_compare_unknown_measure_is_e501(tmp_path: Path) -> None:
    """Case: ``compare`` with an unknown measure only printed a note."""
    corpus = _small_corpus(tmp_path)
    args = ["compare", str(corpus), "--target", "date<2018-06-01", "--reference"]
    args += ["date>=2018-06-01", "--measure", "nonsense", "--no-moves"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "E501" in result.output and "'nonsense'" in result.output


def test_trend_nothing_analysed_says_so(tmp_path: Path) -> None:
    """Case: ``trend`` on a corpus where nothing was analysed said "the table has
    neither a 'date' nor a 'year' column"."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not a document", encoding="utf-8")
    result = CliRunner().invoke(main, ["trend", str(empty), "--no-moves"])
    assert result.exit_code == 1
    assert "E504" in result.output and "no document could be analysed" in result.output
    assert "notes.md" in result.output and "'year'" not in result.output


def test_trend_out_files_written_before_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case: ``trend … --out d | head`` ended with only trends.csv of 8 files written
    (the reader closed stdout while the table was printed)."""
    import click

    import seclens.cli.trend as trend_cli

    corpus = _small_corpus(tmp_path)
    out = tmp_path / "out"

    def closed_pipe(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(click, "echo", closed_pipe)
    monkeypatch.setattr(trend_cli.click, "echo", closed_pipe)
    CliRunner().invoke(main, ["trend", str(corpus), "--no-moves", "--out", str(out)])
    names = {p.name for p in out.iterdir()}
    assert {"trends.csv", "documents.csv", "trends.html"} <= names
    assert any(n.startswith("trend_") and n.endswith(".svg") for n in names)


def _ingest(corpus: Path, db: Path) -> None:
    from seclens.store.sync import ingest_corpus

    ingest_corpus([corpus], db)


def test_compare_from_a_store_equals_compare_from_the_folder(corpus_dir: Path,
                                                              tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    _ingest(corpus_dir, db)
    args = ["--target", "level=central", "--reference", "level=provincial,municipal",
            "--resamples", "999"]
    outputs = {}
    for name, source in (("folder", corpus_dir), ("store", db)):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["compare", str(source), *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        outputs[name] = (result.output.replace(str(out), "OUT"), out)
    assert outputs["store"][0] == outputs["folder"][0]
    for file in ("documents.csv", "grouptests.csv", "exclusions.csv", "keyness_zh.csv",
                 "compare.html"):
        assert (outputs["store"][1] / file).read_bytes() == \
            (outputs["folder"][1] / file).read_bytes(), file


def test_trend_and_compare_by_from_a_store(corpus_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    _ingest(corpus_dir, db)
    for command in (["trend", "--by", "level", "--no-moves"],
                    ["compare", "--by", "level", "--no-moves", "--resamples", "199"]):
        got = [CliRunner().invoke(main, [command[0], str(source), *command[1:]])
               for source in (corpus_dir, db)]
        assert got[0].exit_code == 0 and got[1].exit_code == 0, got[1].output
        assert got[1].output == got[0].output


@pytest.mark.parametrize("extra", [["--convention", "token"], ["--manifest", "MANIFEST"],
                                   ["--lexicon", "LEXICON"], ["CORPUS"]])
def test_a_store_refuses_options_of_files(corpus_dir: Path, tmp_path: Path,
                                          extra: list[str]) -> None:
    db = tmp_path / "corpus.duckdb"
    _ingest(corpus_dir, db)
    lexicon = tmp_path / "extra.csv"
    lexicon.write_text("term,lang,category,sector\n算力安全,zh,security,technological\n",
                       encoding="utf-8")
    swap = {"MANIFEST": str(corpus_dir / "manifest.csv"), "LEXICON": str(lexicon),
            "CORPUS": str(corpus_dir)}
    result = CliRunner().invoke(main, ["trend", str(db), *[swap.get(a, a) for a in extra]])
    assert result.exit_code == 2  # an option error
    assert "error E001" in result.output
