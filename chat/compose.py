"""The deterministic answer card: quotes, citations and facts taken from the clauses themselves (no LLM)."""
from __future__ import annotations

import re
from typing import Any

from chat import english
from chat.citations import citation, doc_number_en, title
from index.clause import Clause
from index.facts import format_fact
from index.tokenize import tokenize_zh

#: Second and later clauses are cited only when their fused score is this close to the best one.
CLOSE_SCORE = 0.9
MAX_CITED = 3
MAX_SENTENCES = 2
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_AMOUNT_Q = re.compile(r"多少|金额|补贴|资助|奖励|补助|奖补|how much|amount|subsid|fund|grant|reward|money|cny|yuan|rmb", re.I)
_UNIT_Q = re.compile(r"牵头|负责|哪个部门|哪个单位|which (agency|department|body|unit)|who (leads|is responsible)|lead", re.I)
_DATE_Q = re.compile(r"何时|什么时候|时间|期限|截止|完成|when|deadline|by what date|due", re.I)

TEXT = {
    "zh": {
        "according": "根据{cite}（{title}）：",
        "amounts": "金额", "percents": "比例", "dates": "时间", "lead": "牵头单位", "co": "配合单位",
        "deadline": "完成时间",
        "refusal": "这些文件中没有找到能回答这个问题的条款。",
        "related": "可能相关的条款：",
        "none_related": "没有找到相关条款。",
    },
    "en": {
        "according": "According to {cite} ({title}):",
        "amounts": "amount", "percents": "percentage", "dates": "date", "lead": "lead unit", "co": "co-operating units",
        "deadline": "deadline",
        "refusal": "These documents do not contain a clause that answers this question.",
        "related": "Possibly related clauses:",
        "none_related": "No related clauses were found.",
    },
}


def sentences(text: str) -> list[str]:
    """Sentences of a clause, verbatim (split after 。！？ and at line breaks)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def query_terms(query: str, lang: str, expansions: list[str] | None = None, translation: str | None = None) -> set[str]:
    """Chinese words that stand for the question (English questions: glossary terms and translation)."""
    terms: set[str] = set()
    if lang == "zh":
        terms |= {t for t in tokenize_zh(query) if len(t) > 1}
    for extra in (expansions or []) + ([translation] if translation else []):
        terms |= {t for t in tokenize_zh(extra) if len(t) > 1} | {extra}
    return terms


def best_sentences(clause: Clause, terms: set[str], query: str, limit: int = MAX_SENTENCES) -> list[str]:
    """The sentences of a clause that best match the question, in reading order."""
    sents = sentences(clause.text)
    if len(sents) <= 1:
        return sents
    wants_amount = bool(_AMOUNT_Q.search(query))
    wants_unit = bool(_UNIT_Q.search(query))
    scored = []
    for i, s in enumerate(sents):
        score = sum(len(t) for t in terms if t in s)
        if wants_amount and re.search(r"\d+(\.\d+)?\s*[万亿千百]?元|%", s):
            score += 3
        if wants_unit and re.search(r"牵头|配合", s):
            score += 3
        if i == 0 and re.match(r"^[（(]?[一二三四五六七八九十\d]+[）).、．]", s):
            score += 0.5          # the item's own title sentence
        scored.append((score, i))
    keep = sorted(i for _, i in sorted(scored, key=lambda x: (-x[0], x[1]))[:limit])
    return [sents[i] for i in keep]


def clause_facts(clause: Clause, lang: str, glossary: Any = None) -> list[str]:
    """The clause's facts in the answer's language (English: role, normalised figure and the Chinese source)."""
    t = TEXT[lang]
    if lang == "en" and glossary is not None:
        out = [v["en"] for v in english.fact_views(clause, english.glosser(glossary)) if v["kind"] != "deadline"]
    else:
        out = [format_fact(f, lang) if lang == "en" else f.text for f in clause.facts if f.kind != "deadline"]
    units = glossary.translate_units(clause.lead_units) if (glossary and lang == "en") else clause.lead_units
    if units:
        out.append(f"{t['lead']}: {'; '.join(units)}" if lang == "en" else f"{t['lead']}：{'、'.join(units)}")
    co = glossary.translate_units(clause.co_units) if (glossary and lang == "en") else clause.co_units
    if co:
        out.append(f"{t['co']}: {'; '.join(co)}" if lang == "en" else f"{t['co']}：{'、'.join(co)}")
    if clause.deadline:
        dl = next((f for f in clause.facts if f.kind == "deadline"), None)
        shown = format_fact(dl, lang) if (dl and lang == "en") else (dl.text if dl else clause.deadline)
        out.append(f"{t['deadline']}: {shown}" if lang == "en" else f"{t['deadline']}：{shown}")
    return out


def citation_card(clause: Clause, lang: str, quote: list[str], glossary: Any = None, n: int = 1) -> dict[str, Any]:
    """One cited clause: citation, titles, verbatim quote and full text, facts in the answer's language."""
    return {
        "n": n, "id": clause.id, "doc_number": clause.doc_number, "doc_number_en": doc_number_en(clause.doc_number),
        "label": clause.label, "label_en": clause.label_en, "citation": citation(clause, lang),
        "citation_zh": clause.citation, "citation_en": citation(clause, "en"),
        "title": clause.doc_title, "title_en": clause.doc_title_en, "kind": clause.kind, "path": clause.path,
        "quote": "".join(quote), "text": clause.text, "facts": clause_facts(clause, lang, glossary),
        "lead_units": clause.lead_units, "deadline": clause.deadline,
        **(english.card_extras(clause, quote, glossary) if lang == "en" and glossary is not None else {}),
    }


