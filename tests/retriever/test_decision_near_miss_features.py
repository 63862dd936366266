"""The answer model's near-miss evidence (`unit_given`, `name_unheld`): the unit a figure is asked in that the best
clause states no numeral in, and a named place no candidate's document names. Hand-made clauses, both languages,
and for each a twin it must not fire on."""
from __future__ import annotations

import pytest

from retriever.decision import OPTIONAL_ANSWER_FEATURES, gather, name_unheld, unit_given
from retriever.evidence import CorpusStats, asked_unit, local_names, names_in, read_question, states_unit
from tests.retriever.test_decision import Store, _model, hits
from tests.retriever.test_decision import clause as _clause

pytestmark = pytest.mark.unit

SATELLITES = _clause("s1", "1. 构建商业遥感卫星星座。建设低轨掩星气象探测星座，推动星座快速组建。", doc="渝府办发〔2024〕22号",
                     label="二、（三）1.")
LAUNCHES = _clause("s2", "1. 构建商业遥感卫星星座。到2027年，发射低轨掩星气象探测卫星30颗。", doc="渝府办发〔2024〕22号",
                   label="二、（三）1.")
PERMIT = _clause("p1", "第十一条 体育行政管理部门对办理体育经营许可的申请应进行审查，在接到申请之日起十五个工作日内作出答复。",
                 doc="《重庆市体育市场管理条例》", label="第十一条")
TOWN_NOISE = _clause("n1", "第三十七条 违反本条例第二十四条规定，超过国家标准值排放噪声的，对单位或者经营者处二千元以上二万元以下罚款。",
                     doc="《石柱土家族自治县西沱国家历史文化名镇保护条例》", label="第三十七条")
STORE = Store([SATELLITES, LAUNCHES, PERMIT, TOWN_NOISE])


@pytest.mark.parametrize("question, unit", [
    ("低轨掩星气象探测星座一共要发射多少颗卫星？", ("颗",)),
    ("电梯困人时，维保单位必须在多少分钟内赶到现场？", ("分钟",)),
    ("施工合同估算价达到多少万元以上，就必须依法招标？", ("元",)),
    ("许可证审批要多少天？", ("日", "天")),
    ("How many satellites will the constellation have?", ("颗",)),
    ("How many minutes does the maintenance company have to arrive?", ("分钟",)),
    ("How many working days does the review take?", ("工作日", "日", "天")),
    # no unit named: nothing to check
    ("补贴标准是多少？", ()),
    ("How much is the subsidy?", ()),
    ("How long does the review take?", ()),
    ("罚多少人民币？", ("元",)),                # money, not people
    ("外国投资者转让股权要交多少所得税？", ()),   # 所得税 is no unit
])
def test_the_unit_a_figure_is_asked_in(question, unit):
    assert asked_unit(question) == unit


def test_a_clause_states_a_numeral_in_the_unit():
    assert states_unit("在接到申请之日起十五个工作日内作出答复", ("日", "天"))
    assert states_unit("发射卫星30颗", ("颗",)) and not states_unit("推动星座快速组建", ("颗",))
    assert states_unit("三年内减免", ("年",)) and not states_unit("2025年前完成", ("年",))    # a year is a date
    assert states_unit("处二千元以上二万元以下罚款", ("元",)) and not states_unit("不得超过估算价的百分之二", ("元",))


def test_unit_given_is_zero_only_when_the_best_clause_states_no_numeral_in_the_asked_unit():
    zh = read_question("低轨掩星气象探测星座一共要发射多少颗卫星？", "zh")
    assert unit_given(zh, hits(SATELLITES)[0]) == 0.0 and unit_given(zh, hits(LAUNCHES)[0]) == 1.0
    en = read_question("How many satellites will the low-orbit occultation constellation launch?", "en")
    assert unit_given(en, hits(SATELLITES)[0]) == 0.0 and unit_given(en, hits(LAUNCHES)[0]) == 1.0
    days = read_question("体育经营许可审批要多少天？", "zh")
    assert unit_given(days, hits(PERMIT)[0]) == 1.0                  # 十五个工作日 answers 多少天
    assert unit_given(read_question("体育经营许可找哪个部门审批？", "zh"), hits(SATELLITES)[0]) == 1.0   # no unit


