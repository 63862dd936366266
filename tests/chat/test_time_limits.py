"""Time limits read from Chinese clause text, and the English answer to "how long" questions."""
from __future__ import annotations

import pytest

from chat import english as E
from chat.time_limits import time_limits
from index.clause import Clause
from index.facts import extract_facts
from retriever.glossary import Glossary

pytestmark = pytest.mark.unit

UNEMPLOYMENT = ("第二十一条 用人单位应当自终止或者解除劳动关系之日起七个工作日内将失业人员名单报送经办机构。"
                "失业人员应当自终止或者解除劳动关系之日起六十日内办理失业登记。")


@pytest.mark.parametrize("text, expected", [
    ("自终止劳动关系之日起七个工作日内送失业人员", [("七个工作日内", "within 7 working days")]),
    ("供电企业接电时间不得超过八个工作日。", [("不得超过八个工作日", "no more than 8 working days")]),
    ("三个月以内", [("三个月以内", "within 3 months")]),
    ("24小时内到达现场", [("24小时内", "within 24 hours")]),
    ("一日内", [("一日内", "within 1 day")]),
    ("终止经营的，应当提前九十日向市电信主管部门报告", [("提前九十日", "90 days in advance")]),
])
def test_limits_are_read_with_their_verbatim_text(text, expected):
    assert [(t.text, t.en) for t in time_limits(text)] == expected


@pytest.mark.parametrize("text", ["2027年前建成", "每月15日前缴纳", "6月前完成", "满一年的", "3月内", "给予50万元资助"])
def test_calendar_dates_and_bare_periods_are_not_limits(text):
    assert time_limits(text) == []


@pytest.fixture(scope="module")
def g() -> E.Glosser:
    return E.Glosser(Glossary.load())


def article() -> Clause:
    return Clause(id="u", doc_key="reg", doc_number="", doc_title="重庆市失业保险条例", kind="article",
                  label="第二十一条", label_en="Article 21", path=[], text=UNEMPLOYMENT,
                  facts=extract_facts(UNEMPLOYMENT))


def test_how_long_is_answered_with_the_period_not_no_deadline(g):
    line = E.direct_answer_en("How long does an employer have to report the unemployed to the agency?", article(), g,
                              set(), "Article 21")
    assert line.startswith("Time limit: within 7 working days (七个工作日内)") and "within 60 days (六十日内)" in line
    assert "no deadline" not in line
    many = E.direct_answer_en("How many days does a worker have to register as unemployed?", article(), g, set(),
                              "Article 21")
    assert "within 60 days" in many and "states no figure" not in many


def test_gloss_reads_the_limit_in_english(g):
    out = E.gloss_sentence(UNEMPLOYMENT.split("。")[1], g)
    assert "within 60 days" in out and "in a few days" not in out
