"""Scale benchmark: stages, 1 and 2 local workers, a Dask LocalCluster, naive baseline.

Builds a synthetic corpus of ``--size-mb`` MB (UTF-8 text) by repeating the reference
documents with their lines shuffled (one copy per file, with a manifest), written to a
temporary folder and streamed from disk (never held in memory). Then prints, in
documents/s and MB/s:

1. stages, one process, streaming: ingest (``read_document``), count + evidence
   (match, KWIC rows, count table: the orchestrator's per-document step), sentence
   annotation (``RuleAnnotator``; on the first ``--sample-mb`` MB), ``str.count``
   of every lexicon term of the document's language, keyness (G² etc.) over the
   store's term counts (central vs other documents);
2. the whole pipeline as users run it, ``seclens ingest`` (read, analyse, write the
   DuckDB store) with 1 and 2 worker processes, and ``seclens ingest --engine dask``
   on a 2-worker LocalCluster (writing partitioned Parquet), each started as a fresh
   process; the same three runs again on the first ``--small-mb`` MB of the corpus;
3. a machine check before the 1-worker and after the 2-worker run: how much faster
   2 processes run a pure-Python loop than 1 right now (the ceiling of any 2-worker
   speed-up on this machine at this moment);
4. the naive baseline (read file, ``jieba.Tokenizer().lcut``, ``collections.Counter``,
   ``str.count`` per term) on the first ``--sample-mb`` MB;
5. peak memory of each run: the sum of the resident set sizes (RSS) of the run's whole
   process tree (the ``seclens`` process, forkserver, worker processes, Dask
   nannies and workers), sampled every 0.1 s with psutil, with the per-process
   breakdown at the peak, and the sum of proportional set sizes (PSS, shared pages
   divided among the processes sharing them), at both corpus sizes;
6. ratios against the targets: count+evidence >= 0.5 x str.count; 2 workers >= 1.7 x
   1 worker (next to the machine's own ceiling); peak memory < 1 GB; analysis
   without segmentation >= 10 x naive baseline.

Usage::

    .venv/bin/python benchmarks/bench_scale.py --size-mb 100 [--small-mb 25]
        [--sample-mb 20] [--corpus DIR] [--tmp DIR] [--no-dask]

The reference corpus is read from ``--corpus``, ``$SECLENS_CORPUS`` or
``../shared/corpus``. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

MB = 1_000_000
REPO = Path(__file__).resolve().parent.parent


class TreeMemory:
    """Peak total memory and CPU time of one process and all its descendants.

    Every ``interval`` seconds psutil lists the process and its descendants (worker
    processes of a forkserver pool, Dask nannies and workers, resource trackers)
    and adds up their resident set sizes (RSS): the headline figure, a
    conservative total (pages shared between processes, e.g. the Python and
    library code, are counted once per process). Every ``pss_every``-th sample also
    adds up the proportional set sizes (PSS: each shared page divided among the
    processes sharing it), the memory the run really takes from the machine.
    ``breakdown`` is the per-process RSS at the RSS peak. CPU seconds of a process
    that ends between two samples are counted up to its last sample.
    """

    def __init__(self, pid: int, interval: float = 0.1, pss_every: int = 5) -> None:
        self.pid = pid
        self.interval = interval
        self.pss_every = pss_every
        self.peak = 0
        self.peak_pss = 0
        self.breakdown: list[tuple[str, int]] = []
        self.cpu = 0.0
        self._cpu_seen: dict[tuple[int, float], float] = {}
        self._roles: dict[tuple[int, float], str] = {}
        self._n = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _role(proc: psutil.Process, root: int) -> str:
        if proc.pid == root:
            return "main"
        try:
            cmd = " ".join(proc.cmdline())
        except psutil.Error:
            return "?"
        for key, role in (("resource_tracker", "tracker"), ("spawn_main", "worker"),
                          ("forkserver", "forkserver"), ("distributed", "dask")):
            if key in cmd:
                if role == "forkserver" and proc.ppid() != root:
                    return "worker"  # forked by the forkserver: same command line
                return role
        return "child"

    def _sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        self._n += 1
        with_pss = self._n % self.pss_every == 0
        rss = pss = 0
        parts: list[tuple[str, int]] = []
        for proc in procs:
            try:
                with proc.oneshot():
                    mem = proc.memory_info().rss
                    t = proc.cpu_times()
                    key = (proc.pid, proc.create_time())
                    self._cpu_seen[key] = t.user + t.system
                if key not in self._roles:
                    self._roles[key] = self._role(proc, self.pid)
                if with_pss:
                    pss += proc.memory_full_info().pss
            except psutil.Error:
                continue
            rss += mem
            parts.append((self._roles[key], mem))
        if rss > self.peak:
            self.peak, self.breakdown = rss, parts
        self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = sum(self._cpu_seen.values())

    def describe(self) -> str:
        """``main 310 + worker 190 + ...`` (MiB at the RSS peak)."""
        return " + ".join(f"{role} {mem / 2**20:.0f}" for role, mem in self.breakdown)

    def cpu_by_process(self) -> list[tuple[str, float]]:
        """CPU seconds per process (role), largest first."""
        return sorted(((self._roles[k], v) for k, v in self._cpu_seen.items()),
                      key=lambda x: -x[1])


def run_cli(args: list[str]) -> tuple[str, float, TreeMemory]:
    """Run ``seclens ARGS`` as a fresh process; return its output, seconds, memory.

    Each pipeline configuration runs in its own new process tree, exactly as a user
    runs it, so the measured memory is that of the run (and not of this benchmark's
    earlier stages); the tree is watched from the outside.
    """
    exe = Path(sys.executable).with_name("seclens")
    cmd = [str(exe), *args] if exe.is_file() else [
        sys.executable, "-c", "import sys; from seclens.cli import main; sys.exit(main())",
        *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}\n{err}")
    return out, dt, mem


def build_corpus(reference: Path, out: Path, size_mb: float, small_mb: float = 0.0,
                 seed: int = 0) -> tuple[list[Path], tuple[int, int], tuple[int, int]]:
    """Write shuffled copies of the reference documents until ``size_mb`` MB of text.

    The first ``small_mb`` MB go to ``out/part-a``, the rest to ``out/part-b`` (each
    folder with its ``manifest.csv``), so that the same corpus can be run at two
    sizes (``part-a`` alone, and both).

    Returns
    -------
    (folders, (documents, bytes) of part-a, (documents, bytes) in all)
    """
    rng = random.Random(seed)
    with (reference / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = {r["id"]: (reference / "docs" / f"{r['id']}.txt").read_text(encoding="utf-8")
             for r in rows}
    fields = list(rows[0].keys())
    total = n = 0
    small = (0, 0)
    folders: list[Path] = []
    for name, limit in (("part-a", min(small_mb, size_mb)), ("part-b", size_mb)):
        if total >= limit * MB:
            continue
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
        with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            while total < limit * MB:
                row = rng.choice(rows)
                lines = texts[row["id"]].splitlines()
                rng.shuffle(lines)
                text = "\n".join(lines) + "\n"
                doc_id = f"syn-{n:06d}-{row['id']}"
                data = text.encode("utf-8")
                (folder / f"{doc_id}.txt").write_bytes(data)
                writer.writerow({**row, "id": doc_id, "chars": str(len(text))})
                total += len(data)
                n += 1
        if name == "part-a":
            small = (n, total)
    return folders, small, (n, total)


def rate(label: str, docs: int, nbytes: int, seconds: float,
         mem: TreeMemory | None = None) -> float:
    mbps = nbytes / MB / seconds if seconds > 0 else float("nan")
    extra = ""
    if mem is not None:
        extra = (f"  CPU {mem.cpu:6.1f} s  peak RSS {mem.peak / 2**20:5.0f} MiB"
                 f" (PSS {mem.peak_pss / 2**20:4.0f})")
    print(f"{label:<44} {docs / seconds:8.1f} docs/s {mbps:7.2f} MB/s {seconds:7.1f} s{extra}")
    return mbps


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i % 7
    return total


def calibrate(n: int = 40_000_000) -> float:
    """Speed-up of 2 processes over 1 on a pure-Python loop *right now*.

    On a shared machine other jobs take cores; this is the ceiling any 2-worker
    speed-up measured in the same minute can reach.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        list(pool.map(_burn, [1000, 1000]))  # start both workers
        _, one = timed(lambda: [pool.submit(_burn, n).result() for _ in range(2)])
        _, two = timed(lambda: list(pool.map(_burn, [n, n])))
    return one / two


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def stages(corpus: list[Path], sample_mb: float) -> dict[str, float]:
    """Single-process, streaming per-stage timings."""
    from seclens.api import DocumentAnalysis
    from seclens.engine import EngineConfig, build_pipeline, plan_tasks
    from seclens.ingest import load_prefix_table

    tasks, _ = plan_tasks(corpus)
    prefixes = load_prefix_table()
    pipe = build_pipeline(EngineConfig())
    terms: dict[str, list[str]] = collections.defaultdict(list)
    for e in pipe.analysis.lexicon.entries:
        terms[e.lang].append(e.term)
    try:
        from seclens.annotate import RuleAnnotator

        annotator: Any = RuleAnnotator()
    except ImportError:
        annotator = None
    from seclens.ingest import read_document

    t: dict[str, float] = collections.defaultdict(float)
    nbytes = sample_bytes = sample_docs = 0
    for task in tasks:
        clock = time.perf_counter()
        Path(task.path).read_text(encoding="utf-8")  # a plain file read (bench_count's)
        t["read"] += time.perf_counter() - clock
        clock = time.perf_counter()
        doc = read_document(Path(task.path), task.meta, prefixes=prefixes)
        t["ingest"] += time.perf_counter() - clock
        size = len(doc.text.encode("utf-8"))
        nbytes += size
        cpu = time.process_time()
        clock = time.perf_counter()
        analysed = pipe.analysis.analyse(doc)
        t["count"] += time.perf_counter() - clock
        t["count cpu"] += time.process_time() - cpu
        cpu = time.process_time()
        clock = time.perf_counter()
        # English terms are counted on the case-folded text, as the stage matches them
        # case-insensitively: the folding is part of the baseline's work (bench_count)
        text = doc.text.lower() if doc.meta.language == "en" else doc.text
        [text.count(x) for x in terms[doc.meta.language]]
        t["strcount"] += time.perf_counter() - clock
        t["strcount cpu"] += time.process_time() - cpu
        if (annotator is not None and sample_bytes < sample_mb * MB
                and isinstance(analysed, DocumentAnalysis)):
            # annotated as in the engine: the analysis's sentences, no second split
            clock = time.perf_counter()
            annotator.annotate_many(analysed.sentences, doc.meta.language)
            t["annotate"] += time.perf_counter() - clock
            sample_bytes += size
            sample_docs += 1
    n = len(tasks)
    print(f"\n-- stages, one process, {n} documents, {nbytes / MB:.1f} MB --")
    out = {
        "ingest": rate("ingest (read_document)", n, nbytes, t["ingest"]),
        "count": rate("count + evidence (match, KWIC, counts)", n, nbytes, t["count"]),
        "strcount": rate("str.count per lexicon term", n, nbytes, t["strcount"]),
    }
    if annotator is not None:
        out["annotate"] = rate(f"sentence annotation ({sample_bytes / MB:.0f} MB sample)",
                               sample_docs, sample_bytes, t["annotate"])
    else:
        print("sentence annotation: not available (seclens.annotate missing)")
    out["bytes"] = nbytes
    out["docs"] = n
    # the ratio as bench_count reports it: a plain file read added to both sides
    out["count_read_ratio"] = (t["read"] + t["strcount"]) / (t["read"] + t["count"])
    # by CPU time of this process (time.process_time): what other processes on a shared
    # machine take does not enter it
    out["count_cpu_ratio"] = t["strcount cpu"] / t["count cpu"]
    return out


