"""`gazette ask --server URL` reuses a running server (no index or model load in the CLI); `/health` reports the
LLM warm-up state."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

GAZETTE = Path(sys.executable).with_name("gazette")


def gazette(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GAZETTE), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GAZETTE_SERVER": ""})


def test_ask_through_a_running_server(api_server: str, tmp_path: Path) -> None:
    out = gazette("ask", "--server", api_server, "--json", "--index", str(tmp_path / "no-index-needed"),
                  "Who leads task 149 and when is it due?")
    assert out.returncode == 0, out.stderr
    card = json.loads(out.stdout)
    assert card["citations"][0]["citation"] == "Yu Fu Ban Fa [2024] No. 27, Annex, task 149"


def test_server_errors_are_one_line(api_server: str) -> None:
    out = gazette("ask", "--server", api_server, "   ")
    assert out.returncode == 2 and out.stderr.startswith("error: the server at") and "empty" in out.stderr
    out = gazette("ask", "--server", "http://127.0.0.1:9", "企业招收博士后有什么资助？")
    assert out.returncode == 2 and "cannot reach the Gazette Chat server" in out.stderr
    out = gazette("ask", "--server", api_server, "--llm", "local", "企业招收博士后有什么资助？")
    assert out.returncode == 2 and "--llm does not apply with --server" in out.stderr


def test_health_reports_the_llm_state(api_server: str) -> None:
    deadline = time.monotonic() + 60
    while (status := httpx.get(api_server + "/health", timeout=30).json()["llm_status"])["state"] == "loading":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status == {**status, "backend": "none", "state": "ready", "ready": True, "error": None}
    assert "glossary" in status["message"] and status["seconds"] >= 0
