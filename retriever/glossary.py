"""Bilingual gazette vocabulary kept as data in `retriever/data/glossary.tsv`.

Columns: `zh`, `en`, `kind` (agency | term), `aliases_en` and `aliases_zh` (`|`-separated). Used to expand
English questions into Chinese policy wording (`expand_english`) and to put units into English
(`agency_en`, `translate_units`).

English matching works on word stems (lower-cased, hyphens/punctuation as word breaks, `'s` dropped,
plural and -ed/-ing endings folded), so "subsidies", "postdocs" and "post-doctoral" match their entries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Keep a match that overlaps an earlier one of the same length (see `Glossary.matches`).
PARTIAL_OVERLAPS = True
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "glossary.tsv"
#: Questions whose phrase matches a glossary remembers (`Glossary._phrase_hits`).
MEMO = 4096
COLUMNS = ("zh", "en", "kind", "aliases_en", "aliases_zh")
KINDS = ("agency", "term")


@dataclass(frozen=True)
class Entry:
    """One glossary row."""

    zh: str
    en: str
    kind: str
    aliases_en: tuple[str, ...] = ()
    aliases_zh: tuple[str, ...] = ()


def stem(word: str) -> str:
    """Fold plural and simple inflection: subsidies→subsidy, postdocs→postdoc, financing→financ(e)."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "ches", "shes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) >= 8 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) >= 7 and w.endswith("ed"):
        w = w[:-2]
    if len(w) >= 5:
        w = w.rstrip("e")
    return w


def stems(text: str) -> list[str]:
    """Word stems of English text; `'s` is dropped and any non-alphanumeric character breaks words."""
    return list(_stems(text))


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    """`stems`, remembered: one English question is stemmed by the glossary, the lexicon and the decision."""
    text = re.sub(r"['’]s\b", "", text.lower())
    return tuple(stem(t) for t in re.findall(r"[a-z0-9]+", text))


_SPACE = re.compile(r"\s+")


def _norm_zh(s: str) -> str:
    return _SPACE.sub("", s or "").replace("(", "（").replace(")", "）")


