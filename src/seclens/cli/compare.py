"""``seclens compare``: keyness and group tests between groups of documents."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from seclens.cli.output import echo
from seclens.cli.trend import corpus_options, stored_input, write_outputs

if TYPE_CHECKING:
    from seclens.compare.corpus import ComparisonResult


def _print_result(result: object, top: int) -> None:
    import pandas as pd

    from seclens.compare.corpus import ComparisonResult

    assert isinstance(result, ComparisonResult)
    echo(f"\n== target {result.target}  vs  reference {result.reference}")
    docs = result.documents
    for side in ("target", "reference"):
        sub = docs[docs["group"] == side] if "group" in docs.columns else docs.iloc[0:0]
        langs = ", ".join(f"{k} {v}" for k, v in sorted(sub["language"].value_counts().items()))
        noun = "document" if len(sub) == 1 else "documents"
        echo(f"  {side}: {len(sub)} {noun} ({langs})")
    for note in result.notes:
        echo(f"  note: {note}")
    if len(result.tests):
        from seclens.compare.report import TEST_SUMMARY_COLUMNS

        cols = list(TEST_SUMMARY_COLUMNS)
        echo(
            "\nGroup tests (per-document measures; rates per 10,000 characters (zh) "
            "or words (en); CI: bootstrap of the difference in means):"
        )
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            echo(result.tests[cols].to_string(index=False, float_format="%.4g"))
        methods = sorted(set(result.tests["perm_method"]))
        echo(f"  permutation test: {'; '.join(methods)}")
        for note in sorted(set(n for n in result.tests["note"] if n)):
            echo(f"  note: {note}")
    for lang, table in result.keyness.items():
        a = table.attrs
        echo(
            f"\nKeyness ({lang}): {a['target_tokens']} vs {a['reference_tokens']} tokens, "
            f"{a['features_tested']} features with frequency >= {a['min_freq']}; "
            f"G2 {a['ll_terms']}-term, p adjusted by {a['correction']}"
        )
        from seclens.compare.report import KEYNESS_SUMMARY_COLUMNS

        cols = list(KEYNESS_SUMMARY_COLUMNS)
        for direction in ("target", "reference"):
            part = table[table["direction"] == direction].head(top)
            echo(f"  key in {direction} (top {top}):")
            with pd.option_context("display.width", 200):
                echo(part[cols].to_string(index=False, float_format="%.4g"))
    if len(result.exclusions):
        echo("\nLeft out:")
        for r in result.exclusions.to_dict("records"):
            echo(f"  {r['doc_id']} ({r['group']}, {r['measure']}): {r['reason']}")


@click.command("compare")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--target", help="Group expression of the target, e.g. level=central.")
@click.option(
    "--reference", help="Group expression of the reference, e.g. level=provincial,municipal."
)
@click.option(
    "--by",
    help="Instead of --target/--reference: compare each value of this "
    "column (or period:YYYY-MM-DD) with all other documents.",
)
@click.option(
    "--top", type=int, default=15, show_default=True, help="Key features printed per direction."
)
@click.option(
    "--ll-terms",
    type=click.Choice(["4", "2"]),
    default="4",
    show_default=True,
    help="Log-likelihood G2: 4-term (Dunning 1993, AntConc) or 2-term (Rayson & Garside 2000).",
)
@click.option(
    "--min-freq",
    type=int,
    default=5,
    show_default=True,
    help="Keyness: minimum frequency in target + reference.",
)
@click.option(
    "--min-docs",
    type=int,
    default=1,
    show_default=True,
    help="Keyness: minimum number of documents containing the feature.",
)
@click.option(
    "--correction",
    type=click.Choice(["bh", "bonferroni", "none"]),
    default="bh",
    show_default=True,
    help="Multiple-comparison correction of keyness p-values.",
)
@click.option(
    "--resamples",
    type=int,
    default=9999,
    show_default=True,
    help="Permutations (Monte Carlo) and bootstrap resamples.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write documents.csv, grouptests.csv, keyness_<lang>.csv, "
    "exclusions.csv and compare.html here (with --by: keyness_<lang>_<group>.csv).",
)
@corpus_options
def compare_command(
    corpus: tuple[Path, ...],
    target: str | None,
    reference: str | None,
    by: str | None,
    top: int,
    ll_terms: str,
    min_freq: int,
    min_docs: int,
    correction: str,
    resamples: int,
    seed: int,
    out_dir: Path | None,
    convention: str,
    lexicons: tuple[Path, ...],
    manifest: Path | None,
    language: str,
    measures: tuple[str, ...],
    no_moves: bool,
) -> None:
    """Compare groups of documents of CORPUS: keyness and tests of per-document measures.

    CORPUS: files and folders; or one store written by seclens ingest (a .duckdb
    file) or one output folder of seclens ingest --engine dask, whose analysis and
    metadata are used as stored.
    """

    from seclens.compare.corpus import DEFAULT_MEASURES, CorpusOptions, compare_by, compare_corpus
    from seclens.compare.grouptest import GroupTestOptions
    from seclens.compare.keyness import KeynessOptions
    from seclens.errors import ConfigError

    if by is None and not (target and reference):
        raise ConfigError("E001", "give --target and --reference, or --by COLUMN")
    if by is not None and (target or reference):
        raise ConfigError("E001", "--by cannot be combined with --target/--reference")
    opts = CorpusOptions(
        convention=convention,
        lexicon_paths=lexicons,
        manifest=manifest,
        moves=not no_moves,
        language=language,
        measures=measures or DEFAULT_MEASURES,
        keyness=KeynessOptions(
            ll_terms=4 if ll_terms == "4" else 2,
            min_freq=min_freq,
            min_docs=min_docs,
            correction=correction,
        ),
        tests=GroupTestOptions(n_resamples=resamples, seed=seed),
    )
    paths = list(corpus)
    source = stored_input(corpus)
    if source is not None:  # a store or Dask output: its analysis, not the files again
        from seclens.compare.corpus import read_stored

        stored = read_stored(source, opts)
        documents = (stored.table, list(stored.exclusions))
        if by is not None:
            results = compare_by([], by, stored.options, documents=documents,
                                 frequencies=stored.frequencies)
        else:
            assert target is not None and reference is not None
            results = [compare_corpus([], target, reference, stored.options,
                                      documents=documents, frequencies=stored.frequencies)]
    elif by is not None:
        results = compare_by(paths, by, opts)
    else:
        assert target is not None and reference is not None
        results = [compare_corpus(paths, target, reference, opts)]
    if out_dir is not None:
        # outputs first, then the tables on stdout (a reader such as `head` may close it)
        _write(out_dir, results, top, paths)
    for result in results:
        _print_result(result, top)


def _write(out_dir: Path, results: list[ComparisonResult], top: int, paths: list[Path]) -> None:
    import pandas as pd

    from seclens.compare.report import comparison_section, standalone_page

    files: dict[str, pd.DataFrame | str] = {"documents.csv": results[0].documents}
    tests = [
        r.tests.assign(target=r.target, reference=r.reference) for r in results if len(r.tests)
    ]
    if tests:
        files["grouptests.csv"] = pd.concat(tests, ignore_index=True)
    files["exclusions.csv"] = pd.concat(
        [r.exclusions.assign(comparison=f"{r.target} vs {r.reference}") for r in results],
        ignore_index=True,
    )
    for r in results:
        suffix = "" if len(results) == 1 else "_" + re.sub(r"[^A-Za-z0-9_-]+", "-", r.target)
        for lang, table in r.keyness.items():
            files[f"keyness_{lang}{suffix}.csv"] = table
    files["compare.html"] = standalone_page(
        "seclens comparison", [comparison_section(r, top) for r in results]
    )
    write_outputs(out_dir, files, [Path(p) for p in paths])
