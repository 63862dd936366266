"""eval.answer_identity (are two dumps of answers the same?) and eval.bench_answer's table."""
from __future__ import annotations

import pytest

from eval.answer_identity import answer_row, differences, training_questions
from eval.bench_answer import STAGES, Timings, load_average, table

pytestmark = pytest.mark.unit


def card(verdict: str, cited: list[str], confidence: float, answer: str, ms: float) -> dict:
    return {"verdict": verdict, "confidence": confidence, "answer": answer, "elapsed_ms": ms,
            "citations": [{"id": c} for c in cited]}


def test_answers_differ_by_field_and_timing_is_ignored():
    before = [answer_row("a", card("answer", ["c1"], 0.9, "5万元", 40.0)),
              answer_row("b", card("refuse", [], 0.1, "not in these documents", 41.0)),
              answer_row("gone", card("answer", ["c2"], 0.8, "x", 1.0))]
    after = [answer_row("a", card("answer", ["c1"], 0.9, "5万元", 99.0)),        # only slower: the same
             answer_row("b", card("partial", ["c3"], 0.1, "closest measure", 41.0)),
             answer_row("new", card("answer", ["c2"], 0.8, "x", 1.0))]
    diff = differences(before, after)
    assert diff == {"verdict": ["b"], "citations": ["b"], "confidence": [], "card": ["b"],
                    "missing": ["gone", "new"]}


def test_the_training_sets_only():
    keys = [k for k, _ in training_questions()]
    assert keys and not any(k.startswith(("questions_blind", "questions_holdout", "questions_decision_holdout"))
                            for k in keys)


def test_the_latency_table_has_stages_and_cpu_per_language():
    t = {"zh": Timings([10.0, 30.0], [9.0, 11.0], {s: [1.0, 3.0] for s in STAGES}), "en": Timings()}
    text = table(t)
    assert "retrieve p50" in text and "CPU p50 ms" in text
    assert "| zh | 2 | 20.0 |" in text and "| all | 2 | 20.0 |" in text and "| en |" not in text
    assert load_average().replace(".", "").isdigit()
