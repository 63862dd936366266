"""Figures, units and dates in clause text (index/facts.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.clause import Fact
from index.facts import (
    cn_numeral_value,
    dates_in_text,
    extract_facts,
    extract_units,
    format_amount_en,
    format_date_en,
    format_fact,
    numbers_in_text,
    parse_cn_date,
    split_units,
)

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-gazette-2024-06.txt"


def paragraph(start: str) -> str:
    """The corpus paragraph that starts with `start` (joined with the next line when the PDF broke it)."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(start):
            text = line
            if "牵头" in text and not text.rstrip().endswith((")", "）")):
                text += "".join(lines[i + 1:i + 3])
            return text
    raise AssertionError(f"paragraph {start!r} not in corpus")


def amounts(text: str) -> list[tuple]:
    return [(f.text, f.value, f.low, f.high, f.qualifier) for f in extract_facts(text) if f.kind == "amount"]


def test_talent_clause_amounts():
    text = paragraph("(六) 支持人才引进")
    assert amounts(text) == [
        ("50万元", 500000.0, 500000.0, 500000.0, None),
        ("5万元", 50000.0, 50000.0, 50000.0, None),
        ("16万元", 160000.0, 160000.0, 160000.0, None),
    ]
    # 1名 is a count, not money; nothing else is a figure
    assert [f.kind for f in extract_facts(text)] == ["amount"] * 3


def test_standards_clause_list_shares_qualifier():
    text = paragraph("(四) 支持制定标准")
    assert amounts(text) == [
        ("最高50万元", 500000.0, 500000.0, 500000.0, "up_to"),
        ("30万元", 300000.0, 300000.0, 300000.0, "up_to"),
        ("20万元", 200000.0, 200000.0, 200000.0, "up_to"),
        ("不超过200万元", 2000000.0, 2000000.0, 2000000.0, "up_to"),
    ]


def test_first_unit_clause_percentages():
    text = paragraph("(五) 支持首台(套)产品研发推广")
    pcts = [(f.value, f.qualifier) for f in extract_facts(text) if f.kind == "percent"]
    assert pcts == [(20.0, "up_to"), (10.0, "up_to"), (80.0, "up_to"), (3.0, "up_to")]
    assert [f.value for f in extract_facts(text) if f.kind == "amount"] == [5e6, 5e6]


def test_fact_text_is_verbatim_substring_everywhere():
    text = CORPUS.read_text(encoding="utf-8")
    facts = extract_facts(text)
    assert len(facts) > 200
    assert all(f.text and f.text in text for f in facts)


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("给予每个1000万—3000万元的资金支持", 1e7, 3e7),
        ("给予每个100万—500万元的资金支持", 1e6, 5e6),
        ("1000万-3000万元", 1e7, 3e7),
        ("5~8万元", 5e4, 8e4),
        ("3至5亿元", 3e8, 5e8),
        ("处五千元以上二万元以下罚款", 5000.0, 20000.0),
    ],
)
def test_ranges(text, low, high):
    (fact,) = extract_facts(text)
    assert (fact.kind, fact.value, fact.low, fact.high) == ("amount", None, low, high)
    assert fact.text in text


@pytest.mark.parametrize(
    "text, value, qualifier",
    [
        ("分别给予不超过3亿元、1亿元的资金支持", [3e8, 1e8], ["up_to", "up_to"]),
        ("力争全市技术合同成交额达到900亿元以上", [9e10], ["at_least"]),
        ("每个子女每月1000元", [1000.0], [None]),
        ("按投资总额的1%给予最高1000万元奖励", [1.0, 1e7], [None, "up_to"]),
        ("处五十元罚款", [50.0], [None]),
        ("降低担保费率至0.8%、0.5%", [0.8, 0.5], [None, None]),
        ("比例保持在60%以上", [60.0], ["at_least"]),
        ("每人分摊的额度不能超过每月1000元", [1000.0], ["up_to"]),
    ],
)
def test_values_and_qualifiers(text, value, qualifier):
    facts = [f for f in extract_facts(text) if f.kind in ("amount", "percent")]
    assert [f.value for f in facts] == value
    assert [f.qualifier for f in facts] == qualifier


@pytest.mark.parametrize("text", ["力争新增发电装机50万千瓦", "聚力实施10项行动", "企业每招收1名全职博士后", "产气量达到170亿立方米"])
def test_not_money(text):
    assert extract_facts(text) == []


