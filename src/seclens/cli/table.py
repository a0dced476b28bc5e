"""CLI: ``seclens table`` - the securitization framework table of a corpus or group."""

from __future__ import annotations

from pathlib import Path

import click

from seclens.cli.output import echo


@click.command("table")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--group",
    "group",
    default="",
    help="Group expression, e.g. level=central, level=provincial,municipal, "
    "language=zh&year>=2020 (see docs/compare.md).",
)
@click.option("--top", default=3, show_default=True, help="Evidence sentences per cell.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the table as an HTML fragment (report section) to this new file.",
)
def table(corpus: tuple[Path, ...], group: str, top: int, html_out: Path | None) -> None:
    """Print the framework table of CORPUS (or of a --group of it).

    Rows: securitizing actor, move, referent object, audience, facilitating conditions.

    CORPUS: files and folders; or one store written by seclens ingest (a .duckdb
    file) or one output folder of seclens ingest --engine dask, whose documents
    are read from it (stored text, in the order the folder is read).
    """
    from seclens.annotate.table import format_table, framework_section
    from seclens.api import framework_table
    from seclens.errors import AnnotationError
    from seclens.outputs import check_output_path

    check_output_path(html_out, corpus, option="--html")
    if html_out is not None and html_out.exists():
        raise AnnotationError(
            "E424", f"{html_out} exists; choose a new file (inputs are never overwritten)"
        )
    t, exclusions = framework_table(list(corpus), group, top)
    # Files first, then the (possibly long) printed table: a closed pipe loses no file.
    if html_out is not None:
        html_out.write_text(str(framework_section([t]).html), encoding="utf-8")
        echo(f"wrote {html_out}", err=True)
    for ex in exclusions:
        echo(f"excluded: {ex.path} [{ex.code}] {ex.reason}", err=True)
    echo(format_table(t))
