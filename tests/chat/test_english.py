"""English an English reader can act on: roles of figures, glosses, direct answers (chat/english.py)."""
from __future__ import annotations

import re

import pytest

from chat import english as E
from index.clause import Clause
from index.facts import extract_facts
from retriever.glossary import Glossary

POSTDOC = ("（六）支持人才引进。支持空天信息企业建立国家级博士后工作站，满足条件的给予50万元资助，企业每招收1名全职博士后，"
           "给予企业5万元资助，给予每名博士后16万元日常资助。（牵头部门：市教委、市人力社保局；配合部门：市科技局）")
PREMIUM = ("对符合条件的空天信息首台（套）重大技术装备给予保费补偿，按照不超过实际投保年度保费的80%且实际保险费率不超过3%的"
           "上限计算，单个产品年保费补贴不超过500万元。")


@pytest.fixture(scope="module")
def g() -> E.Glosser:
    return E.Glosser(Glossary.load())


def clause(text: str, **kw) -> Clause:
    return Clause(id=kw.pop("id", f"c-{abs(hash(text)) % 10**12:012d}"), doc_key="k", doc_number="渝府办发〔2024〕22号", doc_title="t", kind=kw.pop("kind", "clause"),
                  label="三、（六）", label_en="Part III (6)", path=[], text=text, facts=extract_facts(text), **kw)


def lines(text: str, g: E.Glosser) -> dict[str, str]:
    return {f.text: E.fact_line_en(f, g) for f in extract_facts(text)}


@pytest.mark.unit
def test_postdoc_figures_read_right(g):
    got = lines(POSTDOC, g)
    assert got["5万元"] == ("funding support to the company, per full-time postdoctoral researcher recruited: "
                           "CNY 50,000 (5万元)")
    assert got["16万元"].startswith("living allowance to each postdoctoral researcher: CNY 160,000")
    station = got["50万元"]
    assert "postdoctoral workstation" in station and "per " not in station and "CNY 500,000" in station


@pytest.mark.unit
def test_premium_cap_reads_as_premium_subsidy_per_product_per_year(g):
    got = lines(PREMIUM, g)
    assert got["不超过500万元"] == "premium subsidy, per product per year: up to CNY 5,000,000 (不超过500万元)"
    assert got["不超过3%"] == "actual insurance premium rate: up to 3% (不超过3%)"
    assert "of actual annual insurance premium" in got["不超过实际投保年度保费的80%"]


@pytest.mark.unit
def test_unknown_words_stay_in_chinese_brackets(g):
    assert g.gloss("沙龙") != "" and "[" not in g.gloss("博士后")
    assert g.gloss("梯次引育") == "[梯次引育]"          # no entry anywhere: kept, never guessed
    assert "kimono" not in g.gloss("优化外国专家平台建设和服务体系")   # word boundaries from jieba


@pytest.mark.unit
def test_gloss_renders_figures_in_english(g):
    out = E.gloss_sentence("给予企业5万元资助", g)
    assert "CNY 50,000" in out and "5万" not in out


@pytest.mark.unit
def test_gloss_of_a_regulation_article(g):
    out = E.gloss_sentence("第二十二条 本市鼓励外商投资。本条例自2024年1月1日起施行。", g)
    assert out.startswith("Article 22:") and "twelve" not in out
    assert "Smoking" not in out                          # 本条例 is "this regulation", not one named regulation
    assert "January 1, 2024" in out and "[自]" not in out


@pytest.mark.unit
def test_a_term_alias_inside_the_term_is_not_glossed_as_the_term(g):
    assert "commercial disputes" not in E.gloss_sentence("涉外经济活动", g)        # alias of 涉外商事纠纷
    assert "out of wedlock" not in E.gloss_sentence("婚生子女", g)                # alias of 非婚生子女
    assert "out of wedlock" in E.gloss_sentence("非婚生子女", g)


@pytest.mark.unit
def test_direct_answers_for_who_and_when(g):
    c = clause(POSTDOC, lead_units=["市教委", "市人力社保局"], co_units=["市科技局"])
    who = E.direct_answer_en("Who is responsible for the postdoc grants?", c, g, set(), "cite")
    assert who.startswith("Lead unit: Chongqing Municipal Education Commission (市教委)")
    when = E.direct_answer_en("By when must this be done?", c, g, set(), "cite")
    assert "this clause sets no deadline" in when.lower()
    task = clause("建立国家级博士后工作站资助政策。", kind="annex_task", deadline="2024-12", number=7)
    when = E.direct_answer_en("By when must this be done?", c, g, set(), "cite", task, "Annex, task 7")
    assert "This clause sets no deadline; Annex, task 7 sets December 2024." == when


@pytest.mark.unit
def test_sibling_annex_task_must_restate_the_quote():
    main = clause(POSTDOC)
    same = clause("企业每招收1名全职博士后，给予企业5万元资助。", kind="annex_task", deadline="2024-12")
    other = clause("开展新重庆引才计划优秀青年专项工作。", kind="annex_task", deadline="2024-12")
    assert E.sibling_annex_task(main, [other, same], "企业每招收1名全职博士后，给予企业5万元资助") is same
    assert E.sibling_annex_task(main, [other], "企业每招收1名全职博士后，给予企业5万元资助") is None