def parallel_stages(corpus: list[Path], sample_mb: float) -> dict[str, float]:
    """The analysis without the store, in 1 and 2 worker processes (the local engine).

    ``seclens.engine.run_local_tables`` as the store ingest runs it (read, count +
    evidence, the result tables), its output consumed and dropped: the pool's own
    speed-up, without the store writer. Then the same with sentence annotation
    (``EngineConfig(annotate=True)``) on the first ``sample_mb`` MB.
    """
    from seclens.engine import EngineConfig, plan_tasks
    from seclens.engine.local import run_local_tables
    from seclens.store.sync import StoreIngestOptions

    batch_size = StoreIngestOptions().batch_size  # as the store ingest's default

    tasks, _ = plan_tasks(corpus)
    sample, size = [], 0
    for task in tasks:
        if size >= sample_mb * MB:
            break
        sample.append(task)
        size += Path(task.path).stat().st_size
    nbytes = sum(Path(t.path).stat().st_size for t in tasks)
    print("\n-- analysis without the store (engine.run_local_tables), 1 and 2 workers --")
    out: dict[str, float] = {}
    for label, todo, config, mb in (
            ("count + evidence, no store", tasks, EngineConfig(), nbytes),
            (f"+ annotation, {size / MB:.0f} MB, no store", sample,
             EngineConfig(annotate=True), size)):
        for workers in (1, 2):
            def run(todo: list[Any] = todo, config: Any = config, workers: int = workers
                    ) -> int:
                return sum(len(b.doc_ids) for b in run_local_tables(
                    todo, config, workers, batch_size=batch_size, sentence_text=False))
            ndocs, dt = timed(run)
            out[f"{label}|{workers}"] = rate(f"{label}, {workers} w", ndocs, mb, dt)
    return out


