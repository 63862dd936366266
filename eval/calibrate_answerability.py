"""Train and cross-validate the answer decision (`retriever/decision.py`) on the labelled question sets.

    python -m eval.calibrate_answerability --index DIR [--index DIR2 …] [--set FILE …] [--train-on FILE …] [--write]

For every index and question: search (top `CANDIDATES`), compute the candidate features, fit the candidate model
(does this clause answer?) and, with cross-fitted candidate probabilities, the answer model (is the question
answerable?). Cross-validation leaves one question set out at a time (`--folds set`, the default): new questions
come from other authors and topics, and 5 folds grouped by question (`--folds question`) let a set's wording leak
into its own predictions (its thresholds gave 13–24 % false refusals on the held-out sets against 1.5 % in CV).
The threshold per language is the highest P(answerable) cut whose cross-validated false-refusal rate stays within
`--max-false-refusal`. A question whose gold clauses are not in an
index counts as out of corpus for that index (regulation questions over the sample-only index are near misses).
Prints CV figures per language; `--write` stores the model in `retriever/data/decision_model.json`, with the sets
it was trained on (`trained_on`, which `eval.decision_eval` reports).
Sets: `--set` (default: every labelled set, `eval.qrels.LABELLED_SETS` — the 7 training sets and the validation
sets, since session 10) are searched and reported; `--train-on` (default: all of them) are the ones the models
train on. A set outside `--train-on` is predicted by the training sets' models and reported apart at their cut:
how the model does on sets it never saw. A new blind set is never passed here.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.glossary_dropout import reduced_glossary
from eval.qrels import LABELLED_SETS, Question, load_questions
from retriever.decision import (
    ANSWER_FEATURES,
    CANDIDATE_FEATURES,
    CANDIDATE_MODEL_FEATURES,
    CANDIDATES,
    ELSEWHERE_TITLE_RULE,
    MAX_CITED,
    MODEL_FILE,
    OPTIONAL_ANSWER_FEATURES,
    TITLE_RULE,
    DecisionModel,
    Evidence,
    Logistic,
    answer_features,
    candidate_features,
    candidate_order,
    cited_of,
    concept_cover,
    load_model,
    overrule,
    unknown_titles,
)
from retriever.evidence import corpus_stats, read_question, titles_elsewhere
from retriever.glossary import DEFAULT_PATH
from retriever.search import Searcher
from retriever.xrefs import penalty_candidates

FOLDS = 5


@dataclass
class Case:
    """One question searched on one index, with its candidate feature rows."""

    qid: str
    lang: str
    answerable: bool            # in this index
    gold: set[str]
    rows: list[dict[str, float]]
    labels: list[int]           # per candidate: 1 when it is a gold clause
    asks: Any
    hits: list[Any]
    stats: Any
    named: bool
    index: str = ""
    query: str = ""
    source: str = ""            # the question set it comes from
    augmented: bool = False     # searched with part of the glossary dropped: trains, never scored
    xrefs: Any = None           # the index's cross-references when the question asks for a penalty


def collect(index_dirs: list[Path], sets: list[Path], progress: bool = True, cache: list[Path] | None = None,
            augment: tuple[float, int] | None = None) -> list[Case]:
    """Search every question on every index (results cached in `cache` when given) and compute candidate
    features. With `augment` = (keep, seed), only the English questions, searched and read with a glossary that
    keeps that share of its term rows (`eval.glossary_dropout`): cases like new questions, whose words the
    glossary does not know yet."""
    from tqdm import tqdm

    questions: list[tuple[Question, str]] = [(q, s.stem) for s in sets for q in load_questions(s)
                                              if augment is None or q.lang == "en"]
    saved = load_cache(cache or [])
    known = len(saved)
    cases: list[Case] = []
    tag = "" if augment is None else f"~keep{augment[0]}-seed{augment[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        for index_dir in index_dirs:
            searcher = Searcher.open(index_dir, llm="none")
            if augment is not None:
                searcher.glossary = reduced_glossary(DEFAULT_PATH, augment[0], augment[1], Path(tmp))
            stats = corpus_stats(searcher.store)
            ids = set(searcher.store.by_id)
            for q, source in tqdm(questions, desc=f"features [{index_dir.name}{tag}]", disable=not progress,
                                  file=sys.stderr):
                r = cached_search(saved, searcher, index_dir, q.query, tag, keep=True)
                gold = {g for g in q.relevant if g in ids}
                asks = read_question(r.query, r.lang, searcher.glossary, r.translation, r.glossary_terms)
                hits, xrefs = penalty_candidates(r.query, asks, r.hits[:CANDIDATES], searcher.store,
                                                 concept_cover(asks, stats))
                rows = candidate_features(asks, hits, stats, r.lang, xrefs)
                labels = [int(h.clause.id in gold) for h in hits]
                cases.append(Case(f"{q.id}{tag}", r.lang, bool(gold), gold, rows, labels, asks, hits, stats,
                                  bool(r.named), index_dir.name, r.query, source, augmented=augment is not None,
                                  xrefs=xrefs))
    if cache and len(saved) > known:
        cache[0].write_bytes(pickle.dumps(saved))
    return cases


def load_cache(paths: list[Path]) -> dict[tuple[str, str], Any]:
    """Search results pickled by earlier runs, {(index folder, query): SearchResult} (trusted local files)."""
    saved: dict[tuple[str, str], Any] = {}
    for path in paths:
        if path.is_file():
            saved.update(pickle.loads(path.read_bytes()))
    return saved


def cached_search(saved: dict[tuple[str, str], Any], searcher: Searcher, index_dir: Path, query: str, tag: str = "",
                  keep: bool = False) -> Any:
    """The search result of `query` on `index_dir` from `saved` (`load_cache`; `tag` names a reduced glossary),
    else searched now with the candidates the decision sees (and kept in `saved` with `keep`)."""
    key = (str(Path(index_dir)) + tag, query)
    r = saved.get(key)
    if r is None:
        r = searcher.run(query, k=CANDIDATES)
        if keep:
            saved[key] = r
    return r


def folds_of(cases: list[Case], k: int = FOLDS, by_set: bool = False) -> list[int]:
    """Fold per case, grouped by question id (the same question on two indexes stays in one fold); with `by_set`,
    one fold per question set (leave one set out: each set is predicted by a model that never saw its author's
    wording or topics, as new questions would be)."""
    if by_set:
        sources = sorted({c.source for c in cases})
        return [sources.index(c.source) for c in cases]
    qids = sorted({c.qid for c in cases})
    rng = np.random.default_rng(11)
    order = rng.permutation(len(qids))
    fold = {qids[i]: n % k for n, i in enumerate(order)}
    return [fold[c.qid] for c in cases]


def answer_rows(cases: list[Case], cand: Logistic) -> tuple[list[dict[str, float]], list[int], list[int]]:
    """Answer-model rows with `cand`'s probabilities; also the index of the best candidate per case."""
    rows, best = [], []
    for c in cases:
        p = cand.prob(c.rows)
        i = candidate_order(p, c.hits, c.asks)[0] if len(p) else -1
        best.append(i)
        hit = c.hits[i] if i >= 0 else None
        rows.append(answer_features(c.asks, hit, c.rows[i] if i >= 0 else {}, float(p[i]) if i >= 0 else 0.0,
                                    c.hits, c.stats, c.lang))
    return rows, [int(c.answerable) for c in cases], best


