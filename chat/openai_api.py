"""OpenAI-compatible endpoints, so chat clients (Open WebUI, LibreChat, Chatbox, LobeChat, the `openai` SDK) can use
Gazette Chat as a model: `GET /v1/models` and `POST /v1/chat/completions` (plain, and `stream: true` as Server-Sent
Events in OpenAI's chunk format, ending with `data: [DONE]`).

The last user message is the question; earlier user messages are the conversation (follow-ups such as "And for
national standards?" carry the previous question along). System and assistant messages are ignored: the answer is
always composed from the clauses. `choices[0].message.content` is the answer card as Markdown (quotes, facts,
citations); the whole card (the `POST /ask` JSON) rides along in the extra top-level field `gazette` (in streaming,
on the last chunk before `[DONE]`). Errors use OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from chat.card_markdown import card_markdown
from chat.service import GazetteService
from chat.sessions import MAX_TURNS, Turn, standalone_query
from index.errors import GazetteError
from retriever.query import detect_language, validate_question

log = logging.getLogger(__name__)

MODEL_ID = "gazette-chat"
OWNER = "gazette-chat"
router = APIRouter(prefix="/v1", tags=["openai"])


class ChatMessage(BaseModel):
    """One OpenAI chat message; `content` is a string or a list of parts (only `text` parts are read)."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text").strip()
        return (self.content or "").strip()


class ChatCompletionRequest(BaseModel):
    """The fields we read; other OpenAI parameters (temperature, max_tokens, user, …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False


class OpenAIError(Exception):
    """A request error answered in OpenAI's error shape."""

    def __init__(self, message: str, status: int = 400, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.param, self.code, self.kind = status, param, code, kind

    def body(self) -> dict[str, Any]:
        return {"error": {"message": str(self), "type": self.kind, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def split_conversation(messages: list[ChatMessage]) -> tuple[str, list[str]]:
    """(question, earlier user questions): the last message must be the user's."""
    last = messages[-1]
    if last.role != "user":
        raise OpenAIError(f"the last message must have role 'user', not {last.role!r}", param="messages")
    try:
        question = validate_question(last.text())   # ≤ 500 characters, as /ask
    except GazetteError as exc:
        raise OpenAIError(f"last user message: {exc}", param="messages") from None
    earlier = [m.text() for m in messages[:-1] if m.role == "user" and m.text()]
    return question, earlier[-MAX_TURNS:]


def ask_conversation(service: GazetteService, question: str, earlier: list[str]) -> dict[str, Any]:
    """The answer card (JSON) for `question` after the earlier user questions: a follow-up carries the previous
    standalone query along, exactly as in a session (no session is stored)."""
    q = service.prepare(question)
    turns: list[Turn] = []
    for text in earlier:
        lang = detect_language(text)
        turns.append(Turn(text, standalone_query(text, lang, turns), lang))
    q.query = standalone_query(q.text, q.q_lang, turns)
    return service.answer(q).to_dict()


def parse_request(raw: Any) -> ChatCompletionRequest:
    try:
        body = ChatCompletionRequest.model_validate(raw)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e.get("loc", ()))
        raise OpenAIError(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg")),
                          param=where or None) from None
    if body.model != MODEL_ID:
        raise OpenAIError(f"the model {body.model!r} does not exist (this server serves {MODEL_ID!r})", 404,
                          param="model", code="model_not_found")
    return body


def completion(card: dict[str, Any], completion_id: str, created: int) -> dict[str, Any]:
    """A `chat.completion` object whose content is the card as Markdown, with the card in `gazette`."""
    return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
            "system_fingerprint": None,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": card_markdown(card)},
                         "logprobs": None, "finish_reason": "stop"}],
            "gazette": card}


def chunk(completion_id: str, created: int, delta: dict[str, Any], finish: str | None = None,
          **extra: Any) -> str:
    """One `chat.completion.chunk` as an SSE `data:` line."""
    body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def stream_completion(service: GazetteService, question: str, earlier: list[str], completion_id: str,
                      created: int) -> Iterator[str]:
    """The role first (at once), then the Markdown answer line by line, then the card, then `[DONE]`. Only the
    finished card is streamed: unverified LLM drafts never reach the client."""
    yield chunk(completion_id, created, {"role": "assistant", "content": ""})
    try:
        card = ask_conversation(service, question, earlier)
    except GazetteError as exc:
        yield f"data: {json.dumps(OpenAIError(str(exc)).body(), ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"
        return
    except Exception:  # noqa: BLE001 - logged; the client gets a generic message
        log.exception("error while streaming a chat completion")
        err = OpenAIError("internal server error", 500, kind="server_error")
        yield f"data: {json.dumps(err.body())}\n\n"
        yield "data: [DONE]\n\n"
        return
    for line in card_markdown(card).splitlines(keepends=True):
        yield chunk(completion_id, created, {"content": line})
    yield chunk(completion_id, created, {}, "stop", gazette=card)
    yield "data: [DONE]\n\n"


@router.get("/models", summary="The one model: gazette-chat (OpenAI-compatible)")
def list_models() -> JSONResponse:
    return JSONResponse({"object": "list", "data": [
        {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": OWNER}]})


@router.post("/chat/completions", summary="Answer the last user message (OpenAI-compatible, plain or streaming)",
             description="Content: the answer card as Markdown with its citations; the full card in the extra "
                         "top-level field `gazette` (last chunk when streaming).")
async def chat_completions(request: Request) -> Any:
    try:
        raw = await request.json()
    except ValueError:
        return OpenAIError("the request body is not valid JSON").response()
    try:
        body = parse_request(raw)
        question, earlier = split_conversation(body.messages)
    except OpenAIError as exc:
        return exc.response()
    service: GazetteService = request.app.state.service
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if body.stream:
        return StreamingResponse(stream_completion(service, question, earlier, completion_id, created),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    try:
        card = await run_in_threadpool(ask_conversation, service, question, earlier)
    except GazetteError as exc:
        return OpenAIError(str(exc)).response()
    return JSONResponse(completion(card, completion_id, created))
