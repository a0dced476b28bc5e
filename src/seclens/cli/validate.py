"""CLI: ``seclens validate`` - score the shipped detector (or a trained model) on gold codes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from seclens.cli.output import echo


@click.command("validate")
@click.option(
    "--gold",
    "gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Gold .jsonl (CODEBOOK.md format, with prev/text/next).",
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Score a model saved by `seclens annotate --train ... --save` instead of the rules.",
)
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=(
        "Corpus manifest.csv: document levels for the implicit audience of requests. "
        "Default: found automatically ($SECLENS_CORPUS, else a corpus/ or shared/corpus/ "
        "folder next to the gold file or one of its parents)."
    ),
)
@click.option(
    "--no-auto-manifest",
    is_flag=True,
    help="Do not look for a manifest: document levels unknown (text cues only).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--no-confusion", is_flag=True, help="Omit confusion matrices.")
def validate(
    gold: Path,
    model: Path | None,
    manifest: Path | None,
    no_auto_manifest: bool,
    as_json: bool,
    no_confusion: bool,
) -> None:
    """Run the detector as shipped on gold sentences; print P/R/F1, accuracy, alpha.

    Sentences are read with their prev/next context; fields are scored by
    precision, recall, F1 (per label and macro), accuracy, confusion matrix and
    Krippendorff's alpha (nominal; multi-label fields per label and mean).
    """
    from seclens.validate.core import format_validation, validate_detector

    detector = None
    model_meta = None
    if model is not None:
        from seclens.annotate.model import load_model, model_detector

        trained = load_model(model)
        detector = model_detector(trained)
        model_meta = trained.meta
    levels = None
    metas = None
    if manifest is None and not no_auto_manifest:
        from seclens.annotate.devset import find_corpus_dir

        corpus = find_corpus_dir(gold)
        if corpus is not None and (corpus / "manifest.csv").is_file():
            manifest = corpus / "manifest.csv"
    if manifest is not None:
        from seclens.ingest import read_manifest

        metas = read_manifest(manifest).rows
        levels = {k: m.level for k, m in metas.items()}
    rep = validate_detector(gold, detector, levels=levels, model_meta=model_meta, metas=metas)
    if rep.in_sample:
        echo(f"warning: {rep.in_sample['warning']}", err=True)
    levels_from = str(manifest) if manifest is not None else ""
    if as_json:
        data = asdict(rep)
        data["levels_from"] = levels_from
        echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    else:
        echo(f"document levels: {levels_from or 'unknown (no manifest)'}")
        echo(format_validation(rep, confusion=not no_confusion))
