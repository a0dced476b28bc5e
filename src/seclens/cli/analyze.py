"""``seclens analyze``: count security vocabulary in a corpus and write the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from seclens.cli.limits import report_limit_options, report_limits
from seclens.cli.output import echo

if TYPE_CHECKING:
    from seclens.api import AnalysisResult
    from seclens.report import ReportPaths



@click.command("analyze")
@click.argument(
    "corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path),
    help="Output folder for report.html, documents.csv, counts.csv, matches.csv and "
    "run.json (created if missing; must not contain the input files; only these files "
    "are replaced).",
)
@click.option(
    "--convention", type=click.Choice(["substring", "token"]), default="substring",
    show_default=True,
    help="Counting convention: substring = every occurrence, overlapping compounds "
    "included (国家安全 also counts one 安全); token = only on segmenter token boundaries.",
)
@click.option(
    "--lexicon", "lexicons", multiple=True, type=click.Path(exists=True, dir_okay=False,
                                                            path_type=Path),
    help="Extra lexicon file (YAML/CSV), combined with the packaged lexicon. Repeatable.",
)
@click.option(
    "--replace-lexicon", is_flag=True,
    help="Use only the --lexicon files, not the packaged lexicon.",
)
@click.option(
    "--senses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Sense-rules file (safety vs security sense of 安全/security) instead of the "
    "packaged rules.",
)
@click.option(
    "--t2s", is_flag=True,
    help="Convert traditional to simplified Chinese (OpenCC, see --t2s-config) before "
    "matching; "
    "offsets still refer to the original text.",
)
@click.option(
    "--t2s-config", type=click.Choice(["t2s", "tw2s", "tw2sp", "hk2s", "hk2sp"]),
    default="t2s", show_default=True,
    help="OpenCC configuration for --t2s: t2s (characters), tw2sp (Taiwan usage with "
    "phrases: 網路安全 → 网络安全), hk2s (Hong Kong).",
)
@click.option(
    "--join-cjk-breaks/--no-join-cjk-breaks", default=True, show_default=True,
    help="Match Chinese compounds broken by a line break or spaces between two Han "
    "characters (国家\n安全 counts as 国家安全; evidence keeps the original text).",
)
@click.option(
    "--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="manifest.csv with document metadata (default: one found beside the documents).",
)
@click.option(
    "--context", "context_chars", type=int, default=30, show_default=True,
    help="Characters of KWIC context on each side of a match.",
)
@click.option(
    "--sections/--no-sections", default=True, show_default=True,
    help="Add the securitization sections to report.html: framework table (actor, move, "
    "referent objects, audience, facilitating conditions, with evidence) and per-year "
    "trends, split by --by.",
)
@click.option(
    "--by", "by", default="level", show_default=True,
    help="Grouping of the framework table and trends: a manifest column (level, issuer, "
    "language, year) or period:YYYY-MM-DD.",
)
@click.option(
    "--target", default=None,
    help="With --reference: add a keyness + group-test section comparing two groups, "
    "e.g. --target level=central --reference level=provincial,municipal.",
)
@click.option("--reference", default=None, help="Reference group expression (see --target).")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@report_limit_options
def analyze_command(
    corpus: tuple[Path, ...],
    out_dir: Path,
    convention: str,
    lexicons: tuple[Path, ...],
    replace_lexicon: bool,
    senses: Path | None,
    t2s: bool,
    t2s_config: str,
    join_cjk_breaks: bool,
    manifest: Path | None,
    context_chars: int,
    sections: bool,
    by: str,
    target: str | None,
    reference: str | None,
    no_progress: bool,
    report_documents: int,
    report_kwic: int,
    report_bars: int,
) -> None:
    """Analyse CORPUS (files or folders) and write the report to --out.

    CORPUS may instead be one store written by seclens ingest (a .duckdb file) or one
    output folder of seclens ingest --engine dask: its analysis is reported as stored
    (the analysis options belong to its ingest), the report sections read its text.
    """
    from seclens.api import AnalysisOptions, SectionOptions, analyze, report_sections
    from seclens.cli.trend import stored_input
    from seclens.report import write_report

    if stored_input(corpus) is None:  # a stored analysis: E001 for ingest options
        hint = large_corpus_hint(corpus)
        if hint is not None:
            echo(hint, err=True)
    from seclens.outputs import check_output_path

    check_output_path(out_dir, corpus, kind="folder")  # also a store's corpus (E020)

    options = AnalysisOptions(
        convention=convention,
        lexicon_paths=lexicons,
        replace_lexicon=replace_lexicon,
        sense_rules_path=senses,
        to_simplified=t2s,
        t2s_config=t2s_config,
        join_cjk_breaks=join_cjk_breaks,
        context_chars=context_chars,
        manifest=manifest,
    )
    wanted = SectionOptions(
        framework_by=by if sections else None,
        trend_by=by if sections else None,
        target=target,
        reference=reference,
    )
    result = analyze(list(corpus), options, progress=not no_progress)
    extra, _ = report_sections(list(corpus), options, wanted, result)
    paths = write_report(result, out_dir, extra,
                         limits=report_limits(report_documents, report_kwic, report_bars))
    echo_summary(result, paths)
    require_analysed(result, paths)


#: Bytes of input files above which ``seclens analyze FOLDER`` suggests the store: it
#: holds every match in memory (about 1.7 kB each; every match of the 1 GB benchmark
#: corpus held at once took 5.9 GB, docs/scale.md "Reports of a large corpus").
LARGE_CORPUS_BYTES = 200_000_000


def large_corpus_hint(corpus: tuple[Path, ...]) -> str | None:
    """A note for ``seclens analyze`` of a corpus of ``LARGE_CORPUS_BYTES`` or more.

    Parameters
    ----------
    corpus : tuple of Path
        Files and folders (not a stored analysis).

    Returns
    -------
    str or None
        The note (files and MB of the supported files found, and the store commands
        that keep memory bounded), or None for a smaller corpus, or when the inputs
        cannot be listed (``analyze`` then reports that error itself).
    """
    from seclens.errors import SeclensError
    from seclens.ingest import discover

    try:
        files = discover(list(corpus))
    except SeclensError:
        return None
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:  # gone since discovery: analyze reports it as an exclusion
            continue
    if size < LARGE_CORPUS_BYTES:
        return None
    return (f"note: {plural(len(files), 'file')}, {size / 1e6:,.0f} MB: analyze holds every "
            "match in memory (about 1.7 kB each, several GB for a corpus of 1 GB); "
            "`seclens ingest CORPUS --db corpus.duckdb --workers 2`, then `seclens analyze "
            "corpus.duckdb --out DIR`, keeps memory bounded (docs/scale.md)")


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """``"1 document"``, ``"2 documents"`` (``plural_form`` for irregular words)."""
    return f"{n} {word if n == 1 else (plural_form or word + 's')}"


def require_analysed(result: AnalysisResult, paths: ReportPaths) -> None:
    """Fail (``E115``, exit 1) after writing the report when no document was analysed.

    Raises
    ------
    IngestError
        ``E115`` naming the number of exclusions and where their reasons are, or
        saying that no file was found.
    """
    from seclens.errors import IngestError
    from seclens.ingest.codes import E_NOTHING_ANALYSED

    if result.documents:
        return
    roots = ", ".join(result.provenance.input_roots)
    if result.exclusions:
        message = (
            f"nothing analysed in {roots}: {plural(len(result.exclusions), 'input')} "
            f"excluded (reasons above and in {paths.documents_csv})"
        )
    else:
        message = (
            f"nothing analysed: no file found in {roots} "
            "(supported: .txt, .html/.htm, .pdf, .docx)"
        )
    raise IngestError(E_NOTHING_ANALYSED, message)


def echo_summary(
    result: AnalysisResult, paths: ReportPaths, n_terms: int = 8, max_exclusions: int = 10
) -> None:
    """Print documents analysed, exclusions with reasons, top terms and written paths."""
    from seclens.report.aggregate import top_terms

    echo(
        f"Analysed {plural(len(result.documents), 'document')} "
        f"({result.options.convention} convention, "
        f"{plural(len(result.matches), 'match', 'matches')}); "
        f"excluded {len(result.exclusions)}."
    )
    unknown_level: dict[str, list[str]] = {}
    for doc in result.documents:
        for note in doc.notes:
            if note.startswith("looks like Traditional"):
                echo(f"  warning {doc.doc_id}: {note}", err=True)
            elif note.startswith("level unknown: "):
                unknown_level.setdefault(note.removeprefix("level unknown: "), []).append(
                    doc.doc_id)
    for reason, ids in unknown_level.items():  # one line per reason, not per document
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        echo(f"  warning: level unknown for {plural(len(ids), 'document')} ({shown}): "
                   f"{reason}; the report groups them under level 'unknown' (notes in "
                   f"{paths.documents_csv})", err=True)
    for ex in result.exclusions[:max_exclusions]:
        echo(f"  excluded {ex.doc_id or ex.path}: [{ex.code}] {ex.reason}")
    if len(result.exclusions) > max_exclusions:
        rest = len(result.exclusions) - max_exclusions
        echo(f"  ... and {rest} more (all with reasons in {paths.documents_csv})")
    top = top_terms(result, n_terms)
    if top:
        echo("Top terms: " + ", ".join(f"{term} {n}" for term, n in top))
    echo("Wrote:")
    for path in paths.all():
        echo(f"  {path}")