@dataclass
class Glossary:
    """Lookup tables over the glossary rows."""

    entries: list[Entry]
    _by_zh: dict[str, Entry] = field(default_factory=dict, repr=False)
    _phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict, repr=False)
    _found: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict, repr=False, compare=False)
    _lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for e in self.entries:                  # a row's own term wins over another row's alias of it
            self._by_zh.setdefault(_norm_zh(e.zh), e)
        for e in self.entries:
            for key in e.aliases_zh:
                self._by_zh.setdefault(_norm_zh(key), e)
        lengths: dict[str, set[int]] = {}
        for key in self._by_zh:
            if key:
                lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: tuple(sorted(ns, reverse=True)) for first, ns in lengths.items()}
        for e in self.entries:
            for phrase in {e.en, *e.aliases_en}:
                toks = tuple(stems(phrase))
                if toks:
                    self._phrases.setdefault(toks[0], []).append((toks, e.zh))

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None) -> Glossary:
        """Load a glossary TSV; the default file is parsed once and cached."""
        return _default() if path is None else cls.from_tsv(Path(path))

    @classmethod
    def from_tsv(cls, path: Path) -> Glossary:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or tuple(lines[0].split("\t")) != COLUMNS:
            raise ValueError(f"{path}: header must be the tab-separated columns {', '.join(COLUMNS)}")
        entries = []
        for no, line in enumerate(lines[1:], 2):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != len(COLUMNS) or not cols[0].strip() or not cols[1].strip():
                raise ValueError(f"{path}:{no}: expected {len(COLUMNS)} tab-separated columns with zh and en")
            zh, en, kind, al_en, al_zh = (c.strip() for c in cols)
            if kind not in KINDS:
                raise ValueError(f"{path}:{no}: kind must be one of {KINDS}, got {kind!r}")
            entries.append(Entry(zh, en, kind, _split(al_en), _split(al_zh)))
        return cls(entries)

    # ---------------------------------------------------------------- lookups
    def entry(self, zh: str) -> Entry | None:
        """The row for a Chinese term or any of its Chinese aliases."""
        key = _norm_zh(zh)
        if not key:
            return None
        hit = self._by_zh.get(key)
        if hit is None and key.startswith("重庆市"):
            hit = self._by_zh.get("市" + key[3:]) or self._by_zh.get(key[3:])
        return hit

    def longest(self, text: str, start: int, max_len: int = 16) -> tuple[int, Entry] | None:
        """(length, entry) of the longest glossary term or alias at `text[start:]` (whitespace-free text)."""
        window = text[start:start + max_len]
        norm = _norm_zh(window)
        if len(norm) != len(window):              # whitespace inside: normalise each prefix on its own
            for n in range(len(window), 0, -1):
                hit = self._by_zh.get(_norm_zh(window[:n]))
                if hit is not None:
                    return n, hit
            return None
        for n in self._lengths.get(norm[:1], ()):  # same length: only the lengths of the terms starting so
            hit = self._by_zh.get(norm[:n]) if n <= len(norm) else None
            if hit is not None:
                return n, hit
        return None

    def agency_en(self, zh: str) -> str | None:
        """Official English name of a unit (aliases resolved: 市人社局 → …Social Security Bureau)."""
        e = self.entry(zh)
        return e.en if e is not None and e.kind == "agency" else None

    def term_en(self, zh: str) -> str | None:
        """English rendering of a policy term (falls back to agencies)."""
        e = self.entry(zh)
        return e.en if e is not None else None

    def translate_units(self, units: list[str]) -> list[str]:
        """`English name (中文)` per unit; units not in the glossary stay in Chinese."""
        out = []
        for unit in units:
            en = self.agency_en(unit)
            out.append(f"{en} ({unit})" if en else unit)
        return out

    def matches(self, query: str) -> list[tuple[int, int, str]]:
        """(first token, token count, zh) matches, longest first, then by position; a match inside or overlapping a
        longer one is dropped, one overlapping a match as long is kept with `PARTIAL_OVERLAPS` ("loan guarantee
        fee": 融资担保 and 担保费率; "value-added telecom operator": 增值电信业务 only)."""
        taken: list[tuple[int, int, str]] = []
        for start, length, zh in self._phrase_hits(query or ""):
            if any(_blocks(start, length, s, n) for s, n, _ in taken):
                continue
            taken.append((start, length, zh))
        return taken

    def _phrase_hits(self, query: str) -> tuple[tuple[int, int, str], ...]:
        """Every (first token, token count, zh) whose English phrase occurs in `query`, longest first, then by
        position, before overlaps are resolved; remembered per question (the search, the lexicon and the decision
        each ask for the same question's matches; `MEMO` questions, then the memo starts again)."""
        hit = self._found.get(query)
        if hit is not None:
            return hit
        q = stems(query)
        found: list[tuple[int, int, str]] = []  # (start, length, zh)
        for i, tok in enumerate(q):
            for toks, zh in self._phrases.get(tok, ()):
                if tuple(q[i:i + len(toks)]) == toks:
                    found.append((i, len(toks), zh))
        found.sort(key=lambda f: (-f[1], f[0]))
        if len(self._found) >= MEMO:
            self._found.clear()
        self._found[query] = hit = tuple(found)
        return hit

    def covered(self, query: str) -> set[int]:
        """Positions (in `stems(query)`) of the words inside a glossary match."""
        return {i for start, length, _ in self.matches(query) for i in range(start, start + length)}

    def lead_unit_names(self, unit: str) -> set[str]:
        """The Chinese agency names a lead unit typed in English (or an English alias) stands for; {} for Chinese."""
        if not re.search(r"[A-Za-z]", unit):
            return set()
        return {zh for zh in self.expand_english(unit) if self.agency_en(zh)}

    def expand_english(self, query: str) -> list[str]:
        """Chinese terms whose English form or alias occurs in `query`.

        Case-insensitive whole-word matching on stems; overlapping matches resolve longest first
        ("postdoctoral workstation" beats "postdoctoral"). Result order: longer matches first, then by
        position; each Chinese term once.
        """
        return list(dict.fromkeys(zh for _, _, zh in self.matches(query)))

    def code_mix(self, query: str) -> str:
        """The question with each matched English phrase replaced by its Chinese term (first match per span):
        `How much subsidy for each postdoc?` → `How much 补贴 for each 博士后?`. Empty when nothing matched."""
        words = list(re.finditer(r"[a-z0-9]+", re.sub(r"['’]s\b", "  ", (query or "").lower())))
        first: dict[int, tuple[int, str]] = {}
        for start, length, zh in sorted(self.matches(query), key=lambda m: (m[0], -m[1])):
            if start not in first and not any(s <= start < s + n for s, (n, _) in first.items()):
                first[start] = (length, zh)
        if not first or len(words) != len(stems(query)):
            return ""
        out, pos, i = [], 0, 0
        while i < len(words):
            if i in first:
                length, zh = first[i]
                out.append(query[pos:words[i].start()] + zh)
                pos, i = words[i + length - 1].end(), i + length
            else:
                i += 1
        out.append(query[pos:])
        return "".join(out)


def _blocks(start: int, length: int, s: int, n: int) -> bool:
    """Whether a taken match (s, n), never shorter (matches are taken longest first), keeps the match
    (start, length) out: it overlaps it and is longer (any overlap without `PARTIAL_OVERLAPS`); the same span twice
    never blocks (two terms for one phrase)."""
    overlaps = start < s + n and s < start + length and (start, length) != (s, n)
    return overlaps and (length < n or not PARTIAL_OVERLAPS)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split("|") if a.strip())


@lru_cache(maxsize=1)
def _default() -> Glossary:
    return Glossary.from_tsv(DEFAULT_PATH)
