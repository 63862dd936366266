"""The OpenAI-compatible endpoints with the real `openai` SDK against a real server: models, a plain and a
streamed completion (same Markdown, card in the extra `gazette` field, `[DONE]` on the wire), follow-ups, errors."""
from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

pytestmark = pytest.mark.integration

EN_Q = "How much funding does a company get for each postdoc it recruits?"
CITE_ZH = "渝府办发〔2024〕22号 三、（六）"
CITE_EN = "Yu Fu Ban Fa [2024] No. 22, Part III (6)"


def gazette_field(obj: Any) -> dict[str, Any]:
    """The answer card in the extra `gazette` field of a completion or chunk."""
    extra = obj.model_extra or {}
    assert "gazette" in extra
    card: dict[str, Any] = extra["gazette"]
    return card


def content(completion: Any) -> str:
    text = completion.choices[0].message.content
    assert isinstance(text, str)
    return text


@pytest.fixture(scope="module")
def client(api_server: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=api_server + "/v1", api_key="unused", timeout=120, max_retries=0)


def test_models(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["gazette-chat"]


def test_plain_completion_is_the_card_as_markdown(client: openai.OpenAI) -> None:
    out = client.chat.completions.create(model="gazette-chat", messages=[
        {"role": "system", "content": "You are helpful."}, {"role": "user", "content": EN_Q}])
    assert out.object == "chat.completion" and out.choices[0].finish_reason == "stop"
    text = content(out)
    assert out.choices[0].message.role == "assistant"
    assert f"**[1] According to {CITE_EN}" in text
    assert "CNY 50,000 (5万元)" in text and "> " in text and "**Sources:**" in text
    card = gazette_field(out)
    assert card["answered"] is True and card["language"] == "en"
    assert card["citations"][0]["citation_zh"] == CITE_ZH
    assert card["citations"][0]["id"] in text


def test_streamed_completion_matches_the_plain_one(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(model="gazette-chat", messages=[{"role": "user", "content": EN_Q}])
    chunks = list(client.chat.completions.create(model="gazette-chat", stream=True,
                                                 messages=[{"role": "user", "content": EN_Q}]))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    assert len(chunks) > 3
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == content(plain)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert gazette_field(chunks[-1])["citations"][0]["citation_zh"] == CITE_ZH


def test_stream_wire_format_ends_with_done(api_server: str) -> None:
    body = {"model": "gazette-chat", "stream": True, "messages": [{"role": "user", "content": EN_Q}]}
    with httpx.stream("POST", api_server + "/v1/chat/completions", json=body, timeout=120) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    assert json.loads(events[0][6:])["choices"][0]["delta"] == {"role": "assistant", "content": ""}


def test_earlier_user_messages_are_the_conversation(client: openai.OpenAI) -> None:
    out = client.chat.completions.create(model="gazette-chat", messages=[
        {"role": "user", "content": "对已发布的国际标准的牵头制修订企业给予多少资金支持？"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": [{"type": "text", "text": "那国家标准呢？"}]}])
    card = gazette_field(out)
    assert card["citations"][0]["label"] == "三、（四）" and "30万元" in card["citations"][0]["quote"]
    assert card["question"] == "那国家标准呢？"
    assert card["query"] == "对已发布的国际标准的牵头制修订企业给予多少资金支持？ 那国家标准呢？"   # the follow-up
    alone = client.chat.completions.create(model="gazette-chat", messages=[{"role": "user", "content": "那国家标准呢？"}])
    assert gazette_field(alone)["query"] is None


def test_out_of_corpus_is_refused(client: openai.OpenAI) -> None:
    out = client.chat.completions.create(model="gazette-chat",
                                         messages=[{"role": "user", "content": "住房公积金缴存比例是多少？"}])
    assert gazette_field(out)["answered"] is False
    assert content(out).startswith("这些文件中没有找到")


def test_errors_in_openai_shape(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": EN_Q}])
    with pytest.raises(openai.BadRequestError, match="last message must have role 'user'"):
        client.chat.completions.create(model="gazette-chat", messages=[{"role": "assistant", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="last user message: .*empty") as err:
        client.chat.completions.create(model="gazette-chat", messages=[{"role": "user", "content": "   "}])
    assert isinstance(err.value.body, dict) and err.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="gazette-chat", messages=[])
