"""Everyday English for the first 50 regulations, article by article (session 8, voc8a block of the glossary).

Questions an investor, employer or resident might type, written from the regulations' articles (not from any
question set), must expand to the article's Chinese wording; the Chinese terms alone must then pick out the
right regulation among the 100 (idf × log tf, the BM25 idea in small, as in `test_glossary_regulations`).
No model: glossary level only."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit

QUESTIONS = [
    # business environment
    ("Can a bank force us to buy wealth management products as a condition of the loan?", "理财",
     "重庆市优化营商环境条例"),
    ("May a state agency pay its supplier with a commercial acceptance bill instead of cash?", "商业汇票",
     "重庆市优化营商环境条例"),
    ("How many working days may the power supplier take to connect electricity for a new business?", "接电",
     "重庆市优化营商环境条例"),
    ("Is an electronic seal or an e-signature as valid as the paper version?", "电子印章", "重庆市优化营商环境条例"),
    ("Will they waive the administrative penalty for a minor violation we fixed at once?", "情节轻微",
     "重庆市优化营商环境条例"),
    # free trade zone
    ("Can a foreign investor repatriate profits freely from the free trade zone?", "投资收益",
     "中国（重庆）自由贸易试验区条例"),
    ("May a finance lease company in the zone charge rent in foreign currency?", "融资租赁",
     "中国（重庆）自由贸易试验区条例"),
    ("Can a multinational run a two-way cash pool in renminbi across the border?", "资金池",
     "中国（重庆）自由贸易试验区条例"),
    # product quality
    ("What must a manufacturer do when it finds a defect and has to recall products?", "缺陷", "重庆市产品质量条例"),
    ("Do imported goods need a Chinese label?", "中文标识", "重庆市产品质量条例"),
    ("Who pays for the re-test if the sample fails the spot check?", "复检", "重庆市产品质量条例"),
    ("Can a shop hand out free gifts that fail quality standards?", "赠品", "重庆市产品质量条例"),
    # standard contract terms
    ("Must a property agent file its standard contract with the regulator?", "合同文本", "重庆市合同格式条款监督条例"),
    ("Can a contract make the consumer pay liquidated damages far above the loss?", "违约金",
     "重庆市合同格式条款监督条例"),
    ("Can a gym's unfair contract clause exclude its liability for injuries to customers?", "格式条款",
     "重庆市合同格式条款监督条例"),
    # unemployment insurance
    ("How long do laid-off workers get benefits after years of contributions?", "累计缴费", "重庆市失业保险条例"),
    ("Is there a funeral allowance if an unemployed person dies?", "丧葬补助金", "重庆市失业保险条例"),
    ("What late fee applies to an employer with contribution arrears?", "欠缴", "重庆市失业保险条例"),
    ("When we terminate employment, within how many working days must the file go to the unemployment insurance agency?",
     "解除劳动关系", "重庆市失业保险条例"),
    # Taiwan investment
    ("Who appoints the board of directors of an equity joint venture with a Taiwanese investor?", "合资经营企业",
     "重庆市台湾同胞投资保护条例"),
    ("Can a Taiwan investor's company be nationalised?", "国有化", "重庆市台湾同胞投资保护条例"),
    ("Can a Taiwanese manager swap a Taiwan driving licence for a local one?", "驾驶证", "重庆市台湾同胞投资保护条例"),
    # work safety
    ("Must agency workers and student interns get safety training too?", "被派遣劳动者", "重庆市安全生产条例"),
    ("Is it a fine to cover up an accident or report it late?", "隐瞒不报", "重庆市安全生产条例"),
    ("Does a warehouse storing dangerous articles need emergency lighting?", "应急照明", "重庆市安全生产条例"),
    # natural gas
    ("Who must install a gas alarm and an automatic shut-off valve in a basement kitchen?", "安全自闭阀",
     "重庆市天然气管理条例"),
    ("How fast must the gas company do the gas connection check after I retrofit the pipes?", "通气验收",
     "重庆市天然气管理条例"),
    # real estate development
    ("What is the project capital a developer must put in a supervised account?", "资本金",
     "重庆市城市房地产开发经营管理条例"),
    ("What must homebuyers receive at handover: a quality guarantee and a manual?", "质量保证书",
     "重庆市城市房地产开发经营管理条例"),
    # title registration
    ("Can I register an objection if the property register has my flat under someone else?", "异议登记",
     "重庆市土地房屋权属登记条例"),
    ("How do I register an easement over my neighbour's land?", "地役权", "重庆市土地房屋权属登记条例"),
    # patents, animals, forensics
    ("Must a company pay the inventor remuneration for a service invention?", "职务发明", "重庆市专利促进与保护条例"),
    ("Who pays for the safe disposal of dead pigs on a livestock farm?", "无害化处理", "重庆市动物防疫条例"),
    ("Can I ask for a fresh appraisal if the forensic lab got it wrong?", "重新鉴定", "重庆市司法鉴定条例"),
    # land, water, rural
    ("Does a builder need a soil and water conservation plan before breaking ground on a slope?", "水土保持方案",
     "重庆市实施《中华人民共和国水土保持法》办法"),
    ("How is surplus distributed among members of a farmers' cooperative?", "盈余",
     "重庆市实施《中华人民共和国农民专业合作社法》办法"),
    ("Can a developer build inside the green line of a city park?", "绿线", "重庆市城市园林绿化条例"),
]


@pytest.mark.parametrize("question, term, title", QUESTIONS)
def test_everyday_english_reaches_the_article_wording(reaches, question, term, title):
    reaches(question, term, title)


@pytest.mark.parametrize("phrase, zh", [
    ("What share of payroll goes to unemployment insurance?", "工资总额"),
    ("Does the manufacturer answer for product quality?", "生产者"),
    ("Who is the withholding agent for the tax?", "扣缴义务人"),
])
def test_an_everyday_word_sits_on_the_row_an_investor_means(gloss, phrase, zh):
    assert zh in gloss.expand_english(phrase)


def test_payroll_and_manufacturer_left_their_too_broad_rows(gloss):
    assert "扣缴义务人" not in gloss.expand_english("How big is our payroll?")
    assert "研制生产方" not in gloss.expand_english("Which manufacturer made it?")
    assert "研制生产方" in gloss.expand_english("developer and manufacturer of first-of-its-kind equipment")


@pytest.mark.parametrize("word", ["employees", "staff", "fee", "fees", "record", "agent", "stock", "shares",
                                  "board", "drill", "modify", "fix", "start work", "survey", "surveys", "future",
                                  "bill", "bills", "resort", "gold", "foreigner", "leak", "allocation", "abandoned",
                                  "gift", "hand over", "alteration", "as a last resort", "coal-fired"])
def test_generic_words_of_the_block_map_to_nothing(gloss, word):
    assert gloss.expand_english(word) == [], word
