"""Benchmark of the report of a large corpus: bounded ``report.html`` against unbounded.

Builds a synthetic corpus of ``--size-mb`` MB by repeating and shuffling the reference
documents (``bench_scale.build_corpus``; 30 MB is about 1,200 documents), ingests it
into a store (two workers), then writes its report from the store, each run as a fresh
``seclens`` process watched from the outside (wall time, peak RSS of the process tree;
``bench_scale.run_cli``):

1. *bounded*: ``seclens analyze STORE --out DIR --no-sections`` with the default
   ``--report-documents`` / ``--report-kwic`` / ``--report-bars`` limits
   (``seclens.report.ReportLimits``);
2. *unbounded* (the baseline, in the same run): the same with every limit at 10⁹, so
   that the page holds every document, every match and one bar per document, as
   reports did before the limits existed;
3. with ``--sections``: the bounded report with the framework and trend sections, i.e.
   the annotation of every document's stored text (the default of ``seclens
   analyze``; the baseline of run 4);
4. the same from a second store of the same corpus ingested with ``--annotate``,
   whose stored annotations the sections read instead of annotating the text
   (``seclens.store.annotations``);
5. (unless ``--no-dask``) the report of the same corpus from the output folder of
   ``seclens ingest --engine dask`` (``--no-sections``, read a batch of documents at a
   time: ``seclens.store.rows.ParquetSnapshot``), and ``seclens compare --by level
   --no-moves`` from the store and from that folder (keyness and group tests; the
   documents' text tokenized for keyness, their frequencies held as
   ``seclens.compare.frequencies.TokenCounts``).

Prints, for each: seconds, peak RSS (MiB) and the size of ``report.html`` (MB); then
the ratios unbounded / bounded and run 3 / run 4, and checks that the CSV files of
runs 1 and 2 are byte-identical (the limits change only the page), that runs 3 and
4 write the same files (``report.html`` compared without its time stamps and the
store's path), and that the store and the Dask output give the same report CSV files
and the same comparison files.

Usage::

    .venv/bin/python benchmarks/bench_report.py [--size-mb 30] [--no-sections]
        [--no-dask] [--corpus DIR] [--tmp DIR]

The reference corpus is read from ``--corpus``, ``$SECLENS_CORPUS`` or
``../shared/corpus``. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import tempfile
from pathlib import Path

from bench_scale import MB, build_corpus, run_cli

UNBOUNDED = ["--report-documents", "1000000000", "--report-kwic", "1000000000",
             "--report-bars", "1000000000"]


def _row(label: str, seconds: float, peak: int, page: Path) -> tuple[float, float]:
    size = page.stat().st_size / MB
    print(f"{label:<44} {seconds:7.1f} s  peak RSS {peak / 2**20:6.0f} MiB  "
          f"{page.name} {size:7.2f} MB")
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=30.0)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--tmp", type=Path, default=None)
    parser.add_argument("--no-sections", action="store_true",
                        help="skip runs 3 and 4 (the report with its annotated sections)")
    parser.add_argument("--no-dask", action="store_true",
                        help="skip run 5 (the Dask output's report, the comparisons)")
    args = parser.parse_args()
    reference = args.corpus or Path(os.environ.get(
        "SECLENS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="seclens-bench-report-") as tmp:
        work = Path(tmp)
        folders, _, (docs, nbytes) = build_corpus(reference, work / "corpus", args.size_mb)
        print(f"synthetic corpus: {docs} documents, {nbytes / MB:.1f} MB")
        store = work / "store.duckdb"
        _, seconds, mem = run_cli(["ingest", *map(str, folders), "--db", str(store),
                                   "--workers", "2"])
        print(f"{'ingest (2 workers), not part of the report':<44} {seconds:7.1f} s  "
              f"peak RSS {mem.peak / 2**20:6.0f} MiB")
        out = {name: work / name for name in ("bounded", "unbounded", "sections")}
        _, seconds, mem = run_cli(["analyze", str(store), "--out", str(out["bounded"]),
                                   "--no-sections", "--no-progress"])
        bounded = _row("analyze STORE --no-sections (limits)", seconds, mem.peak,
                       out["bounded"] / "report.html")
        _, seconds, mem = run_cli(["analyze", str(store), "--out", str(out["unbounded"]),
                                   "--no-sections", "--no-progress", *UNBOUNDED])
        unbounded = _row("the same, no limits (baseline)", seconds, mem.peak,
                         out["unbounded"] / "report.html")
        sections: tuple[float, float] | None = None
        reused: tuple[float, float] | None = None
        annotated = work / "annotated.duckdb"
        if not args.no_sections:
            _, seconds, mem = run_cli(["analyze", str(store), "--out", str(out["sections"]),
                                       "--no-progress"])
            sections = _row("analyze STORE with sections (text annotated)", seconds,
                            mem.peak, out["sections"] / "report.html")
            _, seconds, mem = run_cli(["ingest", *map(str, folders), "--db", str(annotated),
                                       "--workers", "2", "--annotate"])
            print(f"{'ingest --annotate (2 workers), not reported':<44} {seconds:7.1f} s  "
                  f"peak RSS {mem.peak / 2**20:6.0f} MiB")
            out["reused"] = work / "reused"
            _, seconds, mem = run_cli(["analyze", str(annotated), "--out",
                                       str(out["reused"]), "--no-progress"])
            reused = _row("the same, stored annotations read", seconds, mem.peak,
                          out["reused"] / "report.html")
        dask = None if args.no_dask else _dask_runs(folders, work, store, out["bounded"])
        same = all(filecmp.cmp(out["bounded"] / f, out["unbounded"] / f, shallow=False)
                   for f in CSV_FILES)
        print("\n-- ratios --")
        print(f"report.html, no limits / limits      {unbounded[1] / bounded[1]:6.1f}x")
        print(f"seconds, no limits / limits          {unbounded[0] / bounded[0]:6.2f}x")
        print(f"CSV files identical (limits change only the page): {same}")
        if sections is not None and reused is not None:
            print(f"seconds, text annotated / stored     {sections[0] / reused[0]:6.2f}x")
            alike = all(filecmp.cmp(out["sections"] / f, out["reused"] / f, shallow=False)
                        for f in CSV_FILES) and (
                _page(out["sections"], store) == _page(out["reused"], annotated))
            print(f"same files, text annotated and stored annotations: {alike}")
        if dask is not None:
            print(f"same CSV files, report from the store and the Dask output: {dask[0]}")
            print(f"same files, compare from the store and the Dask output: {dask[1]}")


def _dask_runs(folders: list[Path], work: Path, store: Path, bounded: Path
               ) -> tuple[bool, bool]:
    """Run 5: the Dask output's report and the comparisons; (same report CSV files as
    the store's, same comparison files from both)."""
    dask = work / "dask"
    _, seconds, mem = run_cli(["ingest", *map(str, folders), "--engine", "dask",
                               "--workers", "2", "--out", str(dask)])
    print(f"{'ingest --engine dask (2 workers), not reported':<46} {seconds:5.1f} s  "
          f"peak RSS {mem.peak / 2**20:6.0f} MiB")
    report = work / "dask-report"
    _, seconds, mem = run_cli(["analyze", str(dask), "--out", str(report), "--no-sections",
                               "--no-progress"])
    _row("analyze DASK-OUTPUT --no-sections (limits)", seconds, mem.peak,
         report / "report.html")
    compared = {}
    for name, source in (("store", store), ("dask", dask)):
        compared[name] = work / f"compare-{name}"
        _, seconds, mem = run_cli(["compare", str(source), "--by", "level", "--no-moves",
                                   "--out", str(compared[name])])
        _row(f"compare {name.upper()} --by level --no-moves", seconds, mem.peak,
             compared[name] / "compare.html")
    same_report = all(filecmp.cmp(bounded / f, report / f, shallow=False) for f in CSV_FILES)
    names = sorted(f.name for f in compared["store"].iterdir())
    same_compare = names == sorted(f.name for f in compared["dask"].iterdir()) and all(
        filecmp.cmp(compared["store"] / f, compared["dask"] / f, shallow=False)
        for f in names)
    return same_report, same_compare


CSV_FILES = ("documents.csv", "counts.csv", "matches.csv")


def _page(out: Path, store: Path) -> str:
    """``report.html`` without its time stamps and the store's path."""
    import re

    page = (out / "report.html").read_text(encoding="utf-8").replace(str(store), "STORE")
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", "TIME", page)


if __name__ == "__main__":
    main()
