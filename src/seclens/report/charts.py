"""Report stage: charts as inline SVG (matplotlib's SVG backend, no pyplot state).

A :class:`matplotlib.figure.Figure` is drawn on a ``FigureCanvasSVG`` directly, so no
global pyplot state is touched and no GUI backend is loaded. Labels are document ids
(not titles); matplotlib escapes text, and XML comments (which repeat label text) are
removed before the SVG is inlined.

Chinese labels: when a label needs CJK glyphs, the labels are drawn with a CJK-capable
font if one is installed (:func:`cjk_font`: the first of :data:`CJK_FAMILIES` known to
matplotlib, else a known CJK font file among the system fonts), passed per Text as
``FontProperties`` (matplotlib's global ``rcParams`` are never changed). When no such
font is installed, bars are labelled ``D1``, ``D2`` ... and a key table (label →
document id) follows the chart, so no glyph is drawn as a box and matplotlib prints no
"Glyph missing" warning.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from markupsafe import Markup

from seclens.report.aggregate import DocumentFigures, level_rank

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

#: CJK-capable font families, in order of preference, then a Latin fallback.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei",
    "Microsoft YaHei", "PingFang SC",
)
#: Latin font that follows the CJK family in the family list.
LATIN_FALLBACK = "DejaVu Sans"
#: Lower-case file-name parts of the same fonts, for fonts matplotlib's cache has not seen.
CJK_FONT_FILES: tuple[str, ...] = (
    "notosanscjk", "sourcehansans", "wqy-microhei", "wqy-zenhei", "simhei", "msyh", "pingfang",
)

LEVEL_COLOURS: dict[str, str] = {
    "central": "#b2182b",
    "provincial": "#ef8a62",
    "municipal": "#fddbc7",
    "county": "#f7f7f7",
    "foreign": "#67a9cf",
    "unknown": "#999999",
}

F = TypeVar("F", bound=Callable[..., Any])


def plain_text(build: F) -> F:
    """Decorator: a chart function whose text is drawn as written, never as math.

    matplotlib reads a string with two ``$`` as mathtext: a document id, a group or a
    title from the user's data such as ``$\\alpha^$.txt`` made the chart (and the
    whole report) fail while laying out, and ``price $5 and $6`` was drawn as math.
    The function runs with ``rcParams["text.parse_math"] = False`` (each ``Text``
    takes it when created; set for the call only, as :func:`svg_markup` sets its
    hash salt), and :func:`svg_markup` turns mathtext off on every text of the
    figure before saving it.
    """
    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib as mpl

        with mpl.rc_context({"text.parse_math": False}):
            return build(*args, **kwargs)

    return cast(F, wrapper)


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)


def svg_markup(fig: object, salt: str = "seclens") -> Markup:
    """Render a matplotlib Figure to an inline ``<svg>`` (no prologue, comments, metadata).

    The same figure gives the same SVG on every run: no date, and the ids of its
    clip paths and markers are hashed from ``salt`` and their content (matplotlib's
    ``svg.hashsalt``, set for this rendering only) rather than from a random UUID.
    Give each chart of one page its own ``salt`` so that no two share an id.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    salt : str

    Returns
    -------
    markupsafe.Markup
        The ``<svg>`` element (matplotlib escapes the text it draws).
    """
    import matplotlib as mpl
    from matplotlib.text import Text

    for text in fig.findobj(Text):  # type: ignore[attr-defined]
        text.set_parse_math(False)  # data drawn as written (see plain_text)
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": salt, "text.parse_math": False}):
        fig.savefig(buf, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    svg = _PROLOGUE.sub("", buf.getvalue(), count=1)
    return Markup(_METADATA.sub("", _COMMENT.sub("", svg)))


def needs_cjk(text: str) -> bool:
    """True when ``text`` has a character from the CJK blocks (U+2E80 and above, BMP/SIP)."""
    return any(ord(ch) >= 0x2E80 for ch in text)


def cjk_font(
    families: Sequence[str] = CJK_FAMILIES, files: Sequence[str] = CJK_FONT_FILES
) -> FontProperties | None:
    """A font that draws Chinese, or ``None`` when none is installed.

    Parameters
    ----------
    families : sequence of str
        Family names, in order of preference, looked up in matplotlib's font list.
    files : sequence of str
        Lower-case parts of font file names, looked up among the system fonts when no
        family is known to matplotlib.

    Returns
    -------
    matplotlib.font_manager.FontProperties or None
        A family list (the installed ``families`` + :data:`LATIN_FALLBACK`), or the
        font file; nothing global is changed.
    """
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    known = {entry.name for entry in font_manager.fontManager.ttflist}
    installed = [family for family in families if family in known]
    if installed:
        return FontProperties(family=[*installed, LATIN_FALLBACK])
    for path in sorted(font_manager.findSystemFonts()):
        name = Path(path).name.lower().replace(" ", "")
        if files and any(part in name for part in files):
            return FontProperties(fname=path)
    return None


@plain_text
def security_by_level_svg(
    figures: Sequence[DocumentFigures],
    *,
    families: Sequence[str] = CJK_FAMILIES,
    font_files: Sequence[str] = CJK_FONT_FILES,
) -> Markup:
    """Bar chart of security-vocabulary occurrences per 10k by document, grouped by level.

    Parameters
    ----------
    figures : sequence of DocumentFigures
        One bar per document; bars are ordered by level (central, provincial,
        municipal, county, foreign, unknown), then by date and id. Documents whose
        rate is ``NaN`` get no bar and an ``n/a`` label.

    families, font_files : sequence of str
        CJK fonts to look for (see :func:`cjk_font`); used only when a label needs them.

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element (no XML prologue, no comments) ready to inline; followed
        by a ``<table class="chart-key">`` (label → document id) when labels needed
        CJK glyphs and no CJK font is installed.
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
    ids = [f.summary.doc_id for f in ordered]
    font = cjk_font(families, font_files) if any(needs_cjk(i) for i in ids) else None
    key: list[tuple[str, str]] = []
    if font is None and any(needs_cjk(i) for i in ids):
        key = [(f"D{n}", doc_id) for n, doc_id in enumerate(ids, start=1)]
        ids = [label for label, _ in key]
    ax.set_xticklabels(
        [
            label + (" (n/a)" if math.isnan(f.security_per_10k) else "")
            for label, f in zip(ids, ordered, strict=True)
        ],
        rotation=75, ha="right", fontsize=7, fontproperties=font,
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
    chart = svg_markup(fig, "sectors-by-level")
    if key:
        rows = Markup("").join(
            Markup("<tr><td>{}</td><td>{}</td></tr>").format(label, doc_id)
            for label, doc_id in key
        )
        chart += Markup(
            '<table class="chart-key"><caption>Chart labels (no Chinese font installed)'
            "</caption><tr><th>label</th><th>document</th></tr>{}</table>"
        ).format(rows)
    return chart


@plain_text
def security_by_level_box_svg(figures: Sequence[DocumentFigures]) -> Markup:
    """Box plot of the documents' security vocabulary per 10k, by level and language.

    The chart of a corpus too large for one bar per document: one box per (level,
    language) group (Chinese rates are per 10,000 characters, English per 10,000
    words, so the languages get separate boxes), labelled with the number of
    documents; matplotlib's default box (quartiles, whiskers at 1.5 IQR, outliers as
    points). Documents without a rate (size 0) are left out of the box and counted in
    its label (``n/a``). Labels are ASCII (level, language code), so no CJK font is
    needed.

    Parameters
    ----------
    figures : sequence of DocumentFigures

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element (no XML prologue, no comments) ready to inline.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    groups: dict[tuple[str, str], list[float]] = {}
    missing: dict[tuple[str, str], int] = {}
    for f in figures:
        key = (f.summary.meta.level, f.summary.meta.language)
        groups.setdefault(key, [])
        missing.setdefault(key, 0)
        if math.isnan(f.security_per_10k):
            missing[key] += 1
        else:
            groups[key].append(f.security_per_10k)
    keys = sorted(groups, key=lambda k: (level_rank(k[0]), k[0], k[1]))
    fig = Figure(figsize=(max(6.0, 1.1 * len(keys) + 2.0), 5.2))
    FigureCanvasSVG(fig)
    ax = fig.add_subplot(1, 1, 1)
    labels = [
        f"{level} ({lang})\nn={len(groups[(level, lang)])}"
        + (f", n/a {missing[(level, lang)]}" if missing[(level, lang)] else "")
        for level, lang in keys
    ]
    data = [groups[k] if groups[k] else [math.nan] for k in keys]
    boxes = ax.boxplot(data, patch_artist=True, widths=0.6,
                       flierprops={"markersize": 2, "alpha": 0.5})
    for patch, (level, _) in zip(boxes["boxes"], keys, strict=True):
        patch.set_facecolor(LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"]))
        patch.set_edgecolor("#333333")
    ax.set_xticks(range(1, len(keys) + 1))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("per 10k characters (zh) / words (en)")
    ax.set_title(
        "Security vocabulary per 10,000 characters (zh) or words (en)\n"
        f"{len(figures)} documents, by level and language", fontsize=10,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return svg_markup(fig, "security-by-level-box")
