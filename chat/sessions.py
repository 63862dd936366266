"""Conversation state per session id, and follow-up questions turned into standalone retrieval queries."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

MAX_TURNS = 10
MAX_SESSIONS = 10_000
_FOLLOW_UP_EN = re.compile(r"^(and|what about|how about|also|then|what if|and for|and the|same for)\b", re.I)
_FOLLOW_UP_ZH = re.compile(r"^(那|那么|还有|另外|此外|再问|同样|而)")


@dataclass
class Turn:
    question: str
    query: str              # the standalone query actually searched
    lang: str
    cited: list[str] = field(default_factory=list)


class SessionStore(Protocol):
    def history(self, session_id: str) -> list[Turn]: ...

    def append(self, session_id: str, turn: Turn) -> None: ...


class InMemorySessionStore:
    """Sessions in this process (the default for a single server); least recently used ones are dropped."""

    def __init__(self, max_sessions: int = MAX_SESSIONS) -> None:
        self._data: OrderedDict[str, list[Turn]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_sessions

    def history(self, session_id: str) -> list[Turn]:
        with self._lock:
            return list(self._data.get(session_id, []))

    def append(self, session_id: str, turn: Turn) -> None:
        with self._lock:
            turns = self._data.setdefault(session_id, [])
            turns.append(turn)
            del turns[:-MAX_TURNS]
            self._data.move_to_end(session_id)
            while len(self._data) > self._max:
                self._data.popitem(last=False)


def is_follow_up(question: str, lang: str) -> bool:
    """Short or elliptical questions that lean on the previous turn (`And for national standards?`,
    `那国家标准呢？`)."""
    q = question.strip()
    if lang == "zh":
        return bool(_FOLLOW_UP_ZH.match(q)) or (len(q) <= 12 and q.endswith(("呢", "呢？", "呢?")))
    return bool(_FOLLOW_UP_EN.match(q)) or len(q.split()) <= 4


def standalone_query(question: str, lang: str, history: list[Turn]) -> str:
    """The retrieval query for a question in its conversation: follow-ups carry the previous query along."""
    if not history or not is_follow_up(question, lang):
        return question
    previous = history[-1].query
    return f"{previous} {question}"
