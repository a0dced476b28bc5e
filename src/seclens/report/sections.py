"""Report stage: extra sections contributed by other stages.

A stage that wants a section in ``report.html`` (the framework table, comparisons,
trends ...) renders its own HTML fragment with an *autoescaping* Jinja2 environment
(document text is untrusted) and hands a :class:`ReportSection` to the report writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class ReportSection:
    """One extra section of ``report.html``.

    Attributes
    ----------
    section_id : str
        HTML id of the section (ASCII letters, digits, ``-``); used for the table of contents.
    title : str
        Section heading (plain text; escaped by the report writer).
    html : markupsafe.Markup
        The section body, already rendered with autoescaping. Producers must not build
        it by string concatenation of document text.
    """

    section_id: str
    title: str
    html: Markup
