"""The ask service's stages as a LangChain pipeline: rewrite → retrieve → decide → compose → generate → verify.

Every step is a stage of `chat.service.GazetteService` (no second pipeline): the chain only lets LangChain users
compose, trace or swap the model. `GazetteRetriever` exposes the hybrid search as a LangChain `BaseRetriever`.
Generated prose is verified on the `Clause` objects of the composed card (`chat.prose.record_verdict`).
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from chat.prose import generation_chain, record_verdict
from chat.service import GazetteService, decide
from retriever.search import Searcher

CHAIN_BACKEND = "langchain"


class GazetteRetriever(BaseRetriever):
    """Our hybrid search as a LangChain retriever: each Document carries its clause in metadata."""

    searcher: Searcher
    k: int = 5
    filters: dict[str, Any] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.searcher.run(query, k=self.k, filters=self.filters)
        return [Document(page_content=h.clause.text, metadata={"clause": h.clause, "score": h.score, "hit": h})
                for h in result.hits]


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
        decision = decide(x["result"], searcher)
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
