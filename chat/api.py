"""HTTP API (FastAPI) over `GazetteService`, with the Gradio UI mounted at `/ui`.

`create_app(index_dir, llm)` → a FastAPI app that loads the index once at start-up (lifespan) and shares it between
requests. CPU-bound service calls run in Starlette's threadpool (plain `def` endpoints). User errors become 4xx
with a one-line message; anything else is logged and answered with a generic 500 (never a traceback).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chat.mcp_server import mount_mcp
from chat.openai_api import router as openai_router
from chat.service import MAX_K, GazetteService
from index.errors import GazetteError
from retriever.llm_warmup import start_warmup, warmup_status
from retriever.query import validate_query

log = logging.getLogger(__name__)

ADMIN_TOKEN_ENV = "GAZETTE_ADMIN_TOKEN"
CORS_ENV = "GAZETTE_CORS_ORIGINS"
RELOAD_INTERVAL_ENV = "GAZETTE_RELOAD_INTERVAL"
QUERY_CACHE_ENV = "GAZETTE_QUERY_CACHE"
UI_PATH = "/ui"


# -- request models -------------------------------------------------------------------------------------------
class Filters(BaseModel):
    """Metadata filters; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")
    doc: str | None = Field(None, description="Document number, e.g. 渝府办发〔2024〕27号")
    kind: str | None = Field(None, description="Clause kind: clause, annex_task, box_item, article, …")
    lead_unit: str | None = Field(None, description="Lead unit (Chinese or English name)")
    deadline_from: str | None = Field(None, description="Deadline on or after YYYY-MM")
    deadline_to: str | None = Field(None, description="Deadline on or before YYYY-MM")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v not in (None, "")}


def _question(value: str) -> str:
    try:
        return validate_query(value)
    except GazetteError as exc:
        raise ValueError(str(exc)) from None


