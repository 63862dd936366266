"""Issue 14 items 6 and 7 without a server: lone surrogates and control characters, month filters, bounded
follow-up queries, safe upload names, and the body/auth guard in front of the app."""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from chat.admin_api import health_view
from index.errors import InputFileError, QueryError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text", ["abc \udc80", "\ud800问", "博士后\x00资助"])
def test_invalid_characters_are_query_errors(text: str) -> None:
    from retriever.query import validate_query

    with pytest.raises(QueryError, match="invalid character"):
        validate_query(text)


@pytest.mark.parametrize("value", ["2024-13", "2024-00", "2024-06\n", "2024-6", "24-06", "2024-06-01"])
def test_bad_months_are_refused(value: str) -> None:
    from index.filters import check_filters

    with pytest.raises(QueryError, match="deadline_from"):
        check_filters({"deadline_from": value})


@pytest.mark.parametrize("value", ["2024", "2024-01", "2024-12"])
def test_good_months_pass(value: str) -> None:
    from index.filters import check_filters

    assert check_filters({"deadline_to": value}) == {"deadline_to": value}


def test_follow_up_query_is_built_from_a_bounded_context() -> None:
    from chat.sessions import Turn, standalone_query

    history: list[Turn] = []
    query = "企业招收博士后有什么资助？"
    history.append(Turn(query, query, "zh"))
    for _ in range(8):
        follow = "那么" + "科技型中小企业" * 60 + "呢？"
        query = standalone_query(follow, "zh", history)
        history.append(Turn(follow, query, "zh"))
        assert len(query) <= 200 + 1 + len(follow)
    assert query.startswith("企业招收博士后")                   # the topic is kept


@pytest.mark.parametrize("name,words", [("..", "not a file name"), ("x" * 300, "300 characters"),
                                        ("a\x00.txt", "NUL"), ("", "not a file name")])
def test_bad_upload_names(name: str, words: str) -> None:
    from index.pending import safe_upload_name

    with pytest.raises(InputFileError, match=words):
        safe_upload_name(name)


def test_safe_upload_name_keeps_the_base_name() -> None:
    from index.pending import safe_upload_name

    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("C:\\Users\\x\\公报.pdf") == "公报.pdf"


def test_guard_refuses_admin_and_large_bodies_before_reading() -> None:
    from chat.http_guards import RequestGuard

    reads: list[int] = []

    async def app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            reads.append(len(body))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def run() -> None:
        guard = RequestGuard(app, upload_bytes=1000, admin_token="t")
        transport = httpx.ASGITransport(app=guard)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            assert (await c.post("/admin/documents", content=b"x" * 10)).status_code == 401
            r = await c.post("/admin/documents", content=b"x" * 10, headers={"Authorization": "Bearer wrong"})
            assert r.status_code == 401
            assert reads == []                                            # never read
            r = await c.post("/admin/documents", content=b"x" * 5_000_000, headers={"Authorization": "Bearer t"})
            assert r.status_code == 413 and "limit" in r.json()["detail"]
            assert reads == []
            assert (await c.post("/ask", content=b"x" * 100_000)).status_code == 413

            async def chunks():
                for _ in range(100):
                    yield b"y" * 1000
            assert (await c.post("/ask", content=chunks())).status_code == 413   # no Content-Length
            assert (await c.post("/ask", content=b"{}")).status_code == 200

    asyncio.run(run())


def test_ui_citation_shows_its_provenance() -> None:
    from chat.ui import render_card

    card = {"question": "q", "language": "en", "answered": True, "answer": "a", "related": [],
            "llm": {"used": False, "prose": None, "withheld_reason": None},
            "citations": [{"n": 1, "id": "c1", "citation_zh": "渝府办发〔2024〕22号 一、", "citation_en": "No. 22, I",
                           "title": "t", "quote": "q", "text": "x", "facts": [],
                           "provenance": {"source": "youth.txt", "added_by": "admin-api:127.0.0.1",
                                          "added_at": "2026-11-30T07:00:00+00:00"}}]}
    html = render_card(card)
    assert "youth.txt" in html and "admin-api:127.0.0.1" in html and "2026-11-30" in html


@pytest.mark.unit
def test_public_health_hides_every_filesystem_path() -> None:
    info = {"status": "ok", "index": "/srv/idx", "llm_config": {"backend": "none", "local_model": "/srv/m.gguf"}}
    status = {"loaded_at": 1.0, "version": "a", "on_disk": "a", "last_error": None, "path": "/srv/idx"}
    public = health_view(info, status, enabled=True, admin=False)
    assert "/srv" not in json.dumps(public)
    assert public["llm_config"] == {"backend": "none"}
    assert "/srv/m.gguf" in json.dumps(health_view(info, status, enabled=True, admin=True))
