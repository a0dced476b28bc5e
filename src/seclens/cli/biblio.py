"""``seclens biblio``: records per year matching keyword sets (the study's Figure 1)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from seclens.cli.output import echo

if TYPE_CHECKING:
    import pandas as pd


@click.command("biblio")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--all",
    "keyword_sets",
    multiple=True,
    required=True,
    help="A keyword set: comma-separated alternatives, at least one must occur "
    "(repeat for AND), e.g. --all 人工智能,AI --all 安全,security.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    type=click.Choice(["title", "abstract", "keywords", "journal", "authors"]),
    help="Record field(s) searched (repeatable; default title).",
)
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(
        ["auto", "refworks", "endnote", "noteexpress", "ris", "bibtex", "wos", "openalex"]
    ),
    help="Export format (auto: recognized from the first line of each file).",
)
@click.option(
    "--dedupe",
    is_flag=True,
    help="Drop records repeating the normalized title and year of an earlier one.",
)
@click.option("--from-year", type=int, help="First year of the table.")
@click.option("--to-year", type=int, help="Last year of the table.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write biblio_counts.csv, biblio_records.csv, biblio_figure.svg/.png here.",
)
def biblio_command(
    files: tuple[Path, ...],
    keyword_sets: tuple[str, ...],
    fields: tuple[str, ...],
    fmt: str,
    dedupe: bool,
    from_year: int | None,
    to_year: int | None,
    out_dir: Path | None,
) -> None:
    """Count records of bibliographic export FILES per year whose title matches keywords."""
    import pandas as pd

    from seclens.biblio.count import KeywordQuery, count_by_year, figure_svg_png, record_matches
    from seclens.biblio.records import read_records
    from seclens.cli.trend import write_outputs
    from seclens.errors import CompareError, ConfigError
    from seclens.outputs import check_output_path

    if (from_year is None) != (to_year is None):
        raise ConfigError("E001", "give both --from-year and --to-year, or neither")
    query = KeywordQuery.from_strings(list(keyword_sets), fields or ("title",))
    records = read_records(files, fmt)
    year_range = (from_year, to_year) if from_year is not None and to_year is not None else None
    res = count_by_year(records, query, dedupe=dedupe, year_range=year_range)
    # Files first, then the printed table: a closed pipe (| head) loses no file.
    if out_dir is not None:
        check_output_path(out_dir, files, kind="folder", code="E507", error=CompareError)
        audit = pd.DataFrame(
            [
                {
                    "source": r.source,
                    "line": r.line,
                    "format": r.fmt,
                    "year": r.year or "",
                    "year_raw": r.year_raw,
                    "title": r.title,
                    "matching": record_matches(r, query),
                }
                for r in records
            ]
        )
        svg, png = figure_svg_png(
            res,
            f"Records per year matching the query ({len(keyword_sets)} "
            f"keyword set(s) in {'+'.join(query.fields)})",
        )
        write_outputs(
            out_dir,
            {
                "biblio_counts.csv": _csv_bytes(res.table),
                "biblio_records.csv": _csv_bytes(audit),
                "biblio_figure.svg": svg,
                "biblio_figure.png": png,
            },
            list(files),
        )
    echo(f"Query: {query.label()}")
    echo(
        f"Records read: {len(records)} ("
        + ", ".join(f"{k} {v}" for k, v in res.by_format.items())
        + ")"
    )
    echo(res.table.to_string(index=False, float_format="%.3f"))
    echo(
        f"Records without a year: {res.undated_records} "
        f"({res.undated_matching} matching; not in the table)"
    )
    if res.table.attrs.get("outside_range"):
        echo(f"Dated records outside the year range: {res.table.attrs['outside_range']}")
    echo(
        f"Duplicate title+year records: {res.duplicates} "
        + ("(removed)" if dedupe else "(kept; use --dedupe to remove)")
    )
    echo(f"Matching records in total: {res.n_matching}")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV bytes in UTF-8 with BOM (``utf-8-sig``: Excel shows Chinese correctly)."""
    return str(frame.to_csv(index=False)).encode("utf-8-sig")
