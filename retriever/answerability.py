"""Answerability for a search result: the one decision every caller uses (CLI, API, stream, UI, chain, eval).

`judge(result, searcher)` hands the result to `retriever.decision.decide` (answer / partial / refuse with a
calibrated confidence and the cited clauses best first); it exists so callers need only a search result.
"""
from __future__ import annotations

from typing import Any

from retriever.decision import Decision, decide
from retriever.search import Searcher, SearchResult

#: The decision record the answer card carries (`chat.records.AnswerCard.answerability`).
Answerability = Decision


def judge(result: SearchResult, searcher: Searcher, question: str | None = None, llm_judge: Any = None,
          previous_cited: list[str] | None = None) -> Decision:
    """The decision for a `SearchResult` of `searcher` (a clause named by number is answered with it);
    `question` is the user's wording when the searched query carries a conversation's earlier turn;
    `llm_judge` the local model's yes/no judge (`retriever.llm_judge.judge_for`), or None; `previous_cited` the
    clauses the conversation's previous turn cited."""
    follow_up = question if (question and question != result.query) else None
    return decide(result.query, result.lang, result.hits, searcher.store, searcher.glossary, result.translation,
                  result.glossary_terms, result.named, follow_up=follow_up, judge=llm_judge,
                  previous_cited=previous_cited)
