"""HTTP API (FastAPI) over `chat.service.GazetteService`, with the Gradio UI mounted at `/ui`. HTTP only: every
answer comes from the service (`prepare` → `answer` / `events`); schemas live in `chat.schemas`.

`create_app(index_dir, llm, ui, settings)` → a FastAPI app that loads the index once at start-up (lifespan) and shares
it between requests. CPU-bound service calls run in Starlette's threadpool (plain `def` endpoints). User errors become
4xx with a one-line message; anything else is logged and answered with a generic 500 (never a traceback).
"""
from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from chat.admin_api import add_admin_routes, health_view
from chat.http_guards import RequestGuard, admin_problem
from chat.limits import ClientConcurrencyLimit
from chat.mcp_server import mount_mcp
from chat.openai_api import router as openai_router
from chat.schemas import AnswerCardOut, AskRequest, SearchParams
from chat.service import Event, GazetteService, Question, llm_config
from chat.serving import make_watcher
from chat.ui import CSS_PATH, mount_ui
from index.embed_pool import default_workers
from index.errors import GazetteError, QueryError
from index.filters import FilterError
from index.ingest import MAX_UPLOAD_BYTES
from index.settings import Settings
from index.version import package_version
from retriever.llm_warmup import start_warmup, warmup_status

log = logging.getLogger(__name__)

ADMIN_TOKEN_ENV = "GAZETTE_ADMIN_TOKEN"
UI_PATH = "/ui"


# -- errors ---------------------------------------------------------------------------------------------------
def status_for(exc: GazetteError) -> int:
    """HTTP status of a user-facing error (ingest errors by class name)."""
    by_name = {"UnsupportedMediaType": 415, "UploadTooLarge": 413, "IndexBusy": 409, "DocumentNotFound": 404,
               "IndexReadOnly": 503, "EmbedderBusy": 503}
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


def prepare(service: GazetteService, body: AskRequest) -> Question:
    """The service's check of the question, as a 422 naming the field (before any streaming starts)."""
    try:
        return service.prepare(**body.service_args())
    except QueryError as exc:
        loc = ("body", "filters") if isinstance(exc, FilterError) else ("body", "question")
        raise RequestValidationError([{"loc": loc, "msg": str(exc), "type": "value_error"}]) from None


def sse(event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_stream(events: Iterator[Event]) -> Iterator[str]:
    try:
        for event, data in events:
            yield sse(event, data)
    except GazetteError as exc:
        yield sse("error", {"status": 400, "detail": str(exc)})
    except Exception:  # noqa: BLE001 - logged; the client gets a generic message
        log.exception("error while streaming an answer")
        yield sse("error", {"status": 500, "detail": "internal server error"})


# -- app ------------------------------------------------------------------------------------------------------
def create_app(index_dir: str | Path, llm: str | None = None, ui: bool = True,
               settings: Settings | None = None) -> FastAPI:
    """The API (+ the Gradio UI at `/ui` when `ui`); the index is loaded at start-up."""
    index_dir = Path(index_dir)
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # requests computed at once (sync routes run in anyio's thread pool, 40 by default): a few more than the
        # cores keeps them busy; the rest wait without holding the GIL (32 clients: see docs/SCALE.md)
        to_thread.current_default_thread_limiter().total_tokens = settings.max_active or 4 * default_workers()
        backend = llm_config(settings, llm).backend
        watcher = make_watcher(index_dir, backend, settings)
        searcher = await run_in_threadpool(watcher.current)
        service = GazetteService(searcher, llm=backend, settings=settings)
        start_warmup(backend, service.llm_config, prepare=service.warm)   # /health says ready after both
        watcher.on_swap = service.swap
        if settings.reload_interval > 0:
            watcher.start(settings.reload_interval)
        app.state.service, app.state.watcher = service, watcher
        log.info("serving %s (%d clauses), LLM back-end %s", index_dir, len(searcher.store), backend)
        try:
            yield
        finally:
            watcher.stop()

    app = FastAPI(title="Gazette Chat API", version=package_version(), lifespan=lifespan,
                  description="Bilingual question answering over Chinese government gazettes: answers composed "
                              "from the clauses, with verbatim quotes and citations. Web UI at /ui.")
    if settings.cors_origins:
        origins = list(settings.cors_origins)
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["*"], allow_credentials="*" not in origins)
    app.add_middleware(ClientConcurrencyLimit, limit=settings.client_concurrency, wait=settings.client_wait)
    # added last = runs first: admin auth and body caps before any body is read
    app.add_middleware(RequestGuard, upload_bytes=MAX_UPLOAD_BYTES, admin_token=settings.admin_token)
    install_error_handlers(app)
    add_routes(app)
    add_admin_routes(app, settings)
    app.include_router(openai_router)                 # /v1/models, /v1/chat/completions (chat/openai_api.py)
    mount_mcp(app, lambda: app.state.service)         # MCP over streamable HTTP at /mcp (chat/mcp_server.py)
    if ui:
        mount_ui(app, lambda: app.state.service, UI_PATH, CSS_PATH)
    return app


def get_service(request: Request) -> GazetteService:
    service: GazetteService = request.app.state.service
    return service


ServiceDep = Annotated[GazetteService, Depends(get_service)]


def add_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(UI_PATH + "/")

    @app.post("/ask", tags=["answers"], response_model=AnswerCardOut,
              summary="Answer a question (the same JSON as `gazette ask --json`)")
    def ask(body: AskRequest, service: ServiceDep) -> dict[str, Any]:
        return service.answer(prepare(service, body)).to_dict()

    @app.post("/ask/stream", tags=["answers"], summary="Answer as Server-Sent Events",
              description="Events: `progress` ({stage: searching|composing|generating}), `token` (LLM prose, "
                          "unverified until the card), `card` (the verified answer card, always last), `error`.")
    def ask_stream(body: AskRequest, service: ServiceDep) -> StreamingResponse:
        events = service.events(prepare(service, body))
        return StreamingResponse(sse_stream(events), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/search", tags=["browse"], summary="Hybrid search over the clauses")
    def search(params: Annotated[SearchParams, Query()], service: ServiceDep) -> dict[str, Any]:
        hits = service.search(params.q, params.k, params.filters(), params.mode)
        return {"query": params.q.strip(), "filters": params.filters(), "hits": hits}

    @app.get("/clauses/{clause_id}", tags=["browse"], summary="One clause by id")
    def clause(clause_id: str, service: ServiceDep) -> dict[str, Any]:
        try:
            return service.clause(clause_id)
        except KeyError:
            raise HTTPException(404, f"no clause with id {clause_id!r}") from None

    @app.get("/documents", tags=["browse"], summary="The indexed documents")
    def documents(service: ServiceDep) -> dict[str, Any]:
        return {"documents": service.documents()}

    @app.get("/health", tags=["ops"], summary="Index stats, embedder, LLM back-end, version")
    def health(request: Request, service: ServiceDep) -> dict[str, Any]:
        info = {**service.health(), "llm_config": service.llm_config.describe(),
                "llm_status": warmup_status()}            # {state: loading|ready|failed, seconds, message}
        return health_view(info, request.app.state.watcher.status(), bool(service.settings.admin_token),
                           admin_problem(request.headers.get("authorization", ""), service.settings.admin_token)
                           is None)
