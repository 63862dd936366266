"""Everyday English reaches the Chinese terms of regulations 51–100 and the June 2024 gazette (glossary block voc8b).

The phrasings are written for this test from the regulations' articles, not taken from any question set. Glossary
level only (no model): each must expand to the Chinese wording the article uses."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "query, expected",
    [
        # trade unions and collective contracts
        ("Do we need a workplace union once we have twenty-five employees?", ["基层工会"]),
        ("Must the union be consulted before mass layoffs?", ["工会", "裁减人员"]),
        ("Can we dismiss a worker without telling the union?", ["解除劳动合同", "工会"]),
        ("Is there special protection for female employees during pregnancy?", ["女职工"]),
        ("Who may drive a taxi for a cruising taxi company?", ["出租汽车"]),
        ("Does the anti-drug regulation cover drug dealing near schools?", ["毒品"]),
        ("Who sits on the labor dispute mediation committee?", ["劳动争议调解委员会"]),
        ("Union dues are 2% of the payroll, right?", ["工会经费", "工资总额"]),
        ("Can workers go on strike while the wage adjustment is being negotiated?", ["停工", "工资调整"]),
        ("Does the union check working conditions after a work injury?", ["劳动条件", "工伤"]),
        ("Can an agency force us to buy bonds or pay for newspaper subscriptions?", ["有价证券", "报刊"]),
        ("Must a food workshop recall products after a food poisoning case?", ["召回", "食品安全事故"]),
        ("What is the fine for an overloaded truck without a GPS tracker?", ["超限", "卫星定位装置"]),
        ("How fast must the elevator maintenance company come when people are trapped in a lift?", ["电梯维保", "困人"]),
        # tendering
        ("How large can the performance security be on a public works contract?", ["履约保证金"]),
        ("What counts as colluding bidders?", ["串通投标"]),
        ("When is an invited tender allowed instead of an open tender?", ["邀请招标", "公开招标"]),
        ("Is the ceiling price published with the tender documents?", ["最高限价"]),
        # fees, metrology, statistics
        ("Can a department invent new fees for businesses?", ["收费项目"]),
        ("What is the penalty for a rigged pump at a petrol station?", ["防作弊装置"]),
        ("Must prepackaged goods state the net weight?", ["定量包装商品"]),
        ("Our firm is a statistical reporting unit; can we refuse to file?", ["统计调查对象"]),
        ("What happens if a manager falsifies statistics?", ["统计违法"]),
        # transport, port, telecom, post
        ("Do charter buses need a contract on board?", ["包车客运"]),
        ("Are car rental firms required to check the driver's licence?", ["汽车租赁"]),
        ("Who licenses a stevedoring company at the port?", ["港口经营人"]),
        ("Can a carrier refuse network interconnection?", ["网间互联"]),
        ("What happens to undeliverable mail?", ["无法投递"]),
        # water, fire, buildings, streets
        ("Do we pay a water resource fee for our own borehole?", ["水资源费", "地下水"]),
        ("Are metering devices compulsory on an industrial water intake?", ["计量设施", "取水口"]),
        ("Our factory's fire exits were locked during the inspection.", ["安全出口"]),
        ("How often must a hotel hold a fire drill?", ["消防演练"]),
        ("Who is the person responsible for fire safety in a leased warehouse?", ["消防安全责任人"]),
        ("Can I put up a shop sign above the storefront?", ["招牌"]),
        ("Are muck trucks allowed on city streets in daytime?", ["渣土"]),
        ("Who checks the wiring at a petrol station?", ["加油站", "用火用电"]),
        ("Is the bid bond refunded if we raise an objection to the winning bidder candidates?", ["异议", "中标候选人"]),
        ("Must a telecom operator report a change in shareholding to the regulator?", ["股权结构"]),
        ("Can a restaurant vent cooking fumes onto the pavement?", ["油烟", "人行道"]),
        ("Do new factories need a seismic safety evaluation?", ["地震安全性评价"]),
        # land, resources, emergencies
        ("Is there a fee for using forest land for a factory road?", ["森林植被恢复费"]),
        ("Who restores the site after mine closure?", ["闭坑"]),
        ("Can the government requisition company trucks in a flood?", ["征用"]),
        ("Where are the emergency shelters in our district?", ["应急避难场所"]),
        # the gazette issue's annex tasks
        ("How do I close down a company that never traded?", ["注销"]),
        ("Can a foreign firm get water and power hooked up in one application?", ["报装"]),
        ("Who is the judgment debtor's point of contact at the court?", ["被执行人"]),
    ],
)
def test_everyday_english_reaches_the_article_term(gloss, query, expected):
    got = gloss.expand_english(query)
    assert all(zh in got for zh in expected), got


@pytest.mark.parametrize(
    "query, wrong",
    [
        ("What share of payroll goes to the union?", "扣缴义务人"),          # payroll is the wage bill, not the withholder
        ("Can the employer refuse to sign a collective contract?", "生活垃圾"),  # refuse the verb is not rubbish
        ("What is the rent per square meter in the industrial park?", "计量设施"),  # a unit, not a meter
        ("Can a shop owner refuse a customer's return?", "生活垃圾"),
    ],
)
def test_an_everyday_word_does_not_take_the_wrong_reading(gloss, query, wrong):
    assert wrong not in gloss.expand_english(query)


def test_the_longer_reading_keeps_the_topic_word(gloss):
    # 食品小作坊 must stay in the expansion: a row for the whole phrase once swallowed it and lost the clause
    assert {"食品小作坊", "登记证"} <= set(gloss.expand_english("lending a food workshop registration certificate"))
    # ride-hailing keeps the taxi reading (出租汽车 covers 网络预约出租汽车)
    assert "出租汽车" in gloss.expand_english("fine for a ride-hailing platform without a licence")


@pytest.mark.parametrize("word", ["fee", "fees", "staff", "workers", "meter", "spoil", "stop", "refuse", "report",
                                  "package", "structure"])
def test_bare_everyday_words_stay_unmapped(gloss, word):
    assert gloss.expand_english(word) == []
