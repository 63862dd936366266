"""Retrieval per question set and language, fast: `Searcher.search(k=10, mode=…)` over several sets in one process
(the same R@5 / R@1 / MRR@10 as `gazette eval --no-ask`, without answers), plus search latency per language.

    OMP_NUM_THREADS=1 nice -n 10 python -m eval.english_retrieval --index /work/main/data/index \
        --set eval/data/questions_regulations.jsonl --set eval/data/questions.jsonl

Prints a Markdown table; only aggregates (safe for held-out sets).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from eval.cli_output import missing_sets, print_table
from eval.metrics import mean, mrr_at_k, percentile, recall_at_k
from eval.qrels import load_questions
from retriever.search import MODES, Searcher

WARM = ("How much is the subsidy for a postdoctoral workstation?", "博士后工作站补贴多少")


def run(index: Path, sets: list[Path], mode: str = "glossary") -> str:
    """The table of R@5 / R@1 / MRR@10 per set and language, then latency p50 / p90 per language."""
    searcher = Searcher.open(index, llm="none")
    for text in WARM:                 # load jieba, the embedder and the English lexicon before timing
        searcher.search(text, k=10, mode=mode)
    lines = ["| set | lang | n | R@5 | R@1 | MRR@10 |", "|---|---|---|---|---|---|"]
    took: dict[str, list[float]] = {"zh": [], "en": []}
    for path in sets:
        questions = [q for q in load_questions(path) if q.answerable]
        for lang in ("zh", "en"):
            r5, r1, mrr = [], [], []
            for q in (q for q in questions if q.lang == lang):
                start = time.perf_counter()
                ids = [h.clause.id for h in searcher.search(q.query, k=10, mode=mode)]
                took[lang].append((time.perf_counter() - start) * 1000)
                r5.append(recall_at_k(ids, q.relevant, 5))
                r1.append(recall_at_k(ids, q.relevant, 1))
                mrr.append(mrr_at_k(ids, q.relevant, 10))
            if r5:
                figures = " | ".join(f"{mean(v):.3f}" for v in (r5, r1, mrr))
                lines.append(f"| {path.stem} | {lang} | {len(r5)} | {figures} |")
    lines.append("")
    for lang, ms in took.items():
        if ms:
            lines.append(f"search latency {lang}: n={len(ms)} p50 {percentile(ms, 50):.1f} ms, "
                         f"p90 {percentile(ms, 90):.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--set", dest="sets", type=Path, action="append", required=True)
    parser.add_argument("--mode", default="glossary", choices=MODES)
    args = parser.parse_args(argv)
    if missing_sets(args.sets):
        return 2
    return print_table(lambda: run(args.index, args.sets, args.mode))


if __name__ == "__main__":
    raise SystemExit(main())
