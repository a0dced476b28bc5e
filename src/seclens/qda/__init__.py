"""QDA stage: samples for hand coding (CSV and REFI-QDA .qdpx) and importing coded files.

Public API: :func:`stratified_sample`, :class:`SampleUnit`, :func:`write_sample_csv`,
:func:`read_coded_csv`, :func:`write_coded_jsonl`, :func:`write_qdpx`,
:func:`read_qdpx`, :func:`check_project`.
"""

from __future__ import annotations

from seclens.qda.csvio import read_coded_csv, write_coded_jsonl, write_sample_csv
from seclens.qda.qdpx import check_project, read_qdpx, write_qdpx
from seclens.qda.sample import SampleUnit, stratified_sample

__all__ = [
    "SampleUnit",
    "check_project",
    "read_coded_csv",
    "read_qdpx",
    "stratified_sample",
    "write_coded_jsonl",
    "write_qdpx",
    "write_sample_csv",
]
