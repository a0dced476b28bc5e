"""CLI: ``seclens annotate`` - sentence annotation of a corpus; training the optional model."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import click

from seclens.cli.output import echo


@click.command("annotate")
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write one JSON line per sentence (codes + evidence) to this new file.",
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Use a trained model instead of the shipped rules.",
)
@click.option(
    "--train",
    "train",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Train a supervised model on coded sentences (gold .jsonl format).",
)
@click.option(
    "--save",
    "save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to save the trained model (plus a .json sidecar).",
)
@click.option(
    "--folds", default=5, show_default=True, help="Stratified k-fold splits for CV scores."
)
@click.option(
    "--chain-window", default=5, show_default=True, help="Vuori chain window (sentences)."
)
def annotate(
    corpus: tuple[Path, ...],
    out: Path | None,
    model: Path | None,
    train: Path | None,
    save: Path | None,
    folds: int,
    chain_window: int,
) -> None:
    """Code every sentence of CORPUS on the codebook fields and print per-document measures.

    With --train FILE --save MODEL, fit the supervised detector instead and print its
    cross-validated scores.

    CORPUS: files and folders; or one store written by seclens ingest (a .duckdb
    file) or one output folder of seclens ingest --engine dask, whose documents
    are read from it (stored text, in the order the folder is read).
    """
    from seclens.errors import AnnotationError

    if train is not None:
        from seclens.annotate.model import save_model, train_model

        if save is None:
            raise AnnotationError("E433", "--train needs --save MODEL (where to write the model)")
        trained, cv = train_model(train, folds=folds)
        for key, scores in cv.items():
            echo(
                f"{key:40s} "
                + " ".join(
                    f"{k}={int(v)}" if k == "folds" else f"{k}={v:.3f}" for k, v in scores.items()
                )
            )
        sidecar = save_model(trained, save)
        echo(f"saved {save} and {sidecar}")
        if not corpus:
            return
    if not corpus:
        raise AnnotationError("E433", "give a CORPUS to annotate (or --train FILE --save MODEL)")
    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus

    predictor = None
    if model is not None:
        from seclens.annotate.model import load_model, predict

        trained_model = load_model(model)

        def predictor(anns):  # type: ignore[no-untyped-def]
            return predict(trained_model, list(anns))

    from seclens.outputs import check_output_path  # never write into the corpus (E020)

    check_output_path(out, corpus)
    if out is not None and out.exists():
        raise AnnotationError("E424", f"{out} exists; choose a new file (outputs never overwrite)")
    from seclens.errors import IngestError
    from seclens.ingest.codes import E_NOTHING_ANALYSED

    inputs = ", ".join(str(p) for p in corpus)
    items = annotate_corpus(list(corpus), chain_window=chain_window)
    first = next(items, None)  # input errors (E001, E602, E610, E613 ...) before any output
    if first is None:  # an empty folder or store: never an empty table with exit 0
        raise IngestError(E_NOTHING_ANALYSED, f"nothing annotated: no document in {inputs} "
                          "(supported: .txt, .html/.htm, .pdf, .docx; or a store or Dask "
                          "output holding documents)")
    fh = out.open("w", encoding="utf-8") if out is not None else None
    annotated = excluded = 0
    try:
        echo("doc_id\tsentences\tmoves\tindex_per_100\tchains")
        for item in itertools.chain([first], items):
            if not isinstance(item, AnnotatedDocument):
                echo(f"excluded: {item.path} [{item.code}] {item.reason}", err=True)
                excluded += 1
                continue
            annotated += 1
            anns = item.annotations if predictor is None else predictor(item.annotations)
            n_moves = sum(a.securitizing_move for a in anns)
            n = len(anns)
            idx = f"{100 * n_moves / n:.2f}" if n else "nan"
            echo(
                f"{item.document.doc_id}\t{n}\t{n_moves}\t{idx}\t{len(item.measures.chains)}"
            )
            if fh is not None:
                for a in anns:
                    fh.write(json.dumps(a.to_record(), ensure_ascii=False) + "\n")
    finally:
        if fh is not None:
            fh.close()
    if not annotated:
        raise IngestError(E_NOTHING_ANALYSED, f"nothing annotated in {inputs}: "
                          f"{excluded} input(s) excluded (reasons above)")
