"""How English retrieval holds up on words the glossary does not know, without spending a held-out set.

The glossary's term rows were written from the training sets' misses, so the training sets' English questions find
their vocabulary there far more often than fresh questions do (blind set 3, written in session 6: English R@5 0.79
against 0.97 on the training sets). This tool drops a random share of the term rows (agencies stay), seeded, and
measures English R@5 / R@1 on the training sets with the full glossary and with each reduced one: a setting that
helps only with the full glossary is fitted to it.

    OMP_NUM_THREADS=2 python -m eval.glossary_dropout --index data/index --keep 0.5 --seeds 1 2

Prints a Markdown table (aggregates only).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from eval.cli_output import print_table
from eval.metrics import mean, recall_at_k
from eval.qrels import TRAIN_SETS, Question, load_questions
from retriever.glossary import DEFAULT_PATH, Glossary
from retriever.search import Searcher


def reduced_glossary(path: Path, keep: float, seed: int, out_dir: Path) -> Glossary:
    """The glossary at `path` with each term row kept with probability `keep` (agency rows always kept)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    kept = [lines[0]] + [line for line in lines[1:]
                         if line.split("\t")[2] == "agency" or rng.random() < keep]
    out = out_dir / f"glossary-keep{keep}-seed{seed}.tsv"
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return Glossary.from_tsv(out)


def recalls(searcher: Searcher, questions: Sequence[Question]) -> tuple[float, float]:
    """Mean R@5 and R@1 of `questions` (glossary mode)."""
    r5, r1 = [], []
    for q in questions:
        ids = [h.clause.id for h in searcher.search(q.query, k=10, mode="glossary")]
        r5.append(recall_at_k(ids, q.relevant, 5))
        r1.append(recall_at_k(ids, q.relevant, 1))
    return mean(r5), mean(r1)


def run(index: Path, keep: float, seeds: Sequence[int], sets: Sequence[Path] = TRAIN_SETS) -> str:
    """The table: English R@5 / R@1 with the full glossary and with each reduced one."""
    questions = [q for s in sets for q in load_questions(s) if q.answerable and q.lang == "en"]
    searcher = Searcher.open(index, llm="none")
    full = searcher.glossary
    lines = ["| glossary | English questions | R@5 | R@1 |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in [None, *seeds]:
            searcher.glossary = full if seed is None else reduced_glossary(DEFAULT_PATH, keep, seed, Path(tmp))
            searcher.__dict__.pop("lexicon", None)       # the lexicon skips words the glossary covers
            r5, r1 = recalls(searcher, questions)
            name = "full" if seed is None else f"term rows kept {keep:.0%}, seed {seed}"
            lines.append(f"| {name} | {len(questions)} | {r5:.3f} | {r1:.3f} |")
    searcher.glossary = full
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--keep", type=float, default=0.5, help="share of term rows kept (0 < keep < 1)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    if not 0.0 < args.keep < 1.0:
        print(f"error: --keep must be between 0 and 1 (exclusive), not {args.keep}", file=sys.stderr)
        return 2
    return print_table(lambda: run(args.index, args.keep, args.seeds))


if __name__ == "__main__":
    raise SystemExit(main())
