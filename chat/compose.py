"""The deterministic answer card: quotes, citations and facts taken from the clauses themselves (no LLM)."""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from chat import english
from chat.citations import citation, doc_number_en, title, with_title
from chat.quotes import MAX_SENTENCES, quote_sentences, sentences
from chat.records import AnswerCard, Citation, FactView
from index.clause import Clause
from index.doc_notes import citation_extras
from index.facts import format_fact
from index.tokenize import tokenize_zh
from retriever.decision import Decision
from retriever.glossary import Glossary
from retriever.search import Hit
from retriever.xrefs import SANCTION, article_number, references

#: Second and later clauses are cited only when their fused score is this close to the best one.
CLOSE_SCORE = 0.9
MAX_CITED = 3

TEXT = {
    "zh": {
        "according": "根据{where}：",
        "amounts": "金额", "percents": "比例", "dates": "时间", "lead": "牵头单位", "co": "配合单位",
        "deadline": "完成时间",
        "refusal": "这些文件中没有找到能回答这个问题的条款。",
        "related": "可能相关的条款：",
        "none_related": "没有找到相关条款。",
        "partial": "这些文件中没有关于{missing}的规定；最接近的条款是{where}：",
        "partial_plain": "这些文件中没有能直接回答这个问题的规定；最接近的条款是{where}：",
        "partial_figure": "这些文件没有给出所问的{kind}；最接近的条款是{where}：",
        "partial_subject": "这些文件没有给出{subject}的{kind}；最接近的条款是{where}：",
        "partial_per": "这些文件没有给出{per}的{kind}；最接近的条款是{where}：",
        "partial_contrast": "这些文件只规定了{held}的情形，没有关于{asked}的规定；最接近的条款是{where}：",
        "stated": "该条款给出的是：{facts}",
    },
    "en": {
        "according": "According to {where}:",
        "amounts": "amount", "percents": "percentage", "dates": "date", "lead": "lead unit", "co": "co-operating units",
        "deadline": "deadline",
        "refusal": "These documents do not contain a clause that answers this question.",
        "related": "Possibly related clauses:",
        "none_related": "No related clauses were found.",
        "partial": "These documents set nothing on {missing}; the closest measure is {where}:",
        "partial_plain": "These documents do not answer this directly; the closest measure is {where}:",
        "partial_figure": "These documents do not state the {kind} asked for; the closest measure is {where}:",
        "partial_subject": "These documents do not state the {kind} of {subject}; the closest measure is {where}:",
        "partial_per": "These documents do not state the {kind} per {per} asked for; the closest measure is {where}:",
        "partial_contrast": "These documents set this only for {held}, not for {asked}; the closest measure is "
                            "{where}:",
        "stated": "What this clause does state: {facts}",
    },
}
#: Units a figure can be asked per (`Decision.per`), in English.
PER_EN = {"平方米": "square metre", "立方米": "cubic metre", "阶段": "stage", "人": "person", "件": "item",
          "户": "household", "家": "enterprise", "吨": "tonne", "亩": "mu", "辆": "vehicle", "台": "unit",
          "套": "set", "千瓦": "kilowatt"}
#: The figure kinds a partial answer says the documents do not state (`Decision.unstated`).
FIGURE_WORDS = {
    "zh": {"amount": "具体金额", "percent": "具体比例", "count": "具体数量", "number": "具体数字", "date": "具体期限"},
    "en": {"amount": "amount", "percent": "percentage", "count": "number", "number": "figure", "date": "time limit"},
}


def query_terms(query: str, lang: str, expansions: list[str] | None = None, translation: str | None = None) -> set[str]:
    """Chinese words that stand for the question (English questions: glossary terms and translation)."""
    terms: set[str] = set()
    if lang == "zh":
        terms |= {t for t in tokenize_zh(query) if len(t) > 1}
    for extra in (expansions or []) + ([translation] if translation else []):
        terms |= {t for t in tokenize_zh(extra) if len(t) > 1} | {extra}
    return terms


def best_sentences(clause: Clause, terms: set[str], query: str, limit: int = MAX_SENTENCES,
                   asks: list[str] | None = None) -> list[str]:
    """The sentences of a clause to quote for the question, verbatim, in reading order (`chat.quotes`)."""
    return quote_sentences(clause.text, terms, query, asks, limit)


