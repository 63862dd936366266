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
    lang: str = card["language"] if card.get("language") in HEAD else "zh"
    h = HEAD[lang]
    if not card.get("answered"):
        lines: list[str] = card.get("answer", "").splitlines()[:1]
        related = card.get("related") or []
        if related:
            lines += ["", f"**{h['related']}:**" if lang == "en" else f"**{h['related']}：**"]
            lines += [f"- {_source(c, lang)}" for c in related]
        return "\n".join(lines).strip()
    out: list[str] = []
    prose = (card.get("llm") or {}).get("prose")
    if prose:
        out += [f"*{h['prose']}*", "", prose.strip(), ""]
    answer = card.get("answer", "")
    heads = {line.split("]", 1)[0] + "]": line for line in answer.splitlines() if line.startswith("[")}
    for c in card.get("citations", []):
        tag = f"[{c['n']}]"
        out += ["", "**" + heads.get(tag, f"{tag} {c['citation']}") + "**", "",
                _quote(c.get("quote") or c.get("text", "")), ""]
        out += [f"- {f}" for f in c.get("facts", []) if f in answer]   # the facts the card shows for this quote
    out += ["", f"**{h['sources']}:**" if lang == "en" else f"**{h['sources']}：**"]
    out += [f"- {_source(c, lang)}" for c in card.get("citations", [])]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
