"""Report stage: render ``report.html``, one self-contained offline file.

Rendered with an autoescaping Jinja2 environment (document text is untrusted); the
only JSON placed in a ``<script>`` element goes through :func:`script_json`, which
escapes ``<``, ``>``, ``&`` and U+2028/U+2029. CSS and JavaScript are inline; the
chart is inline SVG; the page makes no network request.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from seclens.api import AnalysisResult
from seclens.errors import ConfigError
from seclens.report.aggregate import (
    LEVEL_ORDER,
    SENSES,
    DocumentFigures,
    document_figures,
    kwic_quota,
    kwic_sample,
    level_rank,
    level_summary,
    match_row_ranges,
    sector_names,
)
from seclens.report.charts import security_by_level_box_svg, security_by_level_svg
from seclens.report.sections import ReportSection
from seclens.types import Match, RowSequence


@dataclass(frozen=True)
class ReportLimits:
    """How much of a large corpus ``report.html`` shows row by row.

    The CSV files always hold everything (``documents.csv`` one row per input,
    ``counts.csv``, ``matches.csv`` every match); these limits keep the page one a
    browser opens (measured before they existed: 1,200 documents gave a 53 MB page,
    41 MB of it KWIC rows). Past a limit the page says how many rows it shows, which
    ones, and where the rest are. The level summary and the framework sections cover
    every document whatever the limits.

    Parameters
    ----------
    documents : int
        Documents given rows in the per-document tables (documents, their term
        tables, sectors, the per-document rates under the chart), in input order; also
        the rows of the input-file and exclusion tables (>= 1).
    kwic_rows : int
        KWIC rows (>= 1); past it, the first matches of each document, shared out as
        evenly as the limit allows (:func:`seclens.report.aggregate.kwic_sample`), each
        row numbered as in ``matches.csv``.
    chart_documents : int
        Documents drawn one bar each (>= 1); past it the chart is a box plot per level
        and language (:func:`seclens.report.charts.security_by_level_box_svg`).

    Raises
    ------
    ConfigError
        ``E010`` when a limit is not an integer >= 1.
    """

    documents: int = 500
    kwic_rows: int = 10_000
    chart_documents: int = 80

    def __post_init__(self) -> None:
        for name in ("documents", "kwic_rows", "chart_documents"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError("E010", f"report limit {name} must be an integer >= 1; "
                                          f"received {value!r}")

_JSON_ESCAPES = {
    "&": "\\u0026",
    "<": "\\u003c",
    ">": "\\u003e",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(obj: Any) -> Markup:
    """JSON text safe to place inside an HTML ``<script>`` element.

    Parameters
    ----------
    obj : JSON-serialisable object

    Returns
    -------
    markupsafe.Markup
        ``json.dumps(obj)`` with ``<``, ``>``, ``&``, U+2028 and U+2029 written as
        ``\\uXXXX`` escapes, so no ``</script>`` or comment opener can appear.
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, allow_nan=False, default=str)
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # escaped above


def kwic_hash(**filters: str) -> str:
    """URL fragment that opens the KWIC view filtered, e.g. ``#kwic:doc=X&term=Y``."""
    parts = [f"{k}={quote(v, safe='')}" for k, v in filters.items() if v]
    return "#kwic:" + "&".join(parts)


def fmt_rate(value: float) -> str:
    """A per-10k rate with two decimals; ``n/a`` for ``NaN``."""
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("seclens.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rate"] = fmt_rate
    env.globals["kwic_hash"] = kwic_hash
    return env