def cross_validate(cases: list[Case], l2: float = 1.0, answer_features_used: tuple[str, ...] = ANSWER_FEATURES,
                   cand_features_used: tuple[str, ...] = CANDIDATE_MODEL_FEATURES, by_set: bool = False,
                   cand_l2: float | None = None, train_on: set[str] | None = None,
                   objective: str | None = None) -> dict[str, Any]:
    """Out-of-fold P(answerable) and best candidate per case (questions naming an unindexed document get
    probability 0, as the decision refuses them whatever the model says); `by_set`: leave one set out. With
    `train_on` (question set names, `Case.source`), every fold trains only on those sets: a set outside them is
    predicted by a model of the training sets alone, as the shipped model predicts it."""
    folds = folds_of(cases, by_set=by_set)
    probs = np.zeros(len(cases))
    best = [-1] * len(cases)
    cand_probs: list[np.ndarray] = [np.zeros(0)] * len(cases)
    blocked = np.zeros(len(cases), dtype=bool)
    cl2 = l2 if cand_l2 is None else cand_l2
    for f in range(max(folds) + 1):
        train = [c for c, k in zip(cases, folds) if k != f and (train_on is None or c.source in train_on)]
        test_idx = [i for i, k in enumerate(folds) if k == f]
        cand = _fit_cand(train, cl2, cand_features_used, objective)
        # cross-fitted candidate probabilities inside the training folds for the answer model
        inner = folds_of(train, 4)
        tr_rows: list[dict[str, float]] = [{}] * len(train)
        for g in range(4):
            sub = [c for c, k in zip(train, inner) if k != g]
            cm = _fit_cand(sub, cl2, cand_features_used, objective)
            held = [i for i, k in enumerate(inner) if k == g]
            rows, _, _ = answer_rows([train[i] for i in held], cm)
            for i, row in zip(held, rows):
                tr_rows[i] = row
        ans = Logistic.fit(tr_rows, [int(c.answerable) for c in train], answer_features_used, l2=l2)
        rows, _, b = answer_rows([cases[i] for i in test_idx], cand)
        p = ans.prob(rows)
        for j, i in enumerate(test_idx):
            probs[i] = p[j]
            best[i] = b[j]
            cand_probs[i] = cand.prob(cases[i].rows)
            blocked[i] = bool(rows[j]["doc_unknown"] or rows[j]["out_of_scope"])
    return {"probs": np.where(blocked, 0.0, probs), "best": best, "cand_probs": cand_probs}


