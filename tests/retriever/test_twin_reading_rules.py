"""Session 11's reading rules: a Chinese question and its English twin read alike (each with cases where the rule
must not fire)."""
from __future__ import annotations

import pytest

from retriever import evidence
from retriever.evidence import _places, asked_kinds, asked_unit, asks_figure, asks_span
from retriever.investor_terms import named_terms

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("question, agency", [
    ("企业牵头建成市级技术创新中心，能拿到多少资金奖励？", False),       # 牵头 names what the firm does
    ("森林火灾扑灭后，林业主管部门多少个工作日内提交调查报告？", False),   # 主管部门 is the topic
    ("If we lead a key project under the plan, how much funding could we get?", False),
    ("降低门槛这项工作由哪些部门牵头？", True),
    ("谁负责速裁庭建设", True),
    ("牵头单位是哪个", True),
    ("Which bureau leads the task?", True),
    ("Who is in charge of the platform?", True),
    ("What is the lead agency for this measure?", True),
])
def test_an_agency_is_asked_only_with_a_question_word(question, agency):
    assert ("agency" in asked_kinds(question)) is agency


def test_the_agency_rule_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(evidence, "AGENCY_ASK_RULE", False)
    assert "agency" in asked_kinds("企业牵头建成市级技术创新中心，能拿到多少资金奖励？")


@pytest.mark.parametrize("question, count", [
    ("天地融合通信芯片主要围绕哪几个领域来做？", False),     # "which", not "how many"
    ("重庆2025年要培育多少个市级科技创新平台？", True),
    ("要建几个平台？", True),
])
def test_which_ones_is_no_count(question, count):
    assert ("count" in asked_kinds(question)) is count
    assert asks_figure(question) is count


@pytest.mark.parametrize("question, date", [
    ("员工被叫去参加抢险救灾，这段时间公司可以扣他的工资吗？", False),
    ("工会主席能花多少工作时间在工会上？", False),
    ("办理时间是多久", True),
    ("审批要多长时间？", True),
    ("这段时间什么时候结束？", True),
])
def test_a_stretch_of_time_named_as_a_thing_is_no_date_ask(question, date):
    assert ("date" in asked_kinds(question)) is date


@pytest.mark.parametrize("question, kinds", [
    ("How much of our staff training spending can we deduct before corporate income tax?", ["percent"]),
    ("What is the maximum foreign shareholding for an ICP business?", ["percent"]),
    ("What's the minimum green-space ratio for a new project?", ["percent"]),
    ("How much subsidy can we get?", ["amount"]),                        # no share asked
    ("How much money and what share of the cost?", ["amount", "percent"]),
])
def test_how_much_of_asks_for_a_share(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, kinds", [
    ("What is the housing provident fund contribution rate?", ["percent"]),   # "fund" names the topic
    ("四川省对首台（套）重大技术装备的保费补贴比例是多少？", ["percent"]),
    ("保费补贴比例最高是多少", ["amount", "percent"]),                        # a cap asked too
    ("What share of the subsidy is paid, and how much money at most?", ["amount", "percent"]),
])
def test_a_share_asked_of_a_money_topic_asks_no_amount(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, figure", [
    ("How wide must the fire engine access road be?", True),
    ("Above what annual sales must a company register as a general VAT taxpayer?", True),
    ("At what age does an expert stop serving?", True),
    ("What's the most the buyer can demand as a bid bond?", True),
    ("What's Chongqing's natural gas output target for 2025?", True),
    ("What is the per-transaction limit for retail imports?", True),
    ("What's the penalty for using the basement before inspection?", True),
    ("How far in advance must the operator report?", True),               # a figure of time (already so)
    ("What tax incentives are there for software firms?", False),
    ("Which application areas is Chongqing targeting?", False),
    ("What do we have to do before we can service lifts?", False),
])
def test_english_figure_asks(question, figure):
    assert asks_figure(question) is figure


def test_an_english_figure_ask_without_a_kind_asks_for_some_number():
    assert asked_kinds("How wide must the fire engine access road be?") == ["number"]
    assert asked_kinds("Which application areas is Chongqing targeting?") == []


@pytest.mark.parametrize("question, unit", [
    ("人防工程没有竣工验收就投入使用，单位要被罚多少？", ("元",)),
    ("在重庆请价格鉴证机构做一次价格鉴证，收费标准是多少？", ("元",)),
    ("罚款金额是多少", ("元",)),
    ("What fine does an individual face for spitting in the street?", ("元",)),
    ("How much funding could we get per project?", ("元",)),
    ("How much does a price appraisal cost in Chongqing?", ("元",)),
    ("How big a fine are we looking at?", ("元",)),
    ("What exact cash award does an individual get?", ("元",)),
    ("补贴比例是多少", ()),                          # a share
    ("补贴多少天", ("日", "天")),                    # a span, counted in days
    ("What is the fee rate?", ()),
    ("How much is the subsidy rate?", ()),
    ("How much of our spending can we deduct?", ()),
    ("How long is the subsidy period?", ()),
    ("What is the interest rate?", ()),
])
def test_a_figure_asked_of_a_money_noun_is_counted_in_money(question, unit, monkeypatch):
    monkeypatch.setattr(evidence, "MONEY_UNIT_RULE", True)
    assert asked_unit(question) == unit


def test_the_money_unit_rule_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(evidence, "MONEY_UNIT_RULE", False)
    assert asked_unit("What fine does an individual face?") == ()
    assert asked_unit("多少钱") == ("元",)


