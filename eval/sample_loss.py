"""What indexing more documents costs the questions about a smaller index: R@5 / R@1 of the same questions on the
small index and on the large one, per set and language, counting only questions whose gold clauses are all in the
small index (issue 13: the sample's questions lose at most 0.01 of R@5 with the regulations indexed).

    OMP_NUM_THREADS=2 python -m eval.sample_loss --small /work/idx-sample4 --large data/index \
        --set eval/data/questions.jsonl --set eval/data/questions_decision.jsonl

Prints a Markdown table of aggregates only (safe for held-out sets); `--list` adds the ids of the questions that
fall out of the top 5 (never use it on held-out sets).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from eval.cli_output import missing_sets, print_table
from eval.metrics import mean, recall_at_k
from eval.qrels import Question, load_questions
from retriever.search import MODES, Searcher


def _recalls(searcher: Searcher, questions: list[Question], mode: str) -> dict[str, tuple[float, float]]:
    """Question id → (R@5, R@1) on one index."""
    out = {}
    for q in questions:
        ids = [h.clause.id for h in searcher.search(q.query, k=10, mode=mode)]
        out[q.id] = (recall_at_k(ids, q.relevant, 5), recall_at_k(ids, q.relevant, 1))
    return out


def run(small: Path, large: Path, sets: list[Path], mode: str = "glossary", listing: bool = False) -> str:
    """The table: per set and language, n, R@5 and R@1 small → large, and the R@5 lost."""
    by_set = {p: [q for q in load_questions(p) if q.answerable] for p in sets}
    on_small = Searcher.open(small, llm="none")
    in_small = {c.id for c in on_small.store.clauses}
    by_set = {p: [q for q in qs if set(q.relevant) <= in_small] for p, qs in by_set.items()}
    everyone = [q for qs in by_set.values() for q in qs]
    before = _recalls(on_small, everyone, mode)
    del on_small
    after = _recalls(Searcher.open(large, llm="none"), everyone, mode)
    lines = ["| set | lang | n | R@5 small → large | R@1 small → large | R@5 lost |", "|---|---|---|---|---|---|"]
    lost_ids = []
    for path, questions in by_set.items():
        for lang in ("zh", "en"):
            qs = [q for q in questions if q.lang == lang]
            if not qs:
                continue
            r5 = [mean([before[q.id][0] for q in qs]), mean([after[q.id][0] for q in qs])]
            r1 = [mean([before[q.id][1] for q in qs]), mean([after[q.id][1] for q in qs])]
            lines.append(f"| {path.stem} | {lang} | {len(qs)} | {r5[0]:.3f} → {r5[1]:.3f} | "
                         f"{r1[0]:.3f} → {r1[1]:.3f} | {max(0.0, r5[0] - r5[1]):.3f} |")
            lost_ids += [q.id for q in qs if after[q.id][0] < before[q.id][0]]
    if listing:
        lines += ["", "fell out of the top 5: " + (", ".join(lost_ids) or "none")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=Path, required=True, help="the smaller index (e.g. the sample issue only)")
    parser.add_argument("--large", type=Path, required=True, help="the larger index (e.g. the default corpus)")
    parser.add_argument("--set", dest="sets", type=Path, action="append", required=True)
    parser.add_argument("--mode", default="glossary", choices=MODES)
    parser.add_argument("--list", dest="listing", action="store_true",
                        help="name the questions that fall out of the top 5 (not for held-out sets)")
    args = parser.parse_args(argv)
    if missing_sets(args.sets):
        return 2
    return print_table(lambda: run(args.small, args.large, args.sets, args.mode, args.listing))


if __name__ == "__main__":
    raise SystemExit(main())
