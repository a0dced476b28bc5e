"""Report stage: charts as inline SVG (matplotlib's SVG backend, no pyplot state).

A :class:`matplotlib.figure.Figure` is drawn on a ``FigureCanvasSVG`` directly, so no
global pyplot state is touched and no GUI backend is loaded. Labels are document ids
(not titles); matplotlib escapes text, and XML comments (which repeat label text) are
removed before the SVG is inlined.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence

from markupsafe import Markup

from seclens.report.aggregate import DocumentFigures, level_rank

LEVEL_COLOURS: dict[str, str] = {
    "central": "#b2182b",
    "provincial": "#ef8a62",
    "municipal": "#fddbc7",
    "county": "#f7f7f7",
    "foreign": "#67a9cf",
    "unknown": "#999999",
}

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)


def security_by_level_svg(figures: Sequence[DocumentFigures]) -> Markup:
    """Bar chart of security-vocabulary occurrences per 10k by document, grouped by level.

    Parameters
    ----------
    figures : sequence of DocumentFigures
        One bar per document; bars are ordered by level (central, provincial,
        municipal, county, foreign, unknown), then by date and id. Documents whose
        rate is ``NaN`` get no bar and an ``n/a`` label.

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element (no XML prologue, no comments) ready to inline.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    ordered = sorted(
        figures,
        key=lambda f: (level_rank(f.summary.meta.level), f.summary.meta.date, f.summary.doc_id),
    )
    width = max(6.0, 0.32 * len(ordered) + 2.0)
    fig = Figure(figsize=(width, 5.2))
    FigureCanvasSVG(fig)
    ax = fig.add_subplot(1, 1, 1)
    xs = list(range(len(ordered)))
    values = [0.0 if math.isnan(f.security_per_10k) else f.security_per_10k for f in ordered]
    colours = [LEVEL_COLOURS.get(f.summary.meta.level, LEVEL_COLOURS["unknown"]) for f in ordered]
    ax.bar(xs, values, color=colours, edgecolor="#333333", linewidth=0.5)
    ax.set_xticks(xs)
    ax.set_xticklabels(
        [
            f.summary.doc_id + (" (n/a)" if math.isnan(f.security_per_10k) else "")
            for f in ordered
        ],
        rotation=75, ha="right", fontsize=7,
    )
    ax.set_ylabel("per 10k characters / words")
    ax.set_title(
        "Security vocabulary per 10,000 characters (zh) or words (en), by level", fontsize=10
    )
    levels = sorted({f.summary.meta.level for f in ordered}, key=level_rank)
    ax.legend(
        handles=[Patch(facecolor=LEVEL_COLOURS.get(lv, "#999999"), label=lv) for lv in levels],
        fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.06), ncol=len(levels),
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = _PROLOGUE.sub("", buf.getvalue(), count=1)
    svg = _METADATA.sub("", _COMMENT.sub("", svg))
    return Markup(svg)  # matplotlib output: text escaped, comments removed
