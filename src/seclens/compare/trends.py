"""Compare stage: per-year series of per-document measures, by group, with charts.

A series point is one (group, language, year, measure): the number of documents of that
year (``n_docs``), how many of them have the measure undefined (``n_excluded``, NaN
measure — left out of the statistics, not dropped silently), and the mean, median,
minimum and maximum of the measure over the others. Years with fewer than ``small_n``
documents are flagged: with one or two documents a "trend" is an anecdote.
Documents without a year are listed in ``series.attrs["undated"]`` and documents
without a group value in ``series.attrs["ungrouped"]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from seclens.compare.groups import add_derived_fields, split_by
from seclens.errors import CompareError
from seclens.report.charts import plain_text

SERIES_COLUMNS: tuple[str, ...] = (
    "group",
    "language",
    "year",
    "measure",
    "n_docs",
    "n_excluded",
    "mean",
    "median",
    "min",
    "max",
    "small_n",
)
"""Fixed column order of :func:`yearly_series`."""


def yearly_series(
    table: pd.DataFrame,
    measures: Sequence[str],
    *,
    by: str | None = None,
    small_n: int = 3,
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Per-year statistics of measures, by group and language.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per document: ``id_column``, ``date`` or ``year``, ``language`` (optional;
        "all" when absent) and the measure columns.
    measures : sequence of str
    by : str, optional
        Split specification for :func:`seclens.compare.groups.split_by`; ``None`` = one
        group ``all``.
    small_n : int
        Flag years with ``n_docs < small_n`` (default 3).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SERIES_COLUMNS`, sorted by group, language, measure, year.

    Raises
    ------
    CompareError
        ``E501`` unknown measure or group column; ``E502`` malformed ``by``.
    """
    missing = [m for m in measures if m not in table.columns]
    if missing:
        raise CompareError(
            "E501",
            f"unknown measure(s) {', '.join(missing)}; available: "
            f"{', '.join(map(str, table.columns))}",
        )
    t = add_derived_fields(table)
    if "year" not in t.columns:
        raise CompareError("E501", "the table has neither a 'date' nor a 'year' column")
    if by is None:
        labels = pd.Series("all", index=t.index)
        ungrouped: list[str] = []
    else:
        split = split_by(t, by)
        labels = split.labels
        ungrouped = [str(t.iloc[i][id_column]) for i in split.ungrouped]
    lang = t["language"].astype(str) if "language" in t.columns else pd.Series("all", index=t.index)
    years = t["year"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    undated = t.loc[years == "", id_column].astype(str).tolist()
    rows: list[dict[str, object]] = []
    keep = (labels != "") & (years != "")
    frame = pd.DataFrame({"group": labels, "language": lang, "year": years})[keep]
    grouped = frame.groupby(["group", "language", "year"]).groups
    for key, idx in grouped.items():
        group, language, year = (str(k) for k in key)  # type: ignore[attr-defined]
        for m in measures:
            vals = pd.to_numeric(t.loc[idx, m], errors="coerce")
            ok = vals.dropna()
            rows.append(
                {
                    "group": group,
                    "language": language,
                    "year": int(year),
                    "measure": m,
                    "n_docs": len(idx),
                    "n_excluded": int(vals.isna().sum()),
                    "mean": float(ok.mean()) if len(ok) else math.nan,
                    "median": float(ok.median()) if len(ok) else math.nan,
                    "min": float(ok.min()) if len(ok) else math.nan,
                    "max": float(ok.max()) if len(ok) else math.nan,
                    "small_n": len(idx) < small_n,
                }
            )
    out = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
    out = out.sort_values(["group", "language", "measure", "year"], kind="mergesort")
    out = out.reset_index(drop=True)
    out.attrs.update(undated=undated, ungrouped=ungrouped, by=by or "", small_n=small_n)
    return out


@plain_text
def trend_figure(series: pd.DataFrame, measure: str, unit_label: str = "") -> object:
    """Line chart of the yearly mean of one measure, one line per group × language.

    Small-n years are drawn with hollow markers and every point is labelled with its
    number of documents. Returns a :class:`matplotlib.figure.Figure` (no pyplot state).
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    sub = series[series["measure"] == measure]
    fig = Figure(figsize=(6.4, 3.6))
    FigureCanvasSVG(fig)
    ax = fig.add_subplot(1, 1, 1)
    for (group, language), part in sub.groupby(["group", "language"], sort=True):
        part = part.sort_values("year")
        label = f"{group} ({language})" if language != "all" else str(group)
        (line,) = ax.plot(part["year"], part["mean"], marker=None, label=label)
        colour = line.get_color()
        for _, r in part.iterrows():
            ax.plot(
                [r["year"]],
                [r["mean"]],
                marker="o",
                color=colour,
                markerfacecolor="white" if r["small_n"] else colour,
            )
            if not math.isnan(r["mean"]):
                ax.annotate(
                    f"n={r['n_docs']}",
                    (r["year"], r["mean"]),
                    fontsize=6,
                    textcoords="offset points",
                    xytext=(3, 4),
                )
    ax.set_xlabel("year")
    if not unit_label and measure.endswith("_per_10k"):
        units = {"zh": "zh: per 10k characters", "en": "en: per 10k words"}
        unit_label = "; ".join(units[x] for x in sorted(set(sub["language"])) if x in units)
    ax.set_ylabel(f"{measure}{f' ({unit_label})' if unit_label else ''}", fontsize=7)
    ax.set_title(
        f"Yearly mean of {measure} (hollow: fewer documents than the threshold)", fontsize=8
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(sub):
        ax.legend(fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
