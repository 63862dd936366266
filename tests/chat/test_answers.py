"""Answer cards on the sample issue with the real model: citations, verbatim quotes, normalised amounts, refusals."""
from __future__ import annotations

import pytest

from index.errors import QueryError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ask(sample_service):
    """The service's answer as the JSON the API and `gazette ask --json` give."""
    return lambda *args, **kwargs: sample_service.ask(*args, **kwargs).to_dict()


def test_chinese_question_cites_clause_with_quote_and_amount(ask):
    card = ask("支持空天信息企业建立博士后工作站，企业每招收1名全职博士后给多少资助？")
    assert card["answered"] and card["language"] == "zh"
    assert card["verdict"] == "answer" and 0 < card["confidence"] <= 1
    cited = {c["citation"]: c for c in card["citations"]}
    c = cited["渝府办发〔2024〕22号 三、（六）"]
    assert "企业每招收1名全职博士后，给予企业5万元资助" in c["quote"]
    assert c["quote"] in c["text"]                      # verbatim
    assert "5万元" in c["facts"] and "5万元" in card["answer"]


def test_english_question_gets_english_framing_and_cny(ask):
    card = ask("What funding is given for each full-time postdoctoral researcher a company recruits?")
    assert card["answered"] and card["language"] == "en"
    c = next(c for c in card["citations"] if c["label"] == "三、（六）")
    assert c["citation"] == "Yu Fu Ban Fa [2024] No. 22, Part III (6)"
    assert "to the company, per full-time postdoctoral researcher recruited: CNY 50,000 (5万元)" in " | ".join(c["facts"])
    assert "According to Yu Fu Ban Fa [2024] No. 22, Part III (6)" in card["answer"]
    assert "根据" not in card["answer"]


def test_annex_task_lead_unit_and_deadline_in_english(ask):
    card = ask("Who leads task 149 and when is it due?")
    c = card["citations"][0]
    assert c["citation"] == "Yu Fu Ban Fa [2024] No. 27, Annex, task 149"
    assert "lead unit: Chongqing Municipal Human Resources and Social Security Bureau (市人力社保局)" in c["facts"]
    assert "deadline: December 2024 (2024年12月)" in c["facts"]


def test_citations_keep_the_real_clauses_and_typed_facts(sample_service):
    card = sample_service.ask("Who leads task 149 and when is it due?")
    c = card.citations[0]
    assert c.clause is sample_service.searcher.store.by_id[c.id]         # the searched clause, not a copy
    roles = {f.role: f for f in c.facts}
    assert roles["deadline"].source == "2024年12月" and roles["lead"].fact is None
    assert card.clauses == {"1": c.clause}


@pytest.mark.parametrize("question", [
    "住房公积金缴存比例是多少？",
    "What are the visa rules for foreign experts?",      # 签证 (glossary) occurs nowhere in the sample issue
])
def test_out_of_corpus_is_refused(ask, question):
    card = ask(question)
    assert not card["answered"] and card["citations"] == [] and card["verdict"] == "refuse"
    assert ("没有找到" in card["answer"]) or ("do not contain" in card["answer"])


def test_follow_up_uses_the_conversation(ask):
    ask("对已发布的国际标准的牵头制修订企业给予多少资金支持？", session_id="t1")
    card = ask("那国家标准呢？", session_id="t1")
    assert card["citations"][0]["label"] == "三、（四）"
    assert "30万元" in card["citations"][0]["quote"]
    assert card["query"].endswith("那国家标准呢？") and card["query"] != card["question"]


def test_lang_override_and_bad_input(ask):
    card = ask("企业招收博士后有什么资助", lang="en")
    assert card["language"] == "en" and "According to" in card["answer"]
    with pytest.raises(QueryError):
        ask("   ")
    with pytest.raises(QueryError):
        ask("博士后", k=0)
    with pytest.raises(QueryError, match="lang"):
        ask("博士后", lang="fr")
