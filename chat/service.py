"""The product's one entry point for CLI, API and UI: search, ask (card + optional verified prose), browse."""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from chat.compose import compose_answer
from chat.sessions import SessionStore, Turn, session_store_from_env, standalone_query
from chat.translation import attach_translations
from index.errors import QueryError
from retriever.answerability import judge
from retriever.query import detect_language, validate_query
from retriever.search import Searcher

log = logging.getLogger(__name__)
MAX_K = 50


def check_k(k: int) -> int:
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be between 1 and {MAX_K}, not {k!r}")
    return k


def check_lang(lang: str | None) -> str | None:
    if lang not in (None, "", "zh", "en"):
        raise QueryError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang or None


class GazetteService:
    """Holds the loaded index (hot-swappable), the sessions and the LLM configuration."""

    def __init__(self, searcher: Searcher, sessions: SessionStore | None = None, llm: str | None = None) -> None:
        self._searcher = searcher
        self.sessions = sessions or session_store_from_env()
        self.llm = llm
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | str, llm: str | None = None, sessions: SessionStore | None = None) -> "GazetteService":
        """Load the index at `index_dir`; `llm` = none | openai | local | None (from the environment)."""
        from retriever.llm import LLMConfig
        backend = llm or LLMConfig.from_env().backend
        searcher = Searcher.open(index_dir, llm=backend)
        return cls(searcher, sessions, backend)

    # -- index ------------------------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        """The index folder being served."""
        return Path(self.searcher.store.index_dir)

    @property
    def searcher(self) -> Searcher:
        return self._searcher

    def swap(self, searcher: Searcher) -> None:
        """Serve a new index version (loaded fully by the caller) from the next request on."""
        with self._lock:
            self._searcher = searcher

    # -- search -----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, filters: dict[str, Any] | None = None, mode: str = "auto") -> list[dict]:
        check_k(k)
        return [h.to_dict() for h in self.searcher.search(query, k, filters, mode)]

    # -- ask --------------------------------------------------------------------------------------
    def ask(self, question: str, session_id: str | None = None, lang: str | None = None, k: int = 5,
            filters: dict[str, Any] | None = None, llm: str | None = None, prose: bool | None = None) -> dict[str, Any]:
        """Answer a question: the deterministic card always; LLM prose only when verified against the clauses."""
        started = time.perf_counter()
        question = validate_query(question)
        check_k(k)
        lang = check_lang(lang) or detect_language(question)
        q_lang = detect_language(question)
        history = self.sessions.history(session_id) if session_id else []
        query = standalone_query(question, q_lang, history)
        searcher = self.searcher
        result = searcher.run(query, k=k, filters=filters, lang=q_lang)
        judged = judge(result, searcher)
        card = compose_answer(question, lang, result.hits, judged.answerable, searcher.glossary,
                              result.glossary_terms, result.translation)
        backend = llm if llm is not None else self.llm
        if lang == "en" and card["answered"]:
            self._translations(card, backend)
        card["llm"] = {"backend": backend or "none", "used": False, "verified": None, "withheld_reason": None,
                       "prose": None}
        if card["answered"] and backend not in (None, "none"):
            from chat.chain import add_verified_prose
            add_verified_prose(card, question, lang, backend, prose)
        if session_id:
            self.sessions.append(session_id, Turn(question, query, q_lang, [c["id"] for c in card["citations"]]))
        card.update({"question": question, "language": lang, "query": query if query != question else None,
                     "answerability": judged.to_dict(), "glossary_terms": result.glossary_terms,
                     "translation": result.translation, "session_id": session_id,
                     "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)})
        return card

    def _translations(self, card: dict[str, Any], backend: str | None) -> None:
        """Checked English translations of the cited clauses: from the index folder's cache, or — with
        GAZETTE_TRANSLATE_LAZY=1 and the openai back-end (never the local model) — made now and cached."""
        model = name = None
        if backend == "openai" and os.environ.get("GAZETTE_TRANSLATE_LAZY") == "1":
            from retriever.llm import LLMConfig, get_chat_model
            config = LLMConfig.from_env(backend="openai")
            model, name = get_chat_model(config), config.model
        attach_translations(card, self.index_dir, self.searcher.store.by_id, model, name, self.searcher.glossary)

    # -- browse -----------------------------------------------------------------------------------
    def clause(self, clause_id: str) -> dict[str, Any]:
        c = self.searcher.store.by_id.get(clause_id)
        if c is None:
            raise KeyError(clause_id)
        from chat.citations import doc_number_en
        return {**c.to_dict(), "citation": c.citation, "citation_en": c.citation_en(doc_number_en(c.doc_number))}

    def documents(self) -> list[dict[str, Any]]:
        return list(self.searcher.store.manifest.documents)

    def health(self) -> dict[str, Any]:
        store = self.searcher.store
        m = store.manifest
        try:
            from importlib.metadata import version
            pkg = version("gazette-chat")
        except Exception:  # noqa: BLE001
            pkg = "unknown"
        return {"status": "ok", "version": pkg, "index": str(store.index_dir), "clauses": len(store),
                "documents": len(m.documents), "embedder": m.embedder, "built_at": m.created_at,
                "llm": self.llm or "none", "translation": self.searcher.translator is not None}