def keyness_from_store(db: Path) -> None:
    try:
        from seclens.compare.keyness import FrequencyList, keyness
    except ImportError:
        print("keyness: not available (seclens.compare.keyness missing)")
        return
    from seclens.store import open_store

    def run() -> int:
        with open_store(db, read_only=True) as store:
            frame = store.con.execute(
                "SELECT d.\"level\" = 'central' AS central, c.\"key\", sum(c.\"count\") AS n "
                "FROM counts c JOIN documents d USING (doc_id) "
                "WHERE c.key_type = 'term' AND d.\"language\" = 'zh' GROUP BY 1, 2").fetch_df()
            sizes = store.con.execute(
                "SELECT \"level\" = 'central', sum(\"size\") FROM documents "
                "WHERE \"language\" = 'zh' GROUP BY 1").fetchall()
            ndocs = store.con.execute("SELECT count(*) FROM documents").fetchone()
        total = dict(sizes)
        sides = {flag: FrequencyList.from_counts(
            dict(zip(g["key"], g["n"].astype(int), strict=True)), int(total[flag]))
            for flag, g in frame.groupby("central")}
        keyness(sides[True], sides[False])
        return int(ndocs[0]) if ndocs else 0

    ndocs, dt = timed(run)
    print(f"{'keyness (store term counts, central vs other)':<44} "
          f"{ndocs / dt:9.1f} docs/s {dt:8.2f} s")