@pytest.mark.unit
def test_relevant_facts_pick_the_premium_sentence(g):
    c = clause("对同一产品奖励资金总额不超过500万元。" + PREMIUM)
    picked = [f.text for f in E.relevant_facts(c, {"保费补偿", "保费补贴", "首台（套）"})]
    assert picked == ["不超过实际投保年度保费的80%", "不超过3%", "不超过500万元"]
    assert len(E.relevant_facts(c, set())) == 4


@pytest.mark.unit
def test_cjk_share_counts_only_unmarked_chinese():
    original = ["单个产品年保费补贴不超过500万元"]
    assert E.cjk_share("premium subsidy: up to CNY 5,000,000 (不超过500万元)", original) == 0.0
    assert E.cjk_share("「单个产品」 《标题》", original) == 0.0
    assert E.cjk_share("an untranslated [沙龙]", original) > 0.0


@pytest.mark.unit
def test_old_index_facts_get_roles_from_the_text():
    c = clause(POSTDOC)
    for f in c.facts:
        f.role, f.role_parts = None, None
    assert all(f.role_parts for f in E.ensure_roles(c) if f.kind == "amount")


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.integration
@pytest.mark.parametrize("question, must, must_not", [
    ("What subsidies can a company get for recruiting postdoctoral researchers?",
     ["to the company, per full-time postdoctoral researcher recruited: CNY 50,000",
      "living allowance to each postdoctoral researcher: CNY 160,000"],
     ["per full-time postdoctoral researcher recruited: CNY 500,000"]),
    ("Is there a cap on the insurance premium subsidy for first-of-a-kind equipment?",
     ["Yes: ", "premium subsidy, per product per year: up to CNY 5,000,000"], []),
    ("Which agency leads the one-stop labour dispute centre and by when?",
     ["Lead unit: Chongqing Municipal Human Resources and Social Security Bureau", "deadline: April 2024"], []),
])
def test_english_answers_end_to_end(sample_service, question, must, must_not):
    card = sample_service.ask(question, llm="none").to_dict()
    answer = card["answer"]
    for text in must:
        assert text in answer, answer
    for text in must_not:
        assert text not in answer
    assert "「" not in answer                            # the quote is shown once: in the sources
    first = answer.splitlines()[0]
    assert not CJK.search(first) or "(" in first              # Chinese only as the marked original
    originals = [c["text"] for c in card["citations"]]
    assert E.cjk_share(answer, originals) <= 0.05
    views = [v for c in card["citations"] for v in c["fact_views"]]
    assert views and all(v["role_en"] for v in views)


@pytest.mark.unit
def test_ui_renders_english_first_with_the_original_beneath():
    from chat.ui import TEXT, render_card

    assert set(TEXT["zh"]) == set(TEXT["en"])
    card = {"language": "en", "answered": True, "answer": "Yes: premium subsidy …",
            "citations": [{"n": 1, "citation_en": "Yu Fu Ban Fa [2024] No. 22, Part III (5)", "title": "t",
                           "quote": "单个产品年保费补贴不超过500万元。", "text": "全文", "facts": ["x"],
                           "translation_en": "The premium subsidy per product per year is up to CNY 5,000,000."}]}
    html = render_card(card)
    assert html.index("Translation (machine") < html.index("Original (Chinese") < html.index("单个产品")
    assert html.count("单个产品年保费补贴") == 1                      # the quote once


@pytest.mark.unit
def test_glosses_are_remembered_in_a_bounded_lru():
    fresh = E.Glosser(Glossary.load(), size=3)
    sentence = "对新获批的国家级博士后科研工作站，给予50万元资助。"
    first = E.gloss_sentence(sentence, fresh)
    hits = fresh.hits
    assert E.gloss_sentence(sentence, fresh) == first and fresh.hits == hits + 1    # the second time from the LRU
    assert first == E._gloss_sentence(sentence, E.Glosser(Glossary.load(), size=0))  # the same text as uncached
    for phrase in ("博士后", "科研", "工作站", "资助"):
        assert fresh.gloss(phrase) == fresh._gloss(phrase)
    assert len(fresh.memo) == 3                                           # bounded: the oldest went first
    assert ("sentence", sentence) not in fresh.memo


BUSINESS_ENV = ("第五条 市、区县（自治县）人民政府应当加强对优化营商环境工作的组织领导。市发展改革部门、区县（自治县）人民政府"
                "优化营商环境工作主管部门，负责组织、指导、协调本行政区域的优化营商环境工作。政府主要负责人是优化营商环境的第一责任人。")


@pytest.mark.unit
def test_a_regulation_that_makes_a_unit_responsible_is_not_said_to_name_none(g):
    """A regulation article lists no lead unit as a plan's task does; "who" is answered with the units its sentence
    makes responsible (X，负责…), not with "names no responsible unit"; 负责人 (a person in charge) is no unit."""
    assert E.responsible_named(BUSINESS_ENV) == ["市发展改革部门", "区县（自治县）人民政府优化营商环境工作主管部门"]
    assert E.responsible_named("设立重庆市台商投诉协调中心，负责受理投诉事项。") == ["重庆市台商投诉协调中心"]
    assert E.responsible_named("政府主要负责人是第一责任人。") == []
    line = E.direct_answer_en("Which department organises and coordinates the work of optimizing the business "
                              "environment?", clause(BUSINESS_ENV), g, set(), "Article 5")
    assert "(市发展改革部门)" in line and "names no responsible unit" not in line
