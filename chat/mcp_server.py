"""Gazette Chat as an MCP server (Model Context Protocol, `mcp` SDK 2.x `MCPServer`), so agents can search and ask:
tools `search_clauses`, `ask`, `get_clause`, `list_documents`, with typed inputs and outputs (JSON Schema).

Two transports: stdio (`gazette mcp`, for desktop assistants and IDE agents that start the server themselves) and
streamable HTTP at `/mcp` on the API (`mount_mcp(app, get_service)`, stateless, for agents that connect to a URL).
User errors (an empty question, an unknown clause id) come back as tool errors with a one-line message.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from chat.card_markdown import card_markdown
from chat.service import MAX_K, GazetteService
from index.errors import GazetteError

MCP_PATH = "/mcp"
INSTRUCTIONS = ("Chinese government gazettes (政府公报) and local regulations. Questions in Chinese or English. "
                "`ask` answers from the clauses themselves (verbatim quotes, figures, citations with document "
                "number and clause) or says the documents do not answer; `search_clauses` lists matching "
                "clauses; `get_clause` gives one clause in full; `list_documents` lists the indexed documents. "
                "Quote the citation (e.g. 渝府办发〔2024〕22号 三、（六）) when you use an answer.")
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)

T = TypeVar("T")


# -- typed outputs ------------------------------------------------------------------------------------------------
class ClauseHit(BaseModel):
    """A clause found by search, with its fused relevance score."""

    id: str
    citation: str = Field(description="Document number and clause label, e.g. 渝府办发〔2024〕22号 三、（六）")
    doc_number: str | None
    label: str
    label_en: str | None = None
    title: str
    title_en: str | None = None
    kind: str
    text: str
    score: float
    deadline: str | None = None
    lead_units: list[str] = []


class SearchClausesResult(BaseModel):
    query: str
    hits: list[ClauseHit]


class CitedClause(BaseModel):
    """A clause cited by an answer: citation in the answer's language, verbatim Chinese quote, facts."""

    n: int
    id: str
    citation: str
    citation_zh: str
    citation_en: str
    doc_number: str | None
    title: str
    title_en: str | None = None
    quote: str = Field(description="Verbatim sentences of the clause (Chinese)")
    facts: list[str] = Field(description="Amounts, dates, lead units in the answer's language, with the source text")


class AskResult(BaseModel):
    """The answer card: `answered` false means the documents do not answer (then `related` lists close clauses)."""

    question: str
    language: Literal["zh", "en"]
    answered: bool
    markdown: str = Field(description="The whole answer as Markdown, with citations")
    answer: str = Field(description="The answer as plain text")
    citations: list[CitedClause]
    related: list[CitedClause]
    prose: str | None = Field(None, description="LLM summary, only when verified against the cited clauses")


class ClauseDetail(BaseModel):
    id: str
    citation: str
    citation_en: str
    doc_number: str | None
    label: str
    label_en: str | None = None
    title: str = Field(description="Document title (Chinese)")
    title_en: str | None = None
    kind: str
    path: list[str] = []
    text: str
    deadline: str | None = None
    lead_units: list[str] = []
    co_units: list[str] = []


class DocumentInfo(BaseModel):
    doc_key: str
    doc_number: str | None
    title: str
    title_en: str | None = None
    date: str | None = None
    clause_count: int


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


def _pick(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in model.model_fields}


def _cited(items: list[dict[str, Any]]) -> list[CitedClause]:
    return [CitedClause.model_validate(_pick(CitedClause, c)) for c in items]