def _ingest_args(inputs: list[Path], work: Path, tag: str, engine: str,
                 workers: int) -> list[str]:
    args = ["ingest", *map(str, inputs), "--workers", str(workers)]
    if engine == "dask":
        return [*args, "--engine", "dask", "--out", str(work / f"dask-{tag}")]
    return [*args, "--db", str(work / f"w{workers}-{tag}.duckdb")]


def pipelines(sizes: list[tuple[str, list[Path], int, int]], work: Path, dask: bool,
              repeat: int = 1) -> dict[Any, Any]:
    """The whole pipeline as ``seclens ingest`` runs it, at each corpus size.

    The first size is timed for the ratios; the machine check runs before the
    1-worker and after the 2-worker run. With ``repeat`` > 1 the 1-worker and
    2-worker runs of the first size are repeated as pairs (each pair with its own
    machine checks), and every pair's ratio is printed.
    """
    out: dict[Any, Any] = {"ceiling": [], "pairs": []}
    for n, (tag, inputs, ndocs, nbytes) in enumerate(sizes):
        print(f"\n-- whole pipeline, seclens ingest (read, analyse, write), {tag}: "
              f"{ndocs} documents, {nbytes / MB:.0f} MB --")
        configs = [("local", 1), ("local", 2)] + ([("dask", 2)] if dask else [])
        for engine, workers in configs:
            if n == 0 and engine == "local" and workers == 1:
                out["ceiling"].append(_ceiling())
            text, dt, mem = run_cli(_ingest_args(inputs, work, tag, engine, workers))
            key = "documents" if engine == "dask" else "added"
            if f"{key}: {ndocs}" not in text.splitlines():
                raise RuntimeError(f"expected {key}: {ndocs}; got\n{text}")
            label = (f"Dask LocalCluster, {workers} workers (incl. start-up)"
                     if engine == "dask" else f"store ingest, {workers} worker(s)")
            mbps = rate(label, ndocs, nbytes, dt, mem)
            print(f"{'':<44} at the peak, MiB: {mem.describe()}")
            print(f"{'':<44} CPU s by process: " + ", ".join(
                f"{role} {sec:.1f}" for role, sec in mem.cpu_by_process() if sec >= 0.5))
            out[(tag, engine, workers)] = (mbps, mem.peak, mem.peak_pss, mem.cpu)
            if n == 0 and engine == "local" and workers == 2:
                out["ceiling"].append(_ceiling())
                out["pairs"].append((out[(tag, "local", 2)][0] / out[(tag, "local", 1)][0],
                                     out["ceiling"][-2], out["ceiling"][-1]))
        if n == 0:
            keyness_from_store(work / f"w1-{tag}.duckdb")
            for r in range(2, repeat + 1):
                out["pairs"].append(_pair(inputs, work, f"{tag}-r{r}", ndocs, nbytes, r))
    return out