def dump_cases(path: Path, cases: list[Case], cv: dict[str, Any], train_on: set[str]) -> None:
    """One JSON line per case: its cross-validated P(answerable) and whether its best candidate is a gold clause."""
    with path.open("w", encoding="utf-8") as fh:
        for c, p, b in zip(cases, cv["probs"], cv["best"]):
            fh.write(json.dumps({"set": c.source, "index": c.index, "id": c.qid, "lang": c.lang,
                                 "answerable": c.answerable, "trained": c.source in train_on,
                                 "p": round(float(p), 5), "named": c.named,
                                 "right_first": bool(c.answerable and b >= 0 and c.labels[b])},
                                ensure_ascii=False) + "\n")


def _subset(cv: dict[str, Any], idx: list[int]) -> dict[str, Any]:
    """The cross-validated predictions of the cases at `idx` (of `scored_only`'s output)."""
    return {"probs": cv["probs"][idx], "best": [cv["best"][i] for i in idx],
            "cand_probs": [cv["cand_probs"][i] for i in idx]}


#: How the candidate model is fitted: `pointwise` (each candidate row on its own: is it gold?) or `pairwise`
#: (the gold vs each other candidate of the same question, `fit_pairwise`).
CANDIDATE_OBJECTIVE = "pointwise"
OBJECTIVES = ("pointwise", "pairwise")


#: The candidate model's English weights (`…@en`, `fit_english_residual`) also train on the `augmented` English
#: cases (searched with part of the glossary dropped): there English words the glossary does not know must be
#: matched by other evidence (`en_cov`), as in new questions (session 10). The shared weights never do.
CANDIDATE_AUGMENTED = True


def _fit_cand(cases: list[Case], l2: float, feats: tuple[str, ...], objective: str | None = None,
              augmented: bool | None = None) -> Logistic:
    """The candidate model (which clause answers), on the answerable cases that are not `augmented`; its English
    weights, when `feats` has any, on the augmented English cases too (when `augmented`, default
    `CANDIDATE_AUGMENTED`)."""
    with_augmented = CANDIDATE_AUGMENTED if augmented is None else augmented
    plain = [c for c in cases if c.answerable and not c.augmented]
    if (objective or CANDIDATE_OBJECTIVE) == "pairwise":
        return fit_pairwise([c.rows for c in plain], [c.labels for c in plain], feats, l2)
    if any(f.endswith("@en") for f in feats):
        return fit_english_residual([c for c in cases if c.answerable and (with_augmented or not c.augmented)],
                                    l2, feats)
    return Logistic.fit([r for c in plain for r in c.rows], [y for c in plain for y in c.labels], feats, l2=l2)


#: The English correction's L2 penalty as a multiple of the shared weights' (`fit_english_residual`).
ENGLISH_L2_FACTOR = 1.0


