"""eval/bench_concurrency.py: what one question embeds (the per-question limit) and the report table."""
from __future__ import annotations

import pytest

from eval.bench_concurrency import question_texts, questions, table
from retriever.query import detect_language


@pytest.mark.integration
def test_an_english_question_embeds_its_glossary_wording_too(sample_index):
    zh, en = question_texts(sample_index, ["企业招收博士后有什么资助？", "Is there money for hiring postdocs?"])
    assert zh == ["企业招收博士后有什么资助？"]
    assert len(en) == 2 and en[0] == "Is there money for hiring postdocs?" and "博士后" in en[1]


@pytest.mark.unit
def test_the_table_gives_both_limits_and_the_ratios():
    limit = {"limit_rps": 40.0, "question_limit_rps": 30.0, "texts_per_question": 1.5}
    row = {"mode": "pool", "clients": 8, "rps": 27.0, "p50_ms": 290.0, "p95_ms": 400.0, "errors": 0,
           "of_limit": 0.675, "of_question_limit": 0.9, "of_parallel_limit": 0.95, "of_one_client": 1.2, "server_cpu_ms_per_req": 70.0,
           "cpu_efficiency": 0.95, "server_cores_busy": 1.9, "rss_mb": 300.0, "load_avg": 2.0}
    text = table({"limit_rps": 40.0, "question_limit_rps": 30.0, "parallel_question_limit_rps": 28.4, "limit_before": limit, "limit_after": limit,
                  "llm": "none", "rows": [row]})
    assert "per question" in text and "30.0 req/s" in text and "1.5 texts" in text
    assert "| pool | 8 | 27.0 | 290.0 | 400.0 | 0 | 0.68 | 0.90 | 0.95 | 1.20 |" in text
    assert "every core embedding at once" in text and "28.4 req/s" in text


@pytest.mark.unit
def test_questions_of_one_language_only():
    zh, en, every = questions("zh"), questions("en"), questions("all")
    assert zh and en and set(zh) | set(en) <= set(every)
    assert all(detect_language(q) == "zh" for q in zh)
    assert not set(zh) & set(en)
