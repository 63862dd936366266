"""Checked machine translation of clauses through an OpenAI-compatible model, cached in the index folder.

Figures, dates, agencies, document numbers and outline markers are replaced by placeholders `[[n]]` before the
model sees the text, and restored afterwards from the deterministic normaliser and the glossary, so the model
never writes a number or an agency name. A translation is shown only when it passes `check()`:

* every placeholder exactly once;
* no CJK character left;
* no digit outside placeholders;
* the role words of the clause's figures (glossary terms in `Fact.role_parts`) rendered with the glossary's English
  or one of its English aliases.

Otherwise it is withheld with the reason. Results (good or withheld) are cached per clause text (sha256) and model
in `INDEX/translations_en.jsonl`, written atomically; `gazette index translate` fills the cache ahead of time.
Only the `openai` back-end is used: the local 1.5B model is not a source of English (see README).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chat.citations import doc_number_en
from chat.english import GLOSS_LABEL, QUANTITY, quantity_en
from chat.records import AnswerCard
from index.clause import Clause
from index.facts import cn_numeral_value, extract_facts, format_date_en, format_fact
from retriever.glossary import Glossary, stems

CACHE_FILE = "translations_en.jsonl"
PROMPT = (
    "Translate this Chinese government text into plain English for a foreign investor.\n"
    "Rules: keep every placeholder such as [[1]] exactly once and unchanged (it stands for a figure, date, "
    "agency or document number); write no digits yourself; leave no Chinese characters; use these renderings "
    "for these terms: {terms}.\nReply with the English translation only.\n\nText:\n{text}"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_PLACEHOLDER = re.compile(r"\[\[(\d+)\]\]")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【]\d{4}[〕\]］】]\s*第?\d+号")
_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])")
_lock = threading.Lock()


@dataclass
class Translation:
    """A checked translation (`text_en`) or the reason it is withheld."""

    hash: str
    model: str
    text_en: str | None
    reason: str | None = None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def protect(text: str, glossary: Glossary) -> tuple[str, dict[int, str]]:
    """`text` with figures, dates, agencies, document numbers and outline markers as `[[n]]`; n → English."""
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, en: str) -> None:
        if start < end and all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, en))

    m = _MARKER.match(text)
    if m:
        add(m.start(), m.end(), _marker_en(m.group(0).strip()))
    for dm in _DOC_NUMBER.finditer(text):
        add(dm.start(), dm.end(), doc_number_en(dm.group(0)) or dm.group(0))
    pos = 0
    for f in extract_facts(text):
        i = text.find(f.text, pos)
        if i < 0:
            continue
        shown = format_date_en(f.date or "") if f.kind in ("date", "deadline") else format_fact(f, "en")
        add(i, i + len(f.text), shown.rsplit(" (", 1)[0] if shown.endswith(")") else shown)
        pos = i + len(f.text)
    for qm in QUANTITY.finditer(text):
        add(qm.start(), qm.end(), re.sub(r"\s+", " ", quantity_en(qm).replace("\ue000", " ")).strip())
    for nm in re.finditer(r"\d+(?:\.\d+)?", text):
        add(nm.start(), nm.end(), nm.group(0))
    i = 0
    while i < len(text):
        hit = glossary.longest(text, i)
        if hit and hit[1].kind == "agency" and hit[0] >= 3:
            add(i, i + hit[0], hit[1].en)
            i += hit[0]
        else:
            i += 1
    slots: dict[int, str] = {}
    out, last = [], 0
    for n, (s, e, en) in enumerate(sorted(spans), start=1):
        out.append(text[last:s] + f"[[{n}]]")
        slots[n] = en
        last = e
    out.append(text[last:])
    return "".join(out), slots


def _marker_en(label: str) -> str:
    """`（六）` → `(6)`, `27.` → `(27)`."""
    inner = re.sub(r"[（()）、.．]", "", label)
    value = cn_numeral_value(inner) if not inner.isdigit() else float(inner)
    return f"({int(value)})" if value is not None else label


def role_terms(clause: Clause, glossary: Glossary) -> dict[str, tuple[str, ...]]:
    """Glossary terms among the role words (benefit, recipient, per-unit) of the clause's figures: zh → accepted
    English renderings."""
    out: dict[str, tuple[str, ...]] = {}
    for f in clause.facts:
        for key, part in (f.role_parts or {}).items():
            if key not in ("what", "to", "per"):
                continue
            i = 0
            while i < len(part):
                hit = glossary.longest(part, i)
                if hit and hit[1].kind == "term" and hit[0] >= 2:
                    out[part[i:i + hit[0]]] = (hit[1].en, *hit[1].aliases_en)
                    i += hit[0]
                else:
                    i += 1
    return out


def check(english: str, slots: dict[int, str], terms: dict[str, tuple[str, ...]]) -> str | None:
    """Why a model's English is not shown (None when it passes)."""
    found = [int(n) for n in _PLACEHOLDER.findall(english)]
    for n in slots:
        if found.count(n) != 1:
            return f"placeholder [[{n}]] appears {found.count(n)} times, not once"
    extra = set(found) - set(slots)
    if extra:
        return f"unknown placeholder [[{min(extra)}]]"
    if _CJK.search(english):
        return "Chinese characters left in the translation"
    if re.search(r"\d", _PLACEHOLDER.sub("", english)):
        return "a digit outside the placeholders (figures must come from the clause)"
    words = " ".join(stems(english))
    for zh, renderings in terms.items():
        if not any(" ".join(stems(r)) in words for r in renderings if stems(r)):
            return f"role word {zh} not rendered as in the glossary ({renderings[0]})"
    return None


