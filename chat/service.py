"""The one ask path, shared by CLI, API (plain and SSE), UI, the LangChain chain and `gazette eval`.

`GazetteService.ask(question, …)` → `AnswerCard`, in stages any caller can run one by one:

    prepare   validate the question, check k and lang, detect the language, turn a follow-up into a
              standalone query                                                   → `Question`
    retrieve  hybrid search (`retriever.search.Searcher.run`)                     → `SearchResult`
    decide    answer / partial / refuse, cited clauses best first (`decide()`, the one call of
              `retriever.answerability.judge` → `retriever.decision.decide`)           → `Answerability` (a `Decision`)
    compose   the deterministic card from the clauses (`chat.compose`)          → `AnswerCard`
    prose     optional LLM prose, verified on the card's real clauses (`chat.prose`) → `card.llm`
    finish    remember the turn for follow-ups, stamp the elapsed time

`events(question)` runs the same stages as (event, data) pairs for streaming: `progress`, `token` (unverified
prose drafts), and the `card` (JSON) last. Also browse: `search`, `clause`, `documents`, `health`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chat.citations import doc_number_en
from chat.compose import compose_answer
from chat.prose import stream_prose
from chat.records import AnswerCard
from chat.redis_sessions import open_session_store
from chat.sessions import SessionStore, Turn, standalone_query
from chat.translation import attach_translations
from index.errors import QueryError
from index.filters import check_filters
from index.provenance import provenance_by_doc
from index.settings import Settings
from index.version import package_version
from retriever.answerability import Answerability, judge
from retriever.decision import CANDIDATES
from retriever.llm import LLMConfig, get_chat_model
from retriever.llm_judge import LocalJudge, judge_for
from retriever.query import detect_language, validate_question
from retriever.search import Searcher, SearchResult

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)
MAX_K = 50
LANGS = ("zh", "en")

#: One streamed event: ("progress" | "token" | "card", JSON-ready data).
Event = tuple[str, dict[str, Any]]


@dataclass
class Question:
    """A checked question, ready to answer: the one place its text is validated and its language detected."""

    text: str                          # validated (stripped)
    lang: str                          # answer language
    q_lang: str                        # the question's own language
    query: str                         # standalone retrieval query (follow-ups carry the previous one)
    k: int = 5
    filters: dict[str, Any] | None = None
    session_id: str | None = None
    backend: str = "none"              # LLM back-end for prose
    prose: bool | None = None          # None: the back-end's default
    started: float = 0.0
    previous_cited: list[str] = field(default_factory=list)   # a follow-up: the clauses the previous turn cited


def check_k(k: int) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be between 1 and {MAX_K}, not {k!r}")
    return k


def check_lang(lang: str | None) -> str | None:
    if lang not in (None, "", "auto", *LANGS):
        raise QueryError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang if lang in LANGS else None


def decide(result: SearchResult, searcher: Searcher, question: str | None = None,
           llm_judge: LocalJudge | None = None, previous_cited: list[str] | None = None) -> Answerability:
    """Answer, partial or refuse, with the cited clauses best first: the one decision for every caller (the
    internals live in `retriever.decision`); `question` is the user's wording of a follow-up; `llm_judge` the
    local model's yes/no judge (local mode with `Settings.judge`)."""
    return judge(result, searcher, question, llm_judge, previous_cited)


def llm_config(settings: Settings, backend: str | None = None) -> LLMConfig:
    """The LLM configuration from the settings read at start-up (`backend` overrides GAZETTE_LLM)."""
    return LLMConfig.from_settings(settings, backend)


#: The questions `GazetteService.warm` runs at start-up (any answerable pair; one per language).
WARM_QUESTIONS = ("企业招聘博士后有什么资助？", "How much funding does a company get for each postdoc it recruits?")
#: An English question naming no document by its title: every document's English title pattern gets compiled.
WARM_DOCUMENT = "What do the regulations say?"


