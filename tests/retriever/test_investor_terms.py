"""The investor vocabulary and the decision evidence built on it: a concept the question names that occurs nowhere
in the index, and a figure asked for that the clause does not give next to the asked concept."""
from __future__ import annotations

import pytest

from retriever.decision import answer_features, candidate_features, figure_attached
from retriever.evidence import CorpusStats, gives_figure, read_question
from retriever.investor_terms import TERMS_FILE, load_vocabulary, named_terms
from tests.retriever.test_decision import clause, hits

pytestmark = pytest.mark.unit

CAPITAL = clause("r21", "第二十一条 房地产开发项目应当建立资本金制度，资本金占项目总投资的比例应当符合国家和本市规定。",
                 doc="《重庆市城市房地产开发经营管理条例》", label="第二十一条")
TRANSFER = clause("r28", "第二十八条 转让房地产开发项目，应当符合下列条件：转让人已完成项目开发投资总额的百分之二十五以上。",
                  doc="《重庆市城市房地产开发经营管理条例》", label="第二十八条")
FINE = clause("s20", "第二十条 违反本条例规定，经营者未履行控烟职责的，由监督管理部门责令限期改正；逾期不改正的，处二千元以上"
              "一万元以下罚款。", doc="《重庆市公共场所控制吸烟条例》", label="第二十条")
STATS = CorpusStats([CAPITAL, TRANSFER, FINE])


def test_the_vocabulary_file_is_well_formed():
    vocab = load_vocabulary(str(TERMS_FILE))
    assert len(vocab.terms) >= 200
    assert all(t.en and t.zh and t.domain for t in vocab.terms)
    phrases = [p for t in vocab.terms for p in t.en]
    assert len(phrases) == len(set(phrases)), "an English phrase maps to two concepts"
    assert {"tax", "hr", "company", "immigration", "property", "finance"} <= {t.domain for t in vocab.terms}


@pytest.mark.parametrize("question, lang, expected", [
    ("How much deed tax do I pay when buying a home?", "en", ["契税", "购房"]),
    ("What is the individual income tax threshold?", "en", ["个人所得税", "起征点"]),
    ("What is the stamp duty on share transfers?", "en", ["印花税", "股权转让"]),
    ("企业在科创板上市奖励多少", "zh", ["科创板", "上市"]),
    ("失业保险金每月能领多少", "zh", ["失业保险金"]),          # not also 失业保险, which it contains
    ("Where is the nearest park?", "en", []),
])
def test_named_terms(question, lang, expected):
    assert [t.zh[0] for t in named_terms(question, lang)] == expected


def test_a_vocabulary_concept_absent_from_the_index_is_evidence_against_answering():
    for q, lang, absent in (("转让房地产开发项目要交多少土地增值税？", "zh", 1.0),
                            ("How much land appreciation tax is due when a development project is transferred?", "en",
                             1.0),
                            ("转让房地产开发项目要完成多少投资？", "zh", 0.0)):
        asks = read_question(q, lang)
        rows = candidate_features(asks, hits(TRANSFER, CAPITAL), STATS, lang)
        row = answer_features(asks, hits(TRANSFER)[0], rows[0], 0.9, hits(TRANSFER, CAPITAL), STATS, lang)
        assert row["term_absent"] == absent, q


def test_a_concept_in_the_index_but_not_in_the_cited_document():
    asks = read_question("What is the fine for smoking in a restaurant?", "en")
    assert [t.zh[0] for t in asks.terms] == ["吸烟", "餐饮"]
    off = answer_features(asks, hits(CAPITAL)[0], {}, 0.9, hits(CAPITAL), STATS, "en")
    on = answer_features(asks, hits(FINE)[0], {}, 0.9, hits(FINE), STATS, "en")
    assert off["term_off_doc"] == 1.0 and on["term_off_doc"] == 0.0
    assert on["term_absent"] == 1.0            # 餐饮 occurs nowhere in these three clauses


@pytest.mark.parametrize("text, kinds, gives", [
    ("资本金占项目总投资的比例应当符合国家和本市规定。", ["percent"], False),   # 比例 named, no figure
    ("转让人已完成项目开发投资总额的百分之二十五以上。", ["percent"], True),
    ("处二千元以上一万元以下罚款。", ["amount"], True),
    ("具体收费标准按照国家有关规定执行。", ["amount"], False),
    ("新增风电装机100万千瓦。", ["amount"], True),                         # "how much" may ask for a quantity
    ("应当在十五个工作日内作出决定。", ["count"], True),                     # "how many days" asks for a count
    ("应当在十五个工作日内作出决定。", ["date"], False),                     # a date is not a figure kind here
])
def test_gives_figure(text, kinds, gives):
    assert gives_figure(text, kinds) == gives


def test_a_clause_that_gives_no_figure_of_the_asked_kind():
    asks = read_question("房地产开发项目的资本金至少要占总投资的百分之多少？", "zh")
    named = answer_features(asks, hits(CAPITAL)[0], {}, 0.9, hits(CAPITAL), STATS, "zh")
    given = answer_features(asks, hits(TRANSFER)[0], {}, 0.9, hits(TRANSFER), STATS, "zh")
    assert named["fig_given"] == 0.0 and given["fig_given"] == 1.0
    no_figure = answer_features(read_question("资本金制度是什么", "zh"), hits(CAPITAL)[0], {}, 0.9, hits(CAPITAL),
                                STATS, "zh")
    assert no_figure["fig_given"] == 1.0


def test_a_figure_the_clause_only_names_is_not_attached():
    asks = read_question("房地产开发项目的资本金至少要占总投资的百分之多少？", "zh")
    assert figure_attached(asks, CAPITAL, STATS) == 0.0
    asks = read_question("转让房地产开发项目，转让人要完成开发投资总额的百分之多少？", "zh")
    assert figure_attached(asks, TRANSFER, STATS) == 1.0
    asks = read_question("控烟不力的经营者罚多少钱", "zh")
    assert figure_attached(asks, FINE, STATS) == 1.0
    assert figure_attached(read_question("资本金制度是什么", "zh"), CAPITAL, STATS) == 1.0   # no figure asked for