def restore(english: str, slots: dict[int, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: slots.get(int(m.group(1)), m.group(0)), english).strip()


class TranslationCache:
    """`INDEX/translations_en.jsonl`: one JSON object per clause text hash and model, rewritten atomically."""

    def __init__(self, index_dir: Path | str) -> None:
        self.path = Path(index_dir) / CACHE_FILE
        self.items: dict[tuple[str, str], Translation] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    t = Translation(**json.loads(line))
                    self.items[(t.hash, t.model)] = t

    def get(self, text: str, model: str | None = None) -> Translation | None:
        """The cached result for a clause text (any model when `model` is None; a checked one first)."""
        h = text_hash(text)
        if model is not None:
            return self.items.get((h, model))
        found = [t for (hh, _), t in self.items.items() if hh == h]
        return next((t for t in found if t.text_en), found[0] if found else None)

    def put(self, items: Iterable[Translation]) -> None:
        with _lock:
            for t in items:
                self.items[(t.hash, t.model)] = t
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".translations-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                for t in self.items.values():
                    fh.write(json.dumps(asdict(t), ensure_ascii=False) + "\n")
            os.replace(tmp, self.path)


def translate_clause(clause: Clause, model: Any, model_name: str, glossary: Glossary) -> Translation:
    """Ask the model for the masked clause, check it, restore the placeholders (or withhold with the reason)."""
    masked, slots = protect(clause.text, glossary)
    terms = role_terms(clause, glossary)
    listed = "; ".join(f"{zh} = {r[0]}" for zh, r in terms.items()) or "(none)"
    h = text_hash(clause.text)
    try:
        reply = model.invoke(PROMPT.format(terms=listed, text=masked))
    except Exception as exc:  # noqa: BLE001 - any model failure withholds this translation only
        return Translation(h, model_name, None, f"model error: {type(exc).__name__}: {exc}"[:300])
    english = str(getattr(reply, "content", reply) or "").strip()
    reason = check(english, slots, terms)
    if reason:
        return Translation(h, model_name, None, reason)
    return Translation(h, model_name, restore(english, slots))


_CACHES: dict[Path, tuple[float, TranslationCache]] = {}
TRANSLATION_LABEL = "Translation (machine, checked: figures, dates and agencies restored from the clause)"


def cache_for(index_dir: Path | str) -> TranslationCache:
    """The index folder's cache, re-read when the file changes."""
    path = Path(index_dir) / CACHE_FILE
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    known = _CACHES.get(path)
    if known is None or known[0] != mtime:
        known = _CACHES[path] = (mtime, TranslationCache(index_dir))
    return known[1]


def attach_translations(card: AnswerCard, index_dir: Path | str, model: Any = None, model_name: str | None = None,
                        glossary: Glossary | None = None) -> None:
    """Put cached (or, with `model`, freshly made and cached) checked translations on an English card's citations,
    and show each in the answer text in place of that citation's gloss. Withheld ones keep the gloss and the reason."""
    cache = cache_for(index_dir)
    fresh = []
    for c in card.citations:
        clause = c.clause
        found = cache.get(clause.text, model_name) if model_name else cache.get(clause.text)
        if found is None and model is not None and glossary is not None:
            found = translate_clause(clause, model, model_name or "openai", glossary)
            fresh.append(found)
        if found is None:
            continue
        if found.text_en:
            c.translation_en = found.text_en
            if c.gloss_en:
                gloss_line = f"  {GLOSS_LABEL}: {c.gloss_en}"
                card.answer = card.answer.replace(gloss_line, f"  {TRANSLATION_LABEL}: {found.text_en}", 1)
        else:
            c.translation_withheld = found.reason
    if fresh:
        cache.put(fresh)
