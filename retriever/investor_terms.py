"""A bilingual investor vocabulary (tax, HR, company, immigration, property, finance …) for the answer decision.

`retriever/data/investor_terms.tsv` maps English phrases to the Chinese terms a document would use. It is not used
to retrieve: it tells the decision which concept a question is about ("deed tax" → 契税, "科创板"), so that a
concept occurring nowhere in the loaded index is evidence the documents do not answer. Absence is checked against
the index's own text (`CorpusStats.occurs`, cached per index), so the vocabulary works for any corpus; unlike the
glossary, its Chinese side need not be corpus wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("data") / "investor_terms.tsv"
_WORD = re.compile(r"[a-z0-9&'\-]+")


@dataclass(frozen=True)
class Term:
    """One concept: its English phrases, Chinese forms and domain (tax, hr, company …)."""

    en: tuple[str, ...]
    zh: tuple[str, ...]
    domain: str


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...]
    en_patterns: tuple[tuple[str, re.Pattern[str], int], ...]     # (first word, phrase pattern, term index)
    zh_forms: tuple[tuple[str, int], ...]                     # (Chinese form, term index), longest first


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


#: A phrase of several words also matches with one modifier between two of its words ("general VAT taxpayer" for
#: general taxpayer, "small-scale VAT taxpayers", "residential natural gas price" is not: two words): the Chinese
#: twin names the concept as one term (一般纳税人), the English one often with a modifier inside (session 11).
TERM_GAP_RULE = True
_GAP_STOP = "and|or|of|to|for|the|a|an|in|on|at|by|with|from|not|no|non|without|other|than|is|are|per|each"
_GAP = rf"((?!(?:{_GAP_STOP})\b)[a-z0-9&'\-]+ )?"


def _first_word(phrase: str) -> str:
    """The word a question must hold for the phrase to be tried (its first part when compounds may be split)."""
    first = _WORD.findall(phrase)[0]
    return first.split("-")[0] if TERM_GAP_RULE else first


def _en_phrase(phrase: str) -> str:
    """The pattern of an English phrase: its words as written, with `_GAP` between two words and a hyphen or a
    blank between the parts of a compound ("satellite-internet companies" for satellite internet, "small scale"
    for small-scale) (`TERM_GAP_RULE`)."""
    if not TERM_GAP_RULE:
        return re.escape(phrase)
    words = [r"[ \-]".join(map(re.escape, w.split("-"))) for w in phrase.split(" ")]
    return (r"[ \-]" + _GAP).join(words)


@lru_cache(maxsize=4)
def load_vocabulary(path: str = str(TERMS_FILE)) -> Vocabulary:
    """The vocabulary in `path` (a TSV with columns en, zh, domain; `|` separates alternatives)."""
    terms: list[Term] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        if n == 0 or not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise ValueError(f"{path}:{n + 1}: expected 3 tab-separated columns (en, zh, domain)")
        terms.append(Term(_split(cols[0].lower()), _split(cols[1]), cols[2].strip()))
    en = [(_first_word(p), re.compile(rf"(?<![a-z0-9]){_en_phrase(p)}(?:s|es)?(?![a-z0-9])"), i)
          for i, t in enumerate(terms) for p in t.en]
    zh = sorted(((z, i) for i, t in enumerate(terms) for z in t.zh), key=lambda f: -len(f[0]))
    return Vocabulary(tuple(terms), tuple(en), tuple(zh))


def named_terms(question: str, lang: str, vocabulary: Vocabulary | None = None) -> list[Term]:
    """The vocabulary's concepts a question names: English phrases for English questions, Chinese forms for
    Chinese ones; a match inside a longer match is dropped (失业保险 inside 失业保险金)."""
    vocab = vocabulary or load_vocabulary()
    spans: list[tuple[int, int, int]] = []
    gaps: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    if lang == "en":
        q = question.lower()
        words = set(_WORD.findall(q))
        words |= {part for w in words if "-" in w for part in w.split("-")} | {w.replace("-", "") for w in words}
        words |= {w[:-1] for w in words if w.endswith("s")} | {w[:-2] for w in words if w.endswith("es")}
        found = [(m, i) for first, rx, i in vocab.en_patterns if first in words for m in rx.finditer(q)]
        spans = [(m.start(), m.end(), i) for m, i in found]
        gaps = {(m.start(), m.end(), i): [m.span(g) for g in range(1, (m.re.groups or 0) + 1) if m.group(g)]
                for m, i in found}
    else:
        for form, i in vocab.zh_forms:
            start = question.find(form)
            while start >= 0:
                spans.append((start, start + len(form), i))
                start = question.find(form, start + 1)
    # a match inside a longer one is dropped, unless it is the modifier `_GAP` let in ("VAT" of general VAT taxpayer)
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                        and not any(g[0] <= s[0] and s[1] <= g[1] for g in gaps.get(o, ()))
                                        for o in spans)]
    return [vocab.terms[i] for i in dict.fromkeys(i for _, _, i in sorted(kept))]
