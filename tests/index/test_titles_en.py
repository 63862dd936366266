"""English titles of regulations from patterns + the term table."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.parser import parse_file
from index.titles_en import english_title

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("zh, en", [
    ("重庆市优化营商环境条例", "Regulations of Chongqing Municipality on Optimizing the Business Environment"),
    ("重庆市天然气管理条例", "Regulations of Chongqing Municipality on the Administration of Natural Gas"),
    ("重庆市专利促进与保护条例", "Regulations of Chongqing Municipality on the Promotion and Protection of Patents"),
    ("彭水苗族土家族自治县旅游条例", "Regulations of Pengshui Miao and Tujia Autonomous County on Tourism"),
    ("石柱土家族自治县西沱国家历史文化名镇保护条例",
     "Regulations of Shizhu Tujia Autonomous County on the Protection of Xituo National Historical and Cultural Town"),
    ("重庆市实施《中华人民共和国水土保持法》办法", "Measures of Chongqing Municipality for Implementing the Law of the "
     "People's Republic of China on Water and Soil Conservation"),
])
def test_patterns(zh, en):
    assert english_title(zh) == en


def test_unknown_topic_gets_no_guess():
    assert english_title("重庆市某某新事物条例") is None and english_title("随便一个标题") is None


def test_every_bundled_regulation_has_an_english_title():
    files = sorted((ROOT / "data" / "corpus" / "chongqing-regulations").glob("*.txt"))
    docs = [d for f in files for d in parse_file(f).documents]
    assert len(docs) == 100
    missing = [d.title for d in docs if not d.title_en]
    assert not missing, missing
    assert all(c.doc_title_en == d.title_en for d in docs for c in d.clauses)
