"""Calibrate the answerability parameters per language on a question set (qrels with `answerable`).

    python -m eval.calibrate_answerability --index data/index [--set eval/data/questions.jsonl] [--write]

Grid-searches dense floor/span, dense weight and threshold for the best decision accuracy, prints the top
settings with their confusion counts, and with `--write` stores the best in `retriever/data/answerability.json`.
Tuned on the set it is scored on, so report the held-out set's numbers as the honest ones.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from chat.service import GazetteService
from retriever.answerability import CONFIG, assess


def features(index_dir: Path, qset: Path) -> list[dict]:
    service = GazetteService.open(index_dir, llm="none")
    rows = []
    for line in qset.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        r = service.searcher.run(q["query"], k=10)
        a = assess(r.query, r.lang, r.hits, service.searcher.glossary, r.translation)
        rows.append({"lang": r.lang, "answerable": q["answerable"], "dense": a.dense, "coverage": a.coverage,
                     "named": bool(r.named)})
    return rows


def grid(rows: list[dict]) -> list[tuple]:
    results = []
    for floor in (0.76, 0.78, 0.80, 0.82):
        for span in (0.08, 0.10):
            for w in (0.0, 0.25, 0.5, 0.75):
                for t in [i / 20 for i in range(2, 18)]:
                    tp = fp = tn = fn = 0
                    for r in rows:
                        d = min(max((r["dense"] - floor) / span, 0.0), 1.0)
                        pred = r["named"] or w * d + (1 - w) * r["coverage"] >= t
                        tp += pred and r["answerable"]
                        fn += (not pred) and r["answerable"]
                        fp += pred and not r["answerable"]
                        tn += (not pred) and not r["answerable"]
                    results.append(((tp + tn) / max(len(rows), 1), tn, fp, fn,
                                    {"dense_floor": floor, "dense_span": span, "dense_weight": w, "threshold": t}))
    return sorted(results, key=lambda x: (-x[0], -x[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("data/index"))
    ap.add_argument("--set", type=Path, default=Path("eval/data/questions.jsonl"))
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = features(args.index, args.set)
    best = {}
    for lang in ("zh", "en"):
        ranked = grid([r for r in rows if r["lang"] == lang])
        print(f"{lang}: accuracy  TN FP FN  parameters")
        for acc, tn, fp, fn, params in ranked[:5]:
            print(f"    {acc:.3f}   {tn:2d} {fp:2d} {fn:2d}  {params}")
        best[lang] = ranked[0][4]
    if args.write:
        saved = json.loads(CONFIG.read_text(encoding="utf-8")) if CONFIG.is_file() else {}
        saved.update(best)
        CONFIG.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CONFIG}")


if __name__ == "__main__":
    main()
