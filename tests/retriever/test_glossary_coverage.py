"""Glossary coverage of the corpus vocabulary (retriever/data/glossary.tsv).

Every Chinese term must be corpus wording (or have a corpus alias), English phrasings must not map to
different Chinese terms unless that is intended, common English words must not map at all, and a set of
varied English questions must expand to the expected Chinese terms."""
from __future__ import annotations

from pathlib import Path

import pytest

from retriever.evidence import en_concepts
from retriever.glossary import DEFAULT_PATH, _norm_zh, stems

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CORPUS_FILES = [ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt",
                *sorted((ROOT / "data" / "corpus" / "more").glob("*.txt")),
                *sorted((ROOT / "data" / "corpus" / "chongqing-regulations").glob("*.txt"))]

# English phrases (as stems) that deliberately stand for several Chinese terms.
INTENDED_SHARED = {
    "subsidy": {"补贴", "资助", "奖励", "补助", "奖补", "资金支持"},
    "grant": {"补贴", "资助", "补助"},
    "allowanc": {"补贴", "补助"},
    "award": {"奖励", "奖补"},
    "reward": {"奖励", "奖补"},
    "incentiv": {"奖励", "奖补"},
    "funding": {"资助", "资金支持"},
    "financial support": {"资助", "资金支持"},
    "tax": {"纳税", "税收"},
    "taxation": {"纳税", "税收"},
    "semiconductor": {"芯片", "集成电路"},
    "rent": {"租金", "住房租金"},
    "rental": {"租金", "住房租金"},
    "mortgag": {"抵押", "住房贷款利息"},
    "children": {"子女", "未成年人"},
    "kindergarten": {"学前教育", "托幼机构"},
    "district and county": {"区县", "有关区县"},
    # regulation vocabulary: both readings occur in the corpus
    "compensat": {"补偿", "赔偿"},
    "compensation": {"补偿", "赔偿"},
    "bid bond": {"投标保证金", "政采担"},
    "personal information": {"个人信息", "身份信息"},
    # English retrieval (session 5): the regulations' wording beside the gazette's
    "courier": {"快递", "寄递企业"},
    "courier company": {"快递", "寄递企业"},
    "parcel": {"快递", "寄递企业"},
    "express delivery": {"快递", "寄递企业"},
    "parcel delivery": {"快递", "寄递企业"},
    "domestic": {"国内", "境内"},
    "qualify": {"条件", "具备"},
    "eligibl": {"条件", "具备"},
    "eligibility": {"条件", "具备"},
    "qualifi": {"条件", "具备"},
    # regulation vocabulary (session 6): 侵犯其合法权益 beside 侵权, 作出处理决定 beside 决定, the telecom regulation's
    # 电信业务经营者 beside 基础电信企业, 有管辖权的部门 beside 主管部门
    "infring": {"侵权", "侵犯"},
    "infringement": {"侵权", "侵犯"},
    "decid on": {"决定", "处理决定"},
    "handl decision": {"决定", "处理决定"},
    "telecom operator": {"基础电信企业", "电信业务经营者"},
    "competent department": {"主管部门", "有管辖权的部门"},
}

# Common English words that must not expand to anything (they would flood unrelated clauses).
GENERIC_WORDS = ["support", "supports", "plan", "plans", "service", "services", "system", "development",
                 "Chongqing", "policy", "policies", "government", "enterprise", "company", "companies",
                 "project", "business", "market", "information", "management", "construction", "platform",
                 "technology", "data", "work", "measures", "application", "city", "new", "year", "money",
                 "help", "rules", "office", "leads", "launched", "electronic", "major", "payee", "its", "pay"]


@pytest.fixture(scope="module")
def corpus() -> str:
    return _norm_zh("".join(p.read_text(encoding="utf-8") for p in CORPUS_FILES))


def rows() -> list[list[str]]:
    return [line.split("\t") for line in DEFAULT_PATH.read_text(encoding="utf-8").splitlines()[1:]]


def test_glossary_is_broad():
    assert len(rows()) >= 1000
    assert sum(r[2] == "term" for r in rows()) >= 900


def test_every_term_is_corpus_wording(corpus):
    missing = []
    for zh, _en, kind, _al_en, al_zh in rows():
        keys = [zh, *(a for a in al_zh.split("|") if a)]
        if kind != "agency" and not any(_norm_zh(k) in corpus for k in keys):
            missing.append(zh)
    assert missing == []


