"""Roles of figures (index/roles.py via extract_facts): the phrase of the clause each figure belongs to."""
from __future__ import annotations

import pytest

from index.clause import Fact
from index.facts import extract_facts

pytestmark = pytest.mark.unit

POSTDOC = ("支持空天信息企业建立国家级博士后工作站，满足条件的给予50万元资助，企业每招收1名全职博士后，给予企业5万元资助，"
           "给予每名博士后16万元日常资助。")
PREMIUM = ("给予空天信息首台（套）产品首购首用风险补偿补助，对同一产品按照不超过实际支付额的20%奖励采购方，不超过实际支付额的10%"
           "奖励研制生产方，对同一产品奖励资金总额不超过500万元。对符合条件的空天信息首台（套）重大技术装备给予保费补偿，"
           "按照不超过实际投保年度保费的80%且实际保险费率不超过3%的上限计算，单个产品年保费补贴不超过500万元。")


def parts(f: Fact) -> dict[str, str]:
    assert f.role_parts is not None
    return f.role_parts


def by_text(text: str) -> dict[str, list[Fact]]:
    out: dict[str, list] = {}
    for f in extract_facts(text):
        out.setdefault(f.text, []).append(f)
    return out


def test_postdoc_grants_have_distinct_roles():
    facts = by_text(POSTDOC)
    station, per_postdoc, each = facts["50万元"][0], facts["5万元"][0], facts["16万元"][0]
    assert parts(station)["for"].endswith("建立国家级博士后工作站") and "per" not in parts(station)
    assert parts(station)["what"] == "资助" and parts(station)["cond"] == "满足条件的"
    assert per_postdoc.role_parts == {"to": "企业", "what": "资助", "per": "企业每招收1名全职博士后"}
    assert each.role_parts == {"to": "每名博士后", "what": "日常资助"}
    assert per_postdoc.role == "企业每招收1名全职博士后，给予企业5万元资助"


def test_premium_cap_is_not_the_reward_cap():
    caps = by_text(PREMIUM)["不超过500万元"]
    assert [c.role_parts for c in caps] == [{"per": "同一产品", "what": "奖励资金总额"},
                                             {"per": "单个产品", "period": "year", "what": "保费补贴"}]
    assert caps[1].role == "单个产品年保费补贴不超过500万元"


def test_shares_have_their_base_and_recipient():
    facts = by_text(PREMIUM)
    purchaser = parts(facts["不超过实际支付额的20%"][0])
    assert purchaser["of"] == "实际支付额" and purchaser["to"] == "采购方" and purchaser["what"] == "奖励"
    assert parts(facts["不超过实际支付额的10%"][0])["to"] == "研制生产方"
    premium = parts(facts["不超过实际投保年度保费的80%"][0])
    assert premium["what"] == "保费补偿" and premium["of"] == "实际投保年度保费"
    assert facts["不超过3%"][0].role_parts == {"what": "实际保险费率"}


def test_respectively_lists_map_in_order():
    text = "对已发布的国际标准、国家标准和行业标准的牵头制修订企业，分别给予最高50万元、30万元、20万元资金支持。"
    roles = [parts(f) for f in extract_facts(text)]
    assert [r["for"] for r in roles] == ["国际标准", "国家标准", "行业标准"]
    assert all(r["to"] == "牵头制修订企业" and r["what"] == "资金支持" for r in roles)


def test_respectively_without_a_matching_list_maps_nothing():
    roles = [parts(f) for f in extract_facts("分别给予最高50万元、30万元资金支持。")]
    assert all("for" not in r for r in roles)


def test_fines_and_monthly_amounts():
    fine = extract_facts("处五千元以上二万元以下罚款。")[0]
    assert fine.role_parts == {"what": "罚款"}
    monthly = extract_facts("按照每个子女每月1000元的标准定额扣除。")[0]
    assert parts(monthly)["period"] == "month" and parts(monthly)["per"] == "每个子女"


def test_roles_survive_the_index_record():
    f = extract_facts(POSTDOC)[1]
    again = Fact.from_dict(f.to_dict())
    assert again.role == f.role and again.role_parts == f.role_parts
    assert "role" not in Fact("amount", "5万元", 5e4).to_dict()   # old records stay as they were


def test_every_sample_figure_has_a_role(sample_clauses):
    figures = [f for c in sample_clauses for f in c.facts if f.kind in ("amount", "percent")]
    assert len(figures) >= 39
    assert all(f.role and f.role_parts for f in figures)


def test_an_article_label_is_not_part_of_a_role():
    facts = extract_facts("第三十六条 建立工会的单位，按每月单位全部职工工资总额的百分之二拨缴工会经费。")
    assert facts[0].role == "建立工会的单位，按每月单位全部职工工资总额的百分之二拨缴工会经费"
    assert parts(facts[0])["for"] == "建立工会"
    assert "第三十六条" not in " ".join(parts(facts[0]).values())
