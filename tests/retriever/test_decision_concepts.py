"""How a Chinese question is read into concepts: function words (by jieba's part-of-speech tag), quantities, time
spans, verb + result complements and segmentation leftovers are no concepts, so an everyday question is not
refused for a word "nowhere in the documents" that names nothing (issue 11, session 7)."""
from __future__ import annotations

import pytest

from retriever.decision import absent_concepts, answer_features, candidate_features, decide
from retriever.evidence import (
    CorpusStats,
    asks_span,
    is_content_word,
    read_question,
    states_span,
    zh_concepts,
)
from tests.retriever.test_decision import Store, _model, clause, hits

pytestmark = pytest.mark.unit

BOILER = clause("s16", "第十六条 特种设备使用单位应当在特种设备投入使用前或者投入使用后三十日内，向负责特种设备安全监督"
                "管理的部门办理使用登记，取得使用登记证书。", doc="《重庆市特种设备安全条例》", label="第十六条")
CONTRACT = clause("l30", "第三十条 集体合同订立后，应当自双方签字之日起十日内，由用人单位报送人力资源社会保障行政部门审查。",
                  doc="《重庆市集体合同条例》", label="第三十条")
OTHER = clause("o1", "第五条 燃气经营者应当按照国家规定的标准向用户供气，保障安全稳定供气。", doc="《重庆市燃气管理条例》",
               label="第五条")
STORE = Store([BOILER, CONTRACT, OTHER])


@pytest.mark.parametrize("question, absent, kept", [
    ("工厂新买的锅炉和叉车投入使用后，最晚多少天内要去办使用登记？", ["天内", "最晚"], ["锅炉", "叉车", "登记"]),
    ("企业被乱收费、乱摊派，去投诉以后部门几天内要决定受不受理？", ["以后", "几天"], ["投诉", "受理", "乱收费"]),
    ("集体合同签完以后，公司要在多少天内报给哪个部门？", ["签完", "以后", "天内"], ["集体合同", "公司"]),
    ("我们工厂新买了一台行车（起重机），使用登记要在什么时候办？", ["一台"], ["行车", "起重机", "登记"]),
    ("新店装好燃气管道后，燃气公司多久来验收通气？", ["装好"], ["燃气公司", "验收"]),
])
def test_function_words_quantities_and_spans_are_no_concepts(question, absent, kept):
    concepts = zh_concepts(question)
    assert not set(absent) & set(concepts), concepts
    assert set(kept) <= set(concepts), concepts


@pytest.mark.parametrize("word", ["首台", "年休假", "一次性", "逾期", "境外", "契税", "最低工资", "大宗", "擅自"])
def test_content_words_with_unusual_tags_stay_concepts(word):
    """Tags alone would drop these (m, t, d, s): only function classes and structural patterns are dropped."""
    assert is_content_word(word)


@pytest.mark.parametrize("word", ["以后", "之前", "自己", "每个", "如果", "一台", "三个", "几天", "第一", "天内", "日内",
                                  "签完", "装好", "建好", "最晚", "最迟"])
def test_function_words_are_no_content_words(word):
    assert not is_content_word(word)


def test_a_segmentation_leftover_is_neither_absent_nor_missing_but_a_corpus_word_is_kept():
    stats = CorpusStats(STORE.clauses)
    asks = read_question("要交多少契税", "zh")          # 要交: glued by jieba's HMM, not a word of its dictionary
    assert "要交" in [g[0] for g in asks.concepts]
    assert absent_concepts(asks, stats) == ["契税"]
    d = decide("要交多少契税", "zh", hits(BOILER, OTHER), STORE, model=_model(-1.0))
    assert "要交" not in d.missing and "契税" in d.missing
    # a two-character word outside jieba's dictionary that the documents do use stays a concept (空天, 小微)
    used = Store([clause("k1", "支持空天信息产业发展，对空天企业给予奖励。", doc="《空天信息产业政策》")])
    assert absent_concepts(read_question("空天企业有什么奖励", "zh"), CorpusStats(used.clauses)) == []


def test_an_everyday_question_covers_the_clause_that_answers_it():
    """Before: 签完 and 以后 were concepts the clause lacks, lowering its coverage; now the clause covers all."""
    d = decide("集体合同签完以后多少天内要报送？", "zh", hits(CONTRACT, OTHER), STORE, model=_model(-1.0))
    assert d.cited and d.cited[0].clause.id == "l30"
    assert d.missing == [] and d.verdict == "answer"


@pytest.mark.parametrize("question, span", [
    ("集体合同签完以后，公司要在多少天内报给哪个部门？", True),
    ("燃气公司多久来验收通气？", True),
    ("How many working days does the department have to decide?", True),
    ("How long does registration take?", True),
    ("首台套奖励多少钱？", False),
    ("Which department leads the task?", False),
])
def test_a_question_asking_for_a_time_span_is_read_as_such(question, span):
    assert asks_span(question) is span
    assert read_question(question, "en" if question.isascii() else "zh").span is span


def test_span_given_tells_a_clause_stating_a_time_limit_from_one_without():
    """The time span asked for (once a pseudo-concept 天内 absent from every clause) is evidence of its own."""
    stats = CorpusStats(STORE.clauses)
    asks = read_question("集体合同签完以后多少天内要报送？", "zh")
    rows = candidate_features(asks, hits(CONTRACT, OTHER), stats, "zh")
    with_span = answer_features(asks, hits(CONTRACT)[0], rows[0], 0.9, hits(CONTRACT, OTHER), stats, "zh")
    without = answer_features(asks, hits(OTHER)[0], rows[1], 0.9, hits(OTHER, CONTRACT), stats, "zh")
    assert with_span["span_given"] == 1.0 and without["span_given"] == 0.0
    assert states_span("即时办结") and not states_span("应当及时报送")
    not_asked = read_question("集体合同由哪个部门审查？", "zh")
    assert answer_features(not_asked, hits(OTHER)[0], rows[1], 0.9, hits(OTHER), stats, "zh")["span_given"] == 1.0


@pytest.mark.parametrize("question, places", [
    ("成都的企业上市奖励多少？", ["成都"]),
    ("四川省的优化营商环境条例规定接电时间不超过几个工作日？", ["四川"]),         # read without 省, as its English twin (session 11)
    ("绵阳市有没有这项补贴？", ["绵阳市"]),
    ("企业上市奖励多少？", []),                                  # 上市: tagged ns by jieba, no place
    ("新店装好燃气管道后，燃气公司多久来验收通气？", []),            # 新店: a new shop here
    ("有部门上门收费，我们企业能不能不交？", []),
    ("我们公司注册在重庆自贸区里，现在想到璧山那边再投资一个项目", []),  # a district of Chongqing
])
def test_only_named_cities_and_provinces_are_a_scope(question, places):
    assert read_question(question, "zh").places == places