def test_aliases_are_clean():
    for zh, en, _kind, al_en, al_zh in rows():
        for cell in (al_en, al_zh):
            parts = cell.split("|") if cell else []
            assert all(p and p == p.strip() for p in parts), zh
            assert len(parts) == len(set(parts)), zh
        assert stems(en), zh


def test_no_unintended_shared_english_phrases():
    owners: dict[str, set[str]] = {}
    for zh, en, _kind, al_en, _al_zh in rows():
        for phrase in {en, *(a for a in al_en.split("|") if a)}:
            owners.setdefault(" ".join(stems(phrase)), set()).add(zh)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    unexpected = {k: sorted(v) for k, v in shared.items() if INTENDED_SHARED.get(k) != v}
    assert unexpected == {}


@pytest.mark.parametrize("word", GENERIC_WORDS)
def test_generic_words_map_to_nothing(gloss, word):
    assert gloss.expand_english(word) == []


def test_fund_does_not_flood_financial_support(gloss):
    assert "资金支持" not in gloss.expand_english("Is there a fund for satellite internet companies?")
    assert "卫星互联网产业基金" in gloss.expand_english("satellite internet industry fund")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Do drone makers in the low-altitude economy get subsidies?", ["低空经济", "无人机", "补贴"]),
        ("What does the GNSS radio occultation constellation measure?", ["掩星气象探测星座"]),
        ("status of the Sichuan-Chongqing UHV AC project", ["川渝特高压交流工程"]),
        ("ultra-high-voltage power lines", ["特高压"]),
        ("Is there a task force for the special action?", ["工作专班"]),
        ("Sichuan-Chongqing cross-provincial services: how many items?", ["川渝通办"]),
        ("Can benefits be received without applying?", ["免申即享"]),
        ("notification-and-commitment approval for contractor qualifications", ["告知承诺制", "建筑业企业资质"]),
        ("How are standard land parcels sold for industrial projects?", ["标准地", "工业项目"]),
        ("support for overseas warehouses built by courier companies", ["海外仓", "寄递企业"]),
        ("more trains to Europe on the China-Europe Railway Express", ["中欧班列"]),
        ("New International Land-Sea Trade Corridor logistics", ["西部陆海新通道", "物流"]),
        ("pumped-storage hydropower and shale gas targets", ["抽水蓄能", "页岩气"]),
        ("When will the underground gas storage at Tongluoxia be ready?", ["储气库", "铜锣峡储气库"]),
        ("How many odd-job markets will open?", ["零工市场"]),
        ("training for bankruptcy administrators", ["破产管理人", "培训"]),
        ("Can a company use a prepackaged reorganization?", ["预重整"]),
        ("merger review and antitrust compliance guidelines", ["经营者集中", "反垄断合规"]),
        ("How do I clear my credit record after being blacklisted?", ["信用修复"]),
        ("help for sole traders who want to convert to a company", ["个体工商户", "个转企"]),
        ("Is there an IP protection centre?", ["知识产权保护中心"]),
        ("WIPO arbitration for patent infringement disputes", ["世界知识产权组织仲裁调解中心", "专利侵权纠纷"]),
        ("Can court documents be served electronically? (e-service of process)", ["电子送达"]),
        ("one combined inspection instead of repeated inspections", ["综合查一次", "多头执法"]),
        ("What is done about government departments that owe money to SMEs? late payments to SMEs",
         ["拖欠中小企业账款"]),
        ("Will automakers fit phased-array antennas and automotive-grade chips?", ["车企", "相控阵", "车规级芯片"]),
        ("launch vehicles and satellite payloads", ["运载火箭", "有效载荷"]),
        ("internet of vehicles pilot zone", ["车联网", "先导区"]),
        ("guarantee fee for SRDI firms and the credit line for commercial value loans",
         ["担保费率", "专精特新", "授信额度", "商业价值信用贷款"]),
        ("reward for private equity fund managers making equity investments", ["私募投资基金管理人", "股权投资"]),
        ("How much do companies get for an IPO?", ["上市"]),
        ("rent reduction and fit-out support for space companies", ["租金减免", "购房装修"]),
        ("single-item champion and little giant enterprises", ["制造业单项冠军", "小巨人"]),
        ("financing for micro, small and medium-sized enterprises", ["中小微企业", "融资"]),
        ("Can I register my company entirely online from Hong Kong?", ["全程网办", "渝港通"]),
        ("authentication of documents for foreign investors", ["外国投资者认证手续"]),
        ("employment training for university graduates and migrant workers",
         ["就业培训", "高校毕业生", "农民工"]),
        ("Can I smoke in a hotel or a restaurant?", ["吸烟", "住宿休息服务场所", "餐饮服务场所"]),
        ("Can shops sell vapes within 50 metres of a school?", ["销售", "电子烟", "五十米", "中小学校"]),  # shop: no 销售者
        ("tobacco sponsorship and billboards", ["烟草促销", "户外"]),
        ("Can my siblings and I split the deduction for our parents?", ["兄弟姐妹", "分摊", "父母"]),
        ("Do I need to keep receipts for medical reimbursement?", ["留存备查", "医保报销"]),
        ("rent deduction for tenants in Shanghai or another provincial capital",
         ["住房租金", "承租人", "直辖市", "省会"]),
        ("Which agency handles housing provident fund loans?", ["住房公积金"]),
        ("bid rigging and fake documents in public tenders", ["围标串标", "虚假材料"]),
        # regulation vocabulary (the 100 Chongqing regulations)
        ("late fee for unpaid unemployment insurance premiums", ["滞纳金", "失业保险费"]),
        ("How much of the total payroll goes to unemployment insurance?", ["工资总额"]),
        ("may the tenderer sit on the bid evaluation committee?", ["招标人", "评标委员会"]),
        ("fine for selling fireworks without a licence", ["烟花爆竹", "罚款", "未经许可", "销售"]),
        ("complaints by Taiwan-invested enterprises", ["台湾同胞投资者"]),
        ("the leading group of the pilot free trade zone and its day-to-day work", ["日常工作", "自由贸易试验区", "领导小组"]),
        ("Who is eligible, and who can confirm it?", ["条件", "确认"]),
        ("publicity day for patent infringement disputes", ["专利侵权纠纷", "宣传日"]),
        ("fines for internet cafés and shopping malls", ["网吧", "商场"]),
        ("Is there a hearing before the licence is revoked?", ["听证", "吊销"]),
        ("legal liability for dereliction of duty", ["法律责任", "玩忽职守"]),
        ("When was the regulation adopted and amended?", ["通过", "修正", "条例"]),
        ("start-up formalities completed on the spot", ["开办企业", "即时办结"]),
        # session 6: how an investor asks about the regulations, in their wording
        ("How far in advance must a telecom operator report that it will stop operating?",
         ["提前", "电信业务经营者", "终止经营"]),
        ("the competent department must decide on the complaint", ["有管辖权的部门", "处理决定"]),
        ("the government must deal with an infringement of the union's rights", ["处理", "侵犯"]),
        ("support for qualified talent", ["条件"]),
        ("How many representatives of the tenderer may sit on it?", ["招标人代表"]),
        # words split from their glossary phrase ("owed … money") or only as a verb ("complain", "cut down")
        ("The department has owed my firm money for a year; can I complain?", ["拖欠中小企业账款", "投诉举报"]),
        ("Will the paperwork be cut down?", ["简化", "申请材料"]),
    ],
)
def test_english_phrasings_expand(gloss, query, expected):
    got = gloss.expand_english(query)
    assert all(zh in got for zh in expected), (query, got)