def _user_errors(fn: Callable[..., T]) -> Callable[..., T]:
    """A `GazetteError` becomes a tool error with its one-line message (the agent can read and correct it)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except GazetteError as exc:
            raise ToolError(str(exc)) from None
    return wrapper


# -- the server ---------------------------------------------------------------------------------------------------
def build_mcp(get_service: Callable[[], GazetteService]) -> MCPServer:
    """An MCP server whose tools call the service returned by `get_service()` at call time."""
    server = MCPServer("gazette-chat", title="Gazette Chat", instructions=INSTRUCTIONS, version=_version(),
                       log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    @_user_errors
    def search_clauses(
        query: Annotated[str, Field(description="Chinese or English search words or question")],
        k: Annotated[int, Field(ge=1, le=MAX_K, description="Number of clauses")] = 5,
        doc: Annotated[str | None, Field(description="Only this document number, e.g. 渝府办发〔2024〕27号")] = None,
        kind: Annotated[str | None, Field(description="Clause kind: clause, annex_task, box_item, article")] = None,
        lead_unit: Annotated[str | None, Field(description="Lead unit (Chinese or English name)")] = None,
        deadline_from: Annotated[str | None, Field(description="Deadline on or after YYYY-MM")] = None,
        deadline_to: Annotated[str | None, Field(description="Deadline on or before YYYY-MM")] = None,
    ) -> SearchClausesResult:
        """Hybrid (semantic + keyword) search over the clauses; best first."""
        filters = {name: value for name, value in (("doc", doc), ("kind", kind), ("lead_unit", lead_unit),
                                                    ("deadline_from", deadline_from), ("deadline_to", deadline_to))
                   if value}
        hits = get_service().search(query, k, filters or None)
        return SearchClausesResult(query=query, hits=[ClauseHit.model_validate(_pick(ClauseHit, h)) for h in hits])

    @server.tool(annotations=READ_ONLY)
    @_user_errors
    def ask(
        question: Annotated[str, Field(description="A question in Chinese or English")],
        lang: Annotated[Literal["zh", "en"] | None, Field(description="Answer language (default: the question's)")]
        = None,
        k: Annotated[int, Field(ge=1, le=MAX_K, description="Clauses to retrieve")] = 5,
    ) -> AskResult:
        """Answer from the clauses: verbatim quotes, figures and citations; or "not in these documents"."""
        card = get_service().ask(question, lang=lang, k=k).to_dict()
        llm = card.get("llm") or {}
        return AskResult(question=card["question"], language=card["language"], answered=card["answered"],
                         markdown=card_markdown(card), answer=card["answer"], citations=_cited(card["citations"]),
                         related=_cited(card.get("related") or []), prose=llm.get("prose"))

    @server.tool(annotations=READ_ONLY)
    @_user_errors
    def get_clause(clause_id: Annotated[str, Field(description="Clause id, e.g. c-758568d4154e")]) -> ClauseDetail:
        """One clause in full: text, citation, document, deadline and units."""
        try:
            data = get_service().clause(clause_id)
        except KeyError:
            raise ToolError(f"no clause with id {clause_id!r}") from None
        return ClauseDetail.model_validate({**_pick(ClauseDetail, data), "title": data.get("doc_title", ""),
                                            "title_en": data.get("doc_title_en")})

    @server.tool(annotations=READ_ONLY)
    @_user_errors
    def list_documents() -> DocumentList:
        """The indexed documents: number, title (Chinese and English), date, clause count."""
        return DocumentList(documents=[DocumentInfo.model_validate(_pick(DocumentInfo, d))
                                       for d in get_service().documents()])

    return server


def mount_mcp(app: FastAPI, get_service: Callable[[], GazetteService]) -> MCPServer:
    """Serve the MCP tools over streamable HTTP at `/mcp` on `app` (stateless; the session manager runs inside
    the app's lifespan)."""
    server = build_mcp(get_service)
    http_app = server.streamable_http_app(streamable_http_path=MCP_PATH, stateless_http=True)
    app.router.routes.extend(http_app.routes)
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with inner(a) as state, server.session_manager.run():
            yield state

    app.router.lifespan_context = lifespan
    return server


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("gazette-chat")
    except Exception:  # noqa: BLE001
        return "unknown"