def clause_facts(clause: Clause, lang: str, glossary: Glossary | None = None) -> list[FactView]:
    """The clause's facts in the answer's language (English: role, normalised figure and the Chinese source)."""
    t = TEXT[lang]
    en = lang == "en"
    if en and glossary is not None:
        views = english.figure_views(clause, english.glosser(glossary))
        out = [v for v in views if v.fact and v.fact.kind != "deadline"]
    else:
        out = [FactView(format_fact(f, lang) if en else f.text, "figure", f)
               for f in clause.facts if f.kind != "deadline"]
    units = glossary.translate_units(clause.lead_units) if (glossary and en) else clause.lead_units
    if units:
        out.append(FactView(f"{t['lead']}: {'; '.join(units)}" if en else f"{t['lead']}：{'、'.join(units)}", "lead"))
    co = glossary.translate_units(clause.co_units) if (glossary and en) else clause.co_units
    if co:
        out.append(FactView(f"{t['co']}: {'; '.join(co)}" if en else f"{t['co']}：{'、'.join(co)}", "co"))
    if clause.deadline:
        dl = next((f for f in clause.facts if f.kind == "deadline"), None)
        shown = format_fact(dl, lang) if (dl and en) else (dl.text if dl else clause.deadline)
        out.append(FactView(f"{t['deadline']}: {shown}" if en else f"{t['deadline']}：{shown}", "deadline", dl,
                            "deadline" if en else None))
    return out


def make_citation(clause: Clause, lang: str, quote: list[str], glossary: Glossary | None = None,
                  n: int = 1) -> Citation:
    """One cited clause: citation, titles, verbatim quote and full text, facts in the answer's language."""
    extras = citation_extras(clause, quote, lang, clause.citation, citation(clause, "en"))   # issue 13
    c = Citation(n=n, clause=clause, lang=lang, quote="".join(quote), citation=extras.pop("citation"),
                 citation_zh=extras.pop("citation_zh"), citation_en=extras.pop("citation_en"),
                 doc_number_en=doc_number_en(clause.doc_number), facts=clause_facts(clause, lang, glossary),
                 document=extras)
    if lang == "en" and glossary is not None:
        c.gloss_en = english.gloss_quote(quote, english.glosser(glossary))
    return c


def overlap(clause: Clause, terms: set[str]) -> int:
    """How much of the question's wording a clause contains (characters of matched terms)."""
    return sum(len(t) for t in terms if t in clause.text)


def select_cited(hits: list[Hit], terms: set[str]) -> list[Hit]:
    """The best hit, plus the next ones that score close to it and share as much of the question's wording."""
    if not hits:
        return []
    best, best_overlap = hits[0].score, overlap(hits[0].clause, terms)
    return [h for i, h in enumerate(hits[:MAX_CITED])
            if i == 0 or (h.score >= CLOSE_SCORE * best and overlap(h.clause, terms) >= max(1, best_overlap))]


