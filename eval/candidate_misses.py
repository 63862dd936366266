"""Why the right clause is not cited first: retrieval misses vs ranking misses of the candidate model.

    python -m eval.candidate_misses --index DIR [--index DIR2] [--set FILE …] [--cache PKL …] [--deep 50]
                                    [--model JSON] [--all]

For every answerable question (gold clause in the index) the candidate stage sees the top `CANDIDATES` hits; the
candidate model (`retriever/decision.py`) orders them and the first is cited first. A question whose first clause
is not gold is a

* **RANK** miss — a gold clause is among the candidates, the model puts another first: printed with the gold's
  retrieval rank, its place in the model's order, P(gold) and P(winner), whether both are from one document, and the
  features whose standardised contribution (weight × difference) most favours the winner;
* **RETR** miss — no gold clause among the candidates: with `--deep K` the question is searched again for K hits
  and the gold's retrieval rank there is printed (would a larger candidate pool hold it?).

Ends with counts per index, set and language. Searches come from `--cache` (`eval.calibrate_answerability`'s
pickles, keyed by index folder and query) when present, else live (`k = CANDIDATES`).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eval.calibrate_answerability import cached_search, load_cache
from eval.decision_eval import REPORT_SETS
from eval.qrels import load_questions
from retriever.decision import CANDIDATES, DecisionModel, Logistic, gather, load_model
from retriever.search import Searcher


@dataclass
class Miss:
    """One answerable question and what its candidate stage made of it."""

    index: str
    source: str
    qid: str
    lang: str
    kind: str                   # OK | RANK | RETR
    gold_rank: int = 0          # retrieval rank of the best-placed gold clause (1-based; 0 = not among the hits)
    gold_order: int = 0         # its place in the candidate model's order (1-based)
    p_gold: float = 0.0
    p_first: float = 0.0
    same_doc: bool = False
    first: str = ""
    gold: str = ""
    deep_rank: int = 0          # retrieval rank within the deeper search (0 = not found or not searched)
    against: list[tuple[str, float]] = field(default_factory=list)   # features favouring the winner most


def contributions(model: Logistic, win: dict[str, float], gold: dict[str, float]) -> list[tuple[str, float]]:
    """Per feature, the winner's logit advantage over the gold (weight × standardised difference), largest first."""
    d = [(f, float(w * (win[f] - gold[f]) / s)) for f, w, s in zip(model.features, model.coef, model.scale)]
    return sorted(d, key=lambda t: -t[1])


def classify(hits: list[Any], rows: list[dict[str, float]], p: np.ndarray, order: list[int], gold: set[str],
             model: Logistic) -> dict[str, Any]:
    """What happened to one question's gold clauses in the candidate stage (see the module docstring)."""
    ids = [h.clause.id for h in hits]
    if not order:
        return {"kind": "RETR"}
    if ids[order[0]] in gold:
        return {"kind": "OK", "gold_rank": next(i for i, c in enumerate(ids) if c in gold) + 1,
                "gold_order": 1}
    placed = [k for k, i in enumerate(order) if ids[i] in gold]
    if not placed:
        return {"kind": "RETR"}
    g, w = order[placed[0]], order[0]
    return {"kind": "RANK", "gold_rank": g + 1, "gold_order": placed[0] + 1, "p_gold": float(p[g]),
            "p_first": float(p[w]), "same_doc": hits[g].clause.doc_key == hits[w].clause.doc_key,
            "first": hits[w].clause.citation, "gold": hits[g].clause.citation,
            "against": [t for t in contributions(model, rows[w], rows[g]) if t[1] > 0.05][:4]}


