"""Answer latency without an LLM: `GazetteService.ask` (search → decide → card) per question, by language.

    OMP_NUM_THREADS=2 .venv/bin/python -m eval.bench_answer --index data/index [--embed-workers N]

One process, after the start-up warm-up (`GazetteService.warm`), over the held-out question sets (every question
asked once, so no query-vector cache hits). Prints p50 / p95 in ms per language and writes `<out>.md`.
`--embed-workers` (default: one per core, as `gazette serve` runs): query-embedding threads, each with
cores ÷ workers OpenMP threads; an English question's two texts are embedded side by side. `1` is what one-shot
callers (`gazette ask`, `GazetteService.open`) use: one model call with all the cores.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from chat.service import GazetteService
from index.embed_pool import default_workers
from index.embedders import embedder_from_identity
from index.store import read_manifest
from retriever.query import detect_language
from retriever.search import Searcher

REPO = Path(__file__).resolve().parent.parent
SETS = ("questions_blind2.jsonl", "questions_decision_holdout.jsonl")


def latencies(service: GazetteService, questions: list[str]) -> dict[str, list[float]]:
    """Milliseconds per `ask`, grouped by the question's language."""
    out: dict[str, list[float]] = {"zh": [], "en": []}
    for q in tqdm(questions, desc="asking", unit="question"):
        started = time.perf_counter()
        service.ask(q)
        out[detect_language(q)].append((time.perf_counter() - started) * 1000)
    return out


def table(times: dict[str, list[float]]) -> str:
    rows = ["| lang | n | p50 ms | p95 ms |", "| --- | ---: | ---: | ---: |"]
    for lang, values in [*times.items(), ("all", [v for vs in times.values() for v in vs])]:
        if values:
            p50, p95 = np.percentile(values, [50, 95])
            rows.append(f"| {lang} | {len(values)} | {p50:.1f} | {p95:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_answer", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=REPO / "data" / "index")
    ap.add_argument("--sets", default=",".join(SETS), help="question files in eval/data")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "out" / "answer-latency")
    ap.add_argument("--embed-workers", type=int, default=default_workers(),
                    help="query-embedding threads (default: one per core, as `gazette serve`)")
    args = ap.parse_args(argv)
    questions: list[str] = []
    for name in args.sets.split(","):
        lines = (REPO / "eval" / "data" / name).read_text(encoding="utf-8").splitlines()
        questions += [json.loads(line)["query"] for line in lines if line.strip()]
    embedder = embedder_from_identity(read_manifest(args.index).embedder, workers=max(1, args.embed_workers))
    service = GazetteService(Searcher.open(args.index, llm="none", embedder=embedder), llm="none")
    service.warm()
    text = table(latencies(service, questions))
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    title = f"# Answer latency, llm none ({args.index}, {args.embed_workers} embed workers)"
    args.out.with_suffix(".md").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
