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
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from seclens.api import AnalysisResult
from seclens.report.aggregate import (
    LEVEL_ORDER,
    SENSES,
    document_figures,
    level_rank,
    sector_names,
)
from seclens.report.charts import security_by_level_svg
from seclens.report.sections import ReportSection

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

    Returns
    -------
    str
        The complete HTML document.
    """
    figures = document_figures(result)
    sectors = sector_names(figures)
    by_level = sorted(
        figures,
        key=lambda f: (level_rank(f.summary.meta.level), f.summary.meta.date, f.summary.doc_id),
    )
    anchors = {f.summary.doc_id: f.anchor for f in figures}
    matches = result.matches
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
    return template.render(
        notice=notice,
        provenance=provenance,
        options=provenance["options"],
        result=result,
        figures=figures,
        figures_by_level=by_level,
        levels=[lv for lv in LEVEL_ORDER if any(f.summary.meta.level == lv for f in figures)],
        sectors=sectors,
        senses=SENSES,
        anchors=anchors,
        matches=matches,
        doc_ids=sorted(anchors),
        terms=sorted({m.term for m in matches}),
        match_sectors=sorted({m.sector for m in matches}),
        match_senses=sorted({m.sense for m in matches}),
        categories=sorted({m.category for m in matches}),
        chart=security_by_level_svg(figures) if figures else Markup(""),
        sections=list(sections),
        toc=toc,
        run_json=script_json(provenance),
    )