class GazetteService:
    """Holds the loaded index (hot-swappable), the sessions and the LLM configuration."""

    def __init__(self, searcher: Searcher, sessions: SessionStore | None = None, llm: str | None = None,
                 settings: Settings | None = None) -> None:
        self._searcher = searcher
        self.settings = settings or Settings.from_env()
        self.llm_config = llm_config(self.settings, llm)
        self.llm = self.llm_config.backend
        self.sessions = sessions or open_session_store(self.settings.sessions, self.settings.sessions_ttl)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | str, llm: str | None = None, sessions: SessionStore | None = None,
             settings: Settings | None = None) -> GazetteService:
        """Load the index at `index_dir`; `llm` = none | openai | local | None (from the settings)."""
        settings = settings or Settings.from_env()
        backend = llm_config(settings, llm).backend
        return cls(Searcher.open(index_dir, llm=backend, settings=settings), sessions, backend, settings)

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

    # -- ask, stage by stage ----------------------------------------------------------------------
    def prepare(self, question: str | None, session_id: str | None = None, lang: str | None = None, k: int = 5,
                filters: dict[str, Any] | None = None, llm: str | None = None,
                prose: bool | None = None) -> Question:
        """Validate the question once, detect its language once, and resolve a follow-up (`QueryError` if bad)."""
        started = time.perf_counter()
        text = validate_question(question)
        check_k(k)
        filters = check_filters(filters) or None      # before any answer or stream starts (`FilterError`)
        q_lang = detect_language(text)
        history = self.sessions.history(session_id) if session_id else []
        query = standalone_query(text, q_lang, history)
        return Question(text, check_lang(lang) or q_lang, q_lang, query, k, filters or None, session_id or None,
                        llm if llm is not None else self.llm, prose, started,
                        list(history[-1].cited) if query != text else [])

    def retrieve(self, q: Question, searcher: Searcher | None = None) -> SearchResult:
        return (searcher or self.searcher).run(q.query, k=max(q.k, CANDIDATES), filters=q.filters, lang=q.q_lang)

    def compose(self, q: Question, result: SearchResult, decision: Answerability,
                searcher: Searcher | None = None) -> AnswerCard:
        """The deterministic card (no prose yet) with the question's handling details."""
        glossary = (searcher or self.searcher).glossary
        card = compose_answer(q.text, q.lang, result.hits[:q.k], decision.answerable, glossary,
                              result.glossary_terms, result.translation, decision=decision)
        card.llm.backend = q.backend or "none"
        card.query = q.query if q.query != q.text else None
        card.answerability, card.session_id = decision, q.session_id
        card.glossary_terms, card.translation = result.glossary_terms, result.translation
        provenance = provenance_by_doc((searcher or self.searcher).store.manifest.documents)
        for c in card.citations + card.related:       # who added each cited document, when, from which file
            c.provenance = provenance(c.clause.doc_key)
        if q.lang == "en" and card.answered:
            self.translations(card, q.backend, searcher or self.searcher)
        return card

    def translations(self, card: AnswerCard, backend: str | None, searcher: Searcher) -> None:
        """Checked English translations of the cited clauses: from the index folder's cache, or — with
        GAZETTE_TRANSLATE_LAZY=1 and the openai back-end (never the local model) — made now and cached."""
        model, name = None, None
        if backend == "openai" and self.settings.translate_lazy:
            config = self.llm_config.with_backend("openai")
            model, name = get_chat_model(config), config.model
        attach_translations(card, Path(searcher.store.index_dir), model, name, searcher.glossary)

    def card(self, q: Question) -> AnswerCard:
        """retrieve → decide → compose, on one index version."""
        searcher = self.searcher
        result = self.retrieve(q, searcher)
        llm_judge = judge_for(q.backend, self.llm_config.local_model, self.settings.judge, self.settings.judge_budget)
        return self.compose(q, result, decide(result, searcher, q.text, llm_judge, q.previous_cited), searcher)

    def wants_prose(self, q: Question, card: AnswerCard) -> bool:
        return card.answered and q.backend not in (None, "none")

    def prose_config(self, q: Question) -> LLMConfig:
        config = self.llm_config
        return config if q.backend == config.backend else config.with_backend(q.backend)

    def finish(self, q: Question, card: AnswerCard) -> AnswerCard:
        """Remember the turn (follow-ups) and stamp the elapsed time."""
        if q.session_id:
            self.sessions.append(q.session_id, Turn(q.text, q.query, q.q_lang, [c.id for c in card.citations]))
        card.elapsed_ms = round((time.perf_counter() - q.started) * 1000, 1)
        return card

    def warm(self) -> None:
        """One Chinese and one English question through retrieve → decide → compose (no LLM, no session), so the
        first user question does not pay for loading the embedder, jieba, CC-CEDICT, pinyin and the decision model
        (about 3–9 s on this machine). The server runs it in the background before `/health` says ready."""
        for text in WARM_QUESTIONS:
            self.card(self.prepare(text, llm="none"))
        self.searcher.documents.named(WARM_DOCUMENT)     # the English title patterns (≈ 20 ms a document, once)

    # -- ask, whole -------------------------------------------------------------------------------
    def answer(self, q: Question, model: BaseChatModel | None = None) -> AnswerCard:
        """The card for a prepared question, with verified prose when the back-end writes it."""
        card = self.card(q)
        if self.wants_prose(q, card):
            for _ in stream_prose(card, self.prose_config(q), q.prose, model):
                pass
        return self.finish(q, card)

    def ask(self, question: str | None, session_id: str | None = None, lang: str | None = None, k: int = 5,
            filters: dict[str, Any] | None = None, llm: str | None = None, prose: bool | None = None,
            model: BaseChatModel | None = None) -> AnswerCard:
        """Answer a question: the deterministic card always; LLM prose only when verified against the clauses."""
        return self.answer(self.prepare(question, session_id, lang, k, filters, llm, prose), model)

    def events(self, q: Question, model: BaseChatModel | None = None) -> Iterator[Event]:
        """The answer as (event, data) pairs: progress stages, LLM prose drafts, and the card (JSON) last."""
        yield "progress", {"stage": "searching"}
        card = self.card(q)
        yield "progress", {"stage": "composing", "answered": card.answered, "citations": len(card.citations)}
        if self.wants_prose(q, card):
            config = self.prose_config(q)
            if config.prose if q.prose is None else q.prose:
                yield "progress", {"stage": "generating", "backend": q.backend}
            for token in stream_prose(card, config, q.prose, model):
                yield "token", {"text": token, "verified": False}   # a draft: the card says if it passed
        yield "card", self.finish(q, card).to_dict()

    # -- browse -----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, filters: dict[str, Any] | None = None,
               mode: str = "auto") -> list[dict[str, Any]]:
        check_k(k)
        return [h.to_dict() for h in self.searcher.search(query, k, filters, mode)]

    def clause(self, clause_id: str) -> dict[str, Any]:
        c = self.searcher.store.by_id.get(clause_id)
        if c is None:
            raise KeyError(clause_id)
        return {**c.to_dict(), "citation": c.citation, "citation_en": c.citation_en(doc_number_en(c.doc_number))}

    def documents(self) -> list[dict[str, Any]]:
        return list(self.searcher.store.manifest.documents)

    def health(self) -> dict[str, Any]:
        store = self.searcher.store
        m = store.manifest
        return {"status": "ok", "version": package_version(), "index": str(store.index_dir), "clauses": len(store),
                "documents": len(m.documents), "embedder": m.embedder, "built_at": m.created_at,
                "llm": self.llm or "none", "translation": self.searcher.translator is not None}