def _pair(inputs: list[Path], work: Path, tag: str, ndocs: int, nbytes: int, r: int
          ) -> tuple[float, float, float]:
    """One more 1-worker and 2-worker run: (ratio, machine check before, after)."""
    before = _ceiling()
    mbps: dict[int, float] = {}
    for workers in (1, 2):
        text, dt, mem = run_cli(_ingest_args(inputs, work, tag, "local", workers))
        if f"added: {ndocs}" not in text.splitlines():
            raise RuntimeError(f"expected added: {ndocs}; got\n{text}")
        mbps[workers] = rate(f"store ingest, {workers} worker(s), pair {r}", ndocs, nbytes,
                             dt, mem)
        for path in work.glob(f"w{workers}-{tag}.duckdb*"):
            path.unlink()
    after = _ceiling()
    return mbps[2] / mbps[1], before, after


def _ceiling() -> float:
    ceiling = calibrate()
    print(f"machine check: 2 busy processes run {ceiling:.2f}x faster than 1 right now "
          "(ceiling of any 2-worker speed-up here)")
    return ceiling


def naive(corpus: list[Path], sample_mb: float) -> float:
    import jieba

    from seclens.lexicon import load_lexicon

    terms = [e.term for e in load_lexicon(None).entries if e.lang == "zh"]
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    files = sorted(p for folder in corpus for p in folder.glob("*.txt"))

    def sample() -> Iterator[Path]:
        done = 0
        for p in files:
            if done >= sample_mb * MB:
                return
            done += p.stat().st_size
            yield p

    nbytes = ndocs = 0
    t0 = time.perf_counter()
    for path in sample():
        text = path.read_text(encoding="utf-8")
        collections.Counter(tokenizer.lcut(text))
        [text.count(t) for t in terms]
        nbytes += len(text.encode("utf-8"))
        ndocs += 1
    dt = time.perf_counter() - t0
    print(f"\n-- naive baseline ({nbytes / MB:.0f} MB sample) --")
    return rate("read + jieba lcut + Counter + str.count", ndocs, nbytes, dt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024.0)
    parser.add_argument("--small-mb", type=float, default=250.0,
                        help="MB of the smaller corpus the pipelines also run on, to show "
                        "that peak memory does not grow with corpus size (0: skip)")
    parser.add_argument("--sample-mb", type=float, default=20.0,
                        help="MB used for the slow sentence annotation and naive baseline")
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--tmp", type=Path, default=None)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the 1-worker/2-worker pair on the full corpus this many "
                        "times (each pair's ratio is printed; a shared machine is noisy)")
    args = parser.parse_args(argv)
    reference = args.corpus or Path(os.environ.get("SECLENS_CORPUS", REPO.parent / "shared"
                                                   / "corpus"))
    if not (reference / "manifest.csv").is_file():
        print(f"reference corpus not found at {reference}", file=sys.stderr)
        return 2
    small_mb = args.small_mb if 0 < args.small_mb < args.size_mb else 0.0
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="seclens-bench-") as tmp:
        work = Path(tmp)
        (folders, small, (ndocs, nbytes)), dt = timed(
            lambda: build_corpus(reference, work / "corpus", args.size_mb, small_mb))
        print(f"synthetic corpus: {ndocs} documents, {nbytes / MB:.1f} MB in {dt:.1f} s "
              f"({psutil.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
        st = stages(folders, args.sample_mb)
        par = parallel_stages(folders, args.sample_mb)
        sizes = [("full", folders, ndocs, nbytes)]
        if small_mb:
            sizes.append(("small", folders[:1], *small))
        pl = pipelines(sizes, work, not args.no_dask, max(1, args.repeat))
        base = naive(folders, args.sample_mb)
    ceiling = min(pl["ceiling"])
    configs = [k for k in pl if isinstance(k, tuple)]
    print("\n-- peak memory of each run's whole process tree (MiB) --")
    print(f"{'run':<16}" + "".join(f"{tag + ' RSS':>12}{tag + ' PSS':>12}" for tag, *_ in sizes))
    for engine, workers in sorted({(e, w) for _, e, w in configs}, key=lambda x: (x[0], x[1])):
        cells = "".join(f"{pl[(tag, engine, workers)][1] / 2**20:12.0f}"
                        f"{pl[(tag, engine, workers)][2] / 2**20:12.0f}" for tag, *_ in sizes)
        print(f"{engine + ' x' + str(workers):<16}{cells}")
    peak = max(pl[k][1] for k in configs)
    w1, w2 = pl[("full", "local", 1)], pl[("full", "local", 2)]
    print("\n-- ratios (targets) --")
    print(f"count+evidence / str.count           {st['count'] / st['strcount']:6.2f}  (>= 0.5; "
          f"text in memory, Pipeline.analyse incl. the Traditional-script check)")
    print(f"  the same, file read in both        {st['count_read_ratio']:6.2f}  "
          "(as benchmarks/bench_count.py)")
    print(f"  the same, by CPU time              {st['count_cpu_ratio']:6.2f}  "
          "(text in memory; time.process_time, not inflated by other processes)")
    print(f"2 workers / 1 worker                 {w2[0] / w1[0]:6.2f}  (>= 1.7; "
          f"machine ceiling {' and '.join(f'{c:.2f}' for c in pl['ceiling'])}; "
          f"ours / ceiling {w2[0] / w1[0] / ceiling:.2f})")
    if len(pl["pairs"]) > 1:
        for k, (ratio, before, after) in enumerate(pl["pairs"], 1):
            print(f"  pair {k}: 2 workers / 1 worker     {ratio:6.2f}  (machine check "
                  f"{before:.2f} before, {after:.2f} after)")
        median = statistics.median(p[0] for p in pl["pairs"])
        print(f"  median of {len(pl['pairs'])} pairs              {median:6.2f}")
    print(f"CPU seconds, 2 workers / 1 worker    {w2[3] / w1[3]:6.2f}  (work added by the pool)")
    keys = list(par)
    for one, two in zip(keys[::2], keys[1::2], strict=True):
        print(f"  {one.split('|')[0]:<34} {par[two] / par[one]:6.2f}  (2 workers / 1: "
              "the pool without the store writer)")
    print(f"peak RSS, any run's process tree     {peak / 2**20:6.0f} MiB (< 1024)")
    print(f"count+evidence / naive baseline      {st['count'] / base:6.2f}  (>= 10)")
    print(f"store ingest (1 worker) / naive      {w1[0] / base:6.2f}")
    print("(wall-clock ratios; the CPU column shows the work done, which other processes "
          "on a shared machine do not inflate)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