def analyse(index_dirs: list[Path], sets: list[Path], cache: list[Path], model: DecisionModel, deep: int = 0,
            progress: bool = True) -> list[Miss]:
    from tqdm import tqdm

    saved = load_cache(cache)
    out: list[Miss] = []
    for index_dir in index_dirs:
        searcher = Searcher.open(index_dir, llm="none")
        ids = set(searcher.store.by_id)
        for path in sets:
            for q in tqdm(load_questions(path), desc=f"{index_dir.name}/{path.stem}", disable=not progress,
                          file=sys.stderr):
                gold = {g for g in q.relevant if g in ids}
                if not gold:
                    continue
                r = cached_search(saved, searcher, index_dir, q.query)
                ev = gather(r.query, r.lang, r.hits, searcher.store, model, searcher.glossary, r.translation,
                            r.glossary_terms)           # the candidate stage exactly as an answer runs it
                m = Miss(index_dir.name, path.stem, q.id, r.lang, **classify(ev.hits, ev.rows, ev.cand_p, ev.order,
                                                                           gold, model.candidate))
                if m.kind == "RETR" and deep > CANDIDATES:
                    more = [h.clause.id for h in searcher.run(q.query, k=deep).hits]
                    m.deep_rank = next((i + 1 for i, c in enumerate(more) if c in gold), 0)
                out.append(m)
    return out


def table(misses: list[Miss], deep: int, show_all: bool = False) -> str:
    lines = ["| index | set | id | kind | gold ret. rank | gold in model order | P(gold) | P(first) | same doc | "
             "first (cited) | gold | features favouring the first |", "|" + " --- |" * 12]
    for m in misses:
        if m.kind == "OK" and not show_all:
            continue
        if m.kind == "RETR":
            where = (f"deep {m.deep_rank}" if m.deep_rank else f"> {deep}") if deep > CANDIDATES else "–"
            lines.append(f"| {m.index} | {m.source} | {m.qid} | RETR | {where} | – | – | – | – | – | – | – |")
            continue
        feats = ", ".join(f"{f} {v:+.2f}" for f, v in m.against)
        lines.append(f"| {m.index} | {m.source} | {m.qid} | {m.kind} | {m.gold_rank} | {m.gold_order} | "
                     f"{m.p_gold:.3f} | {m.p_first:.3f} | {'yes' if m.same_doc else 'no'} | {m.first} | {m.gold} | "
                     f"{feats} |")
    return "\n".join(lines)


def counts(misses: list[Miss], deep: int) -> str:
    lines = ["| index | set | lang | answerable | first right | RANK misses | RETR misses | RETR within deep |",
             "|" + " --- |" * 8]
    groups: dict[tuple[str, str, str], Counter[str]] = {}
    for m in misses:
        for key in ((m.index, m.source, m.lang), (m.index, "ALL", m.lang)):
            c = groups.setdefault(key, Counter())
            c[m.kind] += 1
            c["n"] += 1
            c["deep"] += int(m.kind == "RETR" and m.deep_rank > 0)
    for (index, source, lang), c in groups.items():
        lines.append(f"| {index} | {source} | {lang} | {c['n']} | {c['OK']} | {c['RANK']} | {c['RETR']} | "
                     f"{c['deep'] if deep > CANDIDATES else '–'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, action="append", required=True, help="index folder (repeatable)")
    ap.add_argument("--set", type=Path, action="append", help="question set (repeatable; default: all report sets)")
    ap.add_argument("--cache", type=Path, action="append", default=[], help="search-result pickle(s) to reuse")
    ap.add_argument("--deep", type=int, default=0, help="search retrieval misses again for this many hits")
    ap.add_argument("--model", type=Path, help="decision model JSON (default: the shipped one)")
    ap.add_argument("--all", action="store_true", help="list the questions whose first clause is right too")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    for p in [*args.index, *(args.set or [])]:
        if not p.exists():
            ap.error(f"no such file or folder: {p}")
    model = load_model(str(args.model)) if args.model else load_model()
    misses = analyse(args.index, args.set or list(REPORT_SETS), args.cache, model, args.deep, not args.quiet)
    print(table(misses, args.deep, args.all))
    print()
    print(counts(misses, args.deep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