def overlap(clause: Clause, terms: set[str]) -> int:
    """How much of the question's wording a clause contains (characters of matched terms)."""
    return sum(len(t) for t in terms if t in clause.text)


def select_cited(hits: list[Any], terms: set[str]) -> list[Any]:
    """The best hit, plus the next ones that score close to it and share as much of the question's wording."""
    if not hits:
        return []
    best, best_overlap = hits[0].score, overlap(hits[0].clause, terms)
    return [h for i, h in enumerate(hits[:MAX_CITED])
            if i == 0 or (h.score >= CLOSE_SCORE * best and overlap(h.clause, terms) >= max(1, best_overlap))]


def compose_answer(question: str, lang: str, hits: list[Any], answerable: bool, glossary: Any = None,
                   expansions: list[str] | None = None, translation: str | None = None) -> dict[str, Any]:
    """The answer card: direct answer from the best sentences, citations with quotes and facts; or a refusal."""
    t = TEXT[lang]
    if not answerable:
        related = [citation_card(h.clause, lang, sentences(h.clause.text)[:1], glossary, n=i)
                   for i, h in enumerate(hits[:3], start=1)]
        lines = [t["refusal"]]
        if related:
            lines.append(t["related"])
            lines += [f"[{c['n']}] {c['citation']}" for c in related]
        return {"answered": False, "answer": "\n".join(lines), "citations": [], "related": related}
    terms = query_terms(question, lang, expansions, translation)
    cited_hits = select_cited(hits, terms)
    if lang == "en" and glossary is not None:
        cards = [citation_card(h.clause, lang, best_sentences(h.clause, terms, question), glossary, n=i)
                 for i, h in enumerate(cited_hits, start=1)]
        lines = english.answer_lines(question, [(h.clause, c) for h, c in zip(cited_hits, cards)],
                                     [h.clause for h in hits], glossary, terms)
        return {"answered": True, "answer": "\n".join(lines), "citations": cards, "related": []}
    cards = []
    lines = []
    for i, hit in enumerate(cited_hits, start=1):
        quote = best_sentences(hit.clause, terms, question)
        card = citation_card(hit.clause, lang, quote, glossary, n=i)
        cards.append(card)
        shown_title = title(hit.clause, lang)
        lines.append(f"[{i}] " + t["according"].format(cite=card["citation"], title=shown_title))
        lines.append(f"「{card['quote']}」")
        fixed = tuple(t[k] for k in ("lead", "co", "deadline"))
        in_quote = [f for f in card["facts"] if f.startswith(fixed) or _fact_in(f, card["quote"])]
        if in_quote:
            sep = "; " if lang == "en" else "；"
            lines.append(("Facts: " if lang == "en" else "要点：") + sep.join(in_quote))
    return {"answered": True, "answer": "\n".join(lines), "citations": cards, "related": []}


def _fact_in(fact_line: str, quote: str) -> bool:
    """A formatted figure belongs to the quote when its Chinese source text appears in it."""
    m = re.search(r"\(([^()]*)\)\s*$", fact_line)
    source = m.group(1) if m else fact_line
    return bool(source) and source in quote
