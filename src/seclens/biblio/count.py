"""Bibliometric stage: records per year whose title (or other fields) match keyword sets.

Matching rule (documented in ``docs/biblio.md``):

- A query is a list of *keyword sets*; a record matches when **every** set has at
  least one alternative found in the chosen fields (``--all 人工智能,AI --all
  安全,security`` = (人工智能 OR AI) AND (安全 OR security)).
- Text and terms are normalized with Unicode NFKC (full-width ＡＩ → AI) and
  ``casefold`` (case-insensitive for Latin script).
- A term made only of ASCII letters/digits (with inner spaces/hyphens) matches as a
  whole word: it must not be preceded or followed by an ASCII letter or digit. So
  ``AI`` matches "AI safety", "AI安全" and "(AI)" but not "AIDS", "said" or "AIGC".
- Any other term (Chinese, mixed) matches as a substring: 安全 matches 安全性 and
  国家安全 (as in CNKI's title search).

Records without a year are counted and reported separately (``undated``), never
dropped; duplicates (same normalized title and year) are counted and only removed
when asked (``dedupe=True``).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from seclens.biblio.records import BiblioRecord
from seclens.errors import CompareError
from seclens.report.charts import plain_text

_ASCII_WORD = re.compile(r"^[0-9a-z]+(?:[ \-][0-9a-z]+)*$")
COUNT_COLUMNS: tuple[str, ...] = ("year", "records", "matching", "share_matching")
FIELDS: tuple[str, ...] = ("title", "abstract", "keywords", "journal", "authors")


def normalize(text: str) -> str:
    """NFKC + casefold (the normalization applied to fields and terms)."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class KeywordQuery:
    """Keyword sets combined with AND; alternatives inside a set combined with OR.

    Attributes
    ----------
    sets : tuple[tuple[str, ...], ...]
        As given by the user (normalized for matching).
    fields : tuple[str, ...]
        Record fields searched (default ``("title",)``).
    """

    sets: tuple[tuple[str, ...], ...]
    fields: tuple[str, ...] = ("title",)

    @classmethod
    def from_strings(cls, sets: Sequence[str], fields: Sequence[str] = ("title",)) -> KeywordQuery:
        """Build from comma-separated alternatives (full-width commas 、， accepted).

        Raises
        ------
        CompareError
            ``E512`` no set, an empty alternative, or an unknown field.
        """
        if not sets:
            raise CompareError("E512", "give at least one keyword set (--all 人工智能,AI)")
        parsed: list[tuple[str, ...]] = []
        for s in sets:
            alts = tuple(a.strip() for a in re.split(r"[,，、]", s))
            if not alts or any(a == "" for a in alts):
                raise CompareError(
                    "E512", f"empty alternative in keyword set {s!r}; write e.g. 安全,security"
                )
            parsed.append(alts)
        bad = [f for f in fields if f not in FIELDS]
        if bad or not fields:
            raise CompareError(
                "E512", f"unknown field(s) {bad or fields!r}; choose from {', '.join(FIELDS)}"
            )
        return cls(tuple(parsed), tuple(fields))

    def label(self) -> str:
        """Readable form, e.g. ``(人工智能 OR AI) AND (安全 OR security) in title``."""
        body = " AND ".join("(" + " OR ".join(s) + ")" for s in self.sets)
        return f"{body} in {'+'.join(self.fields)}"


