"""Benchmark of the count + evidence stage against plain ``str.count``.

Builds a corpus of at least ``--size-mb`` MB by writing copies of the reference
documents (Chinese and English, in the reference mix) to a temporary folder (the corpus
is never held in memory), then streams it one document at a time. For each document,
interleaved (so that load from other processes on a shared machine hits both alike):

1. *baseline*: read the file, ``str.count`` of every lexicon term of the document's
   language over the text (English terms over the lower-cased text);
2. *seclens count + evidence stage*: read the file, split sentences
   (``split_sentences``: the evidence rows carry the sentence index), match with sense
   rules and build one KWIC row per match (``Matcher.find``: ``Match`` objects with
   left/right context), and the per-document count rows (``count_table``);
3. *CSV formatting* (reported separately, not part of the stage): the rows written with
   ``csv.writer`` to a null sink, as columns of ``matches.csv`` and ``counts.csv``.

One document per language is processed once, untimed, before the run (one-time costs:
importing numpy, building lookup tables, compiling regexes).

Prints throughput (MB of UTF-8 text per second of wall time, reading included in both),
the ratio stage/baseline (target >= 0.5), the same ratio by CPU time of the process
(``time.process_time``: less sensitive to other processes on a shared machine), the
ratio with the CSV formatting added, the total
counts of both (a sanity check) and the peak resident memory of the process
(``ru_maxrss``; target < 1 GB).

Usage::

    .venv/bin/python benchmarks/bench_count.py --size-mb 200 [--corpus DIR] [--tmp DIR]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from seclens.types import Document, DocumentMeta

MB = 1_000_000


def _default_corpus() -> Path:
    env = os.environ.get("SECLENS_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _languages(corpus: Path) -> dict[str, str]:
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row["language"] for row in csv.DictReader(fh)}


def build_corpus(corpus: Path, out: Path, size_mb: float) -> tuple[list[tuple[Path, str]], int]:
    """Write copies of the reference documents into ``out`` until ``size_mb`` is reached.

    Returns the list of (file, language) and the total number of bytes written.
    """
    langs = _languages(corpus)
    sources = sorted((corpus / "docs").glob("*.txt"))
    files: list[tuple[Path, str]] = []
    total = 0
    copy = 0
    while total < size_mb * MB:
        for src in sources:
            data = src.read_bytes()
            dst = out / f"{src.stem}__{copy:05d}.txt"
            dst.write_bytes(data)
            files.append((dst, langs.get(src.stem, "zh")))
            total += len(data)
        copy += 1
    return files, total


def run(files: list[tuple[Path, str]]) -> dict[str, float]:
    """Baseline and seclens stage, interleaved per document; seconds and row totals."""
    from seclens.lexicon import load_lexicon, load_sense_rules
    from seclens.match import MatchOptions, compile_matcher, match_table_columns
    from seclens.measures.counts import count_table, count_table_columns
    from seclens.segment import sentence_table

    lexicon = load_lexicon()
    rules = load_sense_rules()
    per_lang = {}
    terms = {}
    for lang in ("zh", "en"):
        sub = dataclasses.replace(
            lexicon, entries=tuple(e for e in lexicon.entries if e.lang == lang)
        )
        per_lang[lang] = (compile_matcher(sub, rules, MatchOptions(convention="substring")), sub)
        terms[lang] = [e.term for e in sub.entries]
    out = dict.fromkeys(("baseline", "read", "sentences", "match + KWIC rows", "count rows",
                         "CSV formatting", "occurrences", "match rows", "count rows n",
                         "cpu baseline", "cpu stage"), 0.0)
    # warm-up, untimed: one document per language (imports numpy for the English word
    # count, builds lookup tables, compiles regexes: one-time costs of the process)
    for lang in ("zh", "en"):
        path = next((p for p, lg in files if lg == lang), None)
        if path is not None:
            doc = Document(DocumentMeta(doc_id=path.stem, language=lang),
                           path.read_text(encoding="utf-8"))
            count_table(doc, per_lang[lang][0].find(
                doc, sentence_table(doc.doc_id, doc.text, lang)), per_lang[lang][1], "substring")
    clock = time.perf_counter
    cpu = time.process_time
    cpu_base = cpu_stage = 0.0
    with open(os.devnull, "w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink)
        for path, lang in files:
            c0 = cpu()
            t0 = clock()
            text = path.read_text(encoding="utf-8")
            low = text.lower() if lang == "en" else text
            n_base = 0
            for term in terms[lang]:
                n_base += low.count(term)
            t1 = clock()
            c1 = cpu()
            del text, low
            text = path.read_text(encoding="utf-8")
            doc = Document(DocumentMeta(doc_id=path.stem, language=lang), text, path=str(path))
            matcher, sub = per_lang[lang]
            t2 = clock()
            sentences = sentence_table(doc.doc_id, doc.text, lang)
            t3 = clock()
            matches = matcher.find(doc, sentences)
            t4 = clock()
            rows = count_table(doc, matches, sub, "substring")
            t5 = clock()
            c2 = cpu()
            writer.writerows(zip(*match_table_columns(matches), strict=True))
            writer.writerows(zip(*count_table_columns(rows), strict=True))
            t6 = clock()
            for key, a, b in (("baseline", t0, t1), ("read", t1, t2), ("sentences", t2, t3),
                              ("match + KWIC rows", t3, t4), ("count rows", t4, t5),
                              ("CSV formatting", t5, t6)):
                out[key] += b - a
            cpu_base += c1 - c0
            cpu_stage += c2 - c1
            out["occurrences"] += n_base
            out["match rows"] += len(matches)
            out["count rows n"] += len(rows)
    out["cpu baseline"] = cpu_base
    out["cpu stage"] = cpu_stage
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux ``ru_maxrss`` is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200.0)
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the built corpus")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.csv").is_file():
        print(f"no reference corpus at {args.corpus} (set SECLENS_CORPUS)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="seclens-bench-") as tmp:
        files, total = build_corpus(args.corpus, Path(tmp), args.size_mb)
        mb = total / MB
        print(f"corpus: {len(files)} files, {mb:.1f} MB (copies of {args.corpus / 'docs'})")
        res = run(files)
    steps = ("read", "sentences", "match + KWIC rows", "count rows")
    t_base = res["baseline"]
    t_sec = sum(res[k] for k in steps)
    t_csv = res["CSV formatting"]
    rate_base, rate_sec, rate_csv = mb / t_base, mb / t_sec, mb / (t_sec + t_csv)
    print(f"str.count baseline:          {t_base:.1f} s, {rate_base:.2f} MB/s, "
          f"{res['occurrences']:.0f} occurrences")
    print(f"seclens count+evidence:      {t_sec:.1f} s, {rate_sec:.2f} MB/s, "
          f"{res['match rows']:.0f} match rows, {res['count rows n']:.0f} count rows")
    print("  by step: " + ", ".join(f"{k} {res[k]:.1f} s" for k in steps))
    print(f"ratio seclens/baseline: {rate_sec / rate_base:.2f} (target >= 0.5)")
    print(f"  by CPU time of this process (less sensitive to other load): baseline "
          f"{res['cpu baseline']:.1f} s, seclens {res['cpu stage']:.1f} s, ratio "
          f"{res['cpu baseline'] / res['cpu stage']:.2f}")
    print(f"  + CSV formatting of the rows (not part of the stage): {t_csv:.1f} s; "
          f"{rate_csv:.2f} MB/s, ratio {rate_csv / rate_base:.2f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (target < 1000 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
