"""The regulations' own vocabulary in the glossary (session 7, built from the corpus with `eval.regulation_terms`).

Everyday English questions an investor might ask, written from the regulations' text (not from any question
set), must expand to the regulation's Chinese wording, and those terms alone must pick out the right regulation
among the 100: a glossary-level check with no model (idf-weighted term presence, the BM25 idea in small)."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.regulation_terms import definitions, load_corpus, title_subject

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"

QUESTIONS = [
    ("Does the forklift in my warehouse have to be registered?", "场（厂）内专用机动车辆", "重庆市特种设备安全条例"),
    ("Who checks the cranes and hoists on a construction site?", "起重机械", "重庆市特种设备安全条例"),
    ("Must I register special equipment before using it?", "特种设备使用登记", "重庆市特种设备安全条例"),
    ("When may the gas supplier cut off the gas?", "暂停供气", "重庆市天然气管理条例"),
    ("Do I have to let them in for a household gas inspection?", "入户安全检查", "重庆市天然气管理条例"),
    ("Can I install a gas water heater myself?", "天然气燃烧器具", "重庆市天然气管理条例"),
    ("Who signs a collective wage agreement for the workers' side?", "工资专项集体合同", "重庆市集体合同条例"),
    ("Who is the chief negotiator in collective bargaining?", "首席代表", "重庆市集体合同条例"),
    ("How do I register a mortgage on a building under construction?", "在建工程抵押权", "重庆市土地房屋权属登记条例"),
    ("What is an advance notice registration for an apartment?", "预告登记", "重庆市土地房屋权属登记条例"),
    ("Must a new residential building have mailboxes?", "信报箱", "重庆市邮政条例"),
    ("Can a village post station deliver parcels?", "村邮站", "重庆市邮政条例"),
    ("What is the fine for passing off a patent?", "假冒专利", "重庆市专利促进与保护条例"),
    ("Does a fitness club need a sports business licence?", "体育经营许可证", "重庆市体育市场管理条例"),
    ("Can I dig a foundation inside the metro protection zone?", "轨道交通控制保护区", "重庆市轨道交通条例"),
    ("Who may run a tour operator business near Ayi River?", "旅游经营者", "彭水苗族土家族自治县旅游条例"),
    ("Do factories need a water withdrawal permit?", "取水许可", "重庆市水资源管理条例"),
    ("Who must install lightning rods?", "雷电防护", "重庆市气象灾害防御条例"),
    ("What are the duties of a river chief?", "河长制", "重庆市河长制条例"),
    ("Can a company run a gym without a licence? sports business", "体育经营", "重庆市体育市场管理条例"),
    ("Is there a quota for hiring people with disabilities? disability employment quota",
     "按比例安排残疾人就业", "重庆市残疾人保障条例"),
    ("Is trade union funding taken from payroll? union dues", "工会经费", "重庆市工会条例"),
    ("What must a port business do before using the port shoreline?", "港口岸线", "重庆市港口条例"),
    ("Does a new building need a fire safety acceptance inspection before use?", "消防验收", "重庆市消防条例"),
    ("Who keeps the fire control room staffed at night?", "消防控制室", "重庆市消防条例"),
    ("Can goods be kept in a bonded warehouse in the special customs supervision area?", "海关特殊监管区域",
     "中国（重庆）自由贸易试验区条例"),
    ("Where can a Taiwanese investor file a complaint? Taiwan business complaint centre", "台商投诉协调中心",
     "重庆市台湾同胞投资保护条例"),
    ("Who may dump construction waste, and is street sweeping required?", "建筑垃圾", "重庆市市容环境卫生管理条例"),
    ("Do measuring instruments need pattern approval?", "型式批准", "重庆市计量监督管理条例"),
    ("Is mandatory vaccination of pigs paid by the farmer?", "强制免疫", "重庆市动物防疫条例"),
    ("Must staff get work safety training before starting?", "安全生产教育和培训", "重庆市安全生产条例"),
    ("Can a campfire be lit in the hills in winter? outdoor burning", "野外用火", "重庆市森林防火条例"),
    ("Must developers sell fully fitted apartments?", "成品住宅", "重庆市城市房地产开发经营管理条例"),
]


@pytest.mark.parametrize("question, term, title", QUESTIONS)
def test_everyday_english_reaches_the_regulation(reaches, question, term, title):
    reaches(question, term, title)


def test_every_regulation_subject_or_definition_has_english(gloss):
    """Breadth: most regulations' title subject or a term they define has an English row (or alias)."""
    covered = 0
    for title, text in load_corpus(CORPUS).items():
        keys = [title_subject(title), *definitions(text)]
        covered += any(gloss.entry(k) is not None for k in keys)
    assert covered >= 85


def test_title_subject_and_definitions():
    assert title_subject("重庆市特种设备安全条例") == "特种设备"
    assert title_subject("重庆市实施《中华人民共和国水土保持法》办法") == "水土保持"
    text = "第二条 特种设备包括锅炉、压力容器、电梯、起重机械和客运索道等。本条例所称食品摊贩，是指无固定经营场所的。"
    got = definitions(text)
    assert {"锅炉", "压力容器", "起重机械", "客运索道", "食品摊贩"} <= set(got), got


def test_no_new_english_alias_is_a_bare_everyday_word(gloss):
    for word in ["file", "line", "run", "plan", "mail", "maker", "makers", "emergency", "concession", "visitor",
                 "reserves", "assembly", "march", "employees", "registry"]:
            assert gloss.expand_english(word) == [], word
