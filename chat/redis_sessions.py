"""Conversation state in Redis, shared by several stateless API processes (`GAZETTE_SESSIONS=redis://…`).

One Redis list per session, `gazette:session:<id>`, each element the JSON of a `chat.sessions.Turn`. `append` is one
MULTI/EXEC transaction: RPUSH, LTRIM to the last `MAX_TURNS`, EXPIRE (sliding TTL, default 24 h; `?ttl=SECONDS` in
the URL, else the `GAZETTE_SESSIONS_TTL` setting). The server is pinged when the store is made, so a wrong URL fails
at start-up with a `GazetteError`, not at the first question. `redis` (redis-py) is imported lazily (extra `scale`).
`open_session_store(url, ttl)` picks this store or the in-process one from the `GAZETTE_SESSIONS` setting.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from chat.sessions import MAX_TURNS, InMemorySessionStore, SessionStore, Turn
from index.errors import GazetteError

DEFAULT_TTL = 24 * 3600
KEY_PREFIX = "gazette:session:"


def open_session_store(url: str | None, ttl: int | None = None) -> SessionStore:
    """`redis://…` selects a shared Redis store (several API processes); empty means in-process sessions."""
    if (url or "").startswith("redis://"):
        return RedisSessionStore(url or "", default_ttl=ttl)
    return InMemorySessionStore()


def _split_ttl(url: str) -> tuple[str, int | None]:
    """Remove our own `ttl` query parameter from a redis URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ttl = [v for k, v in query if k == "ttl"]
    rest = urlencode([(k, v) for k, v in query if k != "ttl"])
    if ttl and not ttl[-1].isdigit():
        raise GazetteError(f"bad ttl {ttl[-1]!r} in GAZETTE_SESSIONS: seconds, e.g. ?ttl=86400")
    return urlunsplit(parts._replace(query=rest)), (int(ttl[-1]) if ttl else None)


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class RedisSessionStore:
    """`SessionStore` backed by Redis: history(session_id) / append(session_id, turn)."""

    def __init__(self, url: str, ttl: int | None = None, max_turns: int = MAX_TURNS, client: Any = None,
                 connect_timeout: float = 3.0, default_ttl: int | None = None) -> None:
        clean, url_ttl = _split_ttl(url)
        self.url = clean
        self.ttl = int(ttl or url_ttl or default_ttl or DEFAULT_TTL)
        self.max_turns = int(max_turns)
        if client is None:
            try:
                import redis
            except ImportError as exc:
                raise GazetteError("GAZETTE_SESSIONS=redis://… needs redis-py: pip install 'gazette-chat[scale]'"
                                   ) from exc
            try:
                client = redis.Redis.from_url(clean, socket_connect_timeout=connect_timeout,
                                              socket_timeout=connect_timeout, decode_responses=True)
            except ValueError as exc:
                raise GazetteError(f"bad GAZETTE_SESSIONS URL {_safe(clean)}: {exc}") from exc
        self.client = client
        try:
            self.client.ping()
        except Exception as exc:  # noqa: BLE001 - any failure here is a configuration problem
            raise GazetteError(f"cannot reach Redis at {_safe(clean)} for shared sessions "
                               f"({type(exc).__name__}: {exc}) — check GAZETTE_SESSIONS") from exc

    @staticmethod
    def key(session_id: str) -> str:
        return KEY_PREFIX + session_id

    def history(self, session_id: str) -> list[Turn]:
        raw = self.client.lrange(self.key(session_id), -self.max_turns, -1)
        turns = []
        for item in raw:
            try:
                data = json.loads(item)
                turns.append(Turn(question=data["question"], query=data["query"], lang=data["lang"],
                                  cited=list(data.get("cited") or [])))
            except (ValueError, KeyError, TypeError):
                continue  # a damaged entry costs one turn of context, never the request
        return turns

    def append(self, session_id: str, turn: Turn) -> None:
        key = self.key(session_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.rpush(key, json.dumps(asdict(turn), ensure_ascii=False))
        pipe.ltrim(key, -self.max_turns, -1)
        pipe.expire(key, self.ttl)
        pipe.execute()

    def clear(self, session_id: str) -> None:
        self.client.delete(self.key(session_id))
