"""Benchmark parsing the sample gazette: median of N runs (target < 1 s). Not part of the test run.

    .venv/bin/python -m eval.bench_parse [--runs 5] [FILE]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from eval.qrels import SAMPLE
from index.parser import parse_file

TARGET_SECONDS = 1.0


def bench_parse(path: Path = SAMPLE, runs: int = 5) -> dict[str, float]:
    """Parse `path` once to warm imports (jieba is not needed by the parser), then time `runs` parses."""

    issue = parse_file(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        parse_file(path)
        times.append(time.perf_counter() - started)
    return {"runs": runs, "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "clauses": len(issue.clauses), "documents": len(issue.documents),
            "chars": len(path.read_text(encoding="utf-8"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    r = bench_parse(args.file, args.runs)
    ok = r["median_s"] < TARGET_SECONDS
    print("| file | chars | documents | clauses | median (s) | min | max | target < 1 s |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.file.name} | {r['chars']} | {r['documents']} | {r['clauses']} | {r['median_s']:.3f} | "
          f"{r['min_s']:.3f} | {r['max_s']:.3f} | {'met' if ok else 'MISSED'} |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
