"""Which sentences the card quotes (`chat.quotes`): what the question asks for, verbatim, kept short."""
from __future__ import annotations

import pytest

from chat.compose import compose_answer, query_terms
from chat.english import agencies_named
from chat.quotes import SHORT_CLAUSE, line_starts, quote_sentences, sentences
from index.clause import Clause
from index.facts import extract_facts
from retriever.decision import Decision
from retriever.glossary import Glossary
from retriever.search import Hit

pytestmark = pytest.mark.unit

CONSTELLATION = ("1. 构建商业遥感卫星星座。建设低轨掩星气象探测星座，打造掩星气象探测运营体系承载平台。探索商业化组网机制，"
                 "推动星座快速组建。")
PARK = ("1. 建设空天信息产业园。发挥两江新区主阵地作用，加快建设重庆数创园，着力打造重庆市卫星互联网和数字经济发展的"
        "核心平台载体。研究制定支持重庆数创园发展的财税政策，推进“场景+基金+政策”三位一体产业培育模式，形成具有竞争力的"
        "卫星互联网和数字经济特色产业集群。鼓励有条件的区县根据产业基础，依托龙头企业发展通导遥融合技术产业，打造通导遥"
        "融合的空天信息产业集群。")
PENALTY = ("第四十九条 建设单位有下列行为之一的，由规划自然资源主管部门责令限期改正；逾期不改正的，责令停止生产、施工"
           "或者使用，处十万元以上五十万元以下的罚款；构成犯罪的，依法追究刑事责任：\n"
           "（一）未按照规定对地质灾害易发区内的建设工程进行地质灾害危险性评估的；\n"
           "（二）配套的地质灾害治理工程未经验收或者经验收不合格，主体工程即投入生产或者使用的。")
LICENCE = ("第十条 登记证应当载明食品小作坊名称、社会信用代码、法定代表人、生产经营地址、生产经营品种、登记证编号、"
           "有效期、发证机关、签发人、发证日期。\n登记证有效期三年。有效期满需要延续的，应当在届满三十日前，向原发证部门"
           "提出申请，原发证部门应当在十个工作日内作出是否准予延续的决定。\n登记证上载明的食品小作坊名称、法定代表人、"
           "生产经营品种等登记事项发生变化的，应当在变化后十日内向原发证部门申请变更登记。\n生产经营地址发生变化的，"
           "应当重新申请登记证，原登记证自动失效。")
EXPERTS = ("第二十七条 评标专家有下列情形之一的，不再担任评标专家，由市发展改革部门调整出综合评标专家库：\n"
           "（一）年满七十周岁；\n（二）因身体健康状况不能够胜任评标工作；\n"
           "（三）因工作、学习等原因长时间不能参加评标活动；\n（四）评标专家自愿申请退出。")
CONDITIONS = ("第十八条 具备下列条件的失业人员，可以领取失业保险金：\n"
              "（一）按照规定参加失业保险，所在单位和本人已按照规定履行缴费义务满一年以上的；\n"
              "（二）在法定劳动年龄内非因本人意愿中断就业的；\n（三）已按规定办理失业和求职登记的。")
PERMIT = ("第十四条 对涉及已竣工高等级公路用地范围内的管线工程，管线建设单位必须于工程施工前向市公路主管部门办理以下"
          "手续：\n（一）就开挖工程与复原工程所需的时间及其他有关事项与公路路政管理机构达成书面协议；\n"
          "（二）持路政管理机构出具的路产损失赔偿费证明。向市公路主管部门申请核发公路开挖许可证；\n"
          "（三）在管线工程放线后，由市公路主管部门会同市规划管理部门共同验线后才能施工。")


BENEFITS = ("第二十四条 失业人员领取失业保险金的期限，根据其失业前所在单位和本人累计缴纳失业保险费的时间确定。具体划分为：\n"
            "（一）累计缴费时间满一年不足两年的为三个月；\n（二）累计缴费时间满两年不足三年的为六个月；\n"
            "（三）累计缴费时间满三年不足四年的为九个月；\n（四）累计缴费时间满四年不足五年的为十二个月；\n"
            "（五）累计缴费时间满五年不足七年的为十五个月；\n（六）累计缴费时间满七年的为十六个月。\n"
            "失业人员重新就业后，再次失业的，其缴费的时间重新计算，领取失业保险金的期限应与前次失业应领取而未领取失业保险金"
            "的期限合并计算，但最长不超过二十四个月。")


def quote(text: str, question: str, lang: str = "zh", expansions: list[str] | None = None) -> list[str]:
    got = quote_sentences(text, query_terms(question, lang, expansions), question)
    assert got and all(s in text for s in got)                  # every quoted sentence verbatim from the clause
    assert got == [s for s in sentences(text) if s in got]      # in reading order
    return got


def joined_from(quoted: str, text: str) -> bool:
    """Whether `quoted` is sentences of `text`, verbatim, one after another in reading order."""
    rest = quoted
    for s in sentences(text):
        if rest.startswith(s):
            rest = rest[len(s):]
    return rest == ""


def test_a_short_clause_is_quoted_whole():
    assert len(CONSTELLATION) <= SHORT_CLAUSE
    assert "".join(quote(CONSTELLATION, "重庆要建的商业遥感卫星星座是哪种星座？")) == CONSTELLATION


