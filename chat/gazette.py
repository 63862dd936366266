"""A small Python API for embedding Gazette Chat: `Gazette.open(index)` → `.search()`, `.ask()`.

    from chat.gazette import Gazette
    gz = Gazette.open("data/index", llm="none")
    card = gz.ask("How much funding does a company get for each postdoc it recruits?")   # an AnswerCard
    card.answered, card.citations[0].citation, card.to_dict(), gz.markdown(card)
    hits = gz.search("劳动争议", k=3, kind="annex_task")

Answers are `chat.records.AnswerCard`s (`.to_dict()` is the `POST /ask` JSON); hits are the `GET /search` dicts.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chat.card_markdown import card_markdown
from chat.records import AnswerCard
from chat.service import GazetteService
from index.settings import Settings
from retriever.langchain_retriever import GazetteRetriever


class Gazette:
    """One loaded index (and its embedder, glossary and LLM back-end), ready to search and answer."""

    def __init__(self, service: GazetteService) -> None:
        self.service = service

    @classmethod
    def open(cls, index: Path | str | None = None, llm: str | None = None) -> Gazette:
        """Load the index folder `index` (default `$GAZETTE_INDEX` or `data/index`); `llm` = none | openai |
        local | None (from `GAZETTE_LLM`)."""
        settings = Settings.from_env()
        return cls(GazetteService.open(Path(index or settings.index_dir), llm=llm, settings=settings))

    def search(self, query: str, k: int = 5, mode: str = "auto", **filters: Any) -> list[dict[str, Any]]:
        """Top-k clauses for a query; filters: doc, kind, lead_unit, deadline_from, deadline_to."""
        return self.service.search(query, k, filters or None, mode)

    def ask(self, question: str, lang: str | None = None, k: int = 5, session_id: str | None = None,
            **filters: Any) -> AnswerCard:
        """The answer card (composed from the clauses; LLM prose only when verified)."""
        return self.service.ask(question, session_id=session_id, lang=lang, k=k, filters=filters or None)

    def clause(self, clause_id: str) -> dict[str, Any]:
        """One clause by id (KeyError when unknown)."""
        return self.service.clause(clause_id)

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents."""
        return self.service.documents()

    def retriever(self, k: int = 5, **filters: Any) -> GazetteRetriever:
        """A LangChain retriever over the same loaded index."""
        return GazetteRetriever(searcher=self.service.searcher, k=k, filters=filters or None)

    @staticmethod
    def markdown(card: AnswerCard | dict[str, Any]) -> str:
        """An answer card (record or JSON) as Markdown with its citations."""
        return card_markdown(card.to_dict() if isinstance(card, AnswerCard) else card)
