"""Answer cards on the sample issue with the real model: citations, verbatim quotes, normalised amounts, refusals."""
from __future__ import annotations

import pytest

from index.errors import QueryError

pytestmark = pytest.mark.integration


def test_chinese_question_cites_clause_with_quote_and_amount(sample_service):
    card = sample_service.ask("支持空天信息企业建立博士后工作站，企业每招收1名全职博士后给多少资助？")
    assert card["answered"] and card["language"] == "zh"
    cited = {c["citation"]: c for c in card["citations"]}
    c = cited["渝府办发〔2024〕22号 三、（六）"]
    assert "企业每招收1名全职博士后，给予企业5万元资助" in c["quote"]
    assert c["quote"] in c["text"]                      # verbatim
    assert "5万元" in c["facts"] and "5万元" in card["answer"]


def test_english_question_gets_english_framing_and_cny(sample_service):
    card = sample_service.ask("What funding is given for each full-time postdoctoral researcher a company recruits?")
    assert card["answered"] and card["language"] == "en"
    c = next(c for c in card["citations"] if c["label"] == "三、（六）")
    assert c["citation"] == "Yu Fu Ban Fa [2024] No. 22, Part III (6)"
    assert "to the company, per full-time postdoctoral researcher recruited: CNY 50,000 (5万元)" in " | ".join(c["facts"])
    assert "According to Yu Fu Ban Fa [2024] No. 22, Part III (6)" in card["answer"]
    assert "根据" not in card["answer"]


def test_annex_task_lead_unit_and_deadline_in_english(sample_service):
    card = sample_service.ask("Who leads task 149 and when is it due?")
    c = card["citations"][0]
    assert c["citation"] == "Yu Fu Ban Fa [2024] No. 27, Annex, task 149"
    assert "lead unit: Chongqing Municipal Human Resources and Social Security Bureau (市人力社保局)" in c["facts"]
    assert "deadline: December 2024 (2024年12月)" in c["facts"]


@pytest.mark.parametrize("question", ["住房公积金缴存比例是多少？", "What are the visa rules for foreign experts?"])
def test_out_of_corpus_is_refused(sample_service, question):
    card = sample_service.ask(question)
    assert not card["answered"] and card["citations"] == []
    assert ("没有找到" in card["answer"]) or ("do not contain" in card["answer"])


def test_follow_up_uses_the_conversation(sample_service):
    sample_service.ask("对已发布的国际标准的牵头制修订企业给予多少资金支持？", session_id="t1")
    card = sample_service.ask("那国家标准呢？", session_id="t1")
    assert card["citations"][0]["label"] == "三、（四）"
    assert "30万元" in card["citations"][0]["quote"]


def test_lang_override_and_bad_input(sample_service):
    card = sample_service.ask("企业招收博士后有什么资助", lang="en")
    assert card["language"] == "en" and "According to" in card["answer"]
    with pytest.raises(QueryError):
        sample_service.ask("   ")
    with pytest.raises(QueryError):
        sample_service.ask("博士后", k=0)
