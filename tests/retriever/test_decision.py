"""The answer decision: question reading, clause evidence, the logistic models and `decide` (unit tests on
hand-made clauses and hits; the real-model behaviour is in tests/chat/test_decision_answers.py)."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from index.clause import Clause
from index.facts import extract_facts
from retriever.decision import (
    ANSWER_FEATURES,
    CANDIDATE_FEATURES,
    CANDIDATE_MODEL_FEATURES,
    LISTWISE,
    DecisionModel,
    Logistic,
    _affixed,
    absent_concepts,
    anchored,
    annex_of,
    candidate_features,
    contrasted,
    decide,
    effect_first,
    figure_at_subject,
    listed_year,
    load_model,
    subject_concept,
    unknown_titles,
)
from retriever.evidence import (
    CorpusStats,
    asked_kinds,
    asked_per,
    asks_figure,
    contrasts,
    holds,
    named_titles,
    read_question,
    states_effect,
    states_per,
    zh_forms,
)
from retriever.search import Hit

pytestmark = pytest.mark.unit


def clause(cid: str, text: str, doc: str = "《重庆市公共场所控制吸烟条例》", label: str = "第十九条", **kw) -> Clause:
    return Clause(id=cid, doc_key=doc, doc_number=kw.pop("doc_number", None), doc_title=doc.strip("《》"),
                  kind=kw.pop("kind", "article"), label=label, label_en="Article 19", path=[], text=text,
                  facts=extract_facts(text), **kw)


def filler(n: int = 40) -> list[Clause]:
    """`n` articles of another regulation that say nothing, so that a term is as rare among the clauses as in the real
    documents."""
    return [clause(f"x{i}", f"第{i}条 本条例自公布之日起施行。", doc="《重庆市某某条例》", label=f"第{i}条") for i in range(n)]


class Store:
    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses = clauses


SMOKING = clause("c1", "第十九条 在禁止吸烟公共场所吸烟的，由相关监督管理部门责令改正，可以处五十元罚款；拒不改正的，处两百元罚款。")
TASK = clause("c2", "完成《重庆市地理标志条例》立法调研。", doc="渝府办发〔2024〕27号", label="附件 第102项",
              kind="annex_task", doc_number="渝府办发〔2024〕27号", lead_units=["市知识产权局"], deadline="2024-12")
OTHER = clause("c3", "第五条 市民政部门负责全市最低生活保障的综合管理。", doc="《重庆市城乡居民最低生活保障条例》", label="第五条")
STORE = Store([SMOKING, TASK, OTHER])


@pytest.mark.parametrize("question, kinds", [
    ("在禁烟场所抽烟罚多少钱", ["amount"]),
    ("这项任务由哪个部门牵头，什么时候完成", ["date", "agency"]),
    ("What share of payroll goes to unemployment insurance?", ["percent"]),
    ("How many recruitment events must be held?", ["count"]),
    ("Who leads task 149 and by when?", ["date", "agency"]),
    ("这个办法是从哪天开始施行的？", ["date"]),
    ("From what date do the interim measures apply?", ["date"]),
    ("When did the regulations take effect?", ["date"]),
    ("Are there effective measures for small firms?", []),
])
def test_what_the_question_asks_for(question, kinds):
    assert asked_kinds(question) == kinds


def test_question_scope_places_years_and_documents():
    zh = read_question("渝府办发〔2023〕15号规定北京2025年的补贴是多少", "zh")
    assert zh.doc_numbers == [("2023", "15")] and zh.years == ["2025"] and zh.places == ["北京"]
    en = read_question("What does Yu Fu Ban Fa [2024] No. 30 say about Chengdu in Chongqing?", "en")
    assert en.doc_numbers == [("2024", "30")] and en.places == ["成都"]   # Chongqing itself is never out of scope


def test_what_a_clause_holds():
    assert holds(SMOKING, "amount") and holds(SMOKING, "agency") and not holds(SMOKING, "percent")
    assert holds(TASK, "date") and holds(TASK, "agency") and not holds(TASK, "amount")


def test_corpus_stats_document_frequency():
    stats = CorpusStats(STORE.clauses)
    assert stats.df("吸烟") == 1 and stats.df("贴息") == 0 and stats.df("市") >= 2
    assert stats.occurs("吸烟") and not stats.occurs("贴息") and stats.occurs("市")
    assert stats.idf("贴息") > stats.idf("吸烟") > stats.idf("市")
    assert ("2024", "27") in stats.doc_numbers


def test_logistic_fit_separates_and_round_trips():
    rng = np.random.default_rng(0)
    rows = [{"a": float(x), "b": float(rng.normal())} for x in rng.normal(size=200)]
    labels = [int(r["a"] > 0) for r in rows]
    model = Logistic.fit(rows, labels, ("a", "b"), l2=0.1)
    p = model.prob([{"a": 2.0, "b": 0.0}, {"a": -2.0, "b": 0.0}])
    assert p[0] > 0.95 and p[1] < 0.05 and abs(model.coef[0]) > 5 * abs(model.coef[1])
    again = Logistic.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(again.prob(rows[:5]), model.prob(rows[:5]), atol=1e-4)


def _model(bias: float, threshold: float = 0.5) -> DecisionModel:
    """A hand-made model: candidates ranked by concept coverage, P(answerable) = σ(bias + 4·coverage)."""
    cand = Logistic(CANDIDATE_FEATURES, np.array([3.0 if f == "cov" else 0.0 for f in CANDIDATE_FEATURES]), 0.0,
                    np.zeros(len(CANDIDATE_FEATURES)), np.ones(len(CANDIDATE_FEATURES)))
    ans = Logistic(ANSWER_FEATURES, np.array([4.0 if f == "cov" else 0.0 for f in ANSWER_FEATURES]), bias,
                   np.zeros(len(ANSWER_FEATURES)), np.ones(len(ANSWER_FEATURES)))
    return DecisionModel(cand, ans, threshold, partial_cov=0.5)


def hits(*clauses: Clause) -> list[Hit]:
    return [Hit(c, 1.0 - i / 10, 0.85 - i / 100, 5.0, i + 1) for i, c in enumerate(clauses)]


def test_decide_cites_the_covering_clause_first_even_when_ranked_second():
    d = decide("公共场所吸烟罚款多少", "zh", hits(OTHER, SMOKING), STORE, model=_model(-1.0))
    assert d.verdict == "answer" and d.cited[0].clause.id == "c1" and 0.5 < d.confidence <= 1.0
    assert d.asks == ["amount"]


def test_decide_partial_names_what_is_missing():
    d = decide("公共场所吸烟贴息罚款多少", "zh", hits(SMOKING, OTHER), STORE, model=_model(-4.5))
    assert d.verdict == "partial" and d.cited[0].clause.id == "c1" and "贴息" in d.missing
    assert any("贴息" in r for r in d.reasons)


@pytest.mark.parametrize("question, asks", [
    ("知识价值信用贷款的政银风险分担比例调整成多少了？", True),
    ("每个站补贴多少钱", True),
    ("What is the new bank-government risk-sharing split for knowledge-value credit loans?", True),
    ("How low can our loan guarantee fee go?", True),
    ("What's the fine for running a ride-hailing app without a licence?", True),
    ("房租减免、装修补贴这些是哪个部门负责落实？", False),         # names a paid topic, asks for an agency
    ("Who is in charge of the wage-arrears tribunals?", False),
    ("Do they pay the same fees as local children?", False),
    ("What documents are needed for the fee waiver?", False),
])
def test_a_question_asks_for_a_figure_or_only_names_a_paid_topic(question, asks):
    assert asks_figure(question) is asks


def test_an_answer_whose_clauses_give_no_figure_asked_for_is_partial():
    # the task names the measure (adjusting the risk-sharing split) but states no share: not an answer
    split = clause("s1", "完善知识价值信用贷款运行机制，调整政银风险分担比例。", doc="渝府办发〔2024〕27号", label="附件 第147项",
                   kind="annex_task", doc_number="渝府办发〔2024〕27号", lead_units=["市科技局"])
    store = Store([split, SMOKING, OTHER])
    asked = decide("知识价值信用贷款的政银风险分担比例调整成多少了", "zh", hits(split, OTHER), store, model=_model(5.0))
    assert asked.verdict == "partial" and asked.cited[0].clause.id == "s1" and asked.confidence < 0.5
    assert any("percent asked for" in r for r in asked.reasons)
    who = decide("知识价值信用贷款的政银风险分担比例调整由哪个部门牵头", "zh", hits(split, OTHER), store, model=_model(5.0))
    assert who.verdict == "answer"                        # asks for the lead unit, which the task states
    fine = decide("公共场所吸烟罚款多少", "zh", hits(SMOKING, OTHER), STORE, model=_model(5.0))
    assert fine.verdict == "answer"                       # the article states the fine


def test_decide_refuses_an_unindexed_document_and_answers_a_named_clause():
    d = decide("渝府办发〔2023〕15号对公共场所吸烟罚款多少", "zh", hits(SMOKING), STORE, model=_model(5.0))
    assert d.verdict == "refuse" and "not indexed" in " ".join(d.reasons)
    named = decide("第102项由谁牵头", "zh", hits(SMOKING, TASK), STORE, named=["c2"], model=_model(-9.0))
    assert named.verdict == "answer" and named.cited[0].clause.id == "c2"
    assert decide("任何问题", "zh", [], STORE, model=_model(0.0)).verdict == "refuse"


def test_shipped_model_has_every_feature():
    model = load_model()
    assert set(model.candidate.features) <= set(CANDIDATE_MODEL_FEATURES) and model.answer.features == ANSWER_FEATURES
    assert 0.0 < model.threshold < 1.0


ELIGIBLE = clause("c4", "第十八条 具备下列条件的失业人员，可以领取失业保险金：（一）按照规定参加失业保险满一年的；"
                        "（二）非因本人意愿中断就业的；（三）已办理失业登记的。", doc="《重庆市失业保险条例》", label="第十八条")
PAYOUT = clause("c5", "第二十三条 失业保险金由户口所在区县失业保险经办机构按月发放。", doc="《重庆市失业保险条例》",
                label="第二十三条")


@pytest.mark.parametrize("question, kinds", [
    ("Who is eligible to receive unemployment insurance benefits?", ["eligibility"]),
    ("哪些人可以领取失业保险金，需要什么条件", ["eligibility"]),
    ("Which agency pays unemployment benefits and who qualifies?", ["agency", "eligibility"]),
])
def test_eligibility_is_asked_for_and_who_is_eligible_is_no_agency_question(question, kinds):
    assert asked_kinds(question) == kinds


def test_a_clause_holds_conditions():
    assert holds(ELIGIBLE, "eligibility") and not holds(PAYOUT, "eligibility")


def test_listwise_features_compare_each_candidate_with_the_best_other():
    stats = CorpusStats([SMOKING, OTHER, ELIGIBLE, PAYOUT])
    asks = read_question("领取失业保险金需要具备什么条件", "zh")
    rows = candidate_features(asks, hits(PAYOUT, ELIGIBLE, OTHER), stats, "zh")
    for f in LISTWISE:
        best_other = [max(r[f] for j, r in enumerate(rows) if j != i) for i in range(len(rows))]
        assert all(r[f"{f}_lead"] == pytest.approx(r[f] - b) for r, b in zip(rows, best_other))
    assert rows[1]["ask_match_lead"] > 0 > rows[0]["ask_match_lead"]     # only the conditions article holds conditions
    assert set(CANDIDATE_FEATURES) <= set(rows[0])


def test_each_language_has_its_own_threshold():
    model = _model(-1.0, threshold=0.5)
    model.thresholds = {"zh": 0.99, "en": 0.01}
    assert model.threshold_for("zh") == 0.99 and model.threshold_for("fr") == 0.5
    again = DecisionModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.thresholds == {"zh": 0.99, "en": 0.01} and again.threshold == 0.5
    strict = decide("公共场所吸烟罚款多少", "zh", hits(OTHER, SMOKING), STORE, model=model)
    model.thresholds["zh"] = 0.01
    lenient = decide("公共场所吸烟罚款多少", "zh", hits(OTHER, SMOKING), STORE, model=model)
    assert strict.confidence == pytest.approx(lenient.confidence)
    assert strict.verdict != "answer" and lenient.verdict == "answer"



def test_a_question_about_taking_effect_prefers_the_clause_that_states_it():
    notice = clause("n1", "现将《个人所得税专项附加扣除暂行办法》印发给你们，请认真贯彻执行。 国务院 2018年12月13日", label="通知")
    effect = clause("e1", "第三十二条　本办法自2019年1月1日起施行。", label="第三十二条")
    assert read_question("个人所得税专项附加扣除暂行办法是从哪天开始施行的？", "zh").effect
    assert read_question("When did the measures take effect?", "en").effect
    assert not read_question("When was the notice issued?", "en").effect
    assert states_effect(effect) and not states_effect(notice)
    other = clause("o1", "第六十条 本条例自2010年1月1日起施行。", doc="《重庆市消防条例》", label="第六十条")
    hits = [Hit(notice, 1.0, 0.9, 1.0, 1), Hit(other, 0.9, 0.8, 0.5, 2), Hit(effect, 0.8, 0.8, 0.5, 3)]
    assert effect_first([0, 1, 2], hits, read_question("这个办法从哪天起施行？", "zh")) == [2, 0, 1]
    assert effect_first([0, 1, 2], hits, read_question("这个办法是哪天印发的？", "zh")) == [0, 1, 2]


def test_an_annex_task_listed_under_the_measures_topic_belongs_to_it():
    doc = "渝府办发〔2024〕27号"
    measure = clause("m6", "6. 国际贸易。大力提升西部陆海新通道运营组织能力。", doc=doc, label="二、（一）6.",
                     kind="clause", doc_number=doc)
    task = replace(clause("t37", "完善跨境电商出口货物拼箱作业模式。", doc=doc, label="附件 第37项", kind="annex_task",
                          doc_number=doc), path=["附件 2024年度工作任务清单", "一、对标先进优化提升专项行动", "（六）国际贸易"])
    other = replace(clause("t12", "优化企业开办服务。", doc=doc, label="附件 第12项", kind="annex_task", doc_number=doc),
                    path=["附件 2024年度工作任务清单", "一、对标先进优化提升专项行动", "（一）企业开办"])
    assert annex_of(measure, task) and not annex_of(measure, other) and not annex_of(task, measure)


# --- session 8: near misses that state a figure of another thing, per another unit, or for a contrasting case ---

FUND = clause("f1", "（七）强化金融支持。组建卫星互联网产业基金，推动空天信息产业生态培育。对投资我市科技创新企业的私募投资基金"
              "管理人，按投资总额的1%给予最高1000万元奖励。强化空天信息企业上市服务，根据上市进程分四个阶段给予单户最高800万元奖补。",
              doc="渝府办发〔2024〕22号", label="三、（七）", doc_number="渝府办发〔2024〕22号")
POWER = clause("p1", "第三十二条 供电企业应当保证供电质量。市场主体申请接入低压供电的，供电企业接电时间不得超过八个工作日。",
               doc="《重庆市优化营商环境条例》", label="第三十二条")
FINES = clause("l1", "第十八条 有下列情形之一的，由公安机关处一百元以上两百元以下的罚款：（一）在禁放区域燃放烟花爆竹的；"
               "（二）违反安全燃放规定的。", doc="《重庆市烟花爆竹安全管理条例》", label="第十八条")
NEAR = Store([FUND, POWER, FINES, SMOKING, OTHER])


@pytest.mark.parametrize("question, figure, kinds", [
    ("重庆卫星互联网产业基金的规模有多大？", True, ["number"]),
    ("这个基金有多大", True, ["number"]),
    ("How big is the satellite internet industry fund?", True, ["amount"]),
    ("What size is the fund?", True, ["amount"]),
    ("规模以上工业企业有哪些支持", False, []),          # 规模以上 names a class of firms, it asks for no figure
    ("轨道交通的起步票价是几元？", True, ["number"]),
    ("消防车通道宽度至少要几米？", True, ["number"]),
    ("What is the starting fare on the metro?", True, ["number"]),     # like 几元 (session 11: a figure ask reads some number)
    ("What is the current monthly minimum wage?", True, ["number"]),
    ("Who sets the fares?", False, ["agency"]),
])
def test_size_questions_ask_for_a_figure(question, figure, kinds):
    assert asks_figure(question) is figure and asked_kinds(question) == kinds


def test_the_subject_is_the_longest_stretch_of_question_words_the_clause_holds():
    q = "重庆卫星互联网产业基金的规模有多大？"
    assert anchored(q, "基金", FUND.text) == "卫星互联网产业基金"      # not 重庆 (a stop word) nor 的规模
    assert anchored(q, "基金", "私募投资基金管理人") == "基金"
    assert anchored(q, "fund", FUND.text) == "fund"                   # a term the question does not contain


def test_a_figure_of_another_thing_in_the_clause_makes_the_answer_partial():
    stats = CorpusStats(NEAR.clauses)
    q = "重庆卫星互联网产业基金的规模有多大？"
    subject = subject_concept(q, read_question(q, "zh"), hits(FUND), stats)
    assert subject and subject[0] == "卫星互联网产业基金"
    assert not figure_at_subject(subject, read_question(q, "zh"), hits(FUND))
    d = decide(q, "zh", hits(FUND), NEAR, model=_model(5.0))
    assert d.verdict == "partial" and d.subject == "卫星互联网产业基金" and d.unstated == ["number"]
    assert d.cited[0].clause.id == "f1" and d.confidence < 0.5
    twin = decide("私募投资基金管理人投资科技创新企业最高奖励多少钱？", "zh", hits(FUND), NEAR, model=_model(5.0))
    assert twin.verdict == "answer" and not twin.subject


def test_a_figure_in_a_listing_clause_or_under_the_items_heading_belongs_to_its_items():
    q = "在禁放区域燃放烟花爆竹罚多少钱"
    asks = read_question(q, "zh")
    assert figure_at_subject(("禁放区域",), asks, hits(FINES))          # 有下列情形之一的，处…罚款：（一）…
    assert decide(q, "zh", hits(FINES), NEAR, model=_model(5.0)).verdict == "answer"
    assert figure_at_subject(("强化金融支持",), read_question("强化金融支持给多少钱", "zh"), hits(FUND))
    # a time limit is not checked this way (the subject often sits in the sentence before the period)
    assert subject_concept("供电企业接电最长多少个工作日", read_question("供电企业接电最长多少个工作日", "zh"),
                           hits(POWER), CorpusStats(NEAR.clauses)) is None


def test_a_contrasting_qualifier_in_the_clause_makes_the_answer_partial():
    assert contrasts("高压", POWER.text) == ["低压"] and contrasts("低压", POWER.text) == []
    assert contrasts("外地", "本地企业") == [] and contrasts("压", "低压") == []
    d = decide("企业申请接入高压供电，供电企业最长多少个工作日内要接电？", "zh", hits(POWER), NEAR, model=_model(5.0))
    assert d.verdict == "partial" and d.contrast == [("高压", "低压")] and any("低压" in r for r in d.reasons)
    assert d.to_dict()["contrast"] == [["高压", "低压"]]
    twin = decide("企业申请接入低压供电，供电企业最长多少个工作日内要接电？", "zh", hits(POWER), NEAR, model=_model(5.0))
    assert twin.verdict == "answer" and twin.contrast == []


def test_an_english_question_has_no_qualifier_of_its_own_words_to_contrast():
    asks = read_question("high voltage power", "en", None, None, ["高压"])
    assert contrasted("How long does a high-voltage connection take?", asks, hits(POWER), CorpusStats(NEAR.clauses)) == []


@pytest.mark.parametrize("question, units", [
    ("每个阶段分别给多少钱？", [("阶段",)]),
    ("每平方米补多少？", [("平方米",)]),
    ("少招一个人每人每年交多少", [("人", "名")]),                 # time units are not checked (每年, 每月)
    ("How much per square metre?", [("平方米",)]),
    ("What is the amount per missing person per year?", [("人", "名")]),
    ("How much is paid at each stage?", [("阶段",)]),
    ("每月能扣多少", []),
])
def test_units_a_figure_is_asked_per(question, units):
    assert asked_per(question) == units


def test_a_figure_asked_per_unit_the_clause_does_not_state_it_per_is_partial():
    assert states_per("企业每招收1名全职博士后，给予企业5万元资助", ("人", "名"))
    assert states_per("按12元/平方米补贴", ("平方米",)) and not states_per("分四个阶段给予单户最高800万元", ("阶段",))
    d = decide("空天信息企业上市奖补每个阶段分别给多少钱？", "zh", hits(FUND), NEAR, model=_model(5.0))
    assert d.verdict == "partial" and d.per == ["阶段"] and d.unstated == ["amount"]
    twin = decide("空天信息企业上市奖补最高给多少钱？", "zh", hits(FUND), NEAR, model=_model(5.0))
    assert twin.verdict == "answer" and twin.per == []


def test_a_corpus_word_with_a_modifier_before_it_is_not_absent():
    fees = clause("x1", "第十条 任何单位不得向企业收费、摊派。", doc="《重庆市企业负担监督条例》", label="第十条")
    stats = CorpusStats([fees, SMOKING, OTHER, FUND])
    assert absent_concepts(read_question("企业被乱收费、乱摊派怎么投诉", "zh"), stats) == []
    assert _affixed("乱收费", stats) and not _affixed("收费", stats)
    other = CorpusStats([clause("x2", "普惠金融，五年期贷款。", doc="d")])
    assert not _affixed("普惠性", other)           # its head is not 惠性: still absent when the corpus lacks it
    assert not _affixed("三年期", other)           # a quantity


def test_which_month_is_a_date_question_word_not_a_concept():
    asks = read_question("行政执法监督员制度要求几月份前建立？", "zh")
    assert asks.kinds == ["date"] and all("月" not in g[0] for g in asks.concepts)


def test_a_year_the_question_names_against_the_year_of_the_list_the_clause_sits_in():
    task = replace(clause("t1", "推行企业名称申报承诺制。", doc="渝府办发〔2024〕27号", label="附件 第3项", kind="annex_task",
                          doc_number="渝府办发〔2024〕27号", deadline="2024-12"),
                   path=["附件 2024年度工作任务清单", "一、对标先进优化提升专项行动"])
    goal = clause("t2", "到2025年，营商环境持续优化。", doc="渝府办发〔2024〕27号", label="一、", doc_number="渝府办发〔2024〕27号")
    store = Store([task, goal, SMOKING, OTHER])       # the document names 2025 (a goal), so it is in scope
    q = "2025年度工作任务清单里，企业名称申报承诺制要在什么时候完成？"
    assert listed_year(read_question(q, "zh"), hits(task)) == [("2025年", "2024年度")]
    d = decide(q, "zh", hits(task), store, model=_model(5.0))
    assert d.verdict == "partial" and d.contrast == [("2025年", "2024年度")]
    assert decide(q.replace("2025", "2024"), "zh", hits(task), store, model=_model(5.0)).verdict == "answer"
    assert listed_year(read_question("企业名称申报承诺制什么时候完成", "zh"), hits(task)) == []


def test_the_subject_of_a_figure_is_a_thing_not_an_action():
    stats = CorpusStats(NEAR.clauses)
    q = "新组建的卫星互联网产业基金总规模是多少？"
    subject = subject_concept(q, read_question(q, "zh"), hits(FUND), stats)
    assert subject is not None and "基金" in subject[0]          # not 组建, the verb


def test_a_question_word_the_glossary_lists_as_an_alias_stands_for_the_documents_term_too():
    from retriever.glossary import Glossary
    from retriever.investor_terms import named_terms

    glossary = Glossary.load()
    q = "外资企业到重庆自贸区投资会被乱收费吗"
    concepts = read_question(q, "zh", glossary).concepts
    assert ("自贸区", "自由贸易试验区", "自贸试验区") in concepts
    assert any(g[0] == "乱收费" and "非法增加企业负担" in g for g in concepts)
    assert zh_forms("网约车", None, named_terms("网约车平台", "zh")) == ("网约车", "网络预约出租汽车")
    ftz = clause("z1", "第十七条 自由贸易试验区应当建立便捷通道。", doc="《中国（重庆）自由贸易试验区条例》", label="第十七条")
    assert absent_concepts(read_question("自贸区有便捷通道吗", "zh", glossary), CorpusStats([ftz])) == []


def test_a_figure_per_enterprise_is_stated_per_single_enterprise_too():
    assert asked_per("每家企业最多补多少") == [("家", "户", "个企业", "个单位")]
    assert states_per("单个企业每年累计不超过200万元。", asked_per("每家企业最多补多少")[0])
    assert states_per("给予单户最高800万元奖补。", asked_per("每户最多多少")[0])
    assert not states_per("对企业给予最高800万元奖补。", asked_per("每家企业最多补多少")[0])


def test_a_regulation_named_by_a_title_no_indexed_document_has_is_refused():
    assert named_titles("按重庆失业保险条例，公司和员工各按多少比例交？") == ["失业保险条例"]
    assert named_titles("四川省的优化营商环境条例规定几个工作日？") == ["优化营商环境条例"]
    assert named_titles("有什么办法吗") == [] and named_titles("《重庆市公共场所控制吸烟条例》罚多少") == ["公共场所控制吸烟条例"]
    stats = CorpusStats(STORE.clauses)
    assert unknown_titles("重庆市数字经济促进条例对吸烟罚款有什么规定", hits(SMOKING), stats) == ["数字经济促进条例"]
    assert unknown_titles("《重庆市公共场所控制吸烟条例》罚多少", hits(SMOKING), stats) == []
    assert unknown_titles("《重庆市地理标志条例》立法调研什么时候完成", hits(TASK), stats) == []   # a task quotes it
    d = decide("重庆市数字经济促进条例对公共场所吸烟罚款多少", "zh", hits(SMOKING), STORE, model=_model(5.0))
    assert d.verdict == "refuse" and d.cited == [] and "数字经济促进条例" in d.reasons[0] and d.confidence <= 0.25
    assert decide("重庆市公共场所控制吸烟条例对公共场所吸烟罚款多少", "zh", hits(SMOKING), STORE,
                  model=_model(5.0)).verdict == "answer"
