"""Training the answer decision: thresholds per language at a false-refusal limit (unit tests on hand-made cases)."""
from __future__ import annotations

import numpy as np
import pytest

from eval.calibrate_answerability import (
    Case,
    _fit_cand,
    _keep_seed,
    citation_scores,
    cited_indexes,
    fit_pairwise,
    folds_of,
    per_language_thresholds,
    pick_citation,
    pick_threshold,
    scored_only,
    summarise,
)

pytestmark = pytest.mark.unit


def case(qid: str, lang: str, answerable: bool) -> Case:
    return Case(qid, lang, answerable, {"g"} if answerable else set(), [{}], [int(answerable)], None, [], None, False)


def test_each_language_gets_the_highest_cut_within_its_false_refusal_limit():
    # zh separates well (answerable ≥ 0.6, out of corpus ≤ 0.3); en overlaps (answerable down to 0.2)
    cases = ([case(f"z{i}", "zh", True) for i in range(10)] + [case(f"zo{i}", "zh", False) for i in range(10)]
             + [case(f"e{i}", "en", True) for i in range(10)] + [case(f"eo{i}", "en", False) for i in range(10)])
    probs = np.array([0.6 + i / 50 for i in range(10)] + [0.1 + i / 50 for i in range(10)]
                     + [0.2 + i / 20 for i in range(10)] + [0.1 + i / 30 for i in range(10)])
    cuts = per_language_thresholds(cases, probs, 0.0)
    assert cuts["zh"] == pytest.approx(0.6, abs=1e-3) and cuts["en"] == pytest.approx(0.2, abs=1e-3)
    one = pick_threshold(probs, np.array([int(c.answerable) for c in cases]), 0.0)
    best = [0] * len(cases)
    split, single = summarise(cases, probs, best, cuts), summarise(cases, probs, best, one)
    assert split["zh"]["answerable_refused"] == single["zh"]["answerable_refused"] == 0.0
    assert split["zh"]["ooc_refused"] == 1.0 > single["zh"]["ooc_refused"]     # zh no longer pays for en's overlap
    assert split["en"] == single["en"]


def test_citation_rule_cites_the_most_gold_clauses_within_the_precision_floor():
    # two gold clauses per question: the second at P 0.35 beside a best of 0.9; a wrong one at 0.12
    cases = [Case(f"q{i}", "zh", True, {"a", "b"}, [{}] * 3, [1, 1, 0], None, [], None, False) for i in range(5)]
    probs = [np.array([0.9, 0.35, 0.12]) for _ in cases]
    assert cited_indexes(probs[0], 0.5, 0.3) == [0]
    assert cited_indexes(probs[0], 0.3, 0.1) == [0, 1] and cited_indexes(probs[0], 0.1, 0.1) == [0, 1, 2]
    assert citation_scores(cases, probs, 0.5, 0.3) == (1.0, 0.5)
    assert pick_citation(cases, probs, min_precision=0.9) == (0.3, 0.3)   # both gold, not the wrong one; strictest tie
    prec, rec = citation_scores(cases, probs, *pick_citation(cases, probs, min_precision=0.9))
    assert prec == 1.0 and rec == 1.0


def test_leaving_one_set_out_keeps_each_set_in_one_fold_and_a_question_in_one_fold():
    cases = []
    for source, n in (("questions", 6), ("decision2", 4), ("regulations", 5)):
        for i in range(n):
            for index in ("full", "sample"):              # the same question on two indexes
                c = case(f"{source}-{i}", "zh", True)
                c.source, c.index = source, index
                cases.append(c)
    by_set = folds_of(cases, by_set=True)
    assert len(set(by_set)) == 3
    assert all(len({f for f, c in zip(by_set, cases) if c.source == s}) == 1 for s in ("questions", "regulations"))
    by_question = folds_of(cases)
    assert len(set(by_question)) == 5 and len({f for f, c in zip(by_question, cases) if c.source == "questions"}) > 1
    for folds in (by_set, by_question):
        assert all(len({f for f, c in zip(folds, cases) if c.qid == q}) == 1 for q in {c.qid for c in cases})


