"""Answer latency without an LLM: `GazetteService.ask` (search → decide → card) per question, by language.

    OMP_NUM_THREADS=2 .venv/bin/python -m eval.bench_answer --index data/index [--embed-workers N] [--plot]

One process, after the start-up warm-up (`GazetteService.warm`), over the held-out question sets (every question
asked once, so no query-vector cache hits; timing only, no question is printed). Prints and writes to `<out>.md`
p50 / p95 in ms per language, the p50 of each stage (retrieve, decide, compose) and of the CPU time per question,
and the load average at start and end (the machine may be shared: a figure means little without it); `--plot`
adds `<out>.png` (latency distribution per language). `--embed-workers` (default: one per core, what `gazette
serve` and `GazetteService.open` run): query-embedding threads; each model call gets cores ÷ calls in flight
OpenMP threads, so an English question's two texts are embedded side by side (`index.embed_pool`). `1` is one
model call at a time with all the cores. `--spans` also times the parts of each stage (glossary, lexicon, the
model call, dense and BM25 search, fusion, the document-aware pass, decision, card) by wrapping the service's
objects for this run only, and prints their p50 / mean per question and language (`<out>-spans.md`).
"""
from __future__ import annotations

import argparse
import json
import os
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from chat.service import GazetteService, decide
from eval.answer_spans import Spans
from index.embed_pool import default_workers
from index.embedders import embedder_from_identity
from index.store import read_manifest
from retriever.search import Searcher

REPO = Path(__file__).resolve().parent.parent
SETS = ("questions_blind2.jsonl", "questions_decision_holdout.jsonl")
STAGES = ("retrieve", "decide", "compose")


@dataclass
class Timings:
    """Milliseconds per question of one language: the whole answer, its stages and the process CPU time."""

    total: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})


def ask_timed(service: GazetteService, question: str) -> tuple[str, dict[str, float]]:
    """The stages of `GazetteService.ask` with llm none (prepare → retrieve → decide → compose → finish), timed."""
    cpu0, t0 = time.process_time(), time.perf_counter()
    q = service.prepare(question, llm="none")
    searcher = service.searcher
    result = service.retrieve(q, searcher)
    t1 = time.perf_counter()
    decision = decide(result, searcher, q.text, None, q.previous_cited)
    t2 = time.perf_counter()
    card = service.compose(q, result, decision, searcher)
    service.finish(q, card)
    t3 = time.perf_counter()
    ms = {"retrieve": t1 - t0, "decide": t2 - t1, "compose": t3 - t2, "total": t3 - t0,
          "cpu": time.process_time() - cpu0}
    return q.q_lang, {k: v * 1000 for k, v in ms.items()}


def latencies(service: GazetteService, questions: list[str], spans: Spans | None = None) -> dict[str, Timings]:
    """Timings per question language (and the parts' spans, when given)."""
    out: dict[str, Timings] = {"zh": Timings(), "en": Timings()}
    for text in tqdm(questions, desc="asking", unit="question"):
        lang, ms = ask_timed(service, text)
        if spans is not None:
            spans.question(lang)
        t = out[lang]
        t.total.append(ms["total"])
        t.cpu.append(ms["cpu"])
        for s in STAGES:
            t.stages[s].append(ms[s])
    return out


def table(times: dict[str, Timings]) -> str:
    """Markdown: n, p50 / p95 of the answer, p50 of each stage and of the CPU time, per language and overall."""
    rows = ["| lang | n | p50 ms | p95 ms | " + " | ".join(f"{s} p50" for s in STAGES) + " | CPU p50 ms |",
            "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in STAGES) + " | ---: |"]
    everything = Timings([v for t in times.values() for v in t.total], [v for t in times.values() for v in t.cpu],
                         {s: [v for t in times.values() for v in t.stages[s]] for s in STAGES})
    for lang, t in [*times.items(), ("all", everything)]:
        if t.total:
            p50, p95 = np.percentile(t.total, [50, 95])
            stages = " | ".join(f"{np.median(t.stages[s]):.1f}" for s in STAGES)
            rows.append(f"| {lang} | {len(t.total)} | {p50:.1f} | {p95:.1f} | {stages} | {np.median(t.cpu):.1f} |")
    return "\n".join(rows)


def load_average() -> str:
    """The 1-minute load average, e.g. `1.23` (`?` where the platform has none)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover - not Unix
        return "?"


def plot(times: dict[str, Timings], path: Path, title: str) -> None:
    """Latency distribution (sorted ms per question) per language, with the 50 ms target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for lang, t in times.items():
        if t.total:
            values = np.sort(t.total)
            ax.plot(np.arange(1, len(values) + 1) / len(values) * 100, values, label=f"{lang} (n={len(values)})")
    ax.axhline(50, color="grey", linestyle="--", linewidth=1, label="target 50 ms")
    ax.set_xlabel("questions (%)")
    ax.set_ylabel("answer ms (llm none)")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_answer", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=REPO / "data" / "index")
    ap.add_argument("--sets", default=",".join(SETS), help="question files in eval/data")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "out" / "answer-latency",
                    help="writes OUT.md (and OUT.png with --plot)")
    ap.add_argument("--embed-workers", type=int, default=default_workers(),
                    help="query-embedding threads (default: one per core, as `gazette serve`)")
    ap.add_argument("--plot", action="store_true", help="also write the latency distribution as OUT.png")
    ap.add_argument("--spans", action="store_true", help="also time the parts of each stage (OUT-spans.md)")
    args = ap.parse_args(argv)
    questions: list[str] = []
    for name in args.sets.split(","):
        lines = (REPO / "eval" / "data" / name).read_text(encoding="utf-8").splitlines()
        questions += [json.loads(line)["query"] for line in lines if line.strip()]
    embedder = embedder_from_identity(read_manifest(args.index).embedder, workers=max(1, args.embed_workers))
    service = GazetteService(Searcher.open(args.index, llm="none", embedder=embedder), llm="none")
    service.warm()
    start_load, started = load_average(), time.strftime("%Y-%m-%d %H:%M:%S")
    spans = Spans().attach(service) if args.spans else None
    try:
        times = latencies(service, questions, spans)
    finally:
        if spans is not None:
            spans.detach()
    end_load = load_average()
    text = table(times)
    omp = os.environ.get("OMP_NUM_THREADS", "unset")
    info = (f"{started}, load average {start_load} at start → {end_load} at end, OMP_NUM_THREADS={omp}, "
            f"sets {args.sets}")
    print(text)
    print(info)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    title = f"Answer latency, llm none ({args.index}, {args.embed_workers} embed workers)"
    args.out.with_suffix(".md").write_text(f"# {title}\n\n{info}\n\n{text}\n", encoding="utf-8")
    if spans is not None:
        parts = spans.table()
        print(parts)
        spans_md = args.out.with_name(args.out.name + "-spans.md")
        spans_md.write_text(f"# Parts of the answer (wall ms, inclusive)\n\n{info}\n\n{parts}\n", encoding="utf-8")
    if args.plot:
        plot(times, args.out.with_suffix(".png"), f"{title}\n{textwrap.fill(info, 100)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
