"""Retrieval misses vs ranking misses of the candidate stage (unit tests on hand-made clauses and hits)."""
from __future__ import annotations

import numpy as np
import pytest

from eval.candidate_misses import Miss, classify, contributions, counts, table
from retriever.decision import CANDIDATE_FEATURES, Logistic
from tests.retriever.test_decision import clause, hits

pytestmark = pytest.mark.unit

FINE = clause("fine", "第四十条 违反本条例第十条规定的，处一千元以上五千元以下罚款。", label="第四十条")
DUTY = clause("duty", "第十条 经营者应当在显著位置张贴禁烟标识。", label="第十条")
ELSE = clause("else", "第五条 市民政部门负责全市最低生活保障的综合管理。", doc="《重庆市城乡居民最低生活保障条例》", label="第五条")


def _cov_model() -> Logistic:
    """Candidates ordered by `cov` alone (weight 2 per standard deviation, scale 0.5)."""
    n = len(CANDIDATE_FEATURES)
    return Logistic(CANDIDATE_FEATURES, np.array([2.0 if f == "cov" else 0.0 for f in CANDIDATE_FEATURES]), 0.0,
                    np.zeros(n), np.array([0.5 if f == "cov" else 1.0 for f in CANDIDATE_FEATURES]))


def _rows(covs: list[float]) -> list[dict[str, float]]:
    return [{f: (c if f == "cov" else 0.0) for f in CANDIDATE_FEATURES} for c in covs]


def test_a_gold_among_the_candidates_placed_second_is_a_ranking_miss_with_the_feature_that_beat_it():
    hs, rows = hits(DUTY, FINE, ELSE), _rows([0.9, 0.4, 0.1])
    model = _cov_model()
    p = model.prob(rows)
    order = sorted(range(3), key=lambda i: -p[i])
    got = classify(hs, rows, p, order, {"fine"}, model)
    assert got["kind"] == "RANK" and got["gold_rank"] == 2 and got["gold_order"] == 2
    assert got["same_doc"] and got["p_first"] > got["p_gold"]
    assert got["against"][0][0] == "cov" and got["against"][0][1] == pytest.approx(2.0 * 0.5 / 0.5)


def test_gold_first_is_ok_and_gold_outside_the_candidates_is_a_retrieval_miss():
    hs, rows = hits(FINE, DUTY), _rows([0.9, 0.4])
    model = _cov_model()
    p = model.prob(rows)
    assert classify(hs, rows, p, [0, 1], {"fine"}, model)["kind"] == "OK"
    assert classify(hs, rows, p, [0, 1], {"not-retrieved"}, model) == {"kind": "RETR"}
    assert classify([], [], np.zeros(0), [], {"fine"}, model) == {"kind": "RETR"}


def test_contributions_are_signed_weight_times_standardised_difference():
    model = _cov_model()
    win, gold = _rows([0.2])[0], _rows([0.7])[0]
    first = contributions(model, win, gold)[-1]
    assert first == ("cov", pytest.approx(-2.0))      # the gold covers more: favours the gold, listed last


def test_table_and_counts_split_misses_per_set_and_language():
    misses = [Miss("index", "blind8", "b8-en01", "en", "RANK", 3, 2, 0.1, 0.6, True, "第十条", "第四十条",
                   against=[("cov", 1.5)]),
              Miss("index", "blind8", "b8-en02", "en", "RETR", deep_rank=22),
              Miss("index", "blind8", "b8-en03", "en", "RETR"),
              Miss("index", "blind8", "b8-zh01", "zh", "OK", 1, 1)]
    text = table(misses, deep=50)
    assert "| b8-en01 | RANK | 3 | 2 | 0.100 | 0.600 | yes | 第十条 | 第四十条 | cov +1.50 |" in text
    assert "| b8-en02 | RETR | deep 22 |" in text and "| b8-en03 | RETR | > 50 |" in text and "b8-zh01" not in text
    summary = counts(misses, deep=50)
    assert "| index | blind8 | en | 3 | 0 | 1 | 2 | 1 |" in summary
    assert "| index | ALL | zh | 1 | 1 | 0 | 0 | 0 |" in summary
