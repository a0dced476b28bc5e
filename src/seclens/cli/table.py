"""CLI: ``seclens table`` - the securitization framework table of a corpus or group."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("table")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--group",
    "group",
    default="",
    help="Metadata filter, e.g. level=central or language=zh,level=municipal|county.",
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
    """
    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.annotate.table import (
        build_framework_table,
        format_table,
        framework_section,
        in_group,
        parse_group,
    )
    from seclens.errors import AnnotationError

    flt = parse_group(group)
    docs = []
    for item in annotate_corpus(list(corpus)):
        if isinstance(item, AnnotatedDocument):
            if in_group(item.document.meta, flt):
                docs.append(item)
        else:
            click.echo(f"excluded: {item.path} [{item.code}] {item.reason}", err=True)
    if not docs:
        raise AnnotationError("E423", f"no document matches the group filter {group!r}")
    t = build_framework_table(docs, group, top)
    click.echo(format_table(t))
    if html_out is not None:
        if html_out.exists():
            raise AnnotationError(
                "E424", f"{html_out} exists; choose a new file (inputs are never overwritten)"
            )
        html_out.write_text(str(framework_section([t]).html), encoding="utf-8")
        click.echo(f"wrote {html_out}", err=True)
