"""The candidate model's English weights (`cov@en`, `by_language`): unit tests on hand-made clauses and hits."""
from __future__ import annotations

import numpy as np
import pytest

from retriever.decision import (
    ANSWER_FEATURES,
    CANDIDATE_FEATURES,
    CANDIDATE_MODEL_FEATURES,
    DecisionModel,
    Logistic,
    by_language,
    candidate_features,
    decide,
)
from retriever.evidence import CorpusStats, read_question
from tests.retriever.test_decision import Store, clause, hits

pytestmark = pytest.mark.unit

# two articles of one regulation: the duty (more of the question's concepts) and the hotel's fine (its words)
DUTY = clause("duty", "第九条 参与赌博，赌注或者一次输赢金额较大的，由公安机关处五百元以下罚款。", label="第九条",
              doc="《重庆市查禁赌博条例》")
HOTEL = clause("hotel", "第十条 旅馆业对发生在本单位的聚众赌博活动放任不管的，由公安机关处三千元以上三万元以下罚款。",
               label="第十条", doc="《重庆市查禁赌博条例》")
STORE = Store([DUTY, HOTEL])


def _model(score: float, score_en: float) -> DecisionModel:
    """Candidates scored by retrieval score, with an English weight of its own; answers whatever the evidence."""
    w = {"score_rel": score, "score_rel@en": score_en}
    n = len(CANDIDATE_MODEL_FEATURES)
    cand = Logistic(CANDIDATE_MODEL_FEATURES, np.array([w.get(f, 0.0) for f in CANDIDATE_MODEL_FEATURES]), 0.0,
                    np.zeros(n), np.ones(n))
    ans = Logistic(ANSWER_FEATURES, np.zeros(len(ANSWER_FEATURES)), 5.0, np.zeros(len(ANSWER_FEATURES)),
                   np.ones(len(ANSWER_FEATURES)))
    return DecisionModel(cand, ans, 0.5)


def test_english_copies_are_the_feature_for_english_and_zero_for_chinese():
    en = by_language({f: 0.5 for f in CANDIDATE_FEATURES} | {"en": 1.0})
    zh = by_language({f: 0.5 for f in CANDIDATE_FEATURES} | {"en": 0.0})
    assert set(CANDIDATE_MODEL_FEATURES) <= set(en) and set(CANDIDATE_MODEL_FEATURES) <= set(zh)
    assert en["cov@en"] == 0.5 and zh["cov@en"] == 0.0 and "en@en" not in en
    assert all(zh[f] == en[f] for f in CANDIDATE_FEATURES if f != "en")       # the shared features are untouched


def test_candidate_rows_carry_the_english_copies():
    stats = CorpusStats(STORE.clauses)
    for question, lang in (("旅馆里有人聚众赌博，旅馆会被罚多少", "zh"), ("How much is a hotel fined for gambling?", "en")):
        rows = candidate_features(read_question(question, lang), hits(DUTY, HOTEL), stats, lang)
        for r in rows:
            assert set(CANDIDATE_MODEL_FEATURES) <= set(r)
            assert r["cov@en"] == (r["cov"] if lang == "en" else 0.0)


def test_english_weights_reorder_english_candidates_only():
    shared, english = _model(score=2.0, score_en=0.0), _model(score=2.0, score_en=-4.0)
    en_q, zh_q = "How much can a hotel be fined for a gambling party?", "旅馆放任聚众赌博罚多少"

    def first(question: str, lang: str, model: DecisionModel) -> str:
        return decide(question, lang, hits(DUTY, HOTEL), STORE, model=model).cited[0].clause.id

    assert first(en_q, "en", shared) == "duty"          # retrieval's first, by the shared weight
    assert first(en_q, "en", english) == "hotel"        # the English weight outweighs it for English only
    # a Chinese question is not reordered by the English weights
    assert first(zh_q, "zh", shared) == first(zh_q, "zh", english) == "duty"
