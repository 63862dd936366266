"""The MCP server with the official `mcp` client: over stdio (`gazette mcp` as a subprocess) and over streamable
HTTP (`/mcp` on a real API server); typed tool schemas, structured results, one-line tool errors."""
from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

mcp = pytest.importorskip("mcp")
from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

pytestmark = pytest.mark.integration

EN_Q = "How much funding does a company get for each postdoc it recruits?"
CITE_ZH = "渝府办发〔2024〕22号 三、（六）"
TOOLS = {"search_clauses", "ask", "get_clause", "list_documents"}
GAZETTE = Path(sys.executable).with_name("gazette")


def run(server: Any, body: Callable[[Client], Awaitable[Any]]) -> Any:
    """Connect a client to `server` (a URL or stdio parameters), run `body(client)`, return its result."""
    async def main() -> Any:
        async with Client(server, read_timeout_seconds=120) as client:
            return await body(client)
    return anyio.run(main)


def error_text(result: Any) -> str:
    assert result.is_error
    return " ".join(getattr(c, "text", "") for c in result.content)


async def _tools(client: Client) -> dict[str, Any]:
    return {t.name: t for t in (await client.list_tools()).tools}


def test_http_tools_are_typed(api_server: str) -> None:
    tools = run(api_server + "/mcp", _tools)
    assert set(tools) == TOOLS
    search = tools["search_clauses"]
    assert search.input_schema["required"] == ["query"]
    assert search.input_schema["properties"]["k"]["maximum"] == 50
    assert {"hits", "query"} <= set(search.output_schema["properties"])
    assert {"answered", "citations", "markdown"} <= set(tools["ask"].output_schema["properties"])
    assert tools["ask"].annotations.read_only_hint is True


def test_http_ask_search_clause_documents(api_server: str) -> None:
    async def body(client: Client) -> dict[str, Any]:
        out = {"ask": await client.call_tool("ask", {"question": EN_Q}),
               "search": await client.call_tool("search_clauses", {"query": "劳动争议", "k": 3,
                                                                    "doc": "渝府办发〔2024〕27号"}),
               "docs": await client.call_tool("list_documents", {})}
        first = out["search"].structured_content["hits"][0]["id"]
        out["clause"] = await client.call_tool("get_clause", {"clause_id": first})
        return out

    out = run(api_server + "/mcp", body)
    ask = out["ask"].structured_content
    assert not out["ask"].is_error and ask["answered"] is True and ask["language"] == "en"
    assert ask["citations"][0]["citation_zh"] == CITE_ZH
    assert "CNY 50,000 (5万元)" in ask["markdown"]
    hits = out["search"].structured_content["hits"]
    assert len(hits) == 3 and all(h["doc_number"] == "渝府办发〔2024〕27号" for h in hits)
    clause = out["clause"].structured_content
    assert clause["id"] == hits[0]["id"] and clause["text"] == hits[0]["text"]
    assert clause["citation"] == hits[0]["citation"]
    documents = httpx.get(api_server + "/documents", timeout=30).json()["documents"]
    listed = out["docs"].structured_content["documents"]
    assert [d["doc_number"] for d in listed] == [d["doc_number"] for d in documents] and len(listed) >= 2


def test_http_tool_errors_are_one_line(api_server: str) -> None:
    async def body(client: Client) -> list[Any]:
        return [await client.call_tool("get_clause", {"clause_id": "c-nope"}),
                await client.call_tool("ask", {"question": "   "}),
                await client.call_tool("search_clauses", {"query": "博士后", "k": 0})]

    missing, empty, bad_k = run(api_server + "/mcp", body)
    assert "no clause with id 'c-nope'" in error_text(missing)
    assert "the query is empty" in error_text(empty)
    assert "k" in error_text(bad_k) and "Traceback" not in error_text(bad_k)


def test_stdio_gazette_mcp(sample_index: Path) -> None:
    params = StdioServerParameters(command=str(GAZETTE), args=["mcp", "--index", str(sample_index)],
                                   env={**os.environ, "GAZETTE_LLM": "none"})

    async def body(client: Client) -> tuple[dict[str, Any], Any, Any]:
        return (await _tools(client), await client.call_tool("ask", {"question": "企业招收博士后有什么资助？"}),
                await client.call_tool("get_clause", {"clause_id": "c-nope"}))

    tools, ask, missing = run(params, body)
    assert set(tools) == TOOLS
    assert ask.structured_content["answered"] is True
    assert ask.structured_content["citations"][0]["citation"] == CITE_ZH
    assert "no clause with id" in error_text(missing)


def test_stdio_bad_index_fails_with_one_line(tmp_path: Path) -> None:
    import subprocess
    proc = subprocess.run([str(GAZETTE), "mcp", "--index", str(tmp_path / "missing")], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
