"""CLI: ``seclens agreement`` - Krippendorff's alpha between coders' files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from seclens.cli.output import echo


@click.command("agreement")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print as JSON in the layout of reference/gold/agreement.json (n_sentences, "
    "method, one <fileA>_vs_<fileB> entry per pair of files).",
)
def agreement(files: tuple[Path, ...], as_json: bool) -> None:
    """Krippendorff's alpha (nominal) between two or more coded .jsonl FILES, matched on sid.

    Multi-label fields are scored per label on presence/absence, plus the mean.
    """
    from seclens.validate.core import agreement_layout, coder_agreement, format_agreement

    if as_json:
        echo(json.dumps(agreement_layout(list(files)), ensure_ascii=False, indent=1))
    else:
        echo(format_agreement(coder_agreement(list(files))))
