"""Scope check: cities the documents never mention make a question out of scope; provinces never do."""
from __future__ import annotations

import pytest

from retriever.scope import places_in, unknown_places

CORPUS = "重庆市……推进“川渝通办”……世界知识产权组织仲裁调解上海中心……綦江蟠龙抽水蓄能电站"


@pytest.mark.unit
@pytest.mark.parametrize("query, lang, unknown", [
    ("在成都高新区注册科技公司，办公室租金补贴标准是多少？", "zh", ["成都"]),
    ("What tax breaks does Shenzhen give to AI start-ups?", "en", ["深圳"]),
    ("上海对集成电路企业有什么补贴政策", "zh", []),            # 上海 occurs in the documents
    ("How many items should be handled jointly across Sichuan and Chongqing?", "en", []),  # a province
    ("綦江蟠龙抽水蓄能电站什么时候建成", "zh", []),
    ("企业招收博士后有什么资助", "zh", []),
])
def test_unknown_places(query, lang, unknown):
    assert unknown_places(query, lang, CORPUS) == unknown


@pytest.mark.unit
def test_places_in_english_uses_word_boundaries():
    assert places_in("Is Xi'an or Harbin covered?", "en") == ["西安", "哈尔滨"]
    assert places_in("the tianjinese", "en") == []


@pytest.mark.integration
def test_service_refuses_a_city_outside_the_documents(sample_service):
    card = sample_service.ask("杭州对跨境电商企业有哪些扶持资金？")
    assert not card.answered and card.answerability is not None
    assert card.answerability.places_not_covered == ["杭州"]