class AskRequest(BaseModel):
    """A question, with an optional session for follow-ups, answer language, hit count and filters."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "企业招收博士后有什么资助？"},
        {"question": "How much funding does a company get for each postdoc it recruits?", "lang": "en"}]})
    question: str = Field(..., description="Chinese or English, at most 2,000 characters")
    session_id: str | None = Field(None, max_length=128, description="Conversation id for follow-up questions")
    lang: Literal["zh", "en", "auto"] | None = Field(None, description="Answer language (default: the question's)")
    k: int = Field(5, ge=1, le=MAX_K, description="Hits to retrieve")
    filters: Filters | None = None

    @field_validator("question")
    @classmethod
    def _check_question(cls, value: str) -> str:
        return _question(value)

    def service_args(self) -> dict[str, Any]:
        return {"question": self.question, "session_id": self.session_id or None,
                "lang": None if self.lang in (None, "auto") else self.lang, "k": self.k,
                "filters": self.filters.to_dict() if self.filters else None}


class SearchParams(Filters):
    """Query-string parameters of `GET /search` (unknown parameters are rejected)."""

    q: str = Field(..., description="Chinese or English query")
    k: int = Field(5, ge=1, le=MAX_K)
    mode: Literal["auto", "none", "glossary", "translate", "both"] = "auto"

    @field_validator("q")
    @classmethod
    def _check_q(cls, value: str) -> str:
        return _question(value)

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.to_dict().items() if k not in ("q", "k", "mode")}


# -- streaming ------------------------------------------------------------------------------------------------
def ask_events(service: GazetteService, question: str, session_id: str | None = None, lang: str | None = None,
               k: int = 5, filters: dict[str, Any] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs: progress stages, LLM prose tokens, and the verified card last (shared with the UI)."""
    started = time.perf_counter()
    yield "progress", {"stage": "searching"}
    backend = service.llm or "none"
    card = service.ask(question, session_id=session_id, lang=lang, k=k, filters=filters, llm="none")
    card["llm"]["backend"] = backend
    yield "progress", {"stage": "composing", "answered": card["answered"], "citations": len(card["citations"])}
    if card["answered"] and backend != "none":
        from retriever.llm import LLMConfig
        if LLMConfig.from_env(backend=backend).prose:
            yield "progress", {"stage": "generating", "backend": backend}
        from chat.chain import stream_verified_prose
        for token in stream_verified_prose(card, card["question"], card["language"], backend):
            yield "token", {"text": token, "verified": False}   # a draft: the card says if it passed
    card["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    yield "card", card


def sse(event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _sse_stream(service: GazetteService, args: dict[str, Any]) -> Iterator[str]:
    try:
        for event, data in ask_events(service, **args):
            yield sse(event, data)
    except GazetteError as exc:
        yield sse("error", {"status": 400, "detail": str(exc)})
    except Exception:  # noqa: BLE001 - logged; the client gets a generic message
        log.exception("error while streaming an answer")
        yield sse("error", {"status": 500, "detail": "internal server error"})


# -- errors ---------------------------------------------------------------------------------------------------
def status_for(exc: GazetteError) -> int:
    """HTTP status of a user-facing error (ingest errors by class name, so this module needs no import of them)."""
    by_name = {"UnsupportedMediaType": 415, "UploadTooLarge": 413, "IndexBusy": 409, "DocumentNotFound": 404}
    for cls in type(exc).__mro__:
        if cls.__name__ in by_name:
            return by_name[cls.__name__]
    return 400


def _validation_message(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    parts, clean = [], []
    for e in errors:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") == "json_invalid":
            loc, msg = "", f"the request body is not valid JSON ({e.get('ctx', {}).get('error', 'decode error')})"
        elif e.get("type") == "extra_forbidden":
            msg = f"unknown field {loc.rsplit('.', 1)[-1]!r}"
        parts.append(f"{loc}: {msg}" if loc else msg)
        clean.append({"loc": list(e.get("loc", ())), "msg": msg, "type": e.get("type")})
    return "; ".join(parts) or "invalid request", clean


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_message(list(exc.errors()))
        return JSONResponse({"detail": detail, "errors": errors}, status_code=422)

    @app.exception_handler(GazetteError)
    async def _gazette(request: Request, exc: GazetteError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal server error"}, status_code=500)


# -- admin ----------------------------------------------------------------------------------------------------
def require_admin(request: Request) -> None:
    """Bearer token from `GAZETTE_ADMIN_TOKEN`: 503 when unset, 401 when missing or wrong."""
    token = os.environ.get(ADMIN_TOKEN_ENV, "")
    if not token:
        raise HTTPException(503, f"admin disabled (set {ADMIN_TOKEN_ENV} to enable the admin endpoints)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "missing or wrong admin token (send 'Authorization: Bearer <token>')",
                            headers={"WWW-Authenticate": "Bearer"})


class CachedQueryEmbedder:
    """Wraps an embedder with a thread-safe LRU cache of query vectors (the model serialises queries behind a lock,
    so repeated questions — examples, retries, follow-ups — should not queue for it again)."""

    def __init__(self, inner: Any, size: int) -> None:
        import threading
        from collections import OrderedDict

        self.inner, self.size = inner, size
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:          # dim, identity(), embed_documents(), …
        return getattr(self.inner, name)

    def embed_queries(self, texts: Any) -> Any:
        import numpy as np

        texts = [texts] if isinstance(texts, str) else list(texts)
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self.inner.embed_queries(missing)
            with self._lock:
                for t, v in zip(missing, vectors):
                    found[t] = self._cache[t] = np.array(v, copy=True)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


def _make_watcher(index_dir: Path, llm: str | None) -> Any:
    """An `IndexWatcher` whose loader opens a `Searcher`, reusing the current embedder when it still fits."""
    from index.reload import IndexWatcher
    from index.store import read_manifest
    from retriever.search import Searcher

    holder: dict[str, Any] = {}

    def load(path: Path) -> Searcher:
        current = holder.get("searcher")
        same = current is not None and read_manifest(path).embedder == current.store.manifest.embedder
        if same:
            embedder = current.embedder
        else:
            from retriever.embedders import embedder_from_identity
            embedder = embedder_from_identity(read_manifest(path).embedder)
            size = int(os.environ.get(QUERY_CACHE_ENV) or 1024)
            embedder = CachedQueryEmbedder(embedder, size) if size > 0 else embedder
        searcher = Searcher.open(path, llm=llm, embedder=embedder)
        holder["searcher"] = searcher
        return searcher

    return IndexWatcher(index_dir, loader=load)


# -- app ------------------------------------------------------------------------------------------------------
def create_app(index_dir: str | Path, llm: str | None = None, ui: bool = True) -> FastAPI:
    """The API (+ the Gradio UI at `/ui` when `ui`); the index is loaded at start-up."""
    index_dir = Path(index_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        from retriever.llm import LLMConfig
        backend = llm or LLMConfig.from_env().backend
        watcher = _make_watcher(index_dir, backend)
        searcher = await run_in_threadpool(watcher.current)
        service = GazetteService(searcher, llm=backend)
        start_warmup(backend, prepare=lambda: service.search("企业补贴", k=1))   # background; /health says when ready
        watcher.on_swap = service.swap
        interval = float(os.environ.get(RELOAD_INTERVAL_ENV) or 0)
        if interval > 0:
            watcher.start(interval)
        app.state.service, app.state.watcher = service, watcher
        log.info("serving %s (%d clauses), LLM back-end %s", index_dir, len(searcher.store), backend)
        try:
            yield
        finally:
            watcher.stop()

    app = FastAPI(title="Gazette Chat API", version=_version(), lifespan=lifespan,
                  description="Bilingual question answering over Chinese government gazettes: answers composed "
                              "from the clauses, with verbatim quotes and citations. Web UI at /ui.")
    origins = [o.strip() for o in os.environ.get(CORS_ENV, "").split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["*"], allow_credentials="*" not in origins)
    install_error_handlers(app)
    add_routes(app)
    add_admin_routes(app)
    app.include_router(openai_router)                 # /v1/models, /v1/chat/completions (chat/openai_api.py)
    mount_mcp(app, lambda: app.state.service)         # MCP over streamable HTTP at /mcp (chat/mcp_server.py)
    if ui:
        import gradio as gr

        from chat.ui import CSS_PATH, build_ui
        blocks = build_ui(lambda: app.state.service)
        gr.mount_gradio_app(app, blocks, path=UI_PATH, css_paths=[CSS_PATH], footer_links=["api"],
                            run_history=False, show_error=True)
    return app


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("gazette-chat")
    except Exception:  # noqa: BLE001
        return "unknown"


def get_service(request: Request) -> GazetteService:
    return request.app.state.service


ServiceDep = Annotated[GazetteService, Depends(get_service)]


def add_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(UI_PATH + "/")

    @app.post("/ask", tags=["answers"], summary="Answer a question (the same JSON as `gazette ask --json`)")
    def ask(body: AskRequest, service: ServiceDep) -> JSONResponse:
        return JSONResponse(service.ask(**body.service_args()))

    @app.post("/ask/stream", tags=["answers"], summary="Answer as Server-Sent Events",
              description="Events: `progress` ({stage: searching|composing|generating}), `token` (LLM prose, "
                          "unverified until the card), `card` (the verified answer card, always last), `error`.")
    def ask_stream(body: AskRequest, service: ServiceDep) -> StreamingResponse:
        return StreamingResponse(_sse_stream(service, body.service_args()), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/search", tags=["browse"], summary="Hybrid search over the clauses")
    def search(params: Annotated[SearchParams, Query()], service: ServiceDep) -> JSONResponse:
        hits = service.search(params.q, params.k, params.filters(), params.mode)
        return JSONResponse({"query": params.q, "filters": params.filters(), "hits": hits})

    @app.get("/clauses/{clause_id}", tags=["browse"], summary="One clause by id")
    def clause(clause_id: str, service: ServiceDep) -> JSONResponse:
        try:
            return JSONResponse(service.clause(clause_id))
        except KeyError:
            raise HTTPException(404, f"no clause with id {clause_id!r}") from None

    @app.get("/documents", tags=["browse"], summary="The indexed documents")
    def documents(service: ServiceDep) -> JSONResponse:
        return JSONResponse({"documents": service.documents()})

    @app.get("/health", tags=["ops"], summary="Index stats, embedder, LLM back-end, version")
    def health(request: Request, service: ServiceDep) -> JSONResponse:
        from retriever.llm import LLMConfig
        info = service.health()
        try:
            info["llm_config"] = LLMConfig.from_env(backend=service.llm or "none").describe()
        except GazetteError as exc:
            info["llm_config"] = {"error": str(exc)}
        info["llm_status"] = warmup_status()          # {state: loading|ready|failed|off, seconds, message}
        info["reload"] = request.app.state.watcher.status()
        info["admin"] = bool(os.environ.get(ADMIN_TOKEN_ENV))
        return JSONResponse(info)


def add_admin_routes(app: FastAPI) -> None:
    admin = [Depends(require_admin)]

    def reload(request: Request) -> dict[str, Any]:
        watcher = request.app.state.watcher
        try:
            watcher.reload(force=True, raise_errors=True)
        except GazetteError as exc:
            raise HTTPException(503, f"reload failed, still serving the previous index: {exc}") from None
        service: GazetteService = request.app.state.service
        return {"reloaded": True, "clauses": len(service.searcher.store),
                "documents": len(service.documents()), "status": watcher.status()}

    @app.post("/admin/reload", tags=["admin"], dependencies=admin, summary="Reload the index from disk")
    def admin_reload(request: Request) -> JSONResponse:
        return JSONResponse(reload(request))

    @app.post("/admin/documents", tags=["admin"], dependencies=admin, summary="Add a gazette file (text or PDF)")
    def admin_add(request: Request, file: Annotated[UploadFile, File(description="UTF-8 text or PDF")],
                  replace: Annotated[bool, Form()] = False) -> JSONResponse:
        from index.ingest import MAX_UPLOAD_BYTES, ingest_upload
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        report = ingest_upload(request.app.state.service.index_dir, file.filename or "upload", data, replace)
        out = report.to_dict()
        out["reload"] = reload(request) if report.changed else None
        return JSONResponse(out)

    @app.delete("/admin/documents/{doc_number}", tags=["admin"], dependencies=admin,
                summary="Remove a document by document number")
    def admin_remove(request: Request, doc_number: str) -> JSONResponse:
        from index.ingest import remove_document
        report = remove_document(request.app.state.service.index_dir, doc_number)
        return JSONResponse({**report.to_dict(), "reload": reload(request)})
