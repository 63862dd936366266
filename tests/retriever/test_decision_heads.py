"""A figure the clauses mention without giving it (near12): the noun a Chinese figure question asks the number of
(`evidence.figure_heads`) that no cited clause names, a fee or tax noun asked of clauses whose only money is a fine,
a level asked (几度, what intensity) or how a fee is charged (怎么收) of clauses stating no number. Hand-made clauses
and a hand-set confident model; each rule with a twin question it must leave answered."""
from __future__ import annotations

import pytest

from retriever import decision
from retriever.decision import decide, unheld_heads
from retriever.evidence import asks_fee, asks_fee_how, asks_level, fee_word, figure_heads, states_level
from tests.retriever.test_decision import Store, _model, filler, hits
from tests.retriever.test_decision import clause as _clause

pytestmark = pytest.mark.unit

SHORE_FINE = _clause("p1", "第二十八条 未依法取得港口岸线使用许可证占用、使用港口岸线的，由港航管理机构没收违法所得，并处一万元以上"
                           "五万元以下罚款。", doc="《重庆市港口条例》", label="第二十八条")
SHORE_FEE = _clause("p2", "第三十条 使用港口岸线的，按照每米每年二十元缴纳岸线使用费。", doc="《重庆市港口条例》", label="第三十条")
QUOTA = _clause("d1", "第二十二条 用人单位应当按照不少于本单位在职职工总数百分之一点五的比例安排残疾人就业。",
                doc="《重庆市残疾人保障条例》", label="第二十二条")
QUOTA_AWARD = _clause("d2", "第二十四条 用人单位安排残疾人就业超过规定比例的，每超过一人给予奖励二千元。",
                      doc="《重庆市残疾人保障条例》", label="第二十四条")
SEISMIC = _clause("s1", "第十七条 一般建设工程按照地震烈度区划图所确定的抗震设防要求进行抗震设防。", doc="《重庆市防震减灾条例》",
                  label="第十七条")
SEISMIC_LEVEL = _clause("s2", "第十八条 主城区一般建设工程按照抗震设防烈度六度进行设防。", doc="《重庆市防震减灾条例》",
                        label="第十八条")
FILLER = filler()
STORE = Store([SHORE_FINE, SHORE_FEE, QUOTA, QUOTA_AWARD, SEISMIC, SEISMIC_LEVEL, *FILLER])


def test_figure_heads_name_what_the_number_is_of():
    assert figure_heads("在重庆使用港口岸线每年要交多少岸线使用费？") == ["使用费"]
    assert figure_heads("企业安排残疾人就业超过规定比例的，重庆给多少奖励或补贴？") == ["奖励", "补贴"]
    assert figure_heads("重庆主城区一般建设工程的抗震设防烈度是几度？") == ["烈度"]
    assert figure_heads("重庆目前有多少个行业已经实行一业一证？") == ["行业"]
    assert figure_heads("首台套保费补贴上限是多少") == ["补贴"]               # 上限 names the figure itself
    assert figure_heads("单位的缴存比例是多少？") == []                        # 比例 is the figure, 缴存 no noun
    assert figure_heads("防空地下室要按地面总建筑面积的百分之几来修建？") == ["建筑面积"]
    assert figure_heads("港口岸线由哪个部门审批？") == []                        # no figure asked
    assert figure_heads("食品小作坊申请登记证，监管部门多少个工作日内审核？") == []   # the actor, not the figure's
    assert figure_heads("单位要罚多少？") == [] and figure_heads("今年要建多少个零工市场") == []    # words jieba lacks
    assert figure_heads("行动计划的文号是多少？") == []                          # 文号 is the figure itself


def test_a_figure_head_no_cited_clause_names_makes_the_answer_partial():
    q = "企业多安排残疾人就业的，重庆给多少奖励或补贴？"
    assert unheld_heads(q, "zh", hits(QUOTA)) == ["奖励", "补贴"] and unheld_heads(q, "zh", hits(QUOTA_AWARD)) == []
    d = decide(q, "zh", hits(QUOTA), STORE, model=_model(5.0))
    assert d.verdict == "partial" and d.subject == "奖励" and any("奖励、补贴" in r for r in d.reasons)
    assert decide(q, "zh", hits(QUOTA_AWARD), STORE, model=_model(5.0)).verdict == "answer"
    assert unheld_heads("人才落户能领多少补贴？", "zh", hits(QUOTA_AWARD)) == []      # 奖励 stated: a benefit too
    assert unheld_heads(q, "en", hits(QUOTA)) == []                                     # Chinese questions only


def test_head_rule_off_leaves_the_answer(monkeypatch):
    monkeypatch.setattr(decision, "HEAD_RULE", False)
    q = "企业多安排残疾人就业的，重庆给多少奖励或补贴？"
    assert decide(q, "zh", hits(QUOTA), STORE, model=_model(5.0)).verdict == "answer"


def test_a_fee_or_tax_noun_asks_a_fee():
    assert asks_fee("在重庆使用港口岸线每年要交多少岸线使用费？") and fee_word("每年要交多少岸线使用费？") == "使用费"
    assert asks_fee("签技术转让合同要交多少印花税？") and fee_word("签技术转让合同要交多少印花税？") == "印花税"
    assert not asks_fee("企业拨缴的工会经费有多少？") and not asks_fee("重庆市税务局负责什么？")
    assert not asks_fee("拖欠水费的违约金是多少？")                                  # a late payment, not the fee
    d = decide("在重庆使用港口岸线每年要交多少岸线使用费？", "zh", hits(SHORE_FINE), STORE, model=_model(5.0))
    assert d.verdict == "partial" and d.subject == "使用费" and any("fine" in r for r in d.reasons)
    assert decide("在重庆使用港口岸线每年要交多少岸线使用费？", "zh", hits(SHORE_FEE), STORE,
                  model=_model(5.0)).verdict == "answer"


def test_a_level_or_how_a_fee_is_charged_asks_a_figure():
    assert asks_level("抗震设防烈度是几度？") and asks_level("What seismic design intensity applies?")
    assert not asks_level("抗震设防要求由谁确定？")
    assert states_level("按照抗震设防烈度六度设防") and not states_level("按照地震烈度区划图")
    assert asks_fee_how("仲裁费怎么收？") and not asks_fee_how("仲裁怎么申请？")
    q = "重庆主城区一般建设工程的抗震设防烈度是几度？"
    assert decide(q, "zh", hits(SEISMIC), STORE, model=_model(5.0)).verdict == "partial"
    assert decide(q, "zh", hits(SEISMIC_LEVEL), STORE, model=_model(5.0)).verdict == "answer"