def fit_english_residual(cases: list[Case], l2: float, feats: tuple[str, ...]) -> Logistic:
    """The shared weights (`feats` without `@en`) fitted on the cases that are not `augmented`, as without English
    weights, then the English weights (`…@en`) on the English cases with the shared logit as a fixed offset: what
    the shared model leaves unexplained for English. Chinese candidates get exactly the shared model's
    probabilities; English ones the shared logit plus the (L2-shrunk) English correction. One `Logistic`: the
    English part is scaled but not centred, so that its features, 0 for Chinese, add nothing there."""
    shared = tuple(f for f in feats if not f.endswith("@en"))
    english = tuple(f for f in feats if f.endswith("@en"))
    plain = [c for c in cases if not c.augmented]
    base = Logistic.fit([r for c in plain for r in c.rows], [y for c in plain for y in c.labels], shared, l2=l2)
    en_cases = [c for c in cases if c.lang == "en"]
    rows = [r for c in en_cases for r in c.rows]
    if not rows or "en" not in shared:
        return Logistic(feats, np.concatenate([base.coef, np.zeros(len(english))]), base.intercept,
                        np.concatenate([base.mean, np.zeros(len(english))]),
                        np.concatenate([base.scale, np.ones(len(english))]))
    p = base.prob(rows)
    offset = np.log(np.clip(p, 1e-12, 1.0)) - np.log(np.clip(1.0 - p, 1e-12, 1.0))
    res = Logistic.fit(rows, [y for c in en_cases for y in c.labels], english, l2=l2 * ENGLISH_L2_FACTOR,
                       offset=offset)
    # res logit = b + Σ c·(x − m)/s = (b − Σ c·m/s) + Σ c·x/s: uncentred, with its constant carried by `en`
    const = res.intercept - float(np.sum(res.coef * res.mean / res.scale))
    coef = np.concatenate([base.coef, res.coef])
    i = shared.index("en")
    coef[i] += const * base.scale[i]            # c·(en − m)/s + c·m/s = c·en/s: `const` for English, 0 for Chinese
    intercept = base.intercept + const * base.mean[i]
    return Logistic(feats, coef, intercept, np.concatenate([base.mean, np.zeros(len(english))]),
                    np.concatenate([base.scale, res.scale]))


