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


FUND = Clause(id="f", doc_key="渝府办发〔2024〕22号", doc_number="渝府办发〔2024〕22号", doc_title="行动计划", kind="measure",
              label="三、（七）", label_en="Part III (7)", path=[],
              text="组建卫星互联网产业基金。根据上市进程分四个阶段给予单户最高800万元奖补。",
              facts=extract_facts("根据上市进程分四个阶段给予单户最高800万元奖补。"))
POWER = Clause(id="p", doc_key="reg", doc_number="", doc_title="重庆市优化营商环境条例", kind="article", label="第三十二条",
               label_en="Article 32", path=[], text="第三十二条 市场主体申请接入低压供电的，供电企业接电时间不得超过八个工作日。")


def test_partial_for_a_figure_of_another_thing_names_the_subject_and_what_the_clause_states():
    hits = [hit(FUND, 1)]
    d = Decision("partial", 0.2, cited=[hits[0]], asks=["number"], unstated=["number"], subject="卫星互联网产业基金")
    zh = compose_answer("卫星互联网产业基金的规模有多大", "zh", hits, False, decision=d).to_dict()
    lines = zh["answer"].splitlines()
    assert lines[0].startswith("这些文件没有给出“卫星互联网产业基金”的具体数字；最接近的条款是渝府办发〔2024〕22号 三、（七）")
    assert "组建卫星互联网产业基金。" in lines[1] and lines[-1] == "该条款给出的是：最高800万元"
    en = compose_answer("How big is the satellite internet industry fund?", "en", hits, False, decision=d).to_dict()
    assert en["answer"].startswith('These documents do not state the figure of "卫星互联网产业基金"; the closest measure')
    assert en["answer"].splitlines()[-1].startswith("What this clause does state: ")


def test_partial_for_a_figure_per_unit_and_for_a_contrasting_case():
    hits = [hit(FUND, 1)]
    per = Decision("partial", 0.2, cited=[hits[0]], asks=["amount"], unstated=["amount"], per=["阶段"])
    assert compose_answer("每个阶段分别给多少钱", "zh", hits, False, decision=per).to_dict()["answer"].startswith(
        "这些文件没有给出每阶段的具体金额；最接近的条款是")
    assert compose_answer("How much at each stage?", "en", hits, False, decision=per).to_dict()["answer"].startswith(
        "These documents do not state the amount per stage (阶段) asked for; the closest measure is")
    hits = [hit(POWER, 1)]
    vs = Decision("partial", 0.2, cited=[hits[0]], asks=["date"], contrast=[("高压", "低压")])
    zh = compose_answer("高压供电多少个工作日接电", "zh", hits, False, decision=vs).to_dict()
    assert zh["answer"].startswith("这些文件只规定了“低压”的情形，没有关于“高压”的规定；最接近的条款是《重庆市优化营商环境条例》第三十二条")
    assert "申请接入低压供电的" in zh["answer"] and not zh["answered"]
    en = compose_answer("How fast for a high-voltage connection?", "en", hits, False, decision=vs).to_dict()
    assert en["answer"].startswith('These documents set this only for "低压", not for "高压"; the closest measure is')


def test_partial_for_another_years_list_names_both_years():
    hits = [hit(B, 1)]
    d = Decision("partial", 0.2, cited=[hits[0]], asks=["date"], contrast=[("2025年", "2024年度")])
    assert compose_answer("2025年度清单里拼箱作业什么时候完成", "zh", hits, False, decision=d).to_dict()["answer"].startswith(
        "这些文件只规定了“2024年度”的情形，没有关于“2025年”的规定；")
    assert compose_answer("In the 2025 list, when is it due?", "en", hits, False, decision=d).to_dict()["answer"].startswith(
        "These documents set this only for the year 2024 (2024年度), not for the year 2025 (2025年);")


def test_an_english_partial_names_the_subject_by_its_own_glossary_row():
    hits = [hit(FUND, 1)]
    d = Decision("partial", 0.2, cited=[hits[0]], asks=["amount"], unstated=["amount"], subject="卫星互联网产业基金")
    en = compose_answer("How big is the satellite internet industry fund?", "en", hits, False, glossary=Glossary.load(),
                        decision=d).to_dict()
    assert en["answer"].startswith('These documents do not state the amount of "satellite internet industry fund" '
                                   '(卫星互联网产业基金); the closest measure is')


def test_partial_for_a_time_limit_or_a_fee_the_documents_do_not_state_says_so():
    hits = [hit(C, 1)]
    d = Decision("partial", 0.2, cited=[hits[0]], asks=["date"], unstated=["date"])
    zh = compose_answer("海外仓多少天内建成", "zh", hits, False, decision=d).to_dict()
    assert zh["answer"].startswith("这些文件没有给出所问的具体期限；最接近的条款是")
    en = compose_answer("How soon must the warehouses be built?", "en", hits, False, decision=d).to_dict()
    assert en["answer"].startswith("These documents do not state the time limit asked for;")
    fee = Decision("partial", 0.2, cited=[hits[0]], asks=["amount"], unstated=["amount"], subject="收费")
    assert compose_answer("海外仓收费标准是多少", "zh", hits, False, decision=fee).to_dict()["answer"].startswith(
        "这些文件没有给出“收费”的具体金额")
