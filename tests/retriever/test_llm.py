"""LLM configuration, back-end construction, query translation (fake models and a real HTTP fake server)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.errors import GazetteError
from retriever import llm as llm_mod
from retriever import translate as tr
from retriever.llm import LLMConfig, get_chat_model
from retriever.translate import clean_translation, translate_query

QUESTION = "How much subsidy does a company get per postdoc it hires?"


@pytest.fixture(autouse=True)
def _fresh_cache():
    tr.clear_cache()
    yield
    tr.clear_cache()


@pytest.fixture
def no_model(tmp_path: Path) -> dict[str, str]:
    """An environment whose local model path does not exist."""
    return {"GAZETTE_LOCAL_MODEL": str(tmp_path / "absent.gguf")}


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    return path


# -- configuration --------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_default_is_none_without_local_model(no_model):
    config = LLMConfig.from_env(no_model)
    assert config.backend == "none" and config.prose is False and config.temperature == 0
    assert get_chat_model(config) is None


@pytest.mark.unit
def test_default_is_local_when_model_file_and_llama_cpp_exist(model_file, monkeypatch):
    monkeypatch.setattr(llm_mod, "llama_cpp_available", lambda: True)
    config = LLMConfig.from_env({"GAZETTE_LOCAL_MODEL": str(model_file)})
    assert config.backend == "local" and config.local_model == model_file and config.prose is False
    monkeypatch.setattr(llm_mod, "llama_cpp_available", lambda: False)
    assert LLMConfig.from_env({"GAZETTE_LOCAL_MODEL": str(model_file)}).backend == "none"


@pytest.mark.unit
def test_openai_settings_and_fallbacks(no_model):
    env = {**no_model, "GAZETTE_LLM": "OpenAI", "OPENAI_BASE_URL": "http://h/v1", "GAZETTE_OPENAI_MODEL": "qwen",
           "GAZETTE_LLM_TIMEOUT": "7.5"}
    config = LLMConfig.from_env(env)
    assert (config.backend, config.base_url, config.model, config.api_key) == ("openai", "http://h/v1", "qwen",
                                                                              "not-needed")
    assert config.prose is True and config.timeout == 7.5
    env |= {"GAZETTE_OPENAI_BASE_URL": "http://g/v1", "OPENAI_API_KEY": "sk-x", "GAZETTE_LLM_PROSE": "off"}
    config = LLMConfig.from_env(env)
    assert (config.base_url, config.api_key, config.prose) == ("http://g/v1", "sk-x", False)
    assert "sk-x" not in str(config.describe())


@pytest.mark.unit
def test_backend_argument_overrides_env(no_model):
    env = {**no_model, "GAZETTE_LLM": "openai", "GAZETTE_LLM_PROSE": "on"}
    config = LLMConfig.from_env(env, backend="none")
    assert config.backend == "none" and config.prose is True
    assert get_chat_model("none") is None


@pytest.mark.unit
@pytest.mark.parametrize("env, fragment", [
    ({"GAZETTE_LLM": "gpt"}, "GAZETTE_LLM"),
    ({"GAZETTE_LLM_PROSE": "maybe"}, "GAZETTE_LLM_PROSE"),
    ({"GAZETTE_LLM_TIMEOUT": "soon"}, "GAZETTE_LLM_TIMEOUT"),
    ({"GAZETTE_LLM_TIMEOUT": "-1"}, "positive"),
    ({"GAZETTE_LLM_MAX_TOKENS": "1.5"}, "GAZETTE_LLM_MAX_TOKENS"),
])
def test_bad_env_values_are_one_line_errors(env, fragment, no_model):
    with pytest.raises(GazetteError, match=fragment):
        LLMConfig.from_env({**no_model, **env})


# -- misconfigured back-ends --------------------------------------------------------------------------------
@pytest.mark.unit
@pytest.mark.parametrize("env, missing", [
    ({}, "GAZETTE_OPENAI_BASE_URL and GAZETTE_OPENAI_MODEL"),
    ({"GAZETTE_OPENAI_BASE_URL": "http://h/v1"}, "GAZETTE_OPENAI_MODEL"),
    ({"GAZETTE_OPENAI_MODEL": "m"}, "GAZETTE_OPENAI_BASE_URL"),
])
def test_openai_without_url_or_model_is_refused(env, missing, no_model):
    with pytest.raises(GazetteError, match=missing):
        get_chat_model(LLMConfig.from_env({**no_model, "GAZETTE_LLM": "openai", **env}))


@pytest.mark.unit
def test_local_without_model_file_says_fetch(no_model):
    with pytest.raises(GazetteError, match="gazette model fetch"):
        get_chat_model(LLMConfig.from_env({**no_model, "GAZETTE_LLM": "local"}))


@pytest.mark.unit
def test_local_without_llama_cpp_gives_install_hint(model_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    with pytest.raises(GazetteError, match="pip install"):
        get_chat_model(LLMConfig(backend="local", local_model=model_file))


@pytest.mark.unit
def test_openai_config_builds_chat_openai():
    model: Any = get_chat_model(LLMConfig(backend="openai", base_url="http://127.0.0.1:9/v1", model="qwen",
                                          api_key="k", timeout=3))
    assert type(model).__name__ == "ChatOpenAI"
    assert model.model_name == "qwen" and model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.temperature == 0 and model.request_timeout == 3


# -- local wrapper over a stand-in llama_cpp.Llama ------------------------------------------------------------
class _FakeLlama:
    def __init__(self, text: str) -> None:
        self.text = text
        self.calls: list[dict] = []

    def create_chat_completion(self, messages, stream=False, **params):
        self.calls.append({"messages": messages, "stream": stream, **params})
        if stream:
            return iter([{"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}]
                        + [{"choices": [{"delta": {"content": ch}, "finish_reason": None}]} for ch in self.text]
                        + [{"choices": [{"delta": {}, "finish_reason": "stop"}]}])
        return {"choices": [{"message": {"role": "assistant", "content": self.text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}


@pytest.mark.unit
def test_llama_cpp_wrapper_maps_messages_and_streams(monkeypatch):
    fake = _FakeLlama("企业招收博士后资助金额")
    monkeypatch.setattr(llm_mod, "_load_llama", lambda *a: fake)
    model = llm_mod.LlamaCppChatModel(model_path="x.gguf", max_tokens=64)
    assert translate_query(QUESTION, model) == "企业招收博士后资助金额"
    call = fake.calls[-1]
    assert [m["role"] for m in call["messages"]] == ["system", "user"]
    assert QUESTION in call["messages"][1]["content"] and call["temperature"] == 0 and call["max_tokens"] == 64
    assert "".join(chunk.text for chunk in model.stream("hi")) == "企业招收博士后资助金额"
    assert fake.calls[-1]["stream"] is True


# -- translate_query with LangChain fake chat models ----------------------------------------------------------
@pytest.mark.unit
def test_translate_with_fake_list_model_and_cache():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=["“企业招收博士后资助金额”", "不应被用到"])
    assert translate_query(QUESTION, model) == "企业招收博士后资助金额"
    assert translate_query(f"  {QUESTION} ", model) == "企业招收博士后资助金额"  # cached, same normalised key
    assert model.i == 1


@pytest.mark.unit
def test_translate_strips_labels_and_explanations():
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    reply = "Chinese query: 个人所得税子女教育专项附加扣除标准（translation of the question）\nExplanation: ..."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    assert translate_query("What is the child education deduction?", model) == "个人所得税子女教育专项附加扣除标准"


@pytest.mark.unit
def test_translate_rejects_output_without_chinese_and_caps_length():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    assert translate_query(QUESTION, FakeListChatModel(responses=["Sorry, I can't help."])) is None
    long = translate_query("q", FakeListChatModel(responses=["补贴" * 100]))
    assert long is not None and len(long) == tr.MAX_QUERY_CHARS


@pytest.mark.unit
def test_translate_never_raises():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Broken(FakeListChatModel):
        def _call(self, *args, **kwargs):
            raise RuntimeError("backend down")

    model = Broken(responses=["x"])
    assert translate_query(QUESTION, model) is None
    assert translate_query(QUESTION, None) is None
    assert translate_query("   ", FakeListChatModel(responses=["补贴"])) is None


@pytest.mark.unit
@pytest.mark.parametrize("raw, expected", [
    ("企业招收博士后资助金额", "企业招收博士后资助金额"),
    ("```\n翻译：企业招收博士后资助金额。这是因为……\n```", "企业招收博士后资助金额"),
    ("Here it is:\n\n「重庆市医疗机构禁止吸烟规定」", "重庆市医疗机构禁止吸烟规定"),
    ("《重庆市公共场所控制吸烟条例》禁烟场所", "《重庆市公共场所控制吸烟条例》禁烟场所"),
    ("5G基站建设补贴标准 (Note: 5G base station)", "5G基站建设补贴标准"),
    ("", None),
    ("no chinese at all", None),
])
def test_clean_translation(raw, expected):
    assert clean_translation(raw) == expected


@pytest.mark.unit
def test_prompts_load():
    import prompts

    assert {"translate_en_zh", "answer_zh", "answer_en"} <= set(prompts.available())
    assert "企业招收博士后资助金额" in prompts.load("translate_en_zh")
    assert "[1]" in prompts.load("answer_en") and "CNY" in prompts.load("answer_en")
    with pytest.raises(FileNotFoundError):
        prompts.load("nope")
    with pytest.raises(ValueError):
        prompts.load("../pyproject")


# -- over real HTTP against the fake OpenAI-compatible server ------------------------------------------------
@pytest.mark.integration
def test_translate_through_openai_backend_over_http(fake_openai):
    fake_openai.queue("企业招收博士后资助金额")
    model = get_chat_model(fake_openai.llm_config())
    assert translate_query(QUESTION, model) == "企业招收博士后资助金额"
    body = fake_openai.last_request
    assert body["model"] == "fake-model" and body["temperature"] == 0 and not body.get("stream")
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    assert "gazette" in body["messages"][0]["content"] and QUESTION in body["messages"][1]["content"]
    assert fake_openai.headers[-1]["authorization"] == "Bearer test-key"
    assert translate_query(QUESTION, model) == "企业招收博士后资助金额" and len(fake_openai.requests) == 1


@pytest.mark.integration
def test_streaming_and_responder_over_http(fake_openai):
    fake_openai.responder = lambda body: "回声：" + body["messages"][-1]["content"]
    model = get_chat_model(fake_openai.llm_config())
    assert model is not None
    chunks = [chunk.text for chunk in model.stream("补贴标准")]
    assert "".join(chunks) == "回声：补贴标准" and len([c for c in chunks if c]) > 1
    assert fake_openai.last_request["stream"] is True
    assert model.invoke("你好").text == "回声：你好"


@pytest.mark.integration
def test_server_errors_give_none_not_exceptions(fake_openai):
    from fake_openai_server import FakeError

    fake_openai.queue(FakeError(400, "bad request"), "补贴")
    model = get_chat_model(fake_openai.llm_config())
    assert translate_query(QUESTION, model) is None  # failure not cached ...
    assert translate_query(QUESTION, model) == "补贴"  # ... so the next call asks again
    assert len(fake_openai.requests) == 2


@pytest.mark.integration
def test_fake_server_lists_models_and_records(fake_openai):
    response = httpx.get(fake_openai.base_url + "/models", timeout=5)
    assert response.json()["data"][0]["id"] == "fake-model"
    fake_openai.queue("a", "b")
    client = httpx.Client(base_url=fake_openai.base_url, timeout=5)
    texts = [client.post("/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": q}]})
             .json()["choices"][0]["message"]["content"] for q in ("1", "2", "3")]
    assert texts == ["a", "b", ""] and [m["content"] for r in fake_openai.requests for m in r["messages"]] == [
        "1", "2", "3"]
    fake_openai.reset()
    assert fake_openai.requests == []
