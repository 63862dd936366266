"""Check LLM prose against the clauses it cites: every sentence cited, every figure backed by its sources.

Rules (deterministic, no model):

* Citation markers are `[1]`, `[1, 2]`, `[1][2]`, `[1-3]` (keys of `clauses`) or clause ids `[c-0123456789ab]`;
  full-width brackets `［1］` / `【1】` work too. A bracketed year that is not a key (`[2024]` in
  "Yufubanfa [2024] No. 22") is part of a document number, not a citation. An unknown key fails.
* Sentences end at `。！？!?`, at `.` followed by a space or the end (not after abbreviations such as
  "No.", "Art.", "e.g.", "Dec.", and never inside a decimal like 0.8%), and at line breaks. Citation markers
  right after the terminator belong to the sentence before. Leading list bullets (`- `, `1. `, `(2) `) are
  dropped. Text without letters or CJK characters is not a sentence.
* Each sentence must cite at least one known clause.
* Each number, amount, percentage and date in the sentence (`index.facts.number_items` / `date_spans`,
  normalised across languages) must occur among the figures of the clause(s) that sentence cites:
  numbers of the clause text (any Chinese numeral counts there), its facts, its title, its deadline, and
  the years of its dates and document number. A prose date may be less precise than the source
  ("December 2024" for 2024年12月31日) but not more. A percentage is only backed by a percentage; other
  numbers are compared by value alone (units are not compared: "50" matches 五十米 as well as 五十元).
* Not figures: citation markers; document numbers (`〔2024〕22号`, `[2024] No. 22`); integers labelling
  a place in a text — after Part/Article/Item/No./Box/Annex/Clause/Section/Paragraph/Chapter/Task/专栏/第 or
  before 条/项/款/章/节/号/期; integers in parentheses like "(6)"; ordinals like "2nd".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.clause import Clause
from index.facts import date_spans, number_items

_KEY = r"(?:c-[0-9a-f]{12}|\d+(?:\s*[-–]\s*\d+)?)"
_MARKER_RE = re.compile(rf"[\[［【]\s*({_KEY}(?:\s*[,，、;；]\s*{_KEY})*)\s*[\]］】]", re.IGNORECASE)
_DOCNO_RE = re.compile(
    r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*(?:No\.?\s*)?\d+\s*号?", re.IGNORECASE
)
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:parts?|articles?|art\.|items?|nos?\.|numbers?|box(?:es)?|annex(?:es)?|clauses?|sections?|sec\.|"
    r"paragraphs?|paras?\.|chapters?|tasks?|rows?|issues?|pages?|points?|measures?)|专栏|第|附件)\s*$",
    re.IGNORECASE,
)
_LABEL_AFTER = re.compile(r"^\s*(?:条|项|款|章|节|号|期|批|届)")
_ABBREV = {"no", "nos", "art", "arts", "para", "paras", "sec", "fig", "e.g", "i.e", "eg", "ie", "vs", "approx",
           "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
           "nov", "dec", "co", "ltd", "inc", "dept", "govt", "cf", "al", "p", "pp", "vol", "u.s", "ch"}
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)、]|[(（]\d{1,2}[)）])\s+")
_TERMINATORS = "。！？!?"


@dataclass
class SentenceCheck:
    """The verdict on one sentence."""

    text: str
    citations: list[str] = field(default_factory=list)    # keys of `clauses` cited
    figures: list[str] = field(default_factory=list)      # figures checked, as written
    unsupported: list[str] = field(default_factory=list)  # figures not found in the cited clauses
    ok: bool = True
    reasons: list[str] = field(default_factory=list)


@dataclass
class VerifyResult:
    """Overall verdict; `reasons` collects every sentence's reasons."""

    ok: bool
    reasons: list[str]
    sentences: list[SentenceCheck]


# -------------------------------------------------------------------------------------------------- splitting

