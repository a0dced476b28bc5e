"""seclens annotate / table / sample from a store print and write what they do from the
folder (the Dask output folder: tests/engine/test_dask.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main

#: (command and options, the file option, or None)
STORED_COMMANDS = [
    (["annotate"], "--out"),
    (["table", "--top", "2", "--group", "level=central"], "--html"),
    (["sample", "-n", "30", "--seed", "3", "--with-suggestions"], "--csv"),
]


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    from seclens.store.sync import ingest_corpus

    db = tmp_path_factory.mktemp("store") / "corpus.duckdb"
    ingest_corpus([corpus_dir], db)
    return db


@pytest.mark.parametrize(("command", "file_option"), STORED_COMMANDS,
                         ids=[c[0][0] for c in STORED_COMMANDS])
def test_command_from_a_store_equals_the_folder(reference_store: Path, corpus_dir: Path,
                                                command: list[str], file_option: str,
                                                same_as_folder: Callable[..., None]) -> None:
    same_as_folder(reference_store, corpus_dir, command, file_option)


def test_annotate_a_store_among_other_inputs_is_e001(reference_store: Path,
                                                     corpus_dir: Path) -> None:
    run = CliRunner().invoke(main, ["annotate", str(reference_store), str(corpus_dir)])
    assert run.exit_code != 0 and "E001" in run.output


def test_analyze_a_store_writes_the_folders_report(
        reference_store: Path, corpus_dir: Path,
        same_report_as_folder: Callable[[Path, Path], None]) -> None:
    same_report_as_folder(reference_store, corpus_dir)


def test_analyze_a_store_with_analysis_options_is_e010(reference_store: Path,
                                                       corpus_dir: Path) -> None:
    run = CliRunner().invoke(main, ["analyze", str(reference_store), "--out", "unused",
                                    "--convention", "token"])
    assert run.exit_code != 0 and "E010" in run.output and "ingest" in run.output
