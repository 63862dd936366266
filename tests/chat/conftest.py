"""A read-only `gazette serve --no-ui` over a copy of the sample index, shared by the client-integration tests
(OpenAI SDK, MCP client) for the whole session."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

GAZETTE = Path(sys.executable).with_name("gazette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def api_server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real API server (no UI, no LLM) over the sample index; fails with the server's log."""
    work = tmp_path_factory.mktemp("api-shared")
    index_dir = work / "index"
    shutil.copytree(sample_index, index_dir)
    port = _free_port()
    log_path = work / "server.log"
    env = {**os.environ, "GAZETTE_LLM": "none", "GAZETTE_RELOAD_INTERVAL": "0"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(GAZETTE), "serve", "--index", str(index_dir), "--host", "127.0.0.1",
                                 "--port", str(port), "--no-ui", "--log-level", "warning"],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
