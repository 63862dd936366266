"""eval.twin_reading: pairing twins, comparing their readings and decisions, the table."""
from __future__ import annotations

import json

import pytest

from eval import twin_reading as T
from eval.qrels import Question
from retriever.evidence import read_question

pytestmark = pytest.mark.unit


def _q(qid: str, lang: str, query: str, relevant: list[str] | None = None) -> Question:
    return Question(qid, lang, query, relevant or [], [], bool(relevant))


def test_pair_key():
    assert T.pair_key("b11-zh07") == T.pair_key("b11-en07") == "b11-L07"
    assert T.pair_key("zh01") == "L01"
    assert T.pair_key("hz01") is None and T.pair_key("bb001") is None


def test_twins_pair_by_id_and_skip_sets_whose_numbers_ask_different_things():
    same = [_q("x-zh01", "zh", "罚多少", ["c1"]), _q("x-en01", "en", "What fine?", ["c1"]),
            _q("x-zh02", "zh", "杭州奖励多少"), _q("x-en02", "en", "What reward in Hangzhou?"),
            _q("x-zh03", "zh", "没有英文的")]
    pairs = T.twins(same)
    assert [(a.id, b.id) for a, b in pairs] == [("x-zh01", "x-en01"), ("x-zh02", "x-en02")]
    unrelated = [_q("zh01", "zh", "罚多少", ["c1"]), _q("en01", "en", "Who leads?", ["c9"]),
                 _q("zh02", "zh", "补贴多少", ["c2"]), _q("en02", "en", "When?", ["c8"])]
    assert T.twins(unrelated) == []


def test_compare_readings_names_the_fields_that_differ():
    zh = _q("a-zh01", "zh", "四川省的失业保险金每个月发多少钱？")
    en = _q("a-en01", "en", "Which agency runs unemployment insurance in Chengdu?")
    diff = T.compare_readings(zh, en, read_question(zh.query, "zh"), read_question(en.query, "en"))
    assert diff["kinds"] == (("amount",), ("agency",))
    assert diff["places"] == (("四川",), ("成都",))
    assert diff["unit"] == (("元",), ())
    assert "span" not in diff and "years" not in diff


def test_twins_that_read_alike_have_no_reading_disagreement():
    zh = _q("a-zh02", "zh", "企业年度报告每年最晚什么时候要报送？")
    en = _q("a-en02", "en", "When is the annual deadline for filing a company's annual report?")
    diff = T.compare_readings(zh, en, read_question(zh.query, "zh"), read_question(en.query, "en"))
    assert not {"kinds", "unit", "span", "places", "years", "figure", "fee"} & set(diff)


def test_compare_outcomes():
    a = {"verdict": "answer", "confidence": 0.9, "first": "c1", "right_first": True, "rule": "",
         "row": {"place_mismatch": 0.0, "unit_given": 1.0, "cand_p": 0.8}}
    b = {"verdict": "refuse", "confidence": 0.2, "first": None, "right_first": False, "rule": "",
         "row": {"place_mismatch": 0.0, "unit_given": 0.0, "cand_p": 0.3}}
    diff = T.compare_outcomes(a, b)
    assert set(diff) == {"verdict", "answered", "confidence", "first_cited", "right_first", "feat:unit_given",
                         "feat:cand_p"}
    assert T.compare_outcomes(a, dict(a)) == {}


def test_table_counts_pairs_by_field():
    records = [{"en": "x-en01", "answerable": True, "diff": {"kinds": (["amount"], []), "unit": ((), ("元",))}},
               {"en": "x-en02", "answerable": False, "diff": {"kinds": (["date"], [])}},
               {"en": "x-en03", "answerable": True, "diff": {}}]
    text = T.table(records)
    assert "3 twin pairs (2 answerable)" in text
    assert "| kinds | 2 | 1 | 1 | x-en01, x-en02 |" in text
    assert "| unit | 1 | 1 | 0 | x-en01 |" in text


def test_main_reads_a_set_and_writes_records(tmp_path, capsys):
    path = tmp_path / "questions_t.jsonl"
    rows = [{"id": "t-zh01", "lang": "zh", "query": "失业保险金每月发多少钱？", "relevant": ["c1"],
             "relevant_labels": [], "answerable": True, "expected_facts": [], "category": "amount"},
            {"id": "t-en01", "lang": "en", "query": "How many days does the review take?", "relevant": ["c1"],
             "relevant_labels": [], "answerable": True, "expected_facts": [], "category": "date"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert T.main(["--set", str(path), "--out", str(out), "-q", "--show", "kinds"]) == 0
    printed = capsys.readouterr().out
    assert "1 twin pairs" in printed and "| kinds | 1 |" in printed and "t-en01: zh=" in printed
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["zh"] == "t-zh01" and "kinds" in record["diff"]


def test_main_rejects_a_missing_set(tmp_path, capsys):
    assert T.main(["--set", str(tmp_path / "nope.jsonl"), "-q"]) == 2
    assert "question set not found" in capsys.readouterr().err
