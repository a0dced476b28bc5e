"""CLI command ``seclens ingest``: incremental ingest into a store, or a Dask run.

A thin client of :func:`seclens.store.sync.ingest_corpus` and
:func:`seclens.engine.dask_engine.run_dask`.
"""

from __future__ import annotations

from pathlib import Path

import click

from seclens.cli.limits import report_limit_options, report_limits
from seclens.cli.output import echo
from seclens.errors import ConfigError


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Store file (DuckDB; created when missing). Required with --engine "
              "local; a CORPUS of every analysis command (analyze, compare, trend, "
              "annotate, sample, table).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="local: this machine, writes the store; "
              "dask: a Dask cluster, writes partitioned Parquet to --out.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Analysing processes, this one included (local engine: N - 1 pool "
              "processes besides this one), or LocalCluster workers (dask).")
@click.option("--scheduler", default=None,
              help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of the Parquet tables and run metadata (--engine "
              "dask); a CORPUS of every analysis command (analyze, compare, trend, "
              "annotate, sample, table).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Manifest CSV (default: manifest.csv in an input folder).")
@click.option("--convention", type=click.Choice(["substring", "token"]), default="substring",
              show_default=True, help="Counting convention (as for analyze).")
@click.option("--lexicon", "lexicons", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra lexicon file (repeatable), combined with the packaged lexicon.")
@click.option("--replace-lexicon", is_flag=True,
              help="Use only the --lexicon files, not the packaged lexicon.")
@click.option("--senses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sense-rules file instead of the packaged rules.")
@click.option("--t2s", is_flag=True,
              help="Match on the traditional-to-simplified conversion (OpenCC, see "
              "--t2s-config); offsets still refer to the original text.")
@click.option("--t2s-config", type=click.Choice(["t2s", "tw2s", "tw2sp", "hk2s", "hk2sp"]),
              default="t2s", show_default=True,
              help="OpenCC configuration for --t2s: t2s (characters), tw2sp (Taiwan usage "
              "with phrases: 網路安全 → 网络安全), hk2s (Hong Kong).")
@click.option("--join-cjk-breaks/--no-join-cjk-breaks", default=True, show_default=True,
              help="Match Chinese compounds broken by a line break or spaces between two "
              "Han characters (国家\n安全 counts as 国家安全; evidence keeps the original "
              "text).")
@click.option("--context", "context_chars", type=int, default=30, show_default=True,
              help="Characters of KWIC context on each side of a match.")
@click.option("--commit-every", type=click.IntRange(min=1), default=2048, show_default=True,
              help="Documents per transaction (a kill loses at most one transaction).")
@click.option("--commit-mb", type=click.FloatRange(min=0, min_open=True), default=256.0,
              show_default=True,
              help="A transaction also ends when its result tables reach this many MB "
              "(large documents).")
@click.option("--queue-mb", type=click.FloatRange(min=0, min_open=True), default=256.0,
              show_default=True,
              help="With --workers > 1: MB of analysed results that may wait for the "
              "store writer (more keeps the workers busy while the store checkpoints; "
              "less bounds memory).")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Documents per worker round trip (local engine) or analysed and "
              "written at a time by a Dask worker (dask).")
@click.option("--partition-size", type=click.IntRange(min=1), default=256, show_default=True,
              help="Files per Dask partition (--engine dask; Parquet inputs are "
              "partitioned by their row groups).")
@click.option("--annotate/--no-annotate", default=False, show_default=True,
              help="Also store sentence annotations (needs seclens.annotate).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the report (report.html, CSV tables, run.json) of the "
              "store's active documents (or of the Dask output) to this folder.")
@report_limit_options
@click.option("-v", "--verbose", is_flag=True, help="Print a line after each commit.")
def ingest(inputs: tuple[Path, ...], db: Path | None, engine: str, workers: int,
           scheduler: str | None, out: Path | None, manifest: Path | None,
           convention: str, lexicons: tuple[Path, ...], replace_lexicon: bool,
           senses: Path | None, t2s: bool, t2s_config: str, join_cjk_breaks: bool,
           context_chars: int, commit_every: int,
           commit_mb: float, queue_mb: float,
           batch_size: int, partition_size: int, annotate: bool, report_dir: Path | None,
           report_documents: int, report_kwic: int, report_bars: int,
           verbose: bool) -> None:
    """Analyse INPUTS into a store (incremental) or, with --engine dask, into Parquet.

    Re-running on an unchanged corpus does nothing ("unchanged: N"); changed files
    are re-analysed; files gone since the last run are marked removed (kept in the
    store). A killed run resumes where it stopped.
    """
    from seclens.engine.config import EngineConfig
    from seclens.outputs import check_output_path

    if engine == "dask" and (out is None or db is not None):
        raise ConfigError("E601", "--engine dask writes Parquet: give --out DIR, not --db")
    if engine == "local" and db is None:
        raise ConfigError("E601", "--db FILE is required with --engine local")
    if engine == "local" and (scheduler is not None or out is not None):
        raise ConfigError("E601", "--scheduler and --out only apply to --engine dask")
    # Outputs never go into the corpus (checked before any work is done).
    sources = [*inputs, *([manifest] if manifest is not None else [])]
    check_output_path(db, sources, option="--db")
    check_output_path(out, sources, option="--out", kind="folder")
    check_output_path(report_dir, sources, option="--report", kind="folder")
    config = EngineConfig(
        convention=convention, lexicon_paths=tuple(str(p) for p in lexicons),
        replace_lexicon=replace_lexicon, sense_rules_path=str(senses) if senses else None,
        to_simplified=t2s, t2s_config=t2s_config, join_cjk_breaks=join_cjk_breaks,
        context_chars=context_chars, annotate=annotate)
    if engine == "dask":
        assert out is not None  # checked above
        from seclens.engine.dask_engine import DaskOptions, run_dask

        result = run_dask(list(inputs), out, config,
                          DaskOptions(scheduler=scheduler, n_workers=workers,
                                      partition_size=partition_size, chunk_size=batch_size,
                                      manifest=manifest))
        for name, rows in result.rows.items():
            echo(f"{name}: {rows}")
        echo(f"excluded: {len(result.excluded)}")
        for exc in result.excluded:
            echo(f"  [{exc.code}] {exc.path}: {exc.reason}", err=True)
        if report_dir is not None:
            from seclens.report import write_report
            from seclens.store.results import load_parquet_analysis

            write_report(load_parquet_analysis(out), report_dir,
                         limits=report_limits(report_documents, report_kwic, report_bars))
            echo(f"report: {report_dir / 'report.html'}")
        return
    assert db is not None  # checked above
    from seclens.store.sync import StoreIngestOptions, ingest_corpus

    def progress(line: str) -> None:
        echo(line, err=True)

    options = StoreIngestOptions(workers=workers, commit_every=commit_every,
                                 commit_mb=commit_mb, queue_mb=queue_mb,
                                 batch_size=batch_size, manifest=manifest,
                                 progress=progress if verbose else None)
    summary = ingest_corpus(list(inputs), db, config, options)
    for key, value in summary.as_dict().items():
        echo(f"{key}: {value}")
    for doc_id in summary.removed:
        echo(f"  removed (source gone or no longer readable; rows kept): {doc_id}",
                   err=True)
    for exc in summary.excluded:
        echo(f"  [{exc.code}] {exc.path}: {exc.reason}", err=True)
    if not (summary.added or summary.changed or summary.unchanged or summary.restored):
        from seclens.errors import IngestError
        from seclens.ingest.codes import E_NOTHING_ANALYSED

        raise IngestError(
            E_NOTHING_ANALYSED,
            f"nothing analysed in {', '.join(map(str, inputs))}: "
            f"{len(summary.excluded)} excluded (reasons above; the run is recorded in {db})",
        )
    if report_dir is not None:
        from seclens.report import write_report
        from seclens.store import load_analysis, open_store

        with open_store(db, read_only=True) as store:
            analysis = load_analysis(store)
        write_report(analysis, report_dir,
                     limits=report_limits(report_documents, report_kwic, report_bars))
        echo(f"report: {report_dir / 'report.html'}")
