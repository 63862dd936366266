"""Checks that run before a request body is read (pure ASGI middleware, no app imports).

`RequestGuard` answers, without reading the body:
* `/admin/*` without the right bearer token → 401 (503 when admin is disabled), so an anonymous client cannot make
  the server spool a large upload to disk before the auth check;
* a declared `Content-Length` over the route's cap → 413; a body that turns out larger while streaming (chunked) is
  cut off with 413 as soon as it passes the cap.
Caps: `/admin/documents` = the upload limit + 1 MiB of multipart overhead; Gradio's upload route
(`/ui/gradio_api/upload`) = `UI_UPLOAD_BYTES`; other UI traffic 2 MiB; `/v1/*` (OpenAI-compatible, a whole
conversation) 1 MiB; `/mcp` (one JSON-RPC message) 256 KiB; every other route 64 KiB (a question is at most
500 characters).
"""
from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ADMIN_TOKEN_ENV = "GAZETTE_ADMIN_TOKEN"
MiB = 1024 * 1024
UI_UPLOAD_BYTES = 1 * MiB
API_BODY_BYTES = 64 * 1024
#: `/v1/chat/completions` carries the conversation (earlier user questions and the assistant's Markdown cards).
CHAT_BODY_BYTES = 1 * MiB
#: `/mcp`: one JSON-RPC message (a tool call with a question or a clause id; client capabilities on `initialize`).
MCP_BODY_BYTES = 256 * 1024


def admin_problem(authorization: str, token: str | None) -> tuple[int, str] | None:
    """(status, message) when an admin request must be refused, None when the bearer token is right."""
    if not token:
        return 503, f"admin disabled (set {ADMIN_TOKEN_ENV} to enable the admin endpoints)"
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        return 401, "missing or wrong admin token (send 'Authorization: Bearer <token>')"
    return None


def body_cap(path: str, upload_bytes: int) -> int:
    """Largest request body accepted on `path`."""
    if path.startswith("/admin/documents"):
        return upload_bytes + MiB
    if path.startswith("/ui/gradio_api/upload"):
        return UI_UPLOAD_BYTES
    if path.startswith("/ui"):
        return 2 * MiB
    if path.startswith("/v1/"):
        return CHAT_BODY_BYTES
    if path == "/mcp" or path.startswith("/mcp/"):
        return MCP_BODY_BYTES
    return API_BODY_BYTES


class BodyTooLarge(Exception):
    """Raised inside `receive` when a streamed body passes its cap."""


class RequestGuard:
    """ASGI middleware: admin auth and body size checks before the body is read."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], upload_bytes: int,
                 admin_token: str | None) -> None:
        self.app, self.upload_bytes, self.admin_token = app, int(upload_bytes), admin_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if path.startswith("/admin/"):
            problem = admin_problem(headers.get("authorization", ""), self.admin_token)
            if problem:
                await respond(send, *problem, extra=[(b"www-authenticate", b"Bearer")] if problem[0] == 401 else [])
                return
        cap = body_cap(path, self.upload_bytes)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await respond(send, 413, _too_large(int(declared), cap))
            return
        state = _BodyState()

        async def limited_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                state.seen += len(message.get("body", b""))
                if state.seen > cap:
                    state.overflow = _too_large(state.seen, cap)
                    raise BodyTooLarge(state.overflow)
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if state.overflow and not state.started:       # whatever the app made of the cut-off body: 413
                if not state.answered:
                    state.answered = True
                    await respond(send, 413, state.overflow)
                return
            state.started = state.started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not state.started and not state.answered:
                await respond(send, 413, state.overflow)


class _BodyState:
    """Bytes received so far and what has been answered (one request)."""

    def __init__(self) -> None:
        self.seen = 0
        self.overflow = ""
        self.started = False
        self.answered = False


def _too_large(size: int, cap: int) -> str:
    return f"request body of {size} bytes is over this route's limit of {cap} bytes"


async def respond(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A one-line JSON error `{"detail": …}`."""
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
