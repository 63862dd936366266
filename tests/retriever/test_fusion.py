"""Fusion maths and query handling, no model."""
from __future__ import annotations

import pytest

from index.errors import QueryError
from retriever.fusion import max_normalise, rrf, top_rows
from retriever.query import build_variants, detect_language, validate_query

pytestmark = pytest.mark.unit


def test_rrf_weights_and_ranks():
    fused = rrf([[3, 1], [1, 2]], [1.0, 0.5], k=60)
    assert fused[3] == pytest.approx(1 / 61)
    assert fused[1] == pytest.approx(1 / 62 + 0.5 / 61)
    assert fused[2] == pytest.approx(0.5 / 62)
    assert [row for row, _ in top_rows(fused, 2)] == [1, 3]


def test_rrf_zero_weight_list_is_ignored():
    assert rrf([[1], [2]], [1.0, 0.0]) == {1: pytest.approx(1 / 61)}
    with pytest.raises(ValueError):
        rrf([[1]], [1.0, 2.0])


def test_max_normalise():
    assert max_normalise({1: 0.5, 2: 0.25}) == {1: 1.0, 2: 0.5}


@pytest.mark.parametrize("text, lang", [("博士后资助多少", "zh"), ("postdoc subsidy", "en"),
                                        ("What is 首台（套）?", "zh"), ("Is the 5G base station funded?", "en")])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("query, message", [("", "empty"), ("   ", "empty"), ("？！。", "punctuation"),
                                            ("字" * 2001, "2000")])
def test_validate_query_errors(query, message):
    with pytest.raises(QueryError, match=message):
        validate_query(query)


def test_english_variants_carry_chinese_for_bm25():
    variants = build_variants("postdoc subsidy", "en", ["博士后", "资助"], "博士后资助")
    names = [v.name for v in variants]
    assert names == ["en", "glossary", "translation"]
    assert variants[0].bm25_weight < variants[1].bm25_weight
    assert build_variants("博士后", "zh")[0].bm25_weight == 1.0


def test_score_fusion_keeps_the_keyword_margin():
    from retriever.fusion import min_max, score_fusion
    assert min_max({1: 0.80, 2: 0.85, 3: 0.90}) == {1: 0.0, 2: pytest.approx(0.5), 3: 1.0}
    dense = [{1: 0.90, 2: 0.89, 3: 0.80}]
    keyword = [{3: 16.0, 1: 2.0}]
    fused = score_fusion(dense, keyword, [1.0], [1.0])
    assert fused[3] == pytest.approx(1.0)          # 0 (dense) + 16/16
    assert fused[1] == pytest.approx(1.0 + 2 / 16)  # 1 (dense) + 2/16
    assert fused[2] == pytest.approx(0.9)
    assert score_fusion([{}], [{}], [1.0], [1.0]) == {}


def test_saturate_lowers_a_flooding_document_beyond_its_first_rows():
    from retriever.fusion import saturate
    order = {1: 2.0, 2: 1.9, 3: 1.8, 4: 1.7, 5: 1.5, 6: 1.0}
    doc = {1: "R", 2: "R", 3: "R", 4: "R", 5: "N", 6: "O"}
    out = saturate(order, doc.__getitem__, free=2, weight=0.2, flood=0.5, pool=6)
    assert out[1] == 2.0 and out[2] == 1.9                          # its first two rows stay
    assert out[3] == pytest.approx(1.8 - 0.4) and out[4] == pytest.approx(1.7 - 0.4)
    assert [row for row, _ in top_rows(out, 3)] == [1, 2, 5]        # another document's best moves up
    assert out[5] == 1.5 and out[6] == 1.0
    kept = saturate(order, doc.__getitem__, free=2, weight=0.2, flood=0.5, pool=6, exempt={3})
    assert kept[3] == 1.8 and kept[4] == pytest.approx(1.3)          # a row stating what is asked keeps its place
    # a document holding less than half the pool does not flood it; weight 0 changes nothing
    assert saturate(order, doc.__getitem__, free=2, weight=0.2, flood=0.7, pool=6) == order
    assert saturate(order, doc.__getitem__, free=2, weight=0.0, flood=0.5, pool=6) == order
