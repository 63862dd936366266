"""Background LLM warm-up: English questions skip the LLM (glossary only) while it loads, use it once ready;
a missing local model is reported as failed, not raised."""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from retriever import llm_warmup
from retriever.llm import LLMConfig
from retriever.search import make_translator
from retriever.translate import clear_cache

pytestmark = pytest.mark.integration   # a real (fake-model) OpenAI-compatible HTTP server


def wait_until_done(timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while llm_warmup.warmup_status()["state"] == "loading" and time.monotonic() < deadline:
        time.sleep(0.05)
    return llm_warmup.warmup_status()


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    """Each test starts with no warm-up (as in the CLI) and leaves none behind for other tests."""
    clear_cache()
    monkeypatch.setattr(llm_warmup, "_current", llm_warmup.Warmup("none"))
    yield
    wait_until_done()
    clear_cache()


def test_translation_waits_for_nothing_while_loading_then_uses_the_llm(fake_openai, monkeypatch) -> None:
    monkeypatch.setenv("GAZETTE_OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("GAZETTE_OPENAI_MODEL", fake_openai.model)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    fake_openai.delay = 1.0
    fake_openai.default = "企业招收博士后资助金额"
    translator = make_translator("openai")
    assert translator is not None
    warm = llm_warmup.start_warmup("openai")
    assert warm.state == "loading" and llm_warmup.warming(LLMConfig.from_env(backend="openai"))
    started = time.monotonic()
    assert translator("How much for each postdoc?") is None          # glossary only: no waiting for the LLM
    assert time.monotonic() - started < 0.5
    status = llm_warmup.warmup_status()
    assert status["state"] == "loading" and not status["ready"] and "glossary" in status["message"]
    status = wait_until_done()
    assert status["state"] == "ready" and status["ready"] and status["seconds"] >= 1.0
    assert len(fake_openai.requests) == 1                              # the warm-up translation
    fake_openai.delay = 0.0
    assert translator("How much for each postdoc?") == "企业招收博士后资助金额"


def test_missing_local_model_is_reported(tmp_path: Path) -> None:
    config = replace(LLMConfig.from_env(backend="local"), local_model=tmp_path / "missing.gguf")
    llm_warmup.start_warmup("local", config)
    status = wait_until_done()
    assert status["state"] == "failed" and "not found" in status["error"]
    assert "glossary" in status["message"]


def test_without_llm_only_the_search_is_prepared() -> None:
    calls: list[str] = []
    llm_warmup.start_warmup("none", prepare=lambda: calls.append("search"))
    status = wait_until_done()
    assert calls == ["search"]
    assert status["state"] == "ready" and status["ready"] and "glossary" in status["message"]


def test_slow_translation_is_skipped_then_cached(fake_openai, monkeypatch) -> None:
    monkeypatch.setenv("GAZETTE_OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("GAZETTE_OPENAI_MODEL", fake_openai.model)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    fake_openai.delay = 1.5
    fake_openai.default = "第149项任务牵头单位"
    translator = make_translator("openai", budget=0.3)
    assert translator is not None
    llm_warmup.start_warmup("none")                                   # as in a server
    wait_until_done()
    started = time.monotonic()
    assert translator("Who leads task 149?") is None                  # over budget: glossary only, at once
    assert time.monotonic() - started < 1.0
    time.sleep(1.6)                                                   # the translation finished in the background
    assert translator("Who leads task 149?") == "第149项任务牵头单位"    # … and is cached
    assert len(fake_openai.requests) == 1


def test_outside_a_server_translation_waits(fake_openai, monkeypatch) -> None:
    monkeypatch.setenv("GAZETTE_OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("GAZETTE_OPENAI_MODEL", fake_openai.model)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    fake_openai.delay = 0.6
    fake_openai.default = "劳动争议牵头单位"
    translator = make_translator("openai", budget=0.1)
    assert translator is not None
    assert translator("Who handles labour disputes?") == "劳动争议牵头单位"
