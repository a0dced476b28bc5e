"""Command line interface: the ``--report-*`` options (rows report.html shows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from seclens.report import ReportLimits

F = TypeVar("F", bound=Callable[..., Any])

#: Defaults of :class:`seclens.report.ReportLimits` (repeated here so that ``--help``
#: does not import the report stage; tests/cli check they agree).
DEFAULT_DOCUMENTS = 500
DEFAULT_KWIC_ROWS = 10_000
DEFAULT_CHART_DOCUMENTS = 80


def report_limit_options(command: F) -> F:
    """Add ``--report-documents``, ``--report-kwic`` and ``--report-bars`` to a command."""
    options = [
        click.option(
            "--report-documents", type=click.IntRange(min=1), default=DEFAULT_DOCUMENTS,
            show_default=True,
            help="Documents given their own rows in report.html (documents, term tables, "
            "sectors), in input order; the page says how many more there are. The CSV "
            "files always hold every document."),
        click.option(
            "--report-kwic", type=click.IntRange(min=1), default=DEFAULT_KWIC_ROWS,
            show_default=True,
            help="KWIC rows in report.html; past it, the first matches of each document, "
            "shared out as evenly as the limit allows, each numbered with its row of "
            "matches.csv (which holds every match)."),
        click.option(
            "--report-bars", type=click.IntRange(min=1), default=DEFAULT_CHART_DOCUMENTS,
            show_default=True,
            help="Up to this many documents the level chart has one bar per document; "
            "past it, one box per level and language."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def report_limits(report_documents: int, report_kwic: int, report_bars: int) -> ReportLimits:
    """The :class:`seclens.report.ReportLimits` of the ``--report-*`` options."""
    from seclens.report import ReportLimits

    return ReportLimits(documents=report_documents, kwic_rows=report_kwic,
                        chart_documents=report_bars)