def _ends_with_abbrev(before: str) -> bool:
    m = re.search(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$", before)
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(prose: str) -> list[str]:
    """Split zh/en prose into sentences; citation markers after a terminator stay with their sentence."""
    out: list[str] = []
    for line in (prose or "").splitlines():
        line = _BULLET_RE.sub("", line)
        start, i, n = 0, 0, len(line)
        while i < n:
            ch = line[i]
            end = None
            if ch in _TERMINATORS:
                end = i + 1
            elif ch == "." and (i + 1 == n or line[i + 1].isspace() or line[i + 1] in "\"'”’)[［【"):
                if not _ends_with_abbrev(line[start:i]):
                    end = i + 1
            if end is None:
                i += 1
                continue
            while end < n and line[end] in _TERMINATORS + "\"'”’)）":
                end += 1
            m = re.match(rf"(?:\s*{_MARKER_RE.pattern})+", line[end:], re.IGNORECASE)
            if m:
                end += m.end()
                while end < n and line[end] in ".。":
                    end += 1
            out.append(line[start:end].strip())
            start = i = end
        out.append(line[start:].strip())
    return [s for s in out if re.search(r"[A-Za-z\u4e00-\u9fff]", _MARKER_RE.sub("", s))]


# -------------------------------------------------------------------------------------------------- citations

def _marker_keys(body: str) -> list[str]:
    keys: list[str] = []
    for part in re.split(r"\s*[,，、;；]\s*", body.strip()):
        m = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", part)
        if m and int(m.group(1)) <= int(m.group(2)) <= int(m.group(1)) + 20:
            keys += [str(k) for k in range(int(m.group(1)), int(m.group(2)) + 1)]
        else:
            keys.append(part.lower() if part.lower().startswith("c-") else str(int(part)) if part.isdigit() else part)
    return keys


def _citations(sentence: str, clauses: dict[str, Clause], by_id: dict[str, str]) -> tuple[list[str], list[str], str]:
    """(known keys, unknown markers, sentence without markers)."""
    known: list[str] = []
    unknown: list[str] = []

    def repl(m: re.Match) -> str:
        body = m.group(1)
        keys = _marker_keys(body)
        if len(keys) == 1 and re.fullmatch(r"(?:19|20)\d{2}", keys[0]) and keys[0] not in clauses:
            return m.group(0)  # a year in a document number such as "[2024] No. 22"
        for k in keys:
            key = by_id.get(k, k) if k.startswith("c-") else k
            if key in clauses:
                if key not in known:
                    known.append(key)
            else:
                unknown.append(f"[{k}]")
        return " "

    return known, unknown, _MARKER_RE.sub(repl, sentence)


# -------------------------------------------------------------------------------------------------- figures

@dataclass
class _Support:
    numbers: list[float]   # plain numbers and amounts
    percents: list[float]  # percentage values
    dates: set[str]


def _support(clause: Clause) -> _Support:
    items = number_items(clause.text, loose_cn=True) + number_items(clause.doc_title or "", loose_cn=True)
    nums = [v for _, _, v, pct in items if not pct]
    pcts = [v for _, _, v, pct in items if pct]
    dates = {d for _, _, d in date_spans(clause.text)}
    for f in clause.facts:
        (pcts if f.kind == "percent" else nums).extend(x for x in (f.value, f.low, f.high) if x is not None)
        if f.date:
            dates.add(f.date)
    if clause.deadline:
        dates.add(clause.deadline)
    years = {float(d[:4]) for d in dates if d[:4].isdigit()}
    years |= {float(y) for y in re.findall(r"(?:19|20)\d{2}", clause.doc_number or "")}
    return _Support(nums + sorted(years), pcts, dates)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _has_number(s: _Support, v: float, pct: bool = False) -> bool:
    return any(_close(v, x) for x in (s.percents if pct else s.numbers))


def _has_date(s: _Support, iso: str) -> bool:
    return any(d == iso or d.startswith(iso + "-") for d in s.dates)


def _figures(text: str) -> list[tuple[str, str, float | str]]:
    """(kind, as written, value) of the figures that need support; labels and doc numbers excluded.

    kind is "date", "percent" or "number"; a percentage is only backed by a percentage.
    """
    text = _DOCNO_RE.sub(lambda m: " " * len(m.group(0)), text)
    figs: list[tuple[str, str, float | str]] = [("date", text[s:e], iso) for s, e, iso in date_spans(text)]
    for s, e, v, pct in number_items(text):
        raw = text[s:e].strip()
        is_int = float(v).is_integer() and re.fullmatch(r"[\d零〇一二两三四五六七八九十百千]+", raw)
        if is_int and (_LABEL_BEFORE.search(text[max(0, s - 16):s]) or _LABEL_AFTER.match(text[e:])):
            continue
        if is_int and re.search(r"[(（]\s*$", text[:s]) and re.match(r"^\s*[)）]", text[e:]):
            continue
        if re.match(r"^(?:st|nd|rd|th)\b", text[e:], re.IGNORECASE) and raw.isdigit():
            continue
        figs.append(("percent" if pct else "number", raw, v))
    return figs


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -------------------------------------------------------------------------------------------------- public

def verify_prose(prose: str, clauses: dict[str, Clause], labels: dict[str, str] | None = None) -> VerifyResult:
    """Check every sentence of `prose` for a citation and for figures backed by the cited clauses.

    `clauses` maps citation keys ("1", "2", …) to the clauses shown to the model; `labels` optionally maps
    the same keys to display names for the reasons (default: the clause's Chinese citation).
    """
    labels = labels or {}
    by_id = {c.id.lower(): k for k, c in clauses.items()}
    support = {k: _support(c) for k, c in clauses.items()}

    def name(key: str) -> str:
        label = labels.get(key) or clauses[key].citation
        return f"[{key}] {label}" if label else f"[{key}]"

    checks: list[SentenceCheck] = []
    sentences = split_sentences(prose)
    for no, sentence in enumerate(sentences, 1):
        known, unknown, bare = _citations(sentence, clauses, by_id)
        check = SentenceCheck(text=sentence, citations=known)
        where = f'sentence {no} "{_short(sentence)}"'
        for marker in unknown:
            check.reasons.append(f"{where}: cites {marker}, which is not among the retrieved sources")
        if not known:
            check.reasons.append(f"{where}: cites no retrieved source")
        for kind, raw, value in _figures(bare):
            check.figures.append(raw)
            if not known:
                continue
            if isinstance(value, str):            # a date (ISO-like)
                backed = any(_has_date(support[k], value) for k in known)
                elsewhere = [k for k in clauses if k not in known and _has_date(support[k], value)]
            else:
                pct = kind == "percent"
                backed = any(_has_number(support[k], value, pct) for k in known)
                elsewhere = [k for k in clauses if k not in known and _has_number(support[k], value, pct)]
            if backed:
                continue
            check.unsupported.append(raw)
            cited = ", ".join(name(k) for k in known)
            shown = value if kind == "date" else f"{value:,.10g}"
            msg = f'{where}: {kind} "{raw}" (= {shown}) is not in the cited source {cited}'
            if elsewhere:
                msg += f"; it appears in {', '.join(name(k) for k in elsewhere)} (wrong citation?)"
            check.reasons.append(msg)
        check.ok = not check.reasons
        checks.append(check)
    reasons = [r for c in checks for r in c.reasons]
    if not checks:
        reasons.append("prose has no sentences to verify")
    return VerifyResult(ok=not reasons, reasons=reasons, sentences=checks)