def compose_answer(question: str, lang: str, hits: list[Hit], answerable: bool, glossary: Glossary | None = None,
                   expansions: list[str] | None = None, translation: str | None = None,
                   decision: Decision | None = None) -> AnswerCard:
    """The answer card: direct answer from the best sentences, citations with quotes and facts; or a refusal.

    With a `retriever.decision.Decision`, its verdict and its cited clauses (best first) decide; a `partial`
    verdict says what the documents lack and quotes the closest clause."""
    t = TEXT[lang]
    if decision is not None:
        answerable = decision.verdict == "answer"
        if decision.verdict == "partial" and decision.cited:
            return _partial(question, lang, decision, hits, glossary, expansions, translation)
    if not answerable:
        related = [make_citation(h.clause, lang, sentences(h.clause.text)[:1], glossary, n=i)
                   for i, h in enumerate(hits[:3], start=1)]
        lines = [t["refusal"]]
        if related:
            lines.append(t["related"])
            lines += [f"[{c.n}] {c.citation}" for c in related]
        return AnswerCard(question, lang, answered=False, answer="\n".join(lines), related=related)
    terms = query_terms(question, lang, expansions, translation)
    cited_hits = decision.cited if (decision is not None and decision.cited) else select_cited(hits, terms)
    asks = decision.asks if decision is not None else None
    if lang == "en" and glossary is not None:
        cited = [make_citation(h.clause, lang, best_sentences(h.clause, terms, question, asks=asks), glossary,
                               n=i)
                 for i, h in enumerate(cited_hits, start=1)]
        lines = english.answer_lines(question, cited, [h.clause for h in hits], glossary, terms)
        lines += duty_notes([h.clause for h in cited_hits], lang)
        return AnswerCard(question, lang, answered=True, answer="\n".join(lines), citations=cited)
    cited = []
    lines = []
    for i, hit in enumerate(cited_hits, start=1):
        quote = best_sentences(hit.clause, terms, question, asks=asks)
        c = make_citation(hit.clause, lang, quote, glossary, n=i)
        cited.append(c)
        # the document's dates with every citation
        where = with_title(c.citation, title(hit.clause, lang), lang, c.document.get("date_line"))
        lines.append(f"[{i}] " + t["according"].format(where=where))
        lines.append(f"「{c.quote}」")
        if c.document.get("age_note"):                  # the text in force is more than ten years old
            lines.append(c.document["age_note"])
        in_quote = [f.text for f in c.facts if f.role != "figure" or (f.source and f.source in c.quote)]
        if in_quote:
            sep = "; " if lang == "en" else "；"
            lines.append(("Facts: " if lang == "en" else "要点：") + sep.join(in_quote))
    lines += duty_notes([h.clause for h in cited_hits], lang)
    summary = reconcile([h.clause for h in cited_hits], lang, decision.asks if decision is not None else [], glossary)
    if summary:
        lines.insert(0, summary)
    return AnswerCard(question, lang, answered=True, answer="\n".join(lines), citations=cited)


def duty_notes(clauses: list[Clause], lang: str) -> list[str]:
    """For a cited penalty article and a cited article of the same document it refers to (第二十八条 违反本条例
    第十六条第二款规定的，…罚款): one line per pair saying that the later citation is the rule the earlier one
    enforces — the penalty states the amount, the duty what the behaviour is."""
    out = []
    for i, penalty in enumerate(clauses):
        if not SANCTION.search(penalty.text):
            continue
        refs = {r.article for r in references(penalty.text)}
        for j, duty in enumerate(clauses):
            n = article_number(duty)
            if j != i and n is not None and n in refs and duty.doc_key == penalty.doc_key:
                out.append(f"[{j + 1}] is the rule that [{i + 1}] enforces ({duty.label_en} of the same document)."
                           if lang == "en" else f"[{j + 1}]是[{i + 1}]所指的规定（同一文件{duty.label}）。")
    return out


def reconcile(clauses: list[Clause], lang: str, asks: list[str], glossary: Glossary | None = None) -> str:
    """One line that puts together what several cited clauses say about the lead unit or the deadline asked
    for, best clause first, each value with the citations it comes from (`牵头单位：A（[1][2]）；B（[3]）`)."""
    parts = []
    if "agency" in asks:
        show_unit = (lambda u: glossary.translate_units([u])[0]) if (glossary and lang == "en") else None
        parts.append(_joined(clauses, lambda c: c.lead_units, TEXT[lang]["lead"], lang, show_unit))
    if "date" in asks:
        parts.append(_joined(clauses, lambda c: [c.deadline] if c.deadline else [], TEXT[lang]["deadline"], lang,
                             _month_en if lang == "en" else _month_zh))
    return ("; " if lang == "en" else "；").join(p for p in parts if p)


def _joined(clauses: list[Clause], values: Callable[[Clause], list[str]], name: str, lang: str,
            show: Callable[[str], str] | None = None) -> str:
    where: dict[str, list[int]] = {}
    for n, c in enumerate(clauses, start=1):
        for v in values(c):
            where.setdefault(v, []).append(n)
    if not where:
        return ""
    refs = ["".join(f"[{n}]" for n in ns) for ns in where.values()]
    shown = [show(v) if show else v for v in where]
    if lang == "en":
        return f"{name.capitalize()}: " + "; ".join(f"{v} {r}" for v, r in zip(shown, refs))
    return f"{name}：" + "；".join(f"{v}（{r}）" for v, r in zip(shown, refs))


