"""Report stage: HTML report, CSV tables and run provenance.

:func:`write_report` writes the output folder (:class:`ReportLimits`: rows shown for a
large corpus); :class:`ReportSection` is the contract
for sections contributed by other stages. Submodules are imported on first use so
that ``import seclens.report`` stays light (matplotlib and Jinja2 load lazily).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seclens.report.sections import ReportSection

if TYPE_CHECKING:
    from seclens.report.html import ReportLimits
    from seclens.report.writer import OUTPUT_FILES, ReportPaths, write_report

__all__ = ["OUTPUT_FILES", "ReportLimits", "ReportPaths", "ReportSection", "write_report"]


def __getattr__(name: str) -> Any:
    if name in {"OUTPUT_FILES", "ReportPaths", "write_report"}:
        from seclens.report import writer

        return getattr(writer, name)
    if name == "ReportLimits":
        from seclens.report import html

        return html.ReportLimits
    raise AttributeError(f"module 'seclens.report' has no attribute {name!r}")
