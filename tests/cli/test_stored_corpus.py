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


@pytest.fixture(scope="module")
def annotated_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The reference corpus ingested with --annotate: the commands read its stored
    annotations instead of annotating its text (seclens.store.annotations)."""
    from seclens.engine import EngineConfig
    from seclens.store.sync import ingest_corpus

    db = tmp_path_factory.mktemp("annotated") / "corpus.duckdb"
    ingest_corpus([corpus_dir], db, EngineConfig(annotate=True))
    return db


@pytest.mark.parametrize(("command", "file_option"), STORED_COMMANDS,
                         ids=[c[0][0] for c in STORED_COMMANDS])
def test_command_from_an_annotated_store_equals_the_folder(
        annotated_store: Path, corpus_dir: Path, command: list[str], file_option: str,
        same_as_folder: Callable[..., None]) -> None:
    same_as_folder(annotated_store, corpus_dir, command, file_option)


def test_analyze_an_annotated_store_writes_the_folders_report(
        annotated_store: Path, corpus_dir: Path,
        same_report_as_folder: Callable[[Path, Path], None]) -> None:
    same_report_as_folder(annotated_store, corpus_dir)


def test_annotate_a_store_among_other_inputs_is_e001(reference_store: Path,
                                                     corpus_dir: Path) -> None:
    run = CliRunner().invoke(main, ["annotate", str(reference_store), str(corpus_dir)])
    assert run.exit_code != 0 and "E001" in run.output


def test_analyze_a_store_writes_the_folders_report(
        reference_store: Path, corpus_dir: Path,
        same_report_as_folder: Callable[[Path, Path], None]) -> None:
    same_report_as_folder(reference_store, corpus_dir)


def test_analyze_a_store_with_analysis_options_is_e001(reference_store: Path,
                                                       corpus_dir: Path) -> None:
    run = CliRunner().invoke(main, ["analyze", str(reference_store), "--out", "unused",
                                    "--convention", "token"])
    assert run.exit_code != 0 and "E001" in run.output and "--convention" in run.output


# -- regressions from the session-6 new-user trial ------------------------------------

def _small_store(tmp_path: Path, lexicon: Path | None = None) -> tuple[Path, Path]:
    """A corpus of three documents and one empty file, ingested into a store."""
    from seclens.store.sync import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("a.txt", "加强网络安全保护。维护国家安全。\n"),
                       ("b.txt", "巩固国防。人工智能安全风险。\n"),
                       ("c.txt", "推动人工智能产业发展。\n"), ("empty.txt", "")):
        (corpus / name).write_text(text, encoding="utf-8")
    db = tmp_path / "corpus.duckdb"
    config = None
    if lexicon is not None:
        from seclens.engine import EngineConfig

        config = EngineConfig(lexicon_paths=(str(lexicon),))
    ingest_corpus([corpus], db, config)
    return corpus, db


@pytest.mark.parametrize("command", [["analyze", "--out", "OUT"], ["annotate"],
                                     ["table"], ["sample", "--csv", "OUT"],
                                     ["trend", "--by", "level"]])
def test_a_store_whose_last_ingest_was_killed_is_not_analysed(tmp_path: Path,
                                                              command: list[str]) -> None:
    import duckdb

    _, db = _small_store(tmp_path)
    con = duckdb.connect(str(db))  # what SIGKILL leaves: the run never marked complete
    con.execute("UPDATE runs SET status = 'running'")
    con.close()
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    run = CliRunner().invoke(main, [args[0], str(db), *args[1:]])
    assert run.exit_code != 0 and "E610" in run.output and "did not finish" in run.output
    assert "doc_id\t" not in run.output  # no table header before the error


@pytest.mark.parametrize("command", [["annotate", "--out"], ["table", "--html"],
                                     ["sample", "--csv"], ["analyze", "--out"],
                                     ["trend", "--by", "level", "--out"]])
def test_outputs_from_a_store_never_go_into_its_corpus(tmp_path: Path,
                                                       command: list[str]) -> None:
    corpus, db = _small_store(tmp_path)
    before = sorted(p.name for p in corpus.iterdir())
    for target in (corpus / "out.txt", Path(f"{db}.wal")):
        run = CliRunner().invoke(main, [command[0], str(db), *command[1:], str(target)])
        assert run.exit_code != 0 and ("E020" in run.output or "E507" in run.output), \
            run.output
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_sample_never_writes_into_a_corpus_folder(tmp_path: Path) -> None:
    corpus, _ = _small_store(tmp_path)
    run = CliRunner().invoke(main, ["sample", str(corpus), "--csv", str(corpus / "s.csv")])
    assert run.exit_code != 0 and "E020" in run.output
    assert not (corpus / "s.csv").exists()


def test_exclusions_of_an_earlier_ingest_stay_after_ingesting_one_file(tmp_path: Path
                                                                       ) -> None:
    from seclens.store import load_analysis, open_store
    from seclens.store.sync import ingest_corpus

    corpus, db = _small_store(tmp_path)
    with open_store(db, read_only=True) as store:
        first = load_analysis(store).exclusions
    assert [e.path for e in first] == [str(corpus / "empty.txt")]
    ingest_corpus([corpus / "a.txt"], db)  # a later run given one file only
    with open_store(db, read_only=True) as store:
        assert load_analysis(store).exclusions == first
    (corpus / "empty.txt").write_text("国家安全。\n", encoding="utf-8")
    ingest_corpus([corpus], db)  # the folder again: the file is read, no exclusion
    with open_store(db, read_only=True) as store:
        assert load_analysis(store).exclusions == ()


@pytest.mark.parametrize("option", [["--convention", "substring"], ["--context", "30"],
                                    ["--join-cjk-breaks"]])
def test_an_ingest_option_given_with_a_store_is_e001_even_at_its_default(
        tmp_path: Path, option: list[str]) -> None:
    _, db = _small_store(tmp_path)
    for command in (["analyze", "--out", str(tmp_path / "r")], ["trend", "--by", "level"],
                    ["compare", "--by", "level"]):
        run = CliRunner().invoke(main, [command[0], str(db), *command[1:], *option])
        if run.exit_code == 2 and "No such option" in run.output:
            continue  # the command has no such option
        assert run.exit_code != 0 and "E001" in run.output and option[0] in run.output


def test_a_store_under_another_name_is_read_as_a_store(tmp_path: Path) -> None:
    import shutil

    corpus, db = _small_store(tmp_path)
    other = tmp_path / "corpus.db"
    shutil.copy(db, other)
    got = [CliRunner().invoke(main, ["table", str(p)]) for p in (other, corpus)]
    assert got[0].exit_code == 0, got[0].output
    assert got[0].output == got[1].output


def test_a_stored_analysis_whose_lexicon_changed_or_went_is_e611(tmp_path: Path) -> None:
    lexicon = tmp_path / "extra.csv"
    head = "# lexicon_id: my.lexicon\n# version: 1\nid,term,lang,category,sector,source\n"
    lexicon.write_text(head + "u.1,算力安全,zh,sector,technological,My study\n",
                       encoding="utf-8")
    _, db = _small_store(tmp_path, lexicon)
    ok = CliRunner().invoke(main, ["analyze", str(db), "--out", str(tmp_path / "r1")])
    assert ok.exit_code == 0, ok.output
    lexicon.write_text(head + "u.1,算力安全,zh,sector,technological,My study\n"
                       "u.2,数据主权,zh,sector,cyber,My study\n", encoding="utf-8")
    changed = CliRunner().invoke(main, ["analyze", str(db), "--out", str(tmp_path / "r2")])
    assert changed.exit_code != 0 and "E611" in changed.output and "changed" in changed.output
    lexicon.unlink()
    gone = CliRunner().invoke(main, ["trend", str(db), "--by", "level"])
    assert gone.exit_code != 0 and "E611" in gone.output and "no" in gone.output
