"""A tiny OpenAI-compatible chat-completions server for tests, running over real HTTP on a free local port.

    with FakeOpenAIServer(replies=["企业招收博士后资助金额"]) as server:
        model = get_chat_model(server.llm_config())      # or ChatOpenAI(base_url=server.base_url, ...)
        ...
        server.requests[-1]["messages"]                  # what the client sent

Replies are taken in order from the queue (`replies=` / `queue()`); each is a string, a callable
`(request_body) -> str`, or a `FakeError(status, message)`. When the queue is empty the `responder` callable
is used, else `default`. `stream: true` requests get Server-Sent Events chunks ending in `data: [DONE]`.
Endpoints: POST /v1/chat/completions, GET /v1/models. Pytest fixture: `fake_openai` (tests/conftest.py).
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class FakeError:
    """Answer the next request with this HTTP status and an OpenAI-style error body."""

    status: int = 500
    message: str = "fake server error"


Reply = str | Callable[[dict[str, Any]], str] | FakeError


class FakeOpenAIServer:
    """OpenAI-compatible chat-completions endpoint with canned replies; records every request it receives."""

    def __init__(self, replies: Iterable[Reply] = (), *, default: str = "",
                 responder: Callable[[dict[str, Any]], str] | None = None, model: str = "fake-model",
                 delay: float = 0.0, chunk_chars: int = 3, host: str = "127.0.0.1") -> None:
        self.default = default
        self.responder = responder
        self.model = model
        self.delay = delay
        self.chunk_chars = max(1, chunk_chars)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._queue: deque[Reply] = deque(replies)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The `base_url` to give an OpenAI client (ends in /v1)."""
        return f"http://{self._httpd.server_address[0]!s}:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="fake-openai", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- configuring replies -----------------------------------------------------------------------------------
    def queue(self, *replies: Reply) -> FakeOpenAIServer:
        """Append replies for the next requests, in order."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.headers.clear()

    def llm_config(self, **overrides: Any) -> Any:
        """A `retriever.llm.LLMConfig` for the openai back-end pointing at this server."""
        from retriever.llm import LLMConfig

        fields = {"backend": "openai", "base_url": self.base_url, "model": self.model, "api_key": "test-key",
                  "timeout": 10.0, **overrides}
        return LLMConfig(**fields)

    # -- inspecting --------------------------------------------------------------------------------------------
    @property
    def last_request(self) -> dict[str, Any]:
        return self.requests[-1]

    def messages(self, index: int = -1) -> list[dict[str, Any]]:
        """The `messages` list of a recorded request."""
        return list(self.requests[index]["messages"])

    # -- internals ---------------------------------------------------------------------------------------------
    def _next_reply(self, body: dict[str, Any]) -> str | FakeError:
        with self._lock:
            self.requests.append(body)
            reply: Reply | None = self._queue.popleft() if self._queue else None
        if reply is None:
            reply = self.responder if self.responder is not None else self.default
        if isinstance(reply, FakeError):
            return reply
        return reply(body) if callable(reply) else str(reply)


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
            pass

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._send_json(200, {"object": "list", "data": [
                    {"id": server.model, "object": "model", "created": 0, "owned_by": "fake"}]})
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            with server._lock:
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
            reply = server._next_reply(body)
            if server.delay:
                time.sleep(server.delay)
            if isinstance(reply, FakeError):
                self._send_json(reply.status, {"error": {"message": reply.message, "type": "server_error",
                                                         "code": reply.status}})
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                self._send_json(200, _completion(body, reply, server.model))

        def _stream(self, body: dict[str, Any], text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            cid, model, created = f"chatcmpl-{uuid.uuid4().hex[:12]}", body.get("model") or server.model, int(time.time())

            def event(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> None:
                chunk: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": created,
                                         "model": model, "choices": choices}
                if usage is not None:
                    chunk["usage"] = usage
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

            event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
            step = server.chunk_chars
            for start in range(0, len(text), step):
                event([{"index": 0, "delta": {"content": text[start:start + step]}, "finish_reason": None}])
            event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
            if (body.get("stream_options") or {}).get("include_usage"):
                event([], _usage(body, text))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
    return {"prompt_tokens": prompt, "completion_tokens": len(text), "total_tokens": prompt + len(text)}


def _completion(body: dict[str, Any], text: str, default_model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model") or default_model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop",
                     "logprobs": None}],
        "usage": _usage(body, text),
    }
