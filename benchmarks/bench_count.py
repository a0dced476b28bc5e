"""Benchmark of the count + evidence stage against plain ``str.count``.

Builds a corpus of at least ``--size-mb`` MB by writing copies of the reference
documents to a temporary folder (the corpus is never held in memory), then, streaming
one document at a time:

1. *seclens*: split sentences, substring matching with sense rules, one KWIC row per
   match (the columns of ``matches.csv``, written to a CSV sink) and the count rows
   (``count_table``);
2. *baseline*: ``str.count`` of every lexicon term of the document's language over the
   same text (English terms over the lower-cased text).

Prints throughput (MB of UTF-8 text per second, reading included in both), the ratio
seclens/baseline (target >= 0.5), the total counts of both (a sanity check), and the
peak resident memory of the process (``ru_maxrss``; target < 1 GB).

Usage::

    .venv/bin/python benchmarks/bench_count.py --size-mb 200 [--corpus DIR] [--tmp DIR]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import operator
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from seclens.types import Document, DocumentMeta, Match

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


def _documents(files: list[tuple[Path, str]]) -> Iterator[Document]:
    for path, lang in files:
        text = path.read_text(encoding="utf-8")
        yield Document(DocumentMeta(doc_id=path.stem, language=lang), text, path=str(path))


def run_seclens(files: list[tuple[Path, str]]) -> tuple[float, int, dict[str, float]]:
    """The count + evidence stage, streaming; returns (seconds, match rows, seconds by step)."""
    from seclens.lexicon import load_lexicon, load_sense_rules
    from seclens.match import MatchOptions, compile_matcher
    from seclens.measures.counts import count_table
    from seclens.segment import split_sentences

    lexicon = load_lexicon()
    rules = load_sense_rules()
    per_lang = {}
    for lang in ("zh", "en"):
        sub = dataclasses.replace(
            lexicon, entries=tuple(e for e in lexicon.entries if e.lang == lang)
        )
        per_lang[lang] = (compile_matcher(sub, rules, MatchOptions(convention="substring")), sub)
    match_row = operator.attrgetter(*(f.name for f in dataclasses.fields(Match)))
    steps = dict.fromkeys(("read", "sentences", "match", "kwic rows", "count rows"), 0.0)
    clock = time.perf_counter
    n = 0
    start = clock()
    with open(os.devnull, "w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink)
        t0 = clock()
        for doc in _documents(files):
            t1 = clock()
            matcher, sub = per_lang[doc.meta.language]
            sentences = split_sentences(doc.doc_id, doc.text, doc.meta.language)
            t2 = clock()
            matches = matcher.find(doc, sentences)
            t3 = clock()
            writer.writerows(map(match_row, matches))
            t4 = clock()
            rows = count_table(doc, matches, sub, "substring")
            if rows:
                count_row = operator.attrgetter(*(f.name for f in dataclasses.fields(rows[0])))
                writer.writerows(map(count_row, rows))
            t5 = clock()
            for key, a, b in (("read", t0, t1), ("sentences", t1, t2), ("match", t2, t3),
                              ("kwic rows", t3, t4), ("count rows", t4, t5)):
                steps[key] += b - a
            n += len(matches)
            t0 = clock()
    return clock() - start, n, steps


def run_baseline(files: list[tuple[Path, str]]) -> tuple[float, int]:
    """Plain ``str.count`` of every term of the document's language; (seconds, total)."""
    from seclens.lexicon import load_lexicon

    lexicon = load_lexicon()
    terms = {
        lang: [e.term for e in lexicon.entries if e.lang == lang] for lang in ("zh", "en")
    }
    n = 0
    start = time.perf_counter()
    for doc in _documents(files):
        text = doc.text.lower() if doc.meta.language == "en" else doc.text
        for term in terms[doc.meta.language]:
            n += text.count(term)
    return time.perf_counter() - start, n


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
        t_base, n_base = run_baseline(files)
        t_sec, n_sec, steps = run_seclens(files)
    rate_sec, rate_base = mb / t_sec, mb / t_base
    ratio = rate_sec / rate_base
    print(f"seclens count+evidence: {t_sec:.1f} s, {rate_sec:.2f} MB/s, {n_sec} match rows")
    print(f"str.count baseline:     {t_base:.1f} s, {rate_base:.2f} MB/s, {n_base} occurrences")
    print("  by step: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    print(f"ratio seclens/baseline: {ratio:.2f} (target >= 0.5)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (target < 1000 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