def test_a_long_clause_is_not_quoted_whole_and_keeps_its_title_with_the_describing_sentence():
    assert len(PARK) > SHORT_CLAUSE                              # the short-clause rule must not apply
    got = quote(PARK, "重庆的空天信息产业园主要建在哪里？叫什么园区？")
    assert got[0] == "1. 建设空天信息产业园。"                     # the title comes with what describes it
    assert any("两江新区" in s and "重庆数创园" in s for s in got)
    assert len("".join(got)) < len(PARK)


def test_a_fine_question_quotes_the_penalty_sentence_with_the_item_it_applies_to():
    got = quote(PENALTY, "在地质灾害易发区建项目，没做地质灾害危险性评估，建设单位会被罚多少？")
    assert "规划自然资源主管部门" in got[0] and "十万元以上五十万元以下" in got[0]   # who fines and how much
    assert any(s.startswith("（一）") for s in got)


def test_an_agency_question_gets_the_sentence_naming_the_agency():
    got = quote(PERMIT, "管线工程开挖许可证向哪个部门申请？")
    assert any("公路开挖许可证" in s for s in got)
    item = next(s for s in got if "公路开挖许可证" in s)
    assert "（二）持路政管理机构" in "".join(got)                 # a later sentence of an item comes with its start
    assert got.index(item) > 0


def test_a_two_part_question_gets_a_sentence_for_each_part():
    got = "".join(quote(LICENCE, "食品小作坊的登记证几年有效？到期要提前多久申请延续？"))
    assert "登记证有效期三年" in got and "届满三十日前" in got


def test_a_validity_question_gets_the_validity_sentence_not_another_time_limit():
    got = "".join(quote(LICENCE, "How long is the registration certificate of a small food workshop valid?", "en",
                        ["食品小作坊", "登记证"]))
    assert "登记证有效期三年" in got


def test_an_age_question_gets_the_list_item_with_the_age_and_its_lead_in():
    got = quote(EXPERTS, "评标专家年满多少岁就不再担任评标专家？")
    assert got[0].startswith("第二十七条") and "（一）年满七十周岁；" in got
    english = quote(EXPERTS, "At what age does a bid evaluation expert stop serving?", "en", ["评标专家"])
    assert "（一）年满七十周岁；" in english


def test_conditions_that_must_all_hold_are_quoted_together_only_when_short():
    got = quote(CONDITIONS, "I resigned after 18 months. Can I claim unemployment benefits?", "en", ["失业保险金"])
    assert [s[:3] for s in got[1:]] == ["（一）", "（二）", "（三）"]
    long_items = CONDITIONS.replace("（三）已按规定办理失业和求职登记的。", "（三）" + "已按规定办理失业和求职登记" * 12 + "的。")
    assert len(quote(long_items, "I resigned after 18 months. Can I claim unemployment benefits?", "en",
                     ["失业保险金"])) < 4


def test_a_schedule_is_quoted_whole_with_its_lead_in():
    got = quote(BENEFITS, "For how many months are unemployment benefits paid after five to seven years of "
                          "contributions?", "en", ["失业保险金", "累计缴费"])
    assert "具体划分为：" in got                                   # the lead-in, though not first on its line
    assert [s[:3] for s in got if s.startswith("（")] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]
    assert "（五）累计缴费时间满五年不足七年的为十五个月；" in got


def test_line_starts_map_each_sentence_to_its_line():
    assert line_starts("甲。乙。\n丙。") == [0, 0, 2]


def _regulation(text: str) -> Clause:
    return Clause(id="r49", doc_key="reg", doc_number="", doc_title="重庆市地质灾害防治条例", kind="article",
                  label="第四十九条", label_en="Article 49", path=[], text=text, facts=extract_facts(text),
                  doc_title_en="Regulations of Chongqing Municipality on the Prevention and Control of Geological "
                               "Disasters")


def test_english_card_labels_the_fine_and_the_agency_beside_the_verbatim_quote():
    glossary = Glossary.load()
    clause = _regulation(PENALTY)
    hits = [Hit(clause, 1.0, 0.8, 1.0, 1)]
    question = "If we skip the geological hazard risk assessment, who fines us and how much?"
    card = compose_answer(question, "en", hits, True, glossary=glossary, expansions=["地质灾害危险性评估"],
                          decision=Decision("answer", 0.9, cited=hits, asks=["amount", "agency"])).to_dict()
    c = card["citations"][0]
    assert "规划自然资源主管部门" in c["quote"] and joined_from(c["quote"], PENALTY)
    lines = card["answer"].splitlines()
    assert "CNY 100,000–500,000 (十万元以上五十万元以下)" in card["answer"]
    agency = next(line for line in lines if line.strip().startswith("- agencies named:"))
    assert "(规划自然资源主管部门" in agency and agency.split(":", 1)[1].strip()[0].isascii()
    assert "(规划自然资源主管部门" in lines[0]                   # the direct answer names who fines, in English


def test_agencies_named_reads_actors_and_glossary_agencies_once_each():
    glossary = Glossary.load()
    assert agencies_named("由应急管理部门责令停止违法行为，由应急管理部门处罚款", glossary) == ["应急管理部门"]
    assert agencies_named("向市公路主管部门申请核发公路开挖许可证", glossary) == ["市公路主管部门"]
    assert agencies_named("牵头单位：市人力社保局", glossary) == ["市人力社保局"]
    assert agencies_named("企业可以申请补贴。", glossary) == []
