"""`eval.decision_eval` on the sample index: per-set summary, and every question's verdict in rows.jsonl."""
from __future__ import annotations

import json

import pytest

from eval.decision_eval import run

pytestmark = pytest.mark.integration


def test_rows_hold_every_questions_verdict_to_compare_runs(sample_index, tmp_path):
    qs = tmp_path / "questions_tiny.jsonl"
    qs.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "t1", "lang": "zh", "query": "空天信息企业上市奖补最高给多少钱？", "relevant": ["c-f5087637e732"],
         "relevant_labels": ["渝府办发〔2024〕22号 三、（七）"], "answerable": True, "expected_facts": ["800万元"],
         "category": "amount"},
        {"id": "t2", "lang": "zh", "query": "空天信息企业上市奖补每个阶段各给多少钱？", "relevant": [], "relevant_labels": [],
         "answerable": False, "expected_facts": [], "category": "ooc"}]) + "\n", encoding="utf-8")
    report = run([sample_index], [qs], tmp_path / "out", progress=False)
    rows = [json.loads(line) for line in (tmp_path / "out" / "rows.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["set"], r["index"]) for r in rows] == [("t1", "questions_tiny", sample_index.name),
                                                               ("t2", "questions_tiny", sample_index.name)]
    assert rows[0]["verdict"] == "answer" and rows[0]["right_first"] == 1.0 and rows[0]["fact_presence"] == 1.0
    assert rows[1]["verdict"] == "partial" and not rows[1]["answered"]
    summary = report["results"][sample_index.name]["questions_tiny"]["summary"]["zh"]
    assert summary["ooc_refused"] == 1.0 and summary["false_refusal_rate"] == 0.0


@pytest.mark.unit
def test_the_report_names_the_training_sets_and_the_rest():
    from eval.decision_eval import markdown

    summary = {"zh": {"n_answerable": 1, "n_ooc": 1}}
    report = {"trained_on": ["questions.jsonl", "questions_blind8.jsonl"], "results": {"index": {
        "questions": {"summary": summary}, "questions_blind8": {"summary": summary},
        "questions_blind9": {"summary": summary}}}}
    text = markdown(report)
    assert "Model trained on questions.jsonl, questions_blind8.jsonl" in text
    assert "Not trained on: questions_blind9." in text
    assert "| index | questions_blind8 (*train*) | zh |" in text and "| index | questions_blind9 | zh |" in text
