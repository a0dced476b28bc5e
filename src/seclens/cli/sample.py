"""CLI: ``seclens sample`` (export sentences for hand coding) and ``seclens import-coded``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("sample")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-n", "n", default=200, show_default=True, help="Number of sentences.")
@click.option("--seed", default=0, show_default=True, help="Random seed (same seed, same sample).")
@click.option(
    "--security-share",
    default=0.6,
    show_default=True,
    help="Share drawn among sentences with security vocabulary.",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the sample as CSV (new file).",
)
@click.option(
    "--qdpx",
    "qdpx_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the sample as a REFI-QDA project .qdpx (new file).",
)
@click.option(
    "--with-suggestions",
    is_flag=True,
    help="Pre-fill the codes with the rule detector's output (to be corrected by coders).",
)
def sample(
    corpus: tuple[Path, ...],
    n: int,
    seed: int,
    security_share: float,
    csv_out: Path | None,
    qdpx_out: Path | None,
    with_suggestions: bool,
) -> None:
    """Draw a stratified sample of sentences of CORPUS for hand coding."""
    from dataclasses import replace

    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.errors import AnnotationError
    from seclens.qda import stratified_sample, write_qdpx, write_sample_csv

    if csv_out is None and qdpx_out is None:
        raise AnnotationError("E446", "give --csv FILE and/or --qdpx FILE")
    docs = []
    for item in annotate_corpus(list(corpus)):
        if isinstance(item, AnnotatedDocument):
            docs.append(item)
        else:
            click.echo(f"excluded: {item.path} [{item.code}] {item.reason}", err=True)
    units = stratified_sample(docs, n, security_share=security_share, seed=seed)
    if with_suggestions:
        ann = {(a.doc_id, a.sentence_index): a for d in docs for a in d.annotations}
        units = [replace(u, codes=ann[(u.doc_id, u.sentence_index)].labels()) for u in units]
    if csv_out is not None:
        write_sample_csv(units, csv_out)
        click.echo(f"wrote {len(units)} sentences to {csv_out}")
    if qdpx_out is not None:
        write_qdpx(units, qdpx_out, {d.document.doc_id: d.document.text for d in docs})
        click.echo(f"wrote {len(units)} sentences to {qdpx_out}")


@click.command("import-coded")
@click.argument("coded", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Gold-format .jsonl to write (new file).",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The exported sample CSV, to restore prev/next context when importing a .qdpx.",
)
def import_coded(coded: Path, out: Path, template: Path | None) -> None:
    """Import a coded sample (.csv or .qdpx) as gold-format .jsonl.

    The output feeds `seclens validate --gold`, `seclens agreement` and `annotate --train`.
    """
    from seclens.qda import read_coded_csv, read_qdpx, write_coded_jsonl
    from seclens.qda.qdpx import merge_context

    if coded.suffix.lower() == ".qdpx":
        units = read_qdpx(coded)
        if template is not None:
            units = merge_context(units, read_coded_csv(template, require_codes=False))
    else:
        units = read_coded_csv(coded)
    coded_units = [u for u in units if u.codes]
    write_coded_jsonl(coded_units, out)
    click.echo(
        f"imported {len(coded_units)} coded sentences "
        f"({len(units) - len(coded_units)} uncoded) to {out}"
    )