def test_local_names_are_rare_words_before_a_locality_word_or_unknown_capitalised_english_words():
    assert local_names("在磁器口古镇开酒吧，噪声超标罚多少钱？", "zh", [("磁器",), ("古镇",), ("酒吧",)], []) == ["磁器"]
    assert local_names("在西沱古镇开餐馆", "zh", [("西沱",), ("古镇",)], []) == ["西沱"]
    # common words before 村/乡/景区 are no names (偏远农村, 城乡, 林区景区)
    assert local_names("偏远农村能用无人机送医疗物资吗", "zh", [("偏远",), ("农村",)], []) == []
    assert local_names("林区景区的经营单位没建立森林防火责任制", "zh", [("林区",), ("景区",)], []) == []
    assert local_names("I want to open a bar in Ciqikou old town.", "en", [], ["want", "open", "bar", "ciqikou"]) \
        == ["ciqikou"]
    # the first word of a sentence, and capitalised words the glossary maps, are no unknown names
    assert local_names("Restaurants in Xituo pay what?", "en", [("西沱",)], ["restaurants"]) == []


def test_english_names_are_matched_in_pinyin():
    assert names_in("pengshui", "en", ["彭水苗族土家族自治县城市管理条例"]) and names_in("西沱", "zh", ["西沱古镇"])
    assert names_in("taiwanese", "en", ["重庆市台湾同胞投资保护条例"])
    assert not names_in("ciqikou", "en", ["石柱土家族自治县西沱国家历史文化名镇保护条例"])


def test_name_unheld_fires_for_a_town_no_candidate_document_names_in_both_languages():
    stats = CorpusStats(STORE.clauses)
    other = read_question("在磁器口古镇开酒吧，噪声超标罚多少钱？", "zh")
    same = read_question("在西沱古镇开餐馆，噪声超标罚多少钱？", "zh")
    assert name_unheld(other, hits(TOWN_NOISE), stats, "zh") == 1.0
    assert name_unheld(same, hits(TOWN_NOISE), stats, "zh") == 0.0
    en = read_question("I want to open a bar in Ciqikou old town. What's the fine for noise?", "en")
    en.unmapped, en.names = ["ciqikou"], ["ciqikou"]        # no glossary in a unit test: the name is unknown
    assert name_unheld(en, hits(TOWN_NOISE), stats, "en") == 1.0
    en.names = ["xituo"]
    assert name_unheld(en, hits(TOWN_NOISE), stats, "en") == 0.0
    assert name_unheld(read_question("噪声超标罚多少钱？", "zh"), hits(TOWN_NOISE), stats, "zh") == 0.0


def test_gather_computes_every_optional_feature():
    ev = gather("低轨掩星气象探测星座一共要发射多少颗卫星？", "zh", hits(SATELLITES, LAUNCHES), STORE, _model(0.0))
    assert all(f in ev.answer_row for f in (*OPTIONAL_ANSWER_FEATURES, "unit_given", "name_unheld"))


def test_a_clause_that_leaves_the_rule_to_national_rules_defers_unless_it_states_the_figure():
    from retriever.evidence import defers

    assert defers("第十条 有下列特殊情形之一的，按照国家有关规定可以不进行招标：", [])
    assert defers("第九条 归侨、侨眷在本市投资兴办的企业，根据国家和本市有关规定享受减免税收优惠政策。", ["date"])
    assert not defers("第三十七条 违反本条例规定的，依照有关法律、法规的规定处罚；处二千元以上二万元以下罚款。", ["amount"])
    assert not defers("第五条 纳税人的子女接受全日制学历教育的相关支出，按照每个子女每月1000元的标准定额扣除。", ["amount"])