def fit_pairwise(rows: list[list[dict[str, float]]], labels: list[list[int]], feats: tuple[str, ...],
                 l2: float = 1.0) -> Logistic:
    """A candidate model fitted on what the decision uses it for: ordering one question's candidates.

    Each question with a gold and a non-gold candidate gives pairs (gold − other, 1) and (other − gold, 0) of
    standardised features, weighted so that every question counts once; a logistic regression on these differences
    gives the ranking weights (pairwise logistic loss, RankNet with a linear scorer). A one-feature logistic
    regression of the labels on that score (Platt scaling) then turns it into P(this clause answers) for the
    answer model and the citation rule. The result is an ordinary `Logistic` (weights × Platt slope): serving and
    the model file are unchanged; only the order of the candidates and the probabilities differ."""
    flat = [r for q in rows for r in q]
    x = np.array([[r[f] for f in feats] for r in flat], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    diffs: list[np.ndarray] = []
    weights: list[float] = []
    for q_rows, q_labels in zip(rows, labels):
        if not q_rows:
            continue
        z = (np.array([[r[f] for f in feats] for r in q_rows], dtype=float) - mean) / scale
        gold = [i for i, y in enumerate(q_labels) if y]
        other = [i for i, y in enumerate(q_labels) if not y]
        if not gold or not other:
            continue
        w = 1.0 / (len(gold) * len(other))
        for g in gold:
            for o in other:
                diffs.append(z[g] - z[o])
                weights.append(w)
    if not diffs:
        return Logistic.fit(flat, [y for q in labels for y in q], feats, l2=l2)
    d = np.array(diffs)
    pair_rows = [dict(zip(feats, v)) for v in np.vstack([d, -d])]
    pairs = Logistic.fit(pair_rows, [1] * len(d) + [0] * len(d), feats, l2=l2, weights=weights + weights)
    w_z = pairs.coef / pairs.scale                      # weights on the standardised features (intercept ≈ 0)
    score = ((x - mean) / scale) @ w_z
    platt = Logistic.fit([{"s": float(v)} for v in score], [y for q in labels for y in q], ("s",), l2=0.0)
    slope = float(platt.coef[0] / platt.scale[0])
    return Logistic(feats, w_z * slope, float(platt.intercept - platt.coef[0] * platt.mean[0] / platt.scale[0]),
                    mean, scale)


#: (ratio, floor) pairs tried for citing further clauses beside the best one (`DecisionModel.cite_ratio/cite_min`)
CITE_GRID = tuple((r, m) for r in (0.5, 0.4, 0.3, 0.25, 0.2) for m in (0.3, 0.2, 0.15, 0.1))
#: the share of cited clauses that must be gold clauses (cross-validated) for a citation rule to be chosen; a
#: wrong extra citation misleads a help desk more than a missing second one (session 5, one set left out:
#: 0.85 chose P ≥ max(0.15, 0.2 × best), precision 0.853 / gold cited 0.941; 0.88 chooses 0.881 / 0.930)
CITE_PRECISION = 0.88


def cited_indexes(p: np.ndarray, ratio: float, floor: float, most: int = MAX_CITED) -> list[int]:
    """The candidates `retriever.decision._cited` cites for probabilities `p` (best first)."""
    order = sorted(range(len(p)), key=lambda i: (-p[i], i))
    out = order[:1]
    for i in order[1:]:
        if len(out) >= most or p[i] < max(floor, ratio * p[order[0]]):
            break
        out.append(i)
    return out


def citation_scores(cases: list[Case], cand_probs: list[np.ndarray], ratio: float, floor: float
                    ) -> tuple[float, float]:
    """(mean share of cited clauses that are gold, mean share of gold clauses cited) over answerable cases."""
    prec, rec = [], []
    for c, p in zip(cases, cand_probs):
        if c.answerable and len(p) and sum(c.labels):
            cited = cited_indexes(p, ratio, floor)
            hits = sum(c.labels[j] for j in cited)
            prec.append(hits / len(cited))
            rec.append(hits / sum(c.labels))
    return (float(np.mean(prec)) if prec else 0.0), (float(np.mean(rec)) if rec else 0.0)


def pick_citation(cases: list[Case], cand_probs: list[np.ndarray], min_precision: float = CITE_PRECISION
                  ) -> tuple[float, float]:
    """The (ratio, floor) citing the most gold clauses while cross-validated citation precision stays at least
    `min_precision` (the most precise rule when none does; ties go to the strictest rule)."""
    scored = [(citation_scores(cases, cand_probs, r, m), (r, m)) for r, m in CITE_GRID]
    ok = [(rec, prec, rule) for (prec, rec), rule in scored if prec >= min_precision]
    if not ok:
        return max(scored, key=lambda t: t[0][0])[1]
    return max(ok, key=lambda t: (t[0], t[1]))[2]


def pick_threshold(probs: np.ndarray, answerable: np.ndarray, max_false_refusal: float) -> float:
    """The highest cut whose false-refusal rate (answerable questions below it) is within the limit."""
    pos = np.sort(probs[answerable == 1])
    if not len(pos):
        return 0.5
    allowed = int(math.floor(max_false_refusal * len(pos)))
    cut = pos[allowed]                   # `allowed` answerable questions fall below this value
    return float(max(min(cut - 1e-6, 0.95), 0.05))


def per_language_thresholds(cases: list[Case], probs: np.ndarray, max_false_refusal: float) -> dict[str, float]:
    """One cut per language, each the highest whose cross-validated false-refusal rate is within the limit."""
    out = {}
    for lang in ("zh", "en"):
        idx = [i for i, c in enumerate(cases) if c.lang == lang]
        if idx:
            out[lang] = pick_threshold(probs[idx], np.array([int(cases[i].answerable) for i in idx]),
                                       max_false_refusal)
    return out


def summarise(cases: list[Case], probs: np.ndarray, best: list[int], threshold: float | dict[str, float]
              ) -> dict[str, Any]:
    """CV figures per language; `threshold` one cut or one per language."""
    cut = threshold if isinstance(threshold, dict) else {"zh": threshold, "en": threshold}
    out: dict[str, Any] = {}
    for lang in ("zh", "en", "all"):
        idx = [i for i, c in enumerate(cases) if lang == "all" or c.lang == lang]
        ans = [i for i in idx if cases[i].answerable]
        ooc = [i for i in idx if not cases[i].answerable]
        answered = {i for i in idx if probs[i] >= cut[cases[i].lang] or cases[i].named}
        first = [i for i in ans if best[i] >= 0 and cases[i].labels[best[i]] == 1]
        out[lang] = {"n_answerable": len(ans), "n_ooc": len(ooc),
                     "ooc_refused": round(sum(i not in answered for i in ooc) / max(len(ooc), 1), 3),
                     "answerable_refused": round(sum(i not in answered for i in ans) / max(len(ans), 1), 3),
                     "right_first": round(len(first) / max(len(ans), 1), 3),
                     "gold_in_candidates": round(sum(any(cases[i].labels) for i in ans) / max(len(ans), 1), 3)}
    return out


def overruled(cases: list[Case], cv: dict[str, Any], cuts: dict[str, float], model: DecisionModel | None = None
              ) -> np.ndarray:
    """Per case, whether the decision's rules after the answer model (`retriever.decision.overrule`, and the
    unindexed-title refusal of Chinese questions) stop an answer the model gives at `cuts`, with the case's
    cross-validated candidate probabilities and the shipped model's citation rule (`model`): what `decide` does to
    the out-of-fold prediction. The rules are not trained, so the cases they stop are refused in every fold."""
    model = model or load_model()
    out = np.zeros(len(cases), dtype=bool)
    for i, c in enumerate(cases):
        cand_p = cv["cand_probs"][i]
        cut = cuts[c.lang]
        if c.named or cv["probs"][i] < cut or not len(cand_p):
            continue
        if TITLE_RULE and c.lang == "zh" and (unknown_titles(c.query, c.hits, c.stats)
                                              or (ELSEWHERE_TITLE_RULE and titles_elsewhere(c.query))):
            out[i] = True
            continue
        order = candidate_order(cand_p, c.hits, c.asks)
        ev = Evidence(c.asks, c.hits, c.rows, cand_p, order, {}, [], [], c.stats, c.xrefs)
        out[i] = overrule(c.query, ev, cited_of(ev, model), float(cv["probs"][i]), cut, [], {}, c.lang) is not None
    return out


def scored_only(cases: list[Case], cv: dict[str, Any]) -> dict[str, Any]:
    """The cross-validated predictions of the cases that are scored (not `augmented`), in order."""
    idx = [i for i, c in enumerate(cases) if not c.augmented]
    return {"probs": cv["probs"][idx], "best": [cv["best"][i] for i in idx],
            "cand_probs": [cv["cand_probs"][i] for i in idx]}


def _keep_seed(text: str) -> tuple[float, int]:
    """`0.5:1` → (0.5, 1), for `--augment`."""
    keep, _, seed = text.partition(":")
    try:
        share, number = float(keep), int(seed)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected KEEP:SEED such as 0.5:1, not {text!r}") from None
    if not 0.0 < share < 1.0:
        raise argparse.ArgumentTypeError(f"KEEP must be between 0 and 1 (exclusive), not {share}")
    return share, number


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, action="append", required=True, help="index folder (repeatable)")
    ap.add_argument("--set", type=Path, action="append",
                    help="question set to search and report (repeatable; default: eval.qrels.LABELLED_SETS)")
    ap.add_argument("--l2", type=float, default=10.0, help="L2 penalty of the answer model")
    ap.add_argument("--l2-candidate", type=float, default=3.0, help="L2 penalty of the candidate model")
    ap.add_argument("--folds", choices=("set", "question"), default="set",
                    help="cross-validation groups: leave one question set out (default) or 5 folds by question")
    ap.add_argument("--max-false-refusal", type=float, default=0.015)
    ap.add_argument("--one-threshold", action="store_true", help="one cut for both languages (default: one each)")
    ap.add_argument("--ablate", action="store_true", help="CV with each answer feature left out in turn")
    ap.add_argument("--errors", action="store_true", help="print the cross-validated mistakes")
    ap.add_argument("--by-set", action="store_true", help="print the cross-validated figures of each question set")
    ap.add_argument("--cache", type=Path, action="append",
                    help="pickle(s) of search results to reuse between runs (new results go to the first)")
    ap.add_argument("--without", action="append", default=[], choices=ANSWER_FEATURES, metavar="FEATURE",
                    help="train and cross-validate the answer model without this feature (repeatable)")
    ap.add_argument("--with", dest="extra", action="append", default=[], choices=OPTIONAL_ANSWER_FEATURES,
                    metavar="FEATURE", help="also train the answer model on this computed feature (repeatable; "
                    f"one of {', '.join(OPTIONAL_ANSWER_FEATURES)})")
    ap.add_argument("--augment", action="append", default=[], type=_keep_seed, metavar="KEEP:SEED",
                    help="also train on the English questions searched with only KEEP of the glossary's term rows "
                         "(seeded; repeatable); they are never scored")
    ap.add_argument("--train-on", type=Path, action="append", default=[], metavar="FILE",
                    help="train only on these of the --set sets (repeatable; default: all of them); the others are "
                         "predicted by the training sets' models and reported apart, at the training sets' cut")
    ap.add_argument("--dump", type=Path, help="write every scored case's cross-validated P(answerable) and whether "
                    "its first clause is right (JSONL: set, index, id, lang, answerable, trained, p, right_first)")
    ap.add_argument("--candidate-objective", choices=OBJECTIVES, default=CANDIDATE_OBJECTIVE,
                    help="fit the candidate model per row (pointwise) or on gold-vs-other pairs (pairwise)")
    ap.add_argument("--no-english-weights", action="store_true",
                    help="train the candidate model without its English weights (`CANDIDATE_MODEL_FEATURES`)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    sets = args.set or list(LABELLED_SETS)
    names = [Path(s).stem for s in sets]
    train_names = [Path(s).stem for s in args.train_on] or names
    if set(train_names) - set(names):
        ap.error(f"--train-on {', '.join(sorted(set(train_names) - set(names)))} is not among the --set sets")
    if args.folds == "set" and len(set(train_names)) < 2:
        ap.error("leaving one set out needs at least two training sets (--train-on)")
    collected = collect(args.index, sets, cache=args.cache)
    for keep_seed in args.augment:
        collected += collect(args.index, sets, cache=args.cache, augment=keep_seed)
    by_set = args.folds == "set"
    feats = tuple(f for f in ANSWER_FEATURES if f not in args.without) + tuple(dict.fromkeys(args.extra))
    obj = args.candidate_objective
    cand_feats = CANDIDATE_FEATURES if args.no_english_weights else CANDIDATE_MODEL_FEATURES
    cv_scored = scored_only(collected, cross_validate(collected, args.l2, answer_features_used=feats, by_set=by_set,
                                                  cand_l2=args.l2_candidate, train_on=set(train_names),
                                                  objective=obj, cand_features_used=cand_feats))
    scored = [c for c in collected if not c.augmented]      # from here on: what is scored
    trained = [i for i, c in enumerate(scored) if c.source in train_names]
    held_idx = [i for i, c in enumerate(scored) if c.source not in train_names]
    cases, cv = [scored[i] for i in trained], _subset(cv_scored, trained)
    held_out, cv_held = [scored[i] for i in held_idx], _subset(cv_scored, held_idx)
    if args.dump:
        dump_cases(args.dump, scored, cv_scored, set(train_names))
    all_cases = [c for c in collected if c.source in train_names]       # what the shipped model trains on
    y_all = np.array([int(c.answerable) for c in all_cases])
    y = np.array([int(c.answerable) for c in cases])
    threshold = pick_threshold(cv["probs"], y, args.max_false_refusal)
    by_lang = {} if args.one_threshold else per_language_thresholds(cases, cv["probs"], args.max_false_refusal)
    cuts: float | dict[str, float] = by_lang or threshold
    summary = summarise(cases, cv["probs"], cv["best"], cuts)
    if by_lang:
        print(f"one threshold ({threshold:.3f}): " + json.dumps(summarise(cases, cv["probs"], cv["best"], threshold)))
    scheme = "one set left out" if by_set else f"{FOLDS} folds"
    print(f"cross-validated ({scheme}, threshold {threshold:.3f}, per language "
          f"{ {k: round(v, 3) for k, v in by_lang.items()} }):")
    for lang, s in summary.items():
        print(f"  {lang:3s} {json.dumps(s)}")
    for name in dict.fromkeys(c.index for c in cases):
        idx = [i for i, c in enumerate(cases) if c.index == name]
        part = summarise([cases[i] for i in idx], cv["probs"][idx], [cv["best"][i] for i in idx], cuts)
        for lang, s in part.items():
            print(f"  [{name}] {lang:3s} {json.dumps(s)}")
    cut_of = cuts if isinstance(cuts, dict) else {"zh": cuts, "en": cuts}
    stopped = overruled(cases, cv, cut_of)
    after = np.where(stopped, 0.0, cv["probs"])       # what `decide` answers: the model, then its rules
    print(f"after the rules (`decision.overrule`; {int(stopped.sum())} model answers stopped):")
    for name in dict.fromkeys(c.index for c in cases):
        idx = [i for i, c in enumerate(cases) if c.index == name]
        part = summarise([cases[i] for i in idx], after[idx], [cv["best"][i] for i in idx], cuts)
        for lang, s in part.items():
            print(f"  [{name}] {lang:3s} {json.dumps(s)}")
    held_summary = summarise(held_out, cv_held["probs"], cv_held["best"], cuts) if held_out else {}
    if held_out:
        print(f"held out ({len({c.source for c in held_out})} sets, not trained on; training sets' models and cut):")
        for lang, s in held_summary.items():
            print(f"  {lang:3s} {json.dumps(s)}")
    if args.by_set:
        for source in names:
            part_cases, part_cv = (cases, cv) if source in train_names else (held_out, cv_held)
            idx = [i for i, c in enumerate(part_cases) if c.source == source]
            part = summarise([part_cases[i] for i in idx], part_cv["probs"][idx], [part_cv["best"][i] for i in idx],
                             cuts)
            ruled = summarise([part_cases[i] for i in idx], after[idx], [part_cv["best"][i] for i in idx], cuts) \
                if source in train_names else part
            print(f"  set {source:28s} {'train' if source in train_names else 'held '} " + " | ".join(
                f"{lang} ooc {s['ooc_refused']:.3f}/{s['n_ooc']} fr {s['answerable_refused']:.3f}/{s['n_answerable']}"
                f" first {s['right_first']:.3f} rules ooc {r['ooc_refused']:.3f} fr {r['answerable_refused']:.3f}"
                for (lang, s), r in zip(part.items(), ruled.values()) if lang != "all"))
    trade = {}
    for rate in (0.0, 0.02, 0.05, 0.10):
        t = pick_threshold(cv["probs"], y, rate)
        trade[rate] = summarise(cases, cv["probs"], cv["best"], t)["all"]["ooc_refused"]
    cite_ratio, cite_min = pick_citation(cases, cv["cand_probs"])
    prec, rec = citation_scores(cases, cv["cand_probs"], cite_ratio, cite_min)
    print(f"  citing further clauses from P ≥ max({cite_min}, {cite_ratio} × best): cross-validated citation "
          f"precision {prec:.3f}, gold clauses cited {rec:.3f}")
    print("  OOC refused at a cross-validated false-refusal rate of " +
          ", ".join(f"{r:.0%}: {v:.3f}" for r, v in trade.items()))
    if args.errors:
        for i, c in enumerate(cases):
            wrong_first = c.answerable and cv["best"][i] >= 0 and not c.labels[cv["best"][i]]
            cut = by_lang.get(c.lang, threshold)
            if (cv["probs"][i] >= cut) != c.answerable or wrong_first:
                b = cv["best"][i]
                what = "WRONG-FIRST" if (wrong_first and (cv["probs"][i] >= cut) == c.answerable) else (
                    "ANSWERED-OOC" if not c.answerable else "REFUSED")
                what = f"{what}{'+RULE' if stopped[i] else ''}"
                print(f"  {what:17s} {c.index[:8]:8s} {c.qid:8s} p={cv['probs'][i]:.2f} "
                      f"{c.hits[0].clause.doc_key[:12]} "
                      f"best={c.hits[b].clause.citation[-16:]} gold_rank={[j for j, y in enumerate(c.labels) if y]}"
                      f" kinds={c.asks.kinds} q={c.asks.concepts[:6]} unm={c.asks.unmapped[:4]}")
    if args.ablate:
        for feat in feats:
            kept = tuple(f for f in feats if f != feat)
            cv2 = scored_only(all_cases, cross_validate(all_cases, args.l2, answer_features_used=kept,
                                                        by_set=by_set, cand_l2=args.l2_candidate, objective=obj,
                                                        train_on=set(train_names), cand_features_used=cand_feats))
            t2 = pick_threshold(cv2["probs"], y, args.max_false_refusal)
            s2 = summarise(cases, cv2["probs"], cv2["best"], t2)["all"]
            print(f"  without {feat:15s} ooc_refused {s2['ooc_refused']:.3f}  answerable_refused "
                  f"{s2['answerable_refused']:.3f}  right_first {s2['right_first']:.3f}")
        for feat in cand_feats:
            kept = tuple(f for f in cand_feats if f != feat)
            cv2 = scored_only(all_cases, cross_validate(all_cases, args.l2, cand_features_used=kept,
                                                        by_set=by_set, cand_l2=args.l2_candidate, objective=obj,
                                                        train_on=set(train_names)))
            s2 = summarise(cases, cv2["probs"], cv2["best"], threshold)["all"]
            print(f"  cand without {feat:17s} right_first {s2['right_first']:.3f}")
    cand = _fit_cand(all_cases, args.l2_candidate, cand_feats, obj)
    # answer model on cross-fitted candidate probabilities, as in CV
    folds = folds_of(all_cases)
    rows: list[dict[str, float]] = [{}] * len(all_cases)
    for f in range(FOLDS):
        cm = _fit_cand([c for c, k in zip(all_cases, folds) if k != f], args.l2_candidate, cand_feats, obj)
        held = [i for i, k in enumerate(folds) if k == f]
        for i, row in zip(held, answer_rows([all_cases[i] for i in held], cm)[0]):
            rows[i] = row
    ans = Logistic.fit(rows, list(y_all), feats, l2=args.l2)
    model = DecisionModel(cand, ans, threshold, cite_ratio=cite_ratio, cite_min=cite_min, thresholds=by_lang, meta={
        "_comment": "Trained by eval/calibrate_answerability.py (logistic regressions, numpy); do not edit by hand.",
        "trained_on": [str(Path(s).name) for s in sets if Path(s).stem in train_names],
        "indexes": [str(p) for p in args.index],
        "trained_at": _dt.date.today().isoformat(), "cases": len(all_cases), "cv": summary,
        **({"held_out": {"sets": sorted({c.source for c in held_out}), **held_summary}} if held_out else {}),
        "augment": [f"{k}:{s}" for k, s in args.augment], "candidate_objective": obj})
    for name, m in (("candidate", cand), ("answer", ans)):
        print(f"{name} model coefficients (standardised):")
        for feature, weight in sorted(zip(m.features, m.coef), key=lambda t: -abs(t[1])):
            print(f"    {feature:18s} {weight:+.3f}")
    if args.write:
        MODEL_FILE.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
