"""Answer cards driven by a decision: cited order, partial wording, the reconciled lead-unit/deadline line."""
from __future__ import annotations

import pytest

from chat.compose import compose_answer, reconcile
from index.clause import Clause
from index.facts import extract_facts
from retriever.decision import Decision
from retriever.glossary import Glossary
from retriever.search import Hit

pytestmark = pytest.mark.unit


def task(cid: str, n: int, text: str, units: list[str], deadline: str | None = "2024-12") -> Clause:
    return Clause(id=cid, doc_key="渝府办发〔2024〕27号", doc_number="渝府办发〔2024〕27号", doc_title="行动方案",
                  kind="annex_task", label=f"附件 第{n}项", label_en=f"Annex, task {n}", path=[], text=text,
                  number=n, lead_units=units, deadline=deadline, facts=extract_facts(text))


A = task("a", 36, "支持综合保税区建设机场前置货站。", ["市政府口岸物流办"])
B = task("b", 37, "完善跨境电商出口货物拼箱作业模式。", ["重庆海关"], "2024-09")
C = task("c", 38, "支持建设布局海外仓。", ["市商务委", "市政府口岸物流办"])


def hit(c: Clause, rank: int) -> Hit:
    return Hit(c, 1.0 / rank, 0.8, 1.0, rank)


def test_reconcile_lists_each_value_once_with_its_citations_best_first():
    assert reconcile([A, B, C], "zh", ["agency"]) == "牵头单位：市政府口岸物流办（[1][3]）；重庆海关（[2]）；市商务委（[3]）"
    assert reconcile([B, A], "zh", ["date"]) == "完成时间：2024年9月（[1]）；2024年12月（[2]）"
    assert reconcile([B, A], "en", ["date"]).startswith("Deadline: September 2024 (2024年9月) [1]")
    assert reconcile([A], "zh", ["amount"]) == ""


def test_decision_order_is_the_citation_order():
    hits = [hit(A, 1), hit(B, 2), hit(C, 3)]
    d = Decision("answer", 0.9, cited=[hits[1], hits[0]], asks=["agency"])
    card = compose_answer("跨境电商出口由哪个部门牵头", "zh", hits, True, decision=d).to_dict()
    assert [c["id"] for c in card["citations"]] == ["b", "a"]
    assert card["answer"].splitlines()[0] == "牵头单位：重庆海关（[1]）；市政府口岸物流办（[2]）"


def test_partial_names_what_is_missing_and_quotes_the_closest_clause():
    hits = [hit(C, 1), hit(A, 2)]
    d = Decision("partial", 0.2, cited=[hits[0]], missing=["贴息"], asks=[])
    card = compose_answer("海外仓建设有贴息吗", "zh", hits, False, decision=d).to_dict()
    assert not card["answered"] and card["citations"] == []
    assert card["answer"].startswith("这些文件中没有关于“贴息”的规定；最接近的条款是渝府办发〔2024〕27号 附件 第38项")
    assert "支持建设布局海外仓。" in card["answer"] and card["related"][0]["id"] == "c"
    en = compose_answer("Is there an interest subsidy for overseas warehouses?", "en", hits, False,
                        decision=Decision("partial", 0.2, cited=[hits[0]], missing=["interest"])).to_dict()
    assert en["answer"].startswith('These documents set nothing on "interest"; the closest measure is')
    refused = compose_answer("?", "zh", hits, False, decision=Decision("refuse", 0.1)).to_dict()
    assert refused["answer"].startswith("这些文件中没有找到") and refused["citations"] == []


def test_partial_for_a_figure_the_documents_do_not_state_says_so():
    hits = [hit(C, 1)]
    d = Decision("partial", 0.2, cited=[hits[0]], asks=["amount"], unstated=["amount"])
    zh = compose_answer("海外仓建设补贴多少钱", "zh", hits, False, decision=d).to_dict()
    assert zh["answer"].startswith("这些文件没有给出所问的具体金额；最接近的条款是渝府办发〔2024〕27号 附件 第38项")
    assert "支持建设布局海外仓。" in zh["answer"] and not zh["answered"]
    en = compose_answer("What is the rent-relief share for overseas warehouses?", "en", hits, False,
                        decision=Decision("partial", 0.2, cited=[hits[0]], unstated=["percent"])).to_dict()
    assert en["answer"].startswith("These documents do not state the percentage asked for; the closest measure is")


def test_english_partial_glosses_the_quote_and_names_a_regulation_once():
    reg = Clause(id="r", doc_key="reg", doc_number="", doc_title="重庆市优化营商环境条例", kind="article",
                 label="第二十二条", label_en="Article 22", path=[], text="第二十二条 本市鼓励和促进外商投资。",
                 doc_title_en="Regulations of Chongqing Municipality on Optimizing the Business Environment")
    hits = [hit(reg, 1)]
    card = compose_answer("Is there a subsidy for regional headquarters?", "en", hits, False, glossary=Glossary.load(),
                          decision=Decision("partial", 0.2, cited=[hits[0]], missing=["headquarters"])).to_dict()
    lines = card["answer"].splitlines()
    assert lines[0].count("Optimizing the Business Environment") == 1, lines[0]
    assert lines[2].startswith("Gloss (word by word, not a translation): ") and "foreign" in lines[2].lower()
    zh = compose_answer("有总部补贴吗", "zh", hits, False,
                        decision=Decision("partial", 0.2, cited=[hits[0]], missing=["总部"])).to_dict()
    assert zh["answer"].splitlines()[0].count("优化营商环境条例") == 1
