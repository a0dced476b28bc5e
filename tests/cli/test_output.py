"""What the commands print: text from documents and file names never drives the terminal.

Regression: ``seclens table`` printed evidence sentences, and every command printed
paths, doc_ids and exclusion reasons, as they were; only error messages were made
safe. click strips ANSI sequences when stdout is not a terminal, but on a terminal a
document holding ``ESC[2J`` cleared the screen, and a carriage return or a bidi
control rewrote what the user read. Every command now prints through
:func:`seclens.cli.output.echo`.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from seclens.cli import main
from seclens.cli.output import echo, terminal_safe

SENTENCE = "人工智能的发展给国家安全带来严峻挑战，\x1b[2J必须采取坚决措施维护国家安全。\n"


def test_table_shows_control_characters_of_evidence_as_escapes(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SENTENCE, encoding="utf-8")
    # color=True: as on a terminal, where click leaves ANSI sequences in
    run = CliRunner().invoke(main, ["table", str(corpus)], color=True)
    assert run.exit_code == 0, run.output
    assert "\x1b" not in run.output
    assert "挑战，\\x1b[2J必须采取" in run.output


def test_exclusion_lines_show_control_characters_as_escapes(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "bad\rname.txt").write_text("  \n", encoding="utf-8")  # excluded: empty
    run = CliRunner().invoke(main, ["annotate", str(corpus)], color=True)
    assert "bad\\rname.txt" in run.output and "\r" not in run.output


def test_echo_keeps_text_line_breaks_and_tabs(capsys) -> None:  # type: ignore[no-untyped-def]
    echo("国家安全\tsecurity\n\u202eevil\x07")
    assert capsys.readouterr().out == "国家安全\tsecurity\n\\u202eevil\\x07\n"
    assert terminal_safe("plain 安全") == "plain 安全"
