"""The answer records: JSON keys of `to_dict()` match the HTTP schema `/docs` shows; verdict and confidence."""
from __future__ import annotations

import pytest

from chat.compose import compose_answer
from chat.records import AnswerCard
from chat.schemas import AnswerCardOut, CitationOut, ProseOut
from retriever.answerability import Answerability
from retriever.search import Hit

pytestmark = pytest.mark.unit

TODAY_KEYS = {"question", "language", "answered", "answer", "citations", "related", "llm", "query", "answerability",
              "glossary_terms", "translation", "session_id", "elapsed_ms"}


@pytest.fixture(scope="module")
def postdoc_clause(sample_clauses):
    return next(c for c in sample_clauses if c.doc_number == "渝府办发〔2024〕22号" and c.label == "三、（六）")


def _card(clause, answered: bool, score: float) -> AnswerCard:
    card = compose_answer("企业每招收1名全职博士后给多少资助？", "en", [Hit(clause, 1.0)], answered)
    card.answerability = Answerability(score, answered, 0.9, 0.5)
    return card


def test_json_keys_are_todays_plus_verdict_and_match_the_schema(postdoc_clause):
    data = _card(postdoc_clause, True, 0.8).to_dict()
    assert set(data) == TODAY_KEYS | {"verdict", "confidence"} == set(AnswerCardOut.model_fields)
    assert set(data["citations"][0]) == set(CitationOut.model_fields)
    assert set(data["llm"]) == set(ProseOut.model_fields)
    AnswerCardOut.model_validate(data)                                   # the documented schema accepts it


def test_verdict_and_confidence(postdoc_clause):
    answered = _card(postdoc_clause, True, 1.7)
    assert answered.verdict == "answer" and answered.confidence == 1.0
    refused = _card(postdoc_clause, False, 0.31234)
    assert refused.verdict == "refuse" and refused.confidence == 0.3123
    assert refused.citations == [] and refused.related[0].clause is postdoc_clause
    AnswerCardOut.model_validate(refused.to_dict())


def test_english_facts_keep_their_source_figure(postdoc_clause):
    c = _card(postdoc_clause, True, 0.8).citations[0]
    amount = next(f for f in c.facts if f.role == "figure" and f.source == "5万元")
    assert amount.text == "CNY 50,000 (5万元)" and amount.fact is not None and amount.fact.value == 50000
    assert c.to_dict()["facts"] == [f.text for f in c.facts]