def test_augmented_cases_train_but_are_never_scored():
    real, extra = case("e1", "en", True), case("e1~keep0.5-seed1", "en", True)
    extra.augmented = True
    extra.rows, extra.labels = [{"score_rel": 1.0}, {"score_rel": 0.0}], [0, 1]     # would flip the candidate model
    real.rows, real.labels = [{"score_rel": 1.0}, {"score_rel": 0.0}], [1, 0]
    cv = {"probs": np.array([0.9, 0.1]), "best": [0, 1], "cand_probs": [np.array([1.0]), np.array([0.0])]}
    kept = scored_only([real, extra], cv)
    assert kept["probs"].tolist() == [0.9] and kept["best"] == [0] and len(kept["cand_probs"]) == 1
    cand = _fit_cand([real, extra, extra], 1.0, ("score_rel",), augmented=True)
    assert cand.prob(real.rows)[0] > cand.prob(real.rows)[1]        # the shared weights ignore the extra cases
    assert _keep_seed("0.5:1") == (0.5, 1)
    for bad in ("half:1", "1.5:1", "0.5"):
        with pytest.raises(Exception, match="KEEP"):
            _keep_seed(bad)


def test_train_on_keeps_the_other_sets_out_of_every_fold(monkeypatch):
    import eval.calibrate_answerability as cal

    cases = []
    for source in ("questions", "decision2", "blind8"):
        for i in range(4):
            c = case(f"{source}-{i}", "zh", i % 2 == 0)
            c.source = source
            cases.append(c)
    seen: list[set[str]] = []

    class Flat:
        def prob(self, rows):
            return np.full(len(rows), 0.5)

    def fit_cand(train, l2, feats, objective=None):
        seen.append({c.source for c in train})
        return Flat()

    def rows(batch, cand):
        out = [{"cov": float(c.answerable), "doc_unknown": 0.0, "out_of_scope": 0.0} for c in batch]
        return out, [int(c.answerable) for c in batch], [0] * len(batch)

    monkeypatch.setattr(cal, "_fit_cand", fit_cand)
    monkeypatch.setattr(cal, "answer_rows", rows)
    monkeypatch.setattr(cal.Logistic, "prob", lambda self, r: np.full(len(r), 0.5))
    monkeypatch.setattr(cal, "ANSWER_FEATURES", ("cov",))
    cv = cal.cross_validate(cases, answer_features_used=("cov",), by_set=True, train_on={"questions", "decision2"})
    assert seen and all("blind8" not in s for s in seen)            # never trained on, in any fold
    assert len(cv["probs"]) == len(cases)                            # but predicted like every other set
    cal.cross_validate(cases, answer_features_used=("cov",), by_set=True)
    assert any("blind8" in s for s in seen)


def test_train_on_must_name_sets_that_are_run(tmp_path, capsys):
    from eval.calibrate_answerability import main

    with pytest.raises(SystemExit):
        main(["--index", str(tmp_path), "--set", "a.jsonl", "--set", "b.jsonl", "--train-on", "c.jsonl"])
    assert "--train-on c is not among the --set sets" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--index", str(tmp_path), "--set", "a.jsonl", "--set", "b.jsonl", "--train-on", "a.jsonl"])
    assert "at least two training sets" in capsys.readouterr().err


def _questions(rng: np.random.Generator, n: int) -> tuple[list[list[dict[str, float]]], list[list[int]]]:
    """n questions of 6 candidates: the gold has the highest `match` by at least 1; `level` is one value per question (how easy
    the whole question is) and `noise` is noise."""
    rows, labels = [], []
    for _ in range(n):
        level = float(rng.normal())
        match = rng.normal(size=6)
        gold = int(np.argmax(match))
        match[gold] += 1.0
        rows.append([{"match": float(m), "level": level, "noise": float(rng.normal())} for m in match])
        labels.append([int(i == gold) for i in range(6)])
    return rows, labels


def test_pairwise_candidate_model_orders_within_a_question_and_stays_a_probability():
    rows, labels = _questions(np.random.default_rng(3), 60)
    model = fit_pairwise(rows, labels, ("match", "level", "noise"), l2=1.0)
    weight = dict(zip(model.features, model.coef))
    assert weight["match"] > 1.0
    assert abs(weight["level"]) < 1e-6              # the same for every candidate of a question: orders nothing
    assert abs(weight["noise"]) < 0.3 * weight["match"]
    firsts = [int(np.argmax(model.prob(r))) == y.index(1) for r, y in zip(rows, labels)]
    assert all(firsts)
    p = np.concatenate([model.prob(r) for r in rows])
    assert 0.0 < p.min() and p.max() < 1.0
    assert abs(p.mean() - 1 / 6) < 0.05                    # Platt-scaled: the mean probability is the gold rate


