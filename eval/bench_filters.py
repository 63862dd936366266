"""Metadata filter masks at scale: `ClauseFilter.mask` (column-wise) against the per-clause predicate.

    .venv/bin/python -m eval.bench_filters --index data/index --size 1000000

The clauses of a real index are repeated (each copy its own documents: `doc_key` and `doc_number` get a copy
suffix) up to `--size`; for the filters a user sets (one document, a lead unit, a deadline range, both) prints the
rows kept and milliseconds per mask: the per-clause predicate (the pre-session-4 path), the column path once the
columns exist, and the one-off column build (paid once per loaded index).
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index.filters import ClauseFilter, columns_of
from index.store import IndexStore

REPO = Path(__file__).resolve().parent.parent


def grow(clauses: list[Any], size: int) -> list[Any]:
    """`size` clauses: copies of `clauses`, each copy with its own document keys."""
    out = list(clauses)
    copy = 1
    while len(out) < size:
        out += [replace(c, doc_key=f"{c.doc_key}#{copy}", doc_number=f"{c.doc_number or ''}#{copy}")
                for c in clauses[: size - len(out)]]
        copy += 1
    return out


def ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_filters", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=REPO / "data" / "index")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    if args.size < 1:
        ap.error("--size must be positive")
    base = IndexStore.load(args.index).clauses
    clauses = grow(base, args.size)
    unit = max({u for c in base for u in c.lead_units}, key=lambda u: sum(u in c.lead_units for c in base))
    doc = next(c.doc_key for c in base if c.doc_number)
    filters = {"document": {"doc": doc}, "lead_unit": {"lead_unit": unit},
               "deadline": {"deadline_from": "2024-09", "deadline_to": "2024-12"},
               "lead_unit+deadline": {"lead_unit": unit, "deadline_from": "2024-06"}}
    t = time.perf_counter()
    columns_of(clauses)
    build = (time.perf_counter() - t) * 1000
    print(f"{len(clauses):,} clauses (copies of {len(base):,} in {args.index}); column build {build:.0f} ms once\n")
    print("| filter | rows kept | predicate ms | columns ms | speed-up |\n| --- | ---: | ---: | ---: | ---: |")
    for name, raw in filters.items():
        f = ClauseFilter.parse(raw)
        assert f is not None
        kept = f.mask(clauses)
        pred = ms(lambda f=f: np.fromiter((f(c) for c in clauses), dtype=bool, count=len(clauses)), 1)
        col = ms(lambda f=f: f.mask(clauses), args.repeat)
        print(f"| {name} | {int(kept.sum()):,} | {pred:.1f} | {col:.2f} | {pred / max(col, 1e-9):.0f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