@pytest.mark.parametrize("question, span", [
    ("食品小作坊登记证有效期几年？", True),
    ("合同期限最长能签多少年？", True),
    ("How far in advance must a telecom operator report that it will stop?", True),
    ("What's the longest probation period we can set?", True),
    ("What's the legal cap on overtime hours per month?", True),
    ("2024年度目标是多少", False),
    ("是哪一年发布的", False),
    ("What is the maximum subsidy?", False),
    ("How far is the airport?", False),
])
def test_twin_time_spans(question, span):
    assert asks_span(question) is span


def test_a_province_is_read_without_its_suffix():
    assert _places("四川省的森林防火期是每年几月到几月？", "zh") == ["四川"]
    assert _places("What unemployment insurance rate do employers pay in Sichuan Province?", "en") == ["四川"]
    assert _places("绵阳市的补贴是多少", "zh") == ["绵阳市"]     # not a listed place: kept as written


@pytest.mark.parametrize("question, terms", [
    ("Above what annual sales must a company register as a general VAT taxpayer?",
     ["general taxpayer", "value added tax"]),
    ("Are small-scale VAT taxpayers exempt?", ["small-scale taxpayer", "value added tax"]),
    ("What is the deed tax rate?", ["deed tax", "tax rate"]),
    ("Is a general and a VAT taxpayer the same?", ["value added tax"]),   # a function word is no modifier
])
def test_an_investor_term_with_one_modifier_inside(question, terms):
    assert [t.en[0] for t in named_terms(question, "en")] == terms


@pytest.mark.parametrize("question, unit", [
    ("What listing reward does Hangzhou give digital-economy companies?", ("元",)),
    ("How much support can we get for it?", ("元",)),
    ("At what age does a bid evaluation expert stop serving?", ("岁", "周岁")),
    ("What support is there for start-ups?", ()),
    ("What percentage of salary must an employer pay as non-compete compensation?", ()),
    ("What share of the subsidy is paid up front?", ()),
    ("补贴比例最高多少", ()),
])
def test_money_and_age_units_of_english_questions(question, unit, monkeypatch):
    monkeypatch.setattr(evidence, "MONEY_UNIT_RULE", True)
    assert asked_unit(question) == unit


@pytest.mark.parametrize("question, terms", [
    ("How much funding does Chengdu give satellite-internet companies?", ["satellite internet"]),
    ("Are small scale taxpayers exempt?", ["small-scale taxpayer"]),
    ("Is the satellite and internet industry supported?", []),      # a function word between: no compound
])
def test_an_investor_term_written_with_a_hyphen_or_a_blank(question, terms):
    assert [t.en[0] for t in named_terms(question, "en")] == terms


@pytest.mark.parametrize("question, kinds", [
    ("What is the fine when a business fails to file them and does not correct within the deadline?", ["amount"]),
    ("What is the deed tax rate when buying a home in Chongqing?", ["percent"]),
    ("If my deductions are not used up within a tax year, can I carry them forward?", []),
    ("When is the deadline?", ["date"]),
    ("When must we renew the licence?", ["date"]),
    ("Within how many days must it be filed?", ["date"]),
    ("Must it be filed within 30 days?", ["date"]),
    ("What is the deadline for filing?", ["date"]),
    ("By when must it be done?", ["date"]),
    ("Who's in charge of it, and by when in 2024 should it be done?", ["date", "agency"]),
])
def test_english_date_words_that_ask_nothing(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, kinds", [
    ("Which government body is in charge of the office space?", ["agency"]),
    ("Which government office has to register it?", ["agency"]),
    ("Who is eligible to apply?", ["eligibility"]),                  # who: no agency here
    ("What is the starting fare on the metro?", ["number"]),        # a figure ask of no definite kind
    ("What is the minimum registered capital for a foreign-owned company?", ["number"]),
])
def test_english_agency_and_figure_asks_with_words_between(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, kinds", [
    ("How long may the approval of an application for the minimum living allowance take?", ["date"]),
    ("补贴期限是几年", ["date"]),
    ("补贴多少，期限几年", ["amount", "date"]),
    ("How much is the allowance and how long is it paid?", ["amount", "date"]),
])
def test_a_span_asked_of_a_money_topic_asks_no_amount(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, fee", [
    ("Which government body is in charge of the rent breaks?", False),
    ("What interest rate do the government-procurement contract loans charge?", False),
    ("How soon will the gas company come, and do they charge for it?", False),
    ("What is the service charge for a registration?", True),
    ("Are there any charges for the inspection?", True),
    ("How much does the annual elevator inspection cost?", True),
])
def test_charge_is_a_fee_only_as_a_noun(question, fee):
    assert evidence.asks_fee(question) is fee


@pytest.mark.parametrize("question, kinds, figure", [
    ("Chongqing will make the paperwork simpler. What's the target date for that?", ["date"], False),
    ("What's Chongqing's natural gas output target for 2025?", ["number"], True),
])
def test_a_target_date_is_a_date_not_a_figure(question, kinds, figure):
    assert asked_kinds(question) == kinds
    assert asks_figure(question) is figure


def test_a_fraction_is_a_share_stated():
    assert evidence.gives_figure("兼职工会主席从事工会工作的时间不超过其工作时间的三分之一。", ["percent"])
    assert not evidence.gives_figure("兼职工会主席从事工会工作的时间由双方协商确定。", ["percent"])
