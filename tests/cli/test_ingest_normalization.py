"""Regression: ``seclens ingest`` offers the normalisation options of ``analyze``.

A store could only be built with ``--t2s-config t2s`` and CJK-break joining on, so an
analysis with ``tw2sp`` (Taiwan usage with phrases) or without joining could not come
from a store at all (``analyze STORE --t2s-config ...`` is refused: the options belong
to the ingest). Now the store holds what ``analyze FOLDER`` computes with the same
options, and says which options it was built with.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main
from seclens.engine.config import EngineConfig
from seclens.errors import ConfigError

OPTION_SETS = {
    "defaults": [],
    "tw2sp": ["--t2s", "--t2s-config", "tw2sp"],
    "no-join": ["--no-join-cjk-breaks"],
}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    # Taiwan usage: 網路安全 is 网络安全 only through tw2sp's phrase table
    (folder / "tw-note.txt").write_text(
        "政府將加強網路安全與國家安全。資訊安全同樣重要。\n", encoding="utf-8")
    # a compound broken by a line break and by a space
    (folder / "cn-note.txt").write_text(
        "坚决维护国家\n安全。统筹发展和国家 安全。\n", encoding="utf-8")
    return folder


def _term_count(counts_csv: Path, doc_id: str, term: str) -> int:
    with counts_csv.open(encoding="utf-8-sig", newline="") as fh:  # (Excel BOM)
        rows = [r for r in csv.DictReader(fh)
                if r["doc_id"] == doc_id and r["key_type"] == "term" and r["key"] == term]
    return sum(int(r["count"]) for r in rows)


def _analyze(corpus: Path | str, out: Path, options: list[str]) -> Path:
    run = CliRunner().invoke(main, ["analyze", str(corpus), *options, "--out", str(out),
                                    "--no-progress"])
    assert run.exit_code == 0, run.output
    return out / "counts.csv"


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_a_store_ingested_with_normalisation_options_equals_analyze_with_them(
        tmp_path: Path, corpus: Path, name: str) -> None:
    options = OPTION_SETS[name]
    db = tmp_path / "s.duckdb"
    run = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db), *options])
    assert run.exit_code == 0, run.output
    from_store = _analyze(db, tmp_path / "from-store", [])
    from_folder = _analyze(corpus.resolve(), tmp_path / "from-folder", options)
    assert from_store.read_bytes() == from_folder.read_bytes()
    # ... and the options did what they say
    expected = {"defaults": (0, 2), "tw2sp": (1, 2), "no-join": (0, 0)}[name]
    assert (_term_count(from_store, "tw-note", "网络安全"),
            _term_count(from_store, "cn-note", "国家安全")) == expected


def test_ingest_with_other_options_reanalyses_the_stored_documents(
        tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db)])
    assert "added: 2" in first.output
    again = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db),
                                      "--no-join-cjk-breaks"])
    assert again.exit_code == 0 and "changed: 2" in again.output, again.output


def test_engine_config_passes_the_options_to_the_analysis() -> None:
    options = EngineConfig(to_simplified=True, t2s_config="tw2sp",
                           join_cjk_breaks=False).analysis_options()
    assert (options.t2s_config, options.join_cjk_breaks) == ("tw2sp", False)
    # a stored configuration of an earlier ingest (no such keys) reads as the defaults
    record = {k: v for k, v in EngineConfig().as_dict().items()
              if k not in ("t2s_config", "join_cjk_breaks")}
    assert EngineConfig(**record) == EngineConfig()
    with pytest.raises(ConfigError) as err:
        EngineConfig(join_cjk_breaks="no")  # type: ignore[arg-type]
    assert err.value.code == "E601"
    with pytest.raises(ConfigError):
        EngineConfig(to_simplified=True, t2s_config="xx")
