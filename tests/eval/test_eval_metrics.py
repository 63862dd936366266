"""Eval metrics on hand-made data, with exact expected values."""
from __future__ import annotations

import math
from typing import Any

import pytest

from eval import metrics as M

pytestmark = pytest.mark.unit


def test_recall_hit_mrr_on_clause_ids():
    ranked = ["a", "x", "b", "y", "c"]
    gold = ["b", "c", "z"]
    assert M.recall_at_k(ranked, gold, 1) == 0.0
    assert M.recall_at_k(ranked, gold, 3) == pytest.approx(1 / 3)
    assert M.recall_at_k(ranked, gold, 5) == pytest.approx(2 / 3)
    assert M.recall_at_k(ranked, gold, 10) == pytest.approx(2 / 3)
    assert M.hit_at_k(ranked, gold, 2) == 0.0 and M.hit_at_k(ranked, gold, 3) == 1.0
    assert M.mrr_at_k(ranked, gold, 10) == pytest.approx(1 / 3)
    assert M.mrr_at_k(ranked, gold, 2) == 0.0
    assert M.recall_at_k(ranked, [], 5) == 0.0 and M.mrr_at_k([], ["a"]) == 0.0


def test_ranked_sets_count_every_clause_a_chunk_overlaps():
    ranked = [{"p", "q"}, ["b", "c"], "d"]
    assert M.recall_at_k(ranked, ["c", "d"], 2) == 0.5
    assert M.recall_at_k(ranked, ["c", "d"], 3) == 1.0
    assert M.mrr_at_k(ranked, ["c", "d"]) == 0.5


def test_retrieval_scores_and_aggregate_per_language():
    s = M.retrieval_scores(["a", "b"], ["b"], ks=(1, 5))
    assert s == {"recall@1": 0.0, "recall@5": 1.0, "hit@1": 0.0, "hit@5": 1.0, "mrr@10": 0.5}
    rows: list[dict[str, Any]] = [{"lang": "zh", "m": 1.0}, {"lang": "zh", "m": 0.0}, {"lang": "en", "m": 0.5},
            {"lang": "en", "m": None}]
    agg = M.aggregate(rows, ["m"])
    assert list(agg) == ["en", "zh", "all"]
    assert agg["zh"] == {"n": 2, "m": 0.5}
    assert agg["en"] == {"n": 2, "m": 0.5}
    assert agg["all"]["n"] == 4 and agg["all"]["m"] == pytest.approx(0.5)


@pytest.mark.parametrize("fact, text, expected", [
    ("5万元", "给予企业5万元资助", True),
    ("CNY 50,000", "给予企业5万元资助", True),
    ("CNY 50,000", "给予每名博士后16万元日常资助", False),
    ("CNY 10 million", "给予最高1000万元奖励", True),
    ("CNY 50 billion", "形成核心产值500亿元规模", True),
    ("20%", "不超过实际支付额的20%奖励采购方", True),
    ("April 2024", "完成时间：2024年4月", True),
    ("2024年4月", "2024年12月", False),
    ("February 26, 2024", "重庆市人民政府办公厅 2024年2月26日", True),
    ("March 22, 2024", "2024年2月26日", False),
    ("市人社局 | Human Resources and Social Security", "lead: Chongqing Municipal Human Resources and Social "
                                                   "Security Bureau", True),
    ("市人社局 | Human Resources and Social Security", "牵头单位：市司法局", False),
    ("7×24小时", "实行“7×24小时”预约通关", True),
])
def test_fact_present(fact, text, expected):
    assert M.fact_present(fact, text) is expected


def test_fact_recall_and_card_text():
    card = {"answer": "企业每招收1名全职博士后，给予企业5万元资助。",
            "citations": [{"id": "c1", "doc_number": "渝府办发〔2024〕22号", "label": "三、（六）",
                           "quote": "……给予每名博士后16万元日常资助", "facts": ["CNY 500,000 (50万元)"]}]}
    text = M.card_text(card)
    assert "渝府办发〔2024〕22号" in text
    assert M.fact_recall(["5万元", "16万元", "CNY 500,000", "3亿元"], text) == 0.75
    assert M.fact_recall([], text) == 1.0


def test_citation_precision_counts_gold_or_fact_bearing_citations():
    cites: list[dict[str, Any]] = [{"id": "g", "quote": "无关"}, {"id": "x", "quote": "给予企业5万元资助"}, {"id": "y", "quote": "无关"},
             {"id": "z", "quote": "", "facts": ["CNY 50,000"]}]
    assert M.citation_precision(cites, ["g"], ["CNY 50,000"]) == 0.75
    assert M.citation_precision([], ["g"], []) is None


def test_refusal_scores():
    answerable = [True, True, True, False, False]
    answered = [True, False, True, False, True]
    s = M.refusal_scores(answerable, answered)
    assert s["refusal_precision"] == 0.5          # 2 refusals, 1 right
    assert s["refusal_recall"] == 0.5             # 2 unanswerable, 1 refused
    assert s["false_refusal_rate"] == pytest.approx(1 / 3)
    assert s["decision_accuracy"] == 0.6
    empty = M.refusal_scores([True], [True])
    assert math.isnan(empty["refusal_precision"]) and math.isnan(empty["refusal_recall"])


def test_percentiles_and_latency_summary():
    assert M.percentile([1, 2, 3, 4], 50) == 2.5
    assert M.percentile([10], 95) == 10
    assert M.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert math.isnan(M.percentile([], 50))
    s = M.latency_summary([0.001, 0.002, 0.003])
    assert s["n"] == 3 and s["p50_ms"] == pytest.approx(2.0) and s["max_ms"] == pytest.approx(3.0)


def test_floors_and_dotted_paths():
    report = {"retrieval": {"ours": {"glossary": {"en": {"recall@5": 0.7, "mrr@10": float("nan")}}}}}
    assert M.dotted_get(report, "retrieval.ours.glossary.en.recall@5") == 0.7
    assert M.dotted_get(report, "retrieval.ours.translate.en.recall@5") is None
    fails = M.below_floors(report, {"retrieval.ours.glossary.en.recall@5": 0.8,
                                    "retrieval.ours.glossary.en.mrr@10": 0.1,
                                    "retrieval.ours.both.en.recall@5": 0.1})
    assert fails == ["retrieval.ours.glossary.en.recall@5: 0.700 < floor 0.800",
                     "retrieval.ours.glossary.en.mrr@10: missing (floor 0.100)",
                     "retrieval.ours.both.en.recall@5: missing (floor 0.100)"]
    assert M.below_floors(report, {"retrieval.ours.glossary.en.recall@5": 0.7}) == []
