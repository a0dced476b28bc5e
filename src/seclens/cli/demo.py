"""``seclens demo``: analyse the reference corpus and compare with the study's figures."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from seclens.cli.analyze import echo_summary, plural, require_analysed
from seclens.cli.output import echo


@click.command("demo")
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder (manifest.csv and docs/). Default: $SECLENS_CORPUS, else "
    "../shared/corpus beside the working directory, else the download cache, else a "
    "download, else the illustrative sample.",
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("seclens-report"),
    show_default=True, help="Output folder for the report and tables.",
)
@click.option(
    "--no-download", is_flag=True,
    help="Never download the corpus; fall back to the illustrative sample.",
)
def demo_command(corpus: Path | None, out_dir: Path, no_download: bool) -> None:
    """Analyse the reference corpus (substring convention), write the report, and print
    the founding study's figures next to the measured ones.

    Exits with status 1 if a figure of a document in the corpus is not reproduced.
    """
    from seclens.api import AnalysisOptions, SectionOptions, analyze, report_sections
    from seclens.demo import (
        HOW_TO_GET_CORPUS,
        ILLUSTRATIVE_NOTICE,
        compare_figures,
        format_comparison,
        load_seed_figures,
        locate_corpus,
    )
    from seclens.report import write_report

    choice = locate_corpus(corpus, allow_download=not no_download)
    for message in choice.messages:
        echo(f"note: {message}", err=True)
    echo(f"Corpus: {choice.path} ({choice.origin})")
    if choice.illustrative:
        echo(ILLUSTRATIVE_NOTICE)
        echo(HOW_TO_GET_CORPUS)
    options = AnalysisOptions(convention="substring")
    result = analyze([choice.path], options, progress=False)
    levels = {d.meta.level for d in result.documents}
    local = sorted(levels & {"provincial", "municipal", "county"})
    compare = "central" in levels and bool(local)
    wanted = SectionOptions(
        target="level=central" if compare else None,
        reference="level=" + ",".join(local) if compare else None,
    )
    sections, _ = report_sections([choice.path], options, wanted, result)
    paths = write_report(
        result, out_dir, sections, notice=ILLUSTRATIVE_NOTICE if choice.illustrative else ""
    )
    echo_summary(result, paths)
    require_analysed(result, paths)
    figures = load_seed_figures()
    rows = compare_figures(figures, result.matches, [d.doc_id for d in result.documents])
    echo("")
    echo(f"Study figures ({figures['source']}), substring convention:")
    echo(format_comparison(rows))
    failed = [r for r in rows if r.failed]
    if failed:
        echo(f"seclens: {plural(len(failed), 'study figure')} not reproduced", err=True)
        sys.exit(1)
