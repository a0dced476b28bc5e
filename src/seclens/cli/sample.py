"""CLI: ``seclens sample`` (export sentences for hand coding) and ``seclens import-coded``."""

from __future__ import annotations

from pathlib import Path

import click

from seclens.cli.output import echo


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
    """Draw a stratified sample of sentences of CORPUS for hand coding.

    CORPUS: files and folders; or one store written by seclens ingest (a .duckdb
    file) or one output folder of seclens ingest --engine dask, whose documents
    are read from it (stored text, in the order the folder is read).
    """
    from dataclasses import replace

    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.errors import AnnotationError
    from seclens.qda import stratified_sample, write_qdpx, write_sample_csv
    from seclens.qda.csvio import codes_key

    if csv_out is None and qdpx_out is None:
        raise AnnotationError("E446", "give --csv FILE and/or --qdpx FILE")
    from seclens.outputs import check_output_path  # never write into the corpus (E020)

    check_output_path(csv_out, corpus, option="--csv")
    check_output_path(qdpx_out, corpus, option="--qdpx")
    docs = []
    for item in annotate_corpus(list(corpus)):
        if isinstance(item, AnnotatedDocument):
            docs.append(item)
        else:
            echo(f"excluded: {item.path} [{item.code}] {item.reason}", err=True)
    drawn = stratified_sample(docs, n, security_share=security_share, seed=seed)
    units = drawn
    if with_suggestions:
        ann = {(a.doc_id, a.sentence_index): a for d in docs for a in d.annotations}
        units = []
        for u in drawn:
            codes = ann[(u.doc_id, u.sentence_index)].labels()
            units.append(replace(u, codes=codes, suggestion_key=codes_key(codes)))
    if csv_out is not None:
        write_sample_csv(units, csv_out)
        echo(f"wrote {_n(len(units), 'sentence')} to {csv_out}")
    if qdpx_out is not None:
        write_qdpx(units, qdpx_out, {d.document.doc_id: d.document.text for d in docs})
        echo(f"wrote {_n(len(units), 'sentence')} to {qdpx_out}")


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
    help="The exported sample CSV, to restore prev/next context (and the suggestion "
    "fingerprints of a --with-suggestions sample) when importing a .qdpx.",
)
@click.option(
    "--accept-suggestions",
    is_flag=True,
    help="Import rows whose codes are still exactly the detector's suggestions "
    "(default: they count as uncoded and are left out).",
)
def import_coded(coded: Path, out: Path, template: Path | None, accept_suggestions: bool) -> None:
    """Import a coded sample (.csv or .qdpx) as gold-format .jsonl.

    The output feeds `seclens validate --gold`, `seclens agreement` and `annotate --train`.
    Rows of a `sample --with-suggestions` file whose codes are unchanged from the
    detector's suggestions are not hand codes: they are counted, reported and left
    out unless --accept-suggestions is given (scoring the detector on its own
    suggestions would give 1.000).
    """
    from seclens.errors import AnnotationError
    from seclens.qda import read_coded_csv, read_qdpx, write_coded_jsonl
    from seclens.qda.csvio import unedited_suggestions
    from seclens.qda.qdpx import merge_context

    if coded.suffix.lower() == ".qdpx":
        units = read_qdpx(coded)
        if template is not None:
            units = merge_context(units, read_coded_csv(template, require_codes=False))
    else:
        units = read_coded_csv(coded)
    coded_units = [u for u in units if u.codes]
    unedited = set(unedited_suggestions(coded_units))
    if unedited:
        what = "imported as coded" if accept_suggestions else "treated as uncoded"
        echo(
            f"warning: {_n(len(unedited), 'row')} still carry exactly the detector's "
            f"suggested codes (unedited); {what}"
            + ("" if accept_suggestions else " (--accept-suggestions to import them)"),
            err=True,
        )
        if not accept_suggestions:
            coded_units = [u for u in coded_units if u.sid not in unedited]
    if not coded_units:
        raise AnnotationError(
            "E448",
            f"{coded}: no hand-coded sentence to import "
            f"({_n(len(unedited), 'row')} with unedited suggestions)",
        )
    write_coded_jsonl(coded_units, out)
    echo(
        f"imported {_n(len(coded_units), 'coded sentence')} "
        f"({len(units) - len(coded_units)} uncoded) to {out}"
    )


def _n(k: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{k} {noun}{'' if k == 1 else 's'}"