def test_dates():
    facts = extract_facts("到2027年，形成规模。2024年2月26日印发，2024年12月完成，力争分别于2024年、2025年建成投产。2024年度清单")
    assert [(f.kind, f.text, f.date) for f in facts] == [
        ("date", "2027年", "2027"),
        ("date", "2024年2月26日", "2024-02-26"),
        ("date", "2024年12月", "2024-12"),
        ("date", "2024年", "2024"),
        ("date", "2025年", "2025"),
    ]


@pytest.mark.parametrize(
    "s, iso",
    [("2024年12月", "2024-12"), ("2024年2月26日", "2024-02-26"), ("2024年底", "2024-12"), ("2027年", "2027"),
     ("长期", None), ("", None)],
)
def test_parse_cn_date(s, iso):
    assert parse_cn_date(s) == iso


def test_units_full_width():
    text = paragraph("(二) 支持建设空天信息重大创新平台")
    assert extract_units(text) == (["市发展改革委"], ["市科技局", "市经济信息委", "市财政局"])
    assert extract_units("（牵头单位：市规划自然资源局、市住房城乡建设委）") == (["市规划自然资源局", "市住房城乡建设委"], [])


def test_units_half_width_and_wrapped():
    assert extract_units("(牵头部门:市教委、市人力社保局;配合部门:市科技局)") == (["市教委", "市人力社保局"], ["市科技局"])
    assert extract_units("（牵头部门：市\n\n经济信息委；配合部门：市市场监管局)") == (["市经济信息委"], ["市市场监管局"])
    assert extract_units("没有括注的文字") == ([], [])


def test_split_units():
    assert split_units("市人社局、市高法院") == ["市人社局", "市高法院"]
    assert split_units("市政府办公厅，江北区区政府") == ["市政府办公厅", "江北区区政府"]
    assert split_units("市教委、市委金融办等市级有关单位") == ["市教委", "市委金融办", "市级有关单位"]


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("5万元", [50000.0]), ("CNY 50,000", [50000.0]), ("RMB 500,000", [500000.0]),
        ("5 million yuan", [5e6]), ("1亿", [1e8]), ("100 million", [1e8]), ("20%", [20.0]),
        ("20 percent", [20.0]), ("0.8%", [0.8]), ("3,000", [3000.0]), ("CNY 10–30 million", [1e7, 3e7]),
        ("1000万—3000万元", [1e7, 3e7]), ("fifty thousand yuan", [50000.0]), ("百分之二十", [20.0]),
        ("处五十元罚款", [50.0]), ("200 million", [2e8]), ("200万元", [2e6]),
        ("CNY 500,000 to 2 million", [5e5, 2e6]), ("between 3 and 5 million", [3e6, 5e6]),
    ],
)
def test_numbers_in_text(text, numbers):
    assert numbers_in_text(text) == numbers


def test_dates_in_text_both_languages():
    assert dates_in_text("2024年12月 / December 2024 / Dec. 2024 / 2024-12") == ["2024-12"] * 4
    assert dates_in_text("2024年2月26日, February 26, 2024, 26 Feb 2024, 2024-02-26") == ["2024-02-26"] * 4
    # digits of a date are not also counted as numbers
    assert numbers_in_text("完成时间2024年12月") == []


def test_format_amounts_and_dates():
    assert format_amount_en(Fact("amount", "5万元", 50000.0, 50000.0, 50000.0)) == "CNY 50,000 (5万元)"
    assert format_amount_en(Fact("amount", "最高50万元", 5e5, 5e5, 5e5, "up_to")) == "up to CNY 500,000 (最高50万元)"
    (rng,) = extract_facts("1000万—3000万元")
    assert format_amount_en(rng) == "CNY 10,000,000–30,000,000 (1000万—3000万元)"
    assert format_date_en("2024-12") == "December 2024"
    assert format_date_en("2024-02-26") == "February 26, 2024"
    (pct,) = extract_facts("60%以上")
    assert format_fact(pct, "zh") == "60%以上"
    assert format_fact(pct, "en") == "at least 60% (60%以上)"


def test_cn_numerals():
    assert [cn_numeral_value(s) for s in ("五十", "两百", "二万", "十二", "一万五千", "二〇二四")] == [
        50.0, 200.0, 20000.0, 12.0, 15000.0, 2024.0]