def render_report(
    result: AnalysisResult,
    sections: Sequence[ReportSection] = (),
    *,
    notice: str = "",
    limits: ReportLimits | None = None,
    figures: Sequence[DocumentFigures] | None = None,
) -> str:
    """Render the HTML report of a run.

    Parameters
    ----------
    result : AnalysisResult
    sections : sequence of ReportSection
        Extra sections, rendered in order after the built-in ones and listed in the
        table of contents.
    notice : str
        Plain-text banner shown at the top (e.g. "illustrative sample").
    limits : ReportLimits, optional
        Rows shown for a large corpus (default ``ReportLimits()``).
    figures : sequence of DocumentFigures, optional
        ``document_figures(result, term_documents=limits.documents)`` (or with the
        terms of more documents) when the caller has them already.

    Returns
    -------
    str
        The complete HTML document.
    """
    limits = limits or ReportLimits()
    figures = (list(figures) if figures is not None
               else document_figures(result, term_documents=limits.documents))
    sectors = sector_names(figures)
    shown = figures[:limits.documents]
    by_level = sorted(
        shown,
        key=lambda f: (level_rank(f.summary.meta.level), f.summary.meta.date, f.summary.doc_id),
    )
    anchors = {f.summary.doc_id: f.anchor for f in shown}
    matches = result.matches
    doc_ids = [str(d) for d in _doc_id_column(matches)]
    rows = match_row_ranges(doc_ids)
    picked = kwic_sample(doc_ids, limits.kwic_rows)
    picked_rows = (matches.rows_at(picked) if isinstance(matches, RowSequence)
                   else [matches[i] for i in picked])
    kwic: list[tuple[int, Match]] = [(i + 1, m) for i, m in zip(picked, picked_rows,
                                                                 strict=True)]
    provenance = result.provenance.to_dict()
    builtin_toc = [
        ("provenance", "Run provenance"),
        ("exclusions", "Exclusions"),
        ("documents", "Documents"),
        ("sectors", "Sectors"),
        ("chart", "Security vocabulary by level"),
    ]
    toc = [*builtin_toc, *((s.section_id, s.title) for s in sections), ("kwic", "KWIC evidence")]
    template = _environment().get_template("report.html.j2")
    if len(figures) <= limits.chart_documents:
        chart = security_by_level_svg(figures) if figures else Markup("")
    else:
        chart = security_by_level_box_svg(figures)
    kwic_matches = [m for _, m in kwic]
    return template.render(
        notice=notice,
        provenance=provenance,
        options=provenance["options"],
        result=result,
        figures=shown,
        n_documents=len(figures),
        figures_by_level=by_level,
        level_figures=level_summary(figures),
        levels=[lv for lv in LEVEL_ORDER if any(f.summary.meta.level == lv for f in figures)],
        sectors=sectors,
        senses=SENSES,
        anchors=anchors,
        match_rows=rows,
        n_matches=len(doc_ids),
        kwic=kwic,
        kwic_quota=kwic_quota(doc_ids, limits.kwic_rows),
        kwic_documents=len({m.doc_id for m in kwic_matches}),
        kwic_all_documents=len(set(doc_ids)),
        kwic_doc_ids=sorted({m.doc_id for m in kwic_matches}),
        terms=sorted({m.term for m in kwic_matches}),
        match_sectors=sorted({m.sector for m in kwic_matches}),
        match_senses=sorted({m.sense for m in kwic_matches}),
        categories=sorted({m.category for m in kwic_matches}),
        inputs=provenance["inputs"][:limits.documents],
        n_inputs=len(provenance["inputs"]),
        exclusions=result.exclusions[:limits.documents],
        limits=limits,
        chart=chart,
        chart_is_box=len(figures) > limits.chart_documents,
        sections=list(sections),
        toc=toc,
        run_json=script_json(_embedded_provenance(provenance, limits.documents)),
    )


def _embedded_provenance(provenance: dict[str, Any], documents: int) -> dict[str, Any]:
    """The provenance embedded in the page (``<script id="seclens-run">``): all of it,
    except that past ``documents`` inputs only the first are listed, with the number
    left out (``run.json`` lists every input)."""
    inputs = provenance["inputs"]
    if len(inputs) <= documents:
        return provenance
    return {**provenance, "inputs": inputs[:documents],
            "inputs_omitted": len(inputs) - documents,
            "inputs_note": "the first inputs only; run.json lists every input"}


def _doc_id_column(matches: Sequence[Match]) -> list[object]:
    from seclens.match.table import match_table_columns

    return match_table_columns(matches, ["doc_id"])[0]
