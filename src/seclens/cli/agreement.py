"""CLI: ``seclens agreement`` - Krippendorff's alpha between coders' files."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click


@click.command("agreement")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (agreement.json layout).")
def agreement(files: tuple[Path, ...], as_json: bool) -> None:
    """Krippendorff's alpha (nominal) between two or more coded .jsonl FILES, matched on sid.

    Multi-label fields are scored per label on presence/absence, plus the mean.
    """
    from seclens.validate.core import coder_agreement, format_agreement

    rep = coder_agreement(list(files))
    if as_json:
        click.echo(json.dumps(asdict(rep), ensure_ascii=False, indent=1))
    else:
        click.echo(format_agreement(rep))
