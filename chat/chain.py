"""The ask service's stages as a LangChain pipeline: rewrite → retrieve → decide → compose → generate → verify.

Every step is a stage of `chat.service.GazetteService` (no second pipeline): the chain only lets LangChain users
compose, trace or swap the model. `GazetteRetriever` (re-exported from `retriever.langchain_retriever`) exposes the
hybrid search as a LangChain `BaseRetriever`.
Generated prose is verified on the `Clause` objects of the composed card (`chat.prose.record_verdict`).
"""
from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from chat.prose import generation_chain, record_verdict
from chat.service import GazetteService, decide
from retriever.langchain_retriever import GazetteRetriever
from retriever.search import Searcher

__all__ = ["CHAIN_BACKEND", "GazetteRetriever", "build_chain"]

CHAIN_BACKEND = "langchain"


def build_chain(service: GazetteService, model: BaseChatModel, lang: str | None = None, k: int = 5) -> Runnable:
    """{"question", optional "session_id" / "filters"} → the card's JSON plus "card" (the `AnswerCard`),
    "prose" (as generated), "verified" and "reasons"."""

    def rewrite(x: dict[str, Any]) -> dict[str, Any]:
        q = service.prepare(x["question"], x.get("session_id"), lang, k, x.get("filters"), llm=CHAIN_BACKEND)
        return {**x, "q": q, "searcher": service.searcher}           # one index version for the whole run

    def retrieve(x: dict[str, Any]) -> dict[str, Any]:
        return {**x, "result": service.retrieve(x["q"], x["searcher"])}

    def compose(x: dict[str, Any]) -> dict[str, Any]:
        searcher: Searcher = x["searcher"]
        decision = decide(x["result"], searcher, x["q"].text)
        return {**x, "card": service.compose(x["q"], x["result"], decision, searcher)}

    def generate(x: dict[str, Any]) -> dict[str, Any]:
        card = x["card"]
        if not card.answered:
            return {**x, "prose": None}
        text = generation_chain(model, card.language).invoke({"question": card.question, "citations": card.citations})
        return {**x, "prose": text}

    def verify(x: dict[str, Any]) -> dict[str, Any]:
        card = x["card"]
        if x["prose"]:
            record_verdict(card, x["prose"])
        service.finish(x["q"], card)
        return {**card.to_dict(), "card": card, "prose": x["prose"], "verified": card.llm.verified,
                "reasons": card.llm.reasons}

    return (RunnableLambda(rewrite) | RunnableLambda(retrieve) | RunnableLambda(compose)
            | RunnableLambda(generate) | RunnableLambda(verify))
