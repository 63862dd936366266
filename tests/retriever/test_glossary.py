"""Bilingual glossary (retriever/glossary.py + retriever/data/glossary.tsv)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.facts import extract_units, split_units
from retriever.glossary import DEFAULT_PATH, Glossary, stem

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"


def corpus_units() -> set[str]:
    """Every lead/co-operating unit in the sample corpus: parentheticals and annex column 3."""
    text = CORPUS.read_text(encoding="utf-8")
    units: set[str] = set()
    lead, co = extract_units(text)
    units |= set(lead) | set(co)
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) == 4 and cols[0].strip().isdigit():
            units |= set(split_units(cols[2]))
    return units


def test_default_is_cached(gloss):
    assert Glossary.load() is gloss


def test_file_is_well_formed():
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "zh\ten\tkind\taliases_en\taliases_zh"
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 5 for r in rows)
    zh = [r[0] for r in rows]
    assert len(zh) == len(set(zh))
    assert sum(r[2] == "term" for r in rows) >= 150
    assert {r[2] for r in rows} == {"agency", "term"}


def test_every_corpus_unit_has_an_english_name(gloss):
    units = corpus_units()
    assert len(units) >= 40
    missing = sorted(u for u in units if gloss.agency_en(u) is None)
    assert missing == []


@pytest.mark.parametrize(
    "zh, en",
    [
        ("市市场监管局", "Chongqing Municipal Administration for Market Regulation"),
        ("市人力社保局", "Chongqing Municipal Human Resources and Social Security Bureau"),
        ("市人社局", "Chongqing Municipal Human Resources and Social Security Bureau"),
        ("市经济信息委", "Chongqing Municipal Commission of Economy and Information Technology"),
        ("市发展改革委", "Chongqing Municipal Development and Reform Commission"),
        ("市高法院", "Chongqing High People's Court"),
        ("重庆海关", "Chongqing Customs"),
        ("人行重庆市分行", "Chongqing Branch of the People's Bank of China"),
        ("有关区县", "relevant districts and counties"),
        ("重庆市市场监督管理局", "Chongqing Municipal Administration for Market Regulation"),
        ("重庆市市场监管局", "Chongqing Municipal Administration for Market Regulation"),
    ],
)
def test_agency_en(gloss, zh, en):
    assert gloss.agency_en(zh) == en


def test_agency_en_unknown_and_terms(gloss):
    assert gloss.agency_en("某某管理局") is None
    assert gloss.agency_en("补贴") is None  # a term, not an agency
    assert gloss.term_en("补贴") == "subsidy"
    assert gloss.term_en("博士后工作站") == "postdoctoral workstation"
    assert gloss.term_en("首台套") == "first-of-its-kind equipment"


def test_translate_units(gloss):
    assert gloss.translate_units(["市人力社保局", "市人社局", "某某局"]) == [
        "Chongqing Municipal Human Resources and Social Security Bureau (市人力社保局)",
        "Chongqing Municipal Human Resources and Social Security Bureau (市人社局)",
        "某某局",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("What subsidies are there for postdocs?", ["补贴", "资助", "奖励", "补助", "博士后"]),
        ("Is there support for a post-doctoral workstation?", ["博士后工作站"]),
        ("first-of-its-kind equipment insurance premiums", ["首台（套）", "保费"]),
        ("customs clearance for cross-border e-commerce", ["跨境电商", "通关"]),
        ("Are specialized and sophisticated SMEs or Little Giants eligible?", ["专精特新", "中小企业", "小巨人"]),
        ("IPO support", ["上市"]),
        ("guarantee fees for high-tech enterprises", ["高新技术企业", "担保费率"]),
        ("fines for e-cigarettes in public places", ["罚款", "电子烟", "公共场所"]),
        ("children's education deduction", ["子女教育", "扣除"]),
        ("BeiDou and remote sensing", ["北斗", "遥感"]),
        ("negative list", ["负面清单"]),
        ("credit repair", ["信用修复"]),
    ],
)
def test_expand_english(gloss, query, expected):
    got = gloss.expand_english(query)
    assert all(zh in got for zh in expected), got


def test_expand_english_longest_match_and_boundaries(gloss):
    got = gloss.expand_english("postdoctoral workstation")
    assert got[0] == "博士后工作站"
    assert "博士后" not in got  # covered by the longer match
    assert gloss.expand_english("POSTDOCTORAL WORKSTATION") == got
    assert gloss.expand_english("subsidiary companies") == []  # no partial-word hits
    assert gloss.expand_english("") == []


def test_overlapping_phrases_both_count_a_contained_one_does_not(gloss):
    from retriever import glossary as G

    got = gloss.expand_english("How low can our loan guarantee fee go?")
    assert "融资担保" in got and "担保费率" in got        # "loan guarantee" and "guarantee fee" share a word
    assert "博士后" not in gloss.expand_english("postdoctoral workstation")   # inside the longer match: dropped
    old = G.PARTIAL_OVERLAPS
    try:
        G.PARTIAL_OVERLAPS = False
        assert "担保费率" not in gloss.expand_english("How low can our loan guarantee fee go?")
    finally:
        G.PARTIAL_OVERLAPS = old
    assert gloss.code_mix("loan guarantee fee") == "融资担保 fee"   # the code-mixed text replaces each word once


def test_stem():
    assert [stem(w) for w in ("subsidies", "postdocs", "taxes", "business", "guaranteed", "guarantee")] == [
        "subsidy", "postdoc", "tax", "business", "guarant", "guarant"]


def test_load_rejects_bad_rows(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("zh\ten\tkind\taliases_en\taliases_zh\n补贴\tsubsidy\tthing\t\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        Glossary.load(bad)
    bad.write_text("zh\ten\tkind\taliases_en\taliases_zh\n补贴\tsubsidy\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        Glossary.load(bad)


def test_english_names_are_clean():
    for line in DEFAULT_PATH.read_text(encoding="utf-8").splitlines()[1:]:
        zh, en, kind, al_en, al_zh = line.split("\t")
        assert not re.search(r"[\u4e00-\u9fff]", en + al_en), line
        assert en == en.strip() and "  " not in en, line


def test_a_rows_own_term_wins_over_another_rows_alias(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("zh\ten\tkind\taliases_en\taliases_zh\n"
                    "产业基金\tindustry fund\tterm\t\t卫星互联网产业基金\n"
                    "卫星互联网产业基金\tsatellite internet industry fund\tterm\t\t\n", encoding="utf-8")
    g = Glossary.from_tsv(path)
    fund, industry, longest = g.entry("卫星互联网产业基金"), g.entry("产业基金"), g.longest("卫星互联网产业基金的规模", 0)
    assert fund is not None and fund.en == "satellite internet industry fund"
    assert industry is not None and industry.en == "industry fund"
    assert longest is not None and longest == (9, fund)


@pytest.mark.unit
def test_phrase_matches_are_remembered_per_question_and_equal_a_fresh_lookup(gloss, monkeypatch):
    from retriever import glossary as G

    questions = ["How low can our loan guarantee fee go?", "postdoctoral workstation subsidies", "nothing known here"]
    fresh = G.Glossary(list(gloss.entries))
    want = [fresh.matches(q) for q in questions]
    assert [gloss.matches(q) for q in questions] == want == [gloss.matches(q) for q in questions]
    assert all(q in gloss._found for q in questions)
    got = gloss.matches(questions[0])
    got.clear()                                              # a caller's list is its own: the memo keeps its copy
    assert gloss.matches(questions[0]) == want[0]
    words = G.stems("Postdocs' subsidies")
    words.append("x")
    assert G.stems("Postdocs' subsidies") == ["postdoc", "subsidy"]
    monkeypatch.setattr(G, "MEMO", 2)                        # bounded: a full memo starts again
    small = G.Glossary(list(gloss.entries))
    for q in questions:
        small.matches(q)
    assert len(small._found) <= 2 and [small.matches(q) for q in questions] == want


@pytest.mark.unit
def test_longest_tries_only_the_lengths_of_terms_with_that_first_character(gloss, sample_clauses):
    """`longest` looks up only the term lengths that start with the character at `start`: the same (length, entry)
    as trying every prefix, at every position of the sample's clause texts and with whitespace or ASCII brackets."""
    from retriever.glossary import _norm_zh

    def every_prefix(text: str, start: int, max_len: int = 16):
        window = text[start:start + max_len]
        for n in range(len(window), 0, -1):
            hit = gloss._by_zh.get(_norm_zh(window[:n]))
            if hit is not None:
                return n, hit
        return None

    texts = [c.text for c in sample_clauses[:120]] + ["市人力 社保局牵头", "首台(套)重大技术装备", "", "博士后"]
    found = 0
    for text in texts:
        for i in range(len(text)):
            got = gloss.longest(text, i)
            assert got == every_prefix(text, i), (text, i)
            found += got is not None
        assert gloss.longest(text, len(text)) is None
    assert found > 100