def test_pairwise_candidate_model_is_chosen_by_objective_and_ignores_questions_without_pairs():
    rows, labels = _questions(np.random.default_rng(5), 30)
    cases = [Case(f"q{i}", "zh", True, {"g"}, r, y, None, [], None, False) for i, (r, y) in enumerate(zip(rows, labels))]
    alone = Case("solo", "zh", True, {"g"}, [{"match": -9.0, "level": 0.0, "noise": 0.0}], [1], None, [], None, False)
    pair = _fit_cand([*cases, alone], 1.0, ("match", "level"), "pairwise")
    point = _fit_cand([*cases, alone], 1.0, ("match", "level"), "pointwise")
    assert dict(zip(pair.features, pair.coef))["match"] > 0 and dict(zip(point.features, point.coef))["match"] > 0
    assert not np.allclose(pair.coef, point.coef)
    # one question, one candidate: no pair to learn from, the pointwise fit is used
    solo = fit_pairwise([alone.rows], [alone.labels], ("match",))
    assert solo.prob(alone.rows).shape == (1,)


def test_english_weights_correct_the_shared_model_for_english_and_leave_chinese_as_it_was():
    rng = np.random.default_rng(7)

    def question(qid: str, lang: str, augmented: bool = False) -> Case:
        score, words = rng.normal(size=5), rng.normal(size=5)
        gold = int(np.argmax(score if lang == "zh" else words))    # English golds follow another signal
        en = float(lang == "en")
        rows = [{"score_rel": float(a), "en_cov": float(b), "en": en, "score_rel@en": float(a) * en,
                 "en_cov@en": float(b) * en} for a, b in zip(score, words)]
        c = Case(qid, lang, True, {"g"}, rows, [int(i == gold) for i in range(5)], None, [], None, False)
        c.augmented = augmented
        return c

    cases = ([question(f"z{i}", "zh") for i in range(40)] + [question(f"e{i}", "en") for i in range(20)]
             + [question(f"a{i}", "en", augmented=True) for i in range(20)])
    feats = ("score_rel", "en_cov", "en", "score_rel@en", "en_cov@en")
    model = _fit_cand(cases, 1.0, feats)
    shared = _fit_cand(cases, 1.0, feats[:3], augmented=False)
    zh = [c for c in cases if c.lang == "zh"]
    for c in zh:                                       # Chinese: exactly the shared model's probabilities
        assert np.allclose(model.prob(c.rows), shared.prob(c.rows), atol=1e-9)
    en = [c for c in cases if c.lang == "en" and not c.augmented]
    alone = _fit_cand(cases, 1.0, feats, augmented=False)
    right = [sum(int(np.argmax(m.prob(c.rows)) == c.labels.index(1)) for c in en) for m in (shared, alone, model)]
    assert right[2] >= right[1] > right[0]             # English: the correction finds what the shared model misses
    assert not np.allclose(alone.coef, model.coef)     # … and learns from the augmented English cases too
    weights = dict(zip(model.features, model.coef))
    assert weights["en_cov@en"] > 0 > weights["score_rel@en"]


def test_overruled_marks_the_model_answers_the_rules_stop():
    """CV after the rules: a confident answer whose clause gives no figure of what was asked is stopped, its twin
    whose clause does is not, and a case the model refuses is never counted twice."""
    from eval.calibrate_answerability import overruled
    from retriever.decision import DecisionModel, Logistic
    from retriever.evidence import corpus_stats, read_question
    from tests.retriever.test_decision import hits
    from tests.retriever.test_decision_heads import QUOTA, QUOTA_AWARD, STORE

    stats = corpus_stats(STORE)
    q = "企业多安排残疾人就业的，重庆给多少奖励或补贴？"

    def one(qid: str, clause, answerable: bool) -> Case:
        hs = hits(clause)
        return Case(qid, "zh", answerable, {clause.id} if answerable else set(), [{}], [int(answerable)],
                    read_question(q, "zh"), hs, stats, False, query=q)

    cases = [one("near", QUOTA, False), one("twin", QUOTA_AWARD, True), one("low", QUOTA, False)]
    cv = {"probs": np.array([0.9, 0.9, 0.1]), "cand_probs": [np.array([0.9])] * 3, "best": [0, 0, 0]}
    model = DecisionModel(Logistic(("x",), np.zeros(1), 0.0, np.zeros(1), np.ones(1)),
                          Logistic(("x",), np.zeros(1), 0.0, np.zeros(1), np.ones(1)), 0.5)
    assert overruled(cases, cv, {"zh": 0.5, "en": 0.5}, model).tolist() == [True, False, False]
