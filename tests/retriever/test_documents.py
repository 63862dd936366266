"""Document-aware retrieval: names of documents in questions, newer document first, the document-type filter."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.clause import Clause
from index.errors import QueryError
from index.filters import ClauseFilter
from retriever.documents import DocumentIndex, newer_first, prefer_named, short_name, without_mentions
from retriever.search import Hit

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def _clause(key: str, label: str, date: str | None = None, title_en: str | None = None,
            doc_type: str = "local_regulation") -> Clause:
    return Clause(id=f"c-{key}-{label}", doc_key=key, doc_number=None, doc_title=key, kind="article", label=label,
                  label_en=label, path=[], text=f"{key}{label}", doc_title_en=title_en, doc_date=date,
                  doc_type=doc_type)


DOCS = [
    _clause("重庆市优化营商环境条例", "第一条", "2021-03-31",
            "Regulations of Chongqing Municipality on Optimizing the Business Environment"),
    _clause("重庆市失业保险条例", "第一条", "2011-11-25", "Regulations of Chongqing Municipality on Unemployment Insurance"),
    _clause("重庆市人民政府办公厅关于印发《重庆市优化营商环境专项行动方案（2024—2027年）》的通知", "一、", "2024-03-22",
            doc_type="gazette_notice"),
]
PLAN = DOCS[2].doc_key


def test_short_names_and_near_misses():
    idx = DocumentIndex(DOCS)
    assert short_name("重庆市优化营商环境条例") == "优化营商环境条例"
    assert idx.named("优化营商环境条例对供电有什么要求").matched == ["重庆市优化营商环境条例"]
    assert idx.named("根据《重庆市失业保险条例》，企业缴多少").matched == ["重庆市失业保险条例"]
    assert short_name("重庆市优化营商环境专项行动方案（2024—2027年）") == "优化营商环境专项行动方案"
    assert idx.named("优化营商环境专项行动方案有哪些任务").matched == [PLAN]       # the plan, not the 条例
    assert idx.named("优化营商环境条例有哪些规定").matched == ["重庆市优化营商环境条例"]  # the 条例, not the plan
    near = idx.named("重庆市数字经济促进条例对数据交易有什么规定")
    assert near.matched == [] and near.unmatched == ["重庆市数字经济促进条例"]
    assert idx.named("本条例什么时候施行").matched == []
    other = idx.named("深圳经济特区优化营商环境条例规定的接电时间")           # another place's regulation
    assert other.matched == [] and other.unmatched == ["深圳经济特区优化营商环境条例"]
    assert idx.named("根据重庆市优化营商环境条例，接电要几天").matched == ["重庆市优化营商环境条例"]
    assert idx.named("对营商环境有意见找谁").unmatched == []                   # 意见 here is not a document


def test_english_title_topic():
    idx = DocumentIndex(DOCS)
    assert idx.named("When did the regulations on optimizing the business environment take effect?").matched == \
        ["重庆市优化营商环境条例"]
    assert idx.named("How do I optimize my business environment?").matched == []   # no document word
    full = idx.named("What does Article 32 of the Regulations of Chongqing Municipality on Optimizing the Business "
                     "Environment say?")
    assert full.matched == ["重庆市优化营商环境条例"]
    assert without_mentions("What does Article 32 of the Regulations of Chongqing Municipality on Optimizing the "
                            "Business Environment say?", full.mentions) == "What does Article 32 of say?"
    short = idx.named("Under the business environment regulation, how fast must power be connected?")
    assert short.matched == ["重庆市优化营商环境条例"] and short.mentions == ["the business environment regulation"]
    assert idx.named("When was the Chongqing unemployment insurance regulation adopted?").matched == \
        ["重庆市失业保险条例"]
    assert idx.named("Does the business environment get better with regulation?").matched == []


def test_without_mentions_keeps_what_is_asked():
    idx = DocumentIndex(DOCS)
    zh = idx.named("重庆市失业保险条例是什么时候通过的")
    assert zh.mentions == ["重庆市失业保险条例"]
    assert without_mentions("重庆市失业保险条例是什么时候通过的", zh.mentions) == "是什么时候通过的"
    assert without_mentions("《重庆市失业保险条例》", ["《重庆市失业保险条例》"]) == "《重庆市失业保险条例》"  # nothing left


def test_prefer_named_and_newer_first():
    old, new, other = (_clause("A条例", "第一条", "2005-01-01"), _clause("B条例", "第一条", "2020-01-01"),
                       _clause("C条例", "第二条", "2019-01-01"))
    hits = [Hit(old, 1.0), Hit(new, 0.98), Hit(other, 0.5)]
    vecs = np.array([[1.0, 0.0], [0.995, 0.0999], [0.0, 1.0]], dtype=np.float32)
    rows = {c.id: i for i, c in enumerate([old, new, other])}
    out = newer_first(hits, DocumentIndex([old, new, other]), vecs, rows)
    assert [h.clause.doc_key for h in out] == ["B条例", "A条例", "C条例"] and out[0].rank == 1
    far = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)      # different points: no swap
    out = newer_first([Hit(old, 1.0), Hit(new, 0.98)], DocumentIndex([old, new]), far, rows)
    assert [h.clause.doc_key for h in out] == ["A条例", "B条例"]
    # a newer hit ranked below with a much higher fused score was put there by the ranking (asked kinds, priors,
    # saturation): scores that are not close leave the order alone
    out = newer_first([Hit(old, 1.0), Hit(new, 1.6)], DocumentIndex([old, new]), vecs, rows)
    assert [h.clause.doc_key for h in out] == ["A条例", "B条例"]
    out = newer_first([Hit(old, 1.0), Hit(new, 1.02)], DocumentIndex([old, new]), vecs, rows)
    assert [h.clause.doc_key for h in out] == ["B条例", "A条例"]
    named = prefer_named([Hit(old, 1.0), Hit(new, 0.9)], [Hit(other, 0.3)], k=2)
    assert [h.clause.doc_key for h in named] == ["C条例", "A条例"]


def test_doc_type_filter():
    keep = ClauseFilter.parse({"doc_type": "local_regulation"})
    assert keep is not None and [keep(c) for c in DOCS] == [True, True, False]
    with pytest.raises(QueryError, match="unknown document type"):
        ClauseFilter.parse({"doc_type": "law"})


def test_english_questions_get_the_chinese_title_topics():
    from retriever.documents import expand_english

    assert expand_english("What do enterprises pay as unemployment insurance premiums?") == ["失业保险"]
    assert expand_english("Who supports the ports?") == ["港口"]               # whole words, plural-tolerant
    assert expand_english("fire protection in rail transit") == ["消防", "轨道交通"]   # longest first
    assert expand_english("How do I register a company?") == []
