"""Report stage: write the output folder (HTML report, CSV tables, run.json).

Output-folder rules (documented in ``docs/report.md``):

- the folder is created if missing;
- the writer refuses (``E020``, via the shared guard
  :func:`seclens.outputs.check_output_path`) a folder that contains any input file of
  the run (a document, an excluded file or the manifest), directly or in a sub-folder,
  and a folder inside an input folder (a later run on that folder would read the report);
- an existing folder with other files is accepted, but only the writer's own files
  (:data:`OUTPUT_FILES`) are replaced; nothing else in it is touched;
- each file is written to a temporary name in the same folder and then renamed, so
  an interrupted run never leaves a half-written report under the final name.

Error codes: ``E020`` output folder contains input files; ``E021`` the output path
exists and is not a folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from seclens.api import AnalysisResult
from seclens.outputs import check_output_path
from seclens.report.aggregate import document_figures
from seclens.report.html import ReportLimits, render_report
from seclens.report.sections import ReportSection
from seclens.report.tables import write_counts_csv, write_documents_csv, write_matches_csv

OUTPUT_FILES: tuple[str, ...] = (
    "report.html", "documents.csv", "counts.csv", "matches.csv", "run.json",
)
"""The only file names the writer creates or replaces in the output folder."""


@dataclass(frozen=True)
class ReportPaths:
    """Paths of the files written by :func:`write_report`."""

    out_dir: Path
    report_html: Path
    documents_csv: Path
    counts_csv: Path
    matches_csv: Path
    run_json: Path

    def all(self) -> tuple[Path, ...]:
        """All written files, in a fixed order."""
        return (self.report_html, self.documents_csv, self.counts_csv, self.matches_csv,
                self.run_json)


def _input_paths(result: AnalysisResult) -> list[Path]:
    return [Path(f.path).resolve() for f in result.provenance.inputs if f.path]


def _input_roots(result: AnalysisResult) -> list[Path]:
    return [Path(p).resolve() for p in result.provenance.input_roots]


def check_out_dir(out_dir: Path, inputs: Sequence[Path], roots: Sequence[Path] = ()) -> None:
    """Refuse an output folder that is not a folder or that holds input files.

    Parameters
    ----------
    out_dir : Path
    inputs : sequence of Path
        Resolved paths of the run's input files.
    roots : sequence of Path
        Resolved files and folders the user named as inputs.

    Raises
    ------
    ConfigError
        ``E021`` if ``out_dir`` exists and is not a folder; ``E020`` if an input
        file lies in ``out_dir`` or below it, or ``out_dir`` lies inside an input folder.
    """
    check_output_path(out_dir, [*inputs, *roots], kind="folder")


def _atomic_write(path: Path, writer: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_report(
    result: AnalysisResult,
    out_dir: str | os.PathLike[str],
    sections: Sequence[ReportSection] = (),
    *,
    notice: str = "",
    limits: ReportLimits | None = None,
) -> ReportPaths:
    """Write ``report.html``, ``documents.csv``, ``counts.csv``, ``matches.csv``, ``run.json``.

    Parameters
    ----------
    result : AnalysisResult
        Output of :func:`seclens.api.analyze`.
    out_dir : path
        Output folder (created if missing). Only the files in :data:`OUTPUT_FILES`
        are written or replaced there.
    sections : sequence of ReportSection
        Extra sections for ``report.html``, in order, listed in its contents.
    notice : str
        Plain-text banner at the top of ``report.html`` and in ``run.json``.
    limits : ReportLimits, optional
        Rows ``report.html`` shows for a large corpus (default ``ReportLimits()``:
        500 documents, 10,000 KWIC rows, one bar per document up to 80); the CSV
        files always hold every row.

    Returns
    -------
    ReportPaths

    Raises
    ------
    ConfigError
        ``E020`` when ``out_dir`` contains input files; ``E021`` when it is a file.
    """
    out = Path(out_dir)
    check_out_dir(out, _input_paths(result), _input_roots(result))
    out.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(
        out_dir=out,
        report_html=out / "report.html",
        documents_csv=out / "documents.csv",
        counts_csv=out / "counts.csv",
        matches_csv=out / "matches.csv",
        run_json=out / "run.json",
    )
    run = result.provenance.to_dict()
    run["outputs"] = list(OUTPUT_FILES)
    run["documents_analysed"] = len(result.documents)
    run["documents_excluded"] = len(result.exclusions)
    run["matches"] = len(result.matches)
    if notice:
        run["notice"] = notice
    limits = limits or ReportLimits()
    figures = document_figures(result, term_documents=limits.documents)
    html = render_report(result, sections, notice=notice, limits=limits, figures=figures)

    _atomic_write(paths.documents_csv, lambda p: write_documents_csv(result, p, figures))
    _atomic_write(paths.counts_csv, lambda p: write_counts_csv(result, p))
    _atomic_write(paths.matches_csv, lambda p: write_matches_csv(result, p))
    _atomic_write(
        paths.run_json,
        lambda p: p.write_text(
            json.dumps(run, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        ),
    )
    _atomic_write(paths.report_html, lambda p: p.write_text(html, encoding="utf-8"))
    return paths
