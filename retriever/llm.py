"""LLM back-ends as LangChain chat models: an OpenAI-compatible server, a local GGUF via llama.cpp, or none.

LLMs never decide an answer: they only turn English questions into Chinese search wording and, when prose is on,
write text that `chat.verify` checks against the cited clauses. Everything heavy (langchain_openai, llama_cpp) is
imported inside the function that needs it.
"""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from index.errors import GazetteError
from index.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

Backend = Literal["none", "openai", "local"]
BACKENDS: tuple[str, ...] = ("none", "openai", "local")
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LOCAL_MODEL = REPO_ROOT / "data" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LOCAL_INSTALL_HINT = "pip install 'gazette-chat[local]'  (or: pip install llama-cpp-python)"

def llama_cpp_available() -> bool:
    """True when llama-cpp-python is installed (checked without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


@dataclass(frozen=True)
class LLMConfig:
    """Which LLM back-end to use and how; build it with `LLMConfig.from_env()`."""

    backend: Backend = "none"
    base_url: str | None = None
    model: str | None = None
    api_key: str = "not-needed"
    local_model: Path = DEFAULT_LOCAL_MODEL
    temperature: float = 0.0
    timeout: float = 120.0
    max_tokens: int = 512
    n_ctx: int = 4096
    prose: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, backend: str | None = None) -> LLMConfig:
        """`from_settings(Settings.from_env(env), backend)`: the `GAZETTE_*` / `OPENAI_*` variables of `env`
        (default `os.environ`). Raises GazetteError for an unknown back-end or a malformed value."""
        return cls.from_settings(Settings.from_env(env), backend)

    @classmethod
    def from_settings(cls, settings: Settings, backend: str | None = None) -> LLMConfig:
        """The LLM part of `settings`; `backend` overrides `settings.llm`. Without either, `local` when its model
        file and llama-cpp-python are present, else `none`."""
        local_model = settings.local_model or DEFAULT_LOCAL_MODEL
        chosen = (backend if backend is not None else settings.llm or "").strip().lower()
        if not chosen:  # implicit default: local only when it can actually run
            chosen = "local" if local_model.is_file() and llama_cpp_available() else "none"
        if chosen not in BACKENDS:
            raise GazetteError(f"GAZETTE_LLM={chosen!r} is not one of {', '.join(BACKENDS)}")
        return cls(
            backend=chosen,  # type: ignore[arg-type]
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key or "not-needed",
            local_model=local_model,
            timeout=settings.llm_timeout or cls.timeout,
            max_tokens=settings.llm_max_tokens or cls.max_tokens,
            n_ctx=settings.local_ctx or cls.n_ctx,
            prose=settings.llm_prose if settings.llm_prose is not None else chosen == "openai",
        )

    def with_backend(self, backend: str) -> LLMConfig:
        """A copy using another back-end, other settings unchanged."""
        if backend not in BACKENDS:
            raise GazetteError(f"LLM back-end {backend!r} is not one of {', '.join(BACKENDS)}")
        return replace(self, backend=backend)  # type: ignore[arg-type]

    def describe(self) -> dict[str, Any]:
        """A JSON-safe summary without the API key."""
        return {
            "backend": self.backend,
            "base_url": self.base_url,
            "model": self.model if self.backend == "openai" else (
                self.local_model.name if self.backend == "local" else None),
            "local_model": str(self.local_model),
            "local_model_present": self.local_model.is_file(),
            "prose": self.prose,
            "temperature": self.temperature,
            "timeout": self.timeout,
        }


def get_chat_model(config: LLMConfig | str | None = None) -> BaseChatModel | None:
    """The chat model for `config` (an LLMConfig, a back-end name, or None for `LLMConfig.from_env()`).

    Returns None for back-end "none". Raises GazetteError when the chosen back-end is misconfigured or its
    package is missing. Equal configs give the same model object (so per-model caches work).
    """
    if config is None or isinstance(config, str):
        config = LLMConfig.from_env(backend=config)
    return _build_chat_model(config)


@lru_cache(maxsize=8)
def _build_chat_model(config: LLMConfig) -> BaseChatModel | None:
    if config.backend == "none":
        return None
    if config.backend == "openai":
        return _openai_model(config)
    if config.backend == "local":
        return _local_model(config)
    raise GazetteError(f"LLM back-end {config.backend!r} is not one of {', '.join(BACKENDS)}")


def _openai_model(config: LLMConfig) -> BaseChatModel:
    missing = [name for name, value in (("GAZETTE_OPENAI_BASE_URL", config.base_url),
                                        ("GAZETTE_OPENAI_MODEL", config.model)) if not value]
    if missing:
        raise GazetteError(f"GAZETTE_LLM=openai needs {' and '.join(missing)} (an OpenAI-compatible server and "
                           "its model name), or set GAZETTE_LLM=none")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:  # pragma: no cover - a declared dependency
        raise GazetteError("GAZETTE_LLM=openai needs langchain-openai: pip install langchain-openai") from None
    kwargs: dict[str, Any] = {"base_url": config.base_url, "model": config.model, "api_key": config.api_key,
                              "temperature": config.temperature, "timeout": config.timeout, "max_retries": 1,
                              "max_tokens": config.max_tokens}
    return ChatOpenAI(**kwargs)


def _local_model(config: LLMConfig) -> BaseChatModel:
    path = config.local_model
    if not path.is_file():
        raise GazetteError(f"local model {path} not found: run `gazette model fetch` "
                           "(or set GAZETTE_LOCAL_MODEL to a GGUF file, or GAZETTE_LLM=none)")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise GazetteError(f"GAZETTE_LLM=local needs llama-cpp-python: {LOCAL_INSTALL_HINT}") from None
    chat_cls = llama_cpp_chat_model_class()
    return chat_cls(model_path=str(path), n_ctx=config.n_ctx, temperature=config.temperature,
                    max_tokens=config.max_tokens)


@lru_cache(maxsize=2)
def _load_llama(model_path: str, n_ctx: int, n_threads: int | None) -> Any:
    """Load a GGUF once per process (a few seconds and ~1 GB of RAM)."""
    from llama_cpp import Llama

    try:
        llama = Llama(model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    except ValueError as exc:  # llama_cpp raises ValueError for unreadable/corrupt GGUF files
        raise GazetteError(f"cannot load local model {model_path}: {exc}; re-run `gazette model fetch`") from None
    # Free it before interpreter teardown: Llama.__del__ at exit prints a TypeError (llama-cpp-python #2002).
    atexit.register(_close_quietly, llama)
    return llama


def _close_quietly(llama: Any) -> None:
    with contextlib.suppress(Exception):
        llama.close()


def _lazy_base() -> type:
    from langchain_core.language_models import BaseChatModel

    return BaseChatModel


def __getattr__(name: str) -> Any:
    """Build `LlamaCppChatModel` on first use so importing this module does not import langchain."""
    if name == "LlamaCppChatModel":
        return llama_cpp_chat_model_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def llama_cpp_chat_model_class() -> type:
    """The `LlamaCppChatModel` class (a LangChain BaseChatModel), defined on first use."""
    from langchain_core.callbacks import CallbackManagerForLLMRun
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
    from pydantic import PrivateAttr

    roles = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

    def to_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
        out = []
        for message in messages:
            role = roles.get(message.type) or getattr(message, "role", None) or "user"
            out.append({"role": role, "content": message.text})
        return out

    class LlamaCppChatModel(_lazy_base()):  # type: ignore[misc]
        """A minimal chat model over `llama_cpp.Llama.create_chat_completion` (uses the GGUF's chat template).

        Calls are serialised with a lock: one llama.cpp context is not safe to use from two threads.
        """

        model_path: str
        n_ctx: int = 4096
        n_threads: int | None = None
        temperature: float = 0.0
        max_tokens: int = 512
        seed: int = 0
        _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

        @property
        def _llm_type(self) -> str:
            return "llama-cpp"

        @property
        def _identifying_params(self) -> dict[str, Any]:
            return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature,
                    "max_tokens": self.max_tokens}

        def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
            params: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens, "seed": self.seed}
            params.update({k: v for k, v in kwargs.items() if k in {"temperature", "max_tokens", "top_p", "seed"}})
            if stop:
                params["stop"] = stop
            return params

        def _llama(self) -> Any:
            return _load_llama(self.model_path, self.n_ctx, self.n_threads)

        def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                      run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
            llama = self._llama()
            with self._lock:
                result = llama.create_chat_completion(messages=to_dicts(messages), **self._params(stop, kwargs))
            choice = result["choices"][0]
            usage = result.get("usage") or {}
            message = AIMessage(
                content=choice["message"].get("content") or "",
                response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": self.model_path},
                usage_metadata={"input_tokens": usage.get("prompt_tokens", 0),
                                "output_tokens": usage.get("completion_tokens", 0),
                                "total_tokens": usage.get("total_tokens", 0)} if usage else None,
            )
            return ChatResult(generations=[ChatGeneration(message=message)])

        def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                    run_manager: CallbackManagerForLLMRun | None = None,
                    **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            llama = self._llama()
            with self._lock:
                for part in llama.create_chat_completion(messages=to_dicts(messages), stream=True,
                                                         **self._params(stop, kwargs)):
                    choice = part["choices"][0] if part.get("choices") else {}
                    text = (choice.get("delta") or {}).get("content") or ""
                    finish = choice.get("finish_reason")
                    if not text and not finish:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(
                        content=text, response_metadata={"finish_reason": finish} if finish else {}))
                    if run_manager and text:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk

    return LlamaCppChatModel
