"""Issue 14 item 1: expensive work is bounded per client (one client cannot occupy every worker)."""
from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

pytestmark = pytest.mark.unit


def _app(limit: int, wait: float, gate: asyncio.Event, started: list[str]) -> Any:
    from chat.limits import ClientConcurrencyLimit

    async def slow(request):                   # holds its slot until the test opens the gate
        started.append(request.client.host)
        await gate.wait()
        return PlainTextResponse("done")

    async def cheap(request):
        return PlainTextResponse("cheap")

    inner = Starlette(routes=[Route("/ask", slow, methods=["POST"]), Route("/health", cheap)])
    return ClientConcurrencyLimit(inner, limit=limit, wait=wait, paths=("/ask",))


def _client(app: Any, host: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(host, 1234)), base_url="http://t")


def test_a_client_over_its_limit_gets_429_while_others_proceed() -> None:
    async def run() -> None:
        gate, started = asyncio.Event(), list[str]()
        app = _app(limit=2, wait=0.2, gate=gate, started=started)
        a, b = _client(app, "10.0.0.1"), _client(app, "10.0.0.2")
        busy = [asyncio.create_task(a.post("/ask")) for _ in range(2)]
        while len(started) < 2:
            await asyncio.sleep(0.01)
        third = await a.post("/ask")                       # waits 0.2 s for a slot, then 429
        assert third.status_code == 429
        assert "too many" in third.json()["detail"] and "2" in third.json()["detail"]
        other = asyncio.create_task(b.post("/ask"))       # another client is not blocked by the first one
        while len(started) < 3:
            await asyncio.sleep(0.01)
        assert (await a.get("/health")).status_code == 200  # cheap paths are not limited
        gate.set()
        assert [r.status_code for r in await asyncio.gather(*busy, other)] == [200, 200, 200]
        assert (await a.post("/ask")).status_code == 200   # slots are released
        await a.aclose()
        await b.aclose()

    asyncio.run(run())


def test_waiting_requests_get_a_slot_when_one_frees() -> None:
    async def run() -> None:
        gate, started = asyncio.Event(), list[str]()
        app = _app(limit=1, wait=5.0, gate=gate, started=started)
        a = _client(app, "10.0.0.1")
        first = asyncio.create_task(a.post("/ask"))
        while not started:
            await asyncio.sleep(0.01)
        second = asyncio.create_task(a.post("/ask"))
        await asyncio.sleep(0.1)
        assert len(started) == 1                           # queued, not running
        gate.set()
        assert [r.status_code for r in await asyncio.gather(first, second)] == [200, 200]
        await a.aclose()

    asyncio.run(run())


def test_the_app_limits_expensive_routes() -> None:
    from chat.api import create_app
    from chat.limits import EXPENSIVE_PATHS, ClientConcurrencyLimit

    app = create_app("/nonexistent", llm="none", ui=False)
    limit = next(m for m in app.user_middleware if m.cls is ClientConcurrencyLimit)
    paths: tuple[str, ...] = limit.kwargs.get("paths", EXPENSIVE_PATHS)  # type: ignore[assignment]
    assert {"/ask", "/ask/stream", "/search", "/v1/chat/completions", "/mcp"} <= set(paths)