def _month_zh(iso: str) -> str:
    y, _, m = iso.partition("-")
    return f"{y}年{int(m)}月" if m else f"{y}年"


def _month_en(iso: str) -> str:
    y, _, m = iso.partition("-")
    return f"{calendar.month_name[int(m)]} {y} ({_month_zh(iso)})" if m else y


def _partial(question: str, lang: str, decision: Decision, hits: list[Hit], glossary: Glossary | None,
             expansions: list[str] | None, translation: str | None) -> AnswerCard:
    """Not answered, but the closest clause is quoted, with what the question asked for that it lacks."""
    t = TEXT[lang]
    closest = decision.cited[0]
    terms = query_terms(question, lang, expansions, translation)
    c = make_citation(closest.clause, lang, best_sentences(closest.clause, terms, question, asks=decision.asks),
                      glossary, n=1)
    where = with_title(c.citation, title(closest.clause, lang), lang, c.document.get("date_line"))
    head = _partial_head(lang, decision, where, glossary)
    lines = [head, f"「{c.quote}」"]
    if lang == "en" and c.gloss_en:                       # an English reader gets the clause in English too
        lines.append(f"{english.GLOSS_LABEL}: {c.gloss_en}")
    stated = [f.text for f in c.facts if f.role == "figure"]
    if (decision.unstated or decision.contrast) and stated:     # what is there, beside what is not
        lines.append(t["stated"].format(facts=("; " if lang == "en" else "；").join(stated)))
    others = [h for h in hits if h.clause.id != closest.clause.id][:2]
    related = [c] + [make_citation(h.clause, lang, sentences(h.clause.text)[:1], glossary, n=i)
                     for i, h in enumerate(others, start=2)]
    return AnswerCard(question, lang, answered=False, answer="\n".join(lines), related=related)


def _partial_head(lang: str, decision: Decision, where: str, glossary: Glossary | None) -> str:
    """The partial answer's first line: what the documents lack (a figure of the subject asked about, a figure per
    unit, the qualifier asked about where they hold its contrast, a concept) and which clause is closest."""
    t = TEXT[lang]
    if decision.unstated:          # the measure is there, the figure asked for is not
        kind = ("、" if lang == "zh" else " or ").join(FIGURE_WORDS[lang].get(k, k) for k in decision.unstated)
        if decision.per:
            per = ("、" if lang == "zh" else " or ").join(
                f"每{u}" if lang == "zh" else f"{PER_EN.get(u, u)} ({u})" for u in decision.per)
            return t["partial_per"].format(kind=kind, per=per, where=where)
        if decision.subject:
            return t["partial_subject"].format(kind=kind, subject=_term(decision.subject, lang, glossary),
                                               where=where)
        return t["partial_figure"].format(kind=kind, where=where)
    if decision.contrast:
        asked = ("、" if lang == "zh" else ", ").join(_term(a, lang, glossary) for a, _ in decision.contrast)
        held = ("、" if lang == "zh" else ", ").join(_term(h, lang, glossary) for _, h in decision.contrast)
        return t["partial_contrast"].format(asked=asked, held=held, where=where)
    missing = decision.missing[:3]
    if missing:
        shown = "、".join(f"“{m}”" for m in missing) if lang == "zh" else ", ".join(f'"{m}"' for m in missing)
        return t["partial"].format(missing=shown, where=where)
    return t["partial_plain"].format(where=where)


def _term(zh: str, lang: str, glossary: Glossary | None) -> str:
    """A Chinese term quoted, with its English rendering for an English reader where the glossary has one."""
    if lang == "zh":
        return f"“{zh}”"
    year = re.fullmatch(r"(\d{4})年(度?)", zh)
    if year:                                    # 2024年度 → "the year 2024 (2024年度)"
        return f"the year {year.group(1)} ({zh})"
    entry = glossary.entry(zh) if glossary is not None else None       # a row's own term wins over aliases
    return f'"{entry.en}" ({zh})' if entry is not None else f'"{zh}"'
