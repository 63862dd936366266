"""Does the local LLM judge help the answer decision? Cross-validated figures with and without it, and its cost.

    python -m eval.judge_eval --index DIR [--set FILE …] [--judge-cache FILE] [--limit N] [--minutes M]

For every training question (interleaved answerable / out of corpus, so a partial run stays balanced) the judge
rates the best `--top` candidates of the trained candidate model (`retriever.llm_judge`, cached in
`--judge-cache`, so runs resume). Then, on the judged questions only, the answer model is cross-validated
without and with the judge features (`judge_best`, `judge_max`) and the table prints OOC refused / false
refusals / right-first per language, plus the judge's seconds per question (p50, p90; cache misses only).
Needs the local model (`gazette model`); training sets only (never the held-out sets).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.calibrate_answerability import (
    FOLDS,
    Case,
    _fit_cand,
    answer_rows,
    collect,
    folds_of,
    pick_threshold,
)
from eval.metrics import percentile
from eval.qrels import TRAIN_SETS
from retriever.decision import ANSWER_FEATURES, JUDGE_FEATURES, MODEL_FILE, DecisionModel, Logistic
from retriever.llm import DEFAULT_LOCAL_MODEL
from retriever.llm_judge import LocalJudge


def interleave(cases: list[Case]) -> list[Case]:
    """Answerable and out-of-corpus cases alternately (each group in a fixed shuffled order)."""
    rng = np.random.default_rng(3)
    ans = [cases[i] for i in rng.permutation(len(cases)) if cases[i].answerable]
    ooc = [cases[i] for i in rng.permutation(len(cases)) if not cases[i].answerable]
    out: list[Case] = []
    for a, o in zip(ans, ooc):
        out += [a, o]
    return out + ans[len(ooc):] + ooc[len(ans):]


def judge_cases(cases: list[Case], judge: LocalJudge, top: int, minutes: float, cached_only: bool = False
                ) -> tuple[list[Case], list[float], dict[str, list[float]]]:
    """Judge the best `top` candidates (by the full-data candidate model) of each case until time runs out."""
    from tqdm import tqdm

    cand = _fit_cand(cases, 1.0, tuple(_cand_features()))
    done, seconds, scores = [], [], {}
    stop = time.perf_counter() + minutes * 60
    for c in tqdm(cases, desc="judge", file=sys.stderr):
        if time.perf_counter() > stop:
            break
        p = cand.prob(c.rows)
        order = list(np.argsort(-p))[:top]
        t = time.perf_counter()
        fresh = any((c.query, c.hits[i].clause.id) not in judge._cache for i in order)
        if fresh and cached_only:
            continue
        got = [judge.p_yes(c.query, c.hits[i].clause.id, c.hits[i].clause.text) for i in order]
        if fresh:
            seconds.append(time.perf_counter() - t)
        scores[f"{c.index}/{c.qid}"] = got
        done.append(c)
    return done, seconds, scores


def _cand_features() -> tuple[str, ...]:
    from retriever.decision import CANDIDATE_FEATURES

    return CANDIDATE_FEATURES


def cv_compare(cases: list[Case], scores: dict[str, list[float]], max_fr: float) -> dict[str, Any]:
    """Cross-validated answer model without and with the judge features (same folds, same candidate model)."""
    feats = _cand_features()
    folds = folds_of(cases, FOLDS)
    out: dict[str, Any] = {}
    for name, used in (("without judge", ANSWER_FEATURES), ("with judge", ANSWER_FEATURES + JUDGE_FEATURES)):
        probs = np.zeros(len(cases))
        for f in range(FOLDS):
            train = [c for c, k in zip(cases, folds) if k != f]
            test = [i for i, k in enumerate(folds) if k == f]
            cand = _fit_cand(train, 1.0, feats)
            tr_rows, y, _ = answer_rows(train, cand)
            ans = Logistic.fit(_with_judge(tr_rows, train, scores), y, used)
            te_rows, _, _ = answer_rows([cases[i] for i in test], cand)
            p = ans.prob(_with_judge(te_rows, [cases[i] for i in test], scores))
            for j, i in enumerate(test):
                probs[i] = 0.0 if (te_rows[j]["doc_unknown"] or te_rows[j]["out_of_scope"]) else p[j]
        y_all = np.array([int(c.answerable) for c in cases])
        t = pick_threshold(probs, y_all, max_fr)
        for lang in ("zh", "en", "all"):
            idx = [i for i, c in enumerate(cases) if lang == "all" or c.lang == lang]
            ans_i = [i for i in idx if cases[i].answerable]
            ooc_i = [i for i in idx if not cases[i].answerable]
            out[f"{name} {lang}"] = {
                "n_answerable": len(ans_i), "n_ooc": len(ooc_i),
                "ooc_refused": round(float(np.mean([probs[i] < t for i in ooc_i])) if ooc_i else float("nan"), 3),
                "false_refusals": round(float(np.mean([probs[i] < t for i in ans_i])) if ans_i else float("nan"), 3),
                "threshold": round(t, 3)}
    return out


def _with_judge(rows: list[dict[str, float]], cases: list[Case], scores: dict[str, list[float]]
                ) -> list[dict[str, float]]:
    out = []
    for r, c in zip(rows, cases):
        got = scores.get(f"{c.index}/{c.qid}") or [0.5]
        out.append({**r, "judge_best": got[0], "judge_max": max(got)})
    return out


def write_judge_model(cases: list[Case], scores: dict[str, list[float]], table: dict[str, Any]) -> None:
    """Fit the answer model with the judge features on the judged questions and add it to the shipped model."""
    model = DecisionModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    rows, y, _ = answer_rows(cases, model.candidate)
    model.answer_judge = Logistic.fit(_with_judge(rows, cases, scores), y, ANSWER_FEATURES + JUDGE_FEATURES)
    model.threshold_judge = table["with judge all"]["threshold"]
    model.meta["judge"] = {"judged_questions": len(cases), "cv": table}
    MODEL_FILE.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote the judge model into {MODEL_FILE}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--set", type=Path, action="append")
    ap.add_argument("--cache", type=Path, action="append", help="search-result pickle(s) (calibrate_answerability)")
    ap.add_argument("--judge-cache", type=Path, default=Path("eval/out/judge_cache.jsonl"))
    ap.add_argument("--model", type=Path, default=DEFAULT_LOCAL_MODEL)
    ap.add_argument("--top", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=30.0, help="stop judging new questions after this long")
    ap.add_argument("--max-false-refusal", type=float, default=0.02)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--cached-only", action="store_true", help="use only the judgments already in --judge-cache")
    ap.add_argument("--write", action="store_true",
                    help="store the answer model with the judge (fit on the judged questions) in the decision model")
    args = ap.parse_args(argv)
    if not LocalJudge.available(args.model):
        print(f"error: the local model {args.model} or llama-cpp-python is missing (see `gazette model`)",
              file=sys.stderr)
        return 2
    args.judge_cache.parent.mkdir(parents=True, exist_ok=True)
    judge = LocalJudge(args.model, args.judge_cache, budget=1e9, n_threads=args.threads)
    cases = interleave(collect([args.index], args.set or list(TRAIN_SETS), cache=args.cache))
    done, seconds, scores = judge_cases(cases, judge, args.top, args.minutes, args.cached_only)
    table = cv_compare(done, scores, args.max_false_refusal)
    print(f"judged {len(done)} of {len(cases)} questions (top {args.top} candidate(s) each)")
    if seconds:
        print(f"judge seconds per question (uncached): p50 {percentile(seconds, 50):.2f}  "
              f"p90 {percentile(seconds, 90):.2f}  n {len(seconds)}")
    print("| model | lang | n_answerable | n_ooc | ooc_refused | false_refusals | threshold |")
    print("|---|---|---|---|---|---|---|")
    for key, s in table.items():
        name, lang = key.rsplit(" ", 1)
        print(f"| {name} | {lang} | {s['n_answerable']} | {s['n_ooc']} | {s['ooc_refused']} | "
              f"{s['false_refusals']} | {s['threshold']} |")
    if args.write:
        write_judge_model(done, scores, table)
    Path(args.judge_cache.with_suffix(".report.json")).write_text(
        json.dumps({"judged": len(done), "seconds": seconds, "table": table}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
