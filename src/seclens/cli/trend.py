"""``seclens trend``: per-year series of the securitization measures by group.

Also holds the options and the output writer shared with ``seclens compare``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from seclens.cli.output import echo

if TYPE_CHECKING:
    import pandas as pd

    from seclens.store.source import StoredCorpus

F = TypeVar("F", bound=Callable[..., Any])


def corpus_options(func: F) -> F:
    """Options shared by ``compare`` and ``trend`` (counting convention, lexicon ...)."""
    decorators = [
        click.option(
            "--convention",
            type=click.Choice(["substring", "token"]),
            default="substring",
            show_default=True,
            help="Counting convention of the security-vocabulary measures.",
        ),
        click.option(
            "--lexicon",
            "lexicons",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Extra lexicon file (YAML/CSV) added to the packaged lexicon. Repeatable.",
        ),
        click.option(
            "--manifest",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="manifest.csv with document metadata (default: beside the documents).",
        ),
        click.option(
            "--language",
            type=click.Choice(["auto", "zh", "en"]),
            default="auto",
            show_default=True,
            help="auto: each language separately (rates in characters and words are never "
            "pooled); zh/en: only documents of that language.",
        ),
        click.option(
            "--measure",
            "measures",
            multiple=True,
            help="Per-document measure to compare (repeatable; default: security_per_10k, "
            "sense_security_per_10k, sense_safety_per_10k, "
            "national_per_10k, military_per_10k, move_share).",
        ),
        click.option(
            "--no-moves", is_flag=True, help="Skip the sentence annotator (no move_share measure)."
        ),
    ]
    for deco in reversed(decorators):
        func = deco(func)
    return func


#: Options of the analysis commands that belong to the ingest of a stored analysis.
INGEST_OPTIONS = ("convention", "lexicons", "replace_lexicon", "senses", "t2s", "t2s_config",
                  "join_cjk_breaks", "manifest", "context_chars")


def stored_input(corpus: tuple[Path, ...]) -> StoredCorpus | None:
    """What CORPUS is when it is one stored analysis, else None (files and folders).

    A store (``seclens ingest --db``) or an output folder of ``seclens ingest --engine
    dask`` (:func:`seclens.store.source.stored_corpus`). Their measures and metadata
    are those of their ingest, so an option of the current command that belongs to the
    ingest (:data:`INGEST_OPTIONS`: ``--convention``, ``--lexicon``, ``--manifest``
    ...) given on the command line is refused (``E001``), even with its default value,
    as is a stored analysis among other inputs. A Dask output folder without its run
    metadata is refused (``E613``), never read as a folder of documents.
    """
    from click.core import ParameterSource

    from seclens.errors import ConfigError
    from seclens.store.source import stored_corpus

    stored = stored_corpus(corpus)
    if stored is None:
        return None
    ctx = click.get_current_context()
    given = [param.opts[0] for param in ctx.command.params
             if param.name in INGEST_OPTIONS
             and ctx.get_parameter_source(param.name) not in (None, ParameterSource.DEFAULT)]
    if given:
        made_by = ("seclens ingest --db" if stored.kind == "store"
                   else "seclens ingest --engine dask")
        raise ConfigError("E001", f"{', '.join(given)}: the measures and metadata of "
                          f"{stored.described} are those of its ingest ({made_by}); give "
                          "them there")
    return stored


def write_outputs(
    out_dir: Path, files: Mapping[str, pd.DataFrame | str | bytes], inputs: Sequence[Path]
) -> None:
    """Write named outputs into ``out_dir`` (created), never over an input file.

    Raises
    ------
    CompareError
        ``E507`` when ``out_dir`` is, lies inside or contains an input, or an output
        would replace an input file (:func:`seclens.outputs.check_output_path`).
    """
    import pandas as pd

    from seclens.errors import CompareError
    from seclens.outputs import check_output_path

    # the one output guard (as biblio): the folder must not be, lie in or contain an input;
    # these commands keep their documented code E507
    check_output_path(out_dir, inputs, kind="folder", code="E507", error=CompareError)
    for name in files:
        check_output_path(out_dir / name, inputs, code="E507", error=CompareError)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out_dir / name
        if isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False, encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.append(path)
    # every file is written before anything is printed: a closed stdout (| head)
    # cannot cut the outputs short
    for path in written:
        echo(f"  wrote {path}")


@click.command("trend")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--by",
    help="Column (level, language ...) or period:YYYY-MM-DD; default: "
    "one series over all documents.",
)
@click.option(
    "--small-n",
    type=int,
    default=3,
    show_default=True,
    help="Flag years with fewer documents than this.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write trends.csv, documents.csv, trend_<measure>.svg and trends.html here.",
)
@corpus_options
def trend_command(
    corpus: tuple[Path, ...],
    by: str | None,
    small_n: int,
    out_dir: Path | None,
    convention: str,
    lexicons: tuple[Path, ...],
    manifest: Path | None,
    language: str,
    measures: tuple[str, ...],
    no_moves: bool,
) -> None:
    """Per-year series of the measures of CORPUS, by group, with documents per year.

    CORPUS: files and folders; or one store written by seclens ingest (a .duckdb
    file) or one output folder of seclens ingest --engine dask, whose analysis and
    metadata are used as stored.
    """
    import pandas as pd

    from seclens.compare.corpus import DEFAULT_MEASURES, CorpusOptions, trend_corpus
    from seclens.compare.report import standalone_page, trend_section
    from seclens.compare.trends import trend_figure
    from seclens.report.charts import svg_markup

    opts = CorpusOptions(
        convention=convention,
        lexicon_paths=lexicons,
        manifest=manifest,
        moves=not no_moves,
        language=language,
        measures=measures or DEFAULT_MEASURES,
    )
    source = stored_input(corpus)
    if source is not None:
        from seclens.compare.corpus import read_stored

        stored = read_stored(source, opts, frequencies=False)
        series, docs = trend_corpus([], by, stored.options, small_n=small_n,
                                    table=stored.table)
    else:
        series, docs = trend_corpus(list(corpus), by, opts, small_n=small_n)
    if out_dir is not None:
        # outputs first, then the table on stdout (a reader such as `head` may close it)
        files: dict[str, pd.DataFrame | str | bytes] = {
            "trends.csv": series,
            "documents.csv": docs,
        }
        for m in sorted(set(series["measure"])):
            files[f"trend_{m}.svg"] = str(svg_markup(trend_figure(series, m), f"trend-{m}"))
        files["trends.html"] = standalone_page("seclens trends", [trend_section(series)])
        write_outputs(out_dir, files, list(corpus))
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        echo(series.to_string(index=False, float_format="%.4g"))
    if series.attrs.get("undated"):
        echo(f"Documents without a year: {', '.join(series.attrs['undated'])}")
    if series.attrs.get("ungrouped"):
        echo(f"Documents without a group value: {', '.join(series.attrs['ungrouped'])}")
