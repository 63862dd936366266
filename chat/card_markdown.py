"""The answer card as Markdown, for chat clients (OpenAI-compatible API, MCP): the cited clauses with their
citations, verbatim quotes and facts; verified LLM prose only; refusals with the closest clauses."""
from __future__ import annotations

import re
from typing import Any

HEAD = {
    "zh": {"facts": "要点", "sources": "出处", "prose": "概述（已核对所引条款）", "related": "可能相关的条款"},
    "en": {"facts": "Facts", "sources": "Sources", "prose": "Summary (checked against the cited clauses)",
           "related": "Possibly related clauses"},
}


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines() if line.strip())


def _source(c: dict[str, Any], lang: str) -> str:
    title = c.get("title_en") if lang == "en" and c.get("title_en") else c.get("title")
    return f"[{c['n']}] {c['citation']} — {title} (`{c['id']}`)"


def card_markdown(card: dict[str, Any]) -> str:
    """Markdown for an answer card dict (the `/ask` JSON)."""
    lang = card.get("language") if card.get("language") in HEAD else "zh"
    h = HEAD[lang]
    if not card.get("answered"):
        first = card.get("answer", "").splitlines()[:1]
        out = list(first)
        related = card.get("related") or []
        if related:
            out += ["", f"**{h['related']}:**" if lang == "en" else f"**{h['related']}：**"]
            out += [f"- {_source(c, lang)}" for c in related]
        return "\n".join(out).strip()
    out: list[str] = []
    prose = (card.get("llm") or {}).get("prose")
    if prose:
        out += [f"*{h['prose']}*", "", prose.strip(), ""]
    for line in card.get("answer", "").splitlines():
        out += _answer_line(line.strip())
    out += ["", f"**{h['sources']}:**" if lang == "en" else f"**{h['sources']}：**"]
    out += [f"- {_source(c, lang)}" for c in card.get("citations", [])]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _answer_line(line: str) -> list[str]:
    """One line of the card's plain-text answer as Markdown: `[n] According to …` bold, the verbatim quote as a
    block quote, `Facts: a; b` / `要点：a；b` as a list."""
    if not line:
        return []
    if line.startswith("「") and line.endswith("」"):
        return [_quote(line[1:-1]), ""]
    for prefix, sep in (("Facts: ", "; "), ("要点：", "；")):
        if line.startswith(prefix):
            return [f"- {f}" for f in line[len(prefix):].split(sep) if f] + [""]
    if line.startswith("["):
        return ["", f"**{line}**", ""]
    return [line]
