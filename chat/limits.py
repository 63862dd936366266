"""Bound the expensive work one client can have in progress (pure ASGI middleware, no app imports).

Each client (by peer address) gets `limit` concurrent requests on the expensive paths (`/ask`, `/ask/stream`,
`/search`, the OpenAI-compatible `/v1/chat/completions` and the MCP endpoint `/mcp`, stateless: one request per
tool call); further requests wait up to `wait` seconds for a slot, then get a 429 with a one-line message. A
streamed answer keeps its slot until the stream ends. Other paths (health, docs, UI assets) are not limited.
Configured by `Settings.client_concurrency` / `client_wait` (`GAZETTE_CLIENT_CONCURRENCY`, default 4;
`GAZETTE_CLIENT_WAIT`, seconds, default 30).
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

EXPENSIVE_PATHS = ("/ask", "/ask/stream", "/search", "/v1/chat/completions", "/mcp")


class ClientConcurrencyLimit:
    """ASGI middleware: at most `limit` requests per client in progress on `paths`."""

    def __init__(self, app: ASGIApp, limit: int = 4, wait: float = 30.0,
                 paths: tuple[str, ...] = EXPENSIVE_PATHS) -> None:
        self.app, self.limit, self.wait, self.paths = app, max(1, int(limit)), float(wait), tuple(paths)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        slot = self._slots.setdefault(client, asyncio.Semaphore(self.limit))
        self._users[client] = self._users.get(client, 0) + 1
        try:
            try:
                await asyncio.wait_for(slot.acquire(), timeout=self.wait)
            except TimeoutError:
                await _too_many(send, self.limit)
                return
            try:
                await self.app(scope, receive, send)
            finally:
                slot.release()
        finally:
            self._users[client] -= 1
            if not self._users[client]:          # forget idle clients: the table stays small
                del self._users[client]
                self._slots.pop(client, None)


async def _too_many(send: Callable[[Any], Awaitable[None]], limit: int) -> None:
    body = json.dumps({"detail": f"too many requests in progress from this client (limit {limit}); "
                                 "retry when one has finished"}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