@pytest.mark.parametrize("query, longer, shorter", [
    ("a price verification agency", "价格鉴证", "测试"),                  # not "testing"
    ("a value-added telecom operator", "增值电信业务", "基础电信企业"),      # not the basic carriers
])
def test_a_regulation_term_beats_the_shorter_generic_reading(gloss, query, longer, shorter):
    got = gloss.expand_english(query)
    assert longer in got and shorter not in got, got


def test_one_english_word_can_stand_for_both_readings_the_regulations_use(gloss):
    groups = [set(g) for g in en_concepts("an infringement of its rights decided on by the competent department", gloss)]
    assert {"侵权", "侵犯"} in groups and {"决定", "处理决定"} in groups and {"主管部门", "有管辖权的部门"} in groups


@pytest.mark.parametrize(
    "zh, en",
    [
        ("世界知识产权组织仲裁调解上海中心", "WIPO Arbitration and Mediation Center"),
        ("重庆市税务局", "Chongqing Municipal Tax Service of the State Taxation Administration"),
        ("公安派出所", "local police stations"),
        ("教育部门", "education administrative departments"),
    ],
)
def test_new_agencies(gloss, zh, en):
    assert gloss.agency_en(zh) == en


def test_agency_aliases_do_not_collide_with_national_bodies(gloss):
    assert gloss.expand_english("State Taxation Administration") == ["国家税务总局"]
    assert gloss.expand_english("chamber of commerce") == ["商会"]
    assert gloss.expand_english("general chamber of commerce") == ["市工商联"]