def term_matches(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` under the module's matching rule.

    Both are normalized (NFKC + casefold) here; ASCII-word terms match whole words.
    """
    t, x = normalize(term), normalize(text)
    if _ASCII_WORD.match(t):
        return re.search(rf"(?<![0-9a-z]){re.escape(t)}(?![0-9a-z])", x) is not None
    return t in x


def record_matches(record: BiblioRecord, query: KeywordQuery) -> bool:
    """Whether every keyword set of ``query`` matches the record's chosen fields."""
    text = " \n ".join(record.fields.get(f, "") for f in query.fields)
    return all(any(term_matches(alt, text) for alt in alts) for alts in query.sets)


@dataclass(frozen=True)
class BiblioCount:
    """Result of :func:`count_by_year`.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`COUNT_COLUMNS`; one row per year from the first to the last
        dated record (years without records are 0, not missing); ``share_matching`` is
        matching / records (0 when a year has no record).
    query : KeywordQuery
    n_records : int
        All records read (after deduplication when asked).
    undated_records, undated_matching : int
        Records without a readable year, and how many of them match.
    duplicates : int
        Records with the same normalized title and year as an earlier record.
    deduplicated : bool
    by_format : Mapping of format → number of records
    """

    table: pd.DataFrame
    query: KeywordQuery
    n_records: int
    undated_records: int
    undated_matching: int
    duplicates: int
    deduplicated: bool
    by_format: dict[str, int]

    @property
    def n_matching(self) -> int:
        """Matching records, dated and undated."""
        return int(self.table["matching"].sum()) + self.undated_matching


def count_by_year(
    records: Sequence[BiblioRecord],
    query: KeywordQuery,
    *,
    dedupe: bool = False,
    year_range: tuple[int, int] | None = None,
) -> BiblioCount:
    """Count records per year, and those matching the keyword query.

    Parameters
    ----------
    records : sequence of BiblioRecord
    query : KeywordQuery
    dedupe : bool
        Drop records whose normalized title and year repeat an earlier record.
    year_range : (int, int), optional
        Inclusive range of years to tabulate; records outside it are still counted in
        ``n_records`` and the table attrs (``outside_range``).

    Returns
    -------
    BiblioCount
    """
    seen: set[tuple[str, int | None]] = set()
    kept: list[BiblioRecord] = []
    duplicates = 0
    for r in records:
        key = (re.sub(r"\s+", "", normalize(r.title)), r.year)
        if r.title and key in seen:
            duplicates += 1
            if dedupe:
                continue
        seen.add(key)
        kept.append(r)
    dated = [r for r in kept if r.year is not None]
    undated = [r for r in kept if r.year is None]
    years = [r.year for r in dated if r.year is not None]
    if year_range is not None:
        lo, hi = year_range
    elif years:
        lo, hi = min(years), max(years)
    else:
        lo, hi = 0, -1
    rows = {y: [0, 0] for y in range(lo, hi + 1)}
    outside = 0
    for r in dated:
        assert r.year is not None
        if r.year not in rows:
            outside += 1
            continue
        rows[r.year][0] += 1
        rows[r.year][1] += int(record_matches(r, query))
    table = pd.DataFrame(
        [(y, n, m, (m / n) if n else 0.0) for y, (n, m) in sorted(rows.items())],
        columns=list(COUNT_COLUMNS),
    ).astype({"year": int, "records": int, "matching": int, "share_matching": float})
    table.attrs["outside_range"] = outside
    by_format: dict[str, int] = {}
    for r in kept:
        by_format[r.fmt] = by_format.get(r.fmt, 0) + 1
    return BiblioCount(
        table=table,
        query=query,
        n_records=len(kept),
        undated_records=len(undated),
        undated_matching=sum(record_matches(r, query) for r in undated),
        duplicates=duplicates,
        deduplicated=dedupe,
        by_format=dict(sorted(by_format.items())),
    )


@plain_text
def figure_svg_png(count: BiblioCount, title: str = "") -> tuple[str, bytes]:
    """Figure-1 style bar chart of matching records per year, as (SVG text, PNG bytes).

    Uses a :class:`matplotlib.figure.Figure` directly (no pyplot state). The chart's
    text is ASCII (years, counts, the caption passed in ``title``) because CJK fonts
    may be missing; the Chinese query is written to the CSV and the console.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    tab = count.table
    fig = Figure(figsize=(max(5.0, 0.35 * len(tab) + 2.0), 3.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(tab["year"].astype(str), tab["matching"], color="#4d4d4d")
    ax.set_xlabel("year")
    ax.set_ylabel("matching records")
    ax.set_title(title or "Records per year matching the keyword query", fontsize=9)
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if count.undated_matching:
        ax.text(
            0.01,
            0.97,
            f"+ {count.undated_matching} matching record(s) without year",
            transform=ax.transAxes,
            fontsize=7,
            va="top",
        )
    fig.tight_layout()
    import matplotlib as mpl

    svg_buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "biblio-per-year"}):  # same ids every run
        fig.savefig(svg_buf, format="svg", metadata={"Date": None})
    png_buf = io.BytesIO()
    fig.savefig(png_buf, format="png", dpi=150, metadata={"Software": None})
    return svg_buf.getvalue(), png_buf.getvalue()
