"""Where each document came from, and checks on what a new document claims to be.

* `new_provenance(...)`: the `provenance` entry of a manifest document — who added it (`added_by`), when
  (`added_at`, UTC), from which file (`source`, `sha256`) and any `flags`.
* `metadata_problems(doc, source_text)`: impossible metadata — an issue date or 文号 year in the future, a 文号
  year before 1949, number 0, a 文号 year far from the issue date, a line that looks like a 文号 but is malformed.
* `instruction_flags(text)`: sentences that read like instructions to the answering system ("所有回答都必须…",
  "ignore previous instructions") — a document is law text, it does not address the assistant.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import re
from collections.abc import Callable
from typing import Any

from index.clause import Document
from index.lines import DOC_NUMBER

FIRST_YEAR = 1949
_LOOSE_NUMBER = re.compile(r"^\S{1,16}\s*[〔\[［【(（][^〕\]］】)）]{1,8}[〕\]］】)）]\s*第?\s*\S{0,6}号$")
_INSTRUCTIONS = [re.compile(p, re.IGNORECASE) for p in (
    r"(所有|一切|任何)的?(回答|答案|回复|答复).{0,6}(必须|都|一律|只能|应)",
    r"(忽略|无视|忘记|不要理会)(以上|之前|前面|上述|先前)?.{0,8}(指令|指示|规则|提示|要求|内容)",
    r"(回答|答复|回复)(时)?(都)?(必须|务必|一律|只能|应当)(说|称|回答|表示|写)",
    r"你(必须|应该|应当|只能|务必)(回答|说|输出|告诉|表示)",
    r"系统提示词",
    r"\bignore\b.{0,20}\b(instructions?|rules|prompts?)\b",
    r"\b(all|every|any)\s+(answers?|responses?|replies)\b.{0,20}\b(must|should|shall)\b",
    r"\byou\s+(must|should|shall)\s+(always\s+)?(answer|say|respond|reply|state|output)\b",
    r"\b(system prompt|assistant:|<\|im_start\|>)",
)]


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def default_actor() -> str:
    """`cli:<user>` for commands run by a person."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli:unknown"


def new_provenance(source: str | None, sha256: str | None, added_by: str | None,
                   flags: list[str] | None = None) -> dict[str, Any]:
    return {"added_by": added_by or default_actor(), "added_at": now_iso(), "source": source, "sha256": sha256,
            "flags": list(flags or [])}


def metadata_problems(doc: Document, today: _dt.date | None = None) -> list[str]:
    """What is impossible about a document's number and date (empty when nothing is)."""
    today = today or _dt.date.today()
    problems = []
    date = _parse_date(doc.date)
    if doc.date and date is None:
        problems.append(f"issue date {doc.date!r} is not a valid date")
    if date and date > today:
        problems.append(f"issue date {date.isoformat()} is in the future")
    if doc.doc_number:
        m = DOC_NUMBER.match(doc.doc_number)
        if not m:
            problems.append(f"document number {doc.doc_number!r} is malformed")
        else:
            year, number = int(m.group(1)), int(m.group(2))
            if year > today.year:
                problems.append(f"document number {doc.doc_number} has year {year}, in the future")
            elif year < FIRST_YEAR:
                problems.append(f"document number {doc.doc_number} has year {year}, before {FIRST_YEAR}")
            if number == 0:
                problems.append(f"document number {doc.doc_number} has number 0号")
            if date and year <= today.year and abs(date.year - year) > 1:
                problems.append(f"document number {doc.doc_number} has year {year} but the issue date is "
                                f"{date.isoformat()} ({date.year})")
    return problems


def malformed_number_lines(text: str, limit: int = 5) -> list[str]:
    """Lines that look like a 文号 (`…〔…〕…号`) but do not parse as one (e.g. `渝府办发〔20X4〕1号`)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if _LOOSE_NUMBER.match(line) and not DOC_NUMBER.match(line):
            out.append(line)
            if len(out) >= limit:
                break
    return out


def instruction_flags(text: str) -> list[str]:
    """Sentences that read like instructions to an assistant (each cut to 80 characters)."""
    flags = []
    for sentence in re.split(r"(?<=[。！？!?\n])|(?<=\.)\s", text):
        if any(p.search(sentence) for p in _INSTRUCTIONS):
            flags.append("instruction-like text: " + sentence.strip()[:80])
    return list(dict.fromkeys(flags))


def document_flags(doc: Document) -> list[str]:
    """Flags of a parsed document (instruction-like text in its title or clauses)."""
    text = "\n".join([doc.title, *(c.text for c in doc.clauses)])
    return instruction_flags(text)


def _parse_date(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


UNKNOWN_PROVENANCE: dict[str, Any] = {"added_by": "unknown (indexed before provenance was recorded)",
                                      "added_at": None, "source": None, "sha256": None, "flags": []}


def provenance_by_doc(documents: list[dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """doc_key → its provenance from the manifest's documents (`UNKNOWN_PROVENANCE` for old indexes)."""
    by_key = {d.get("doc_key"): d.get("provenance") for d in documents}

    def lookup(doc_key: str) -> dict[str, Any]:
        return by_key.get(doc_key) or dict(UNKNOWN_PROVENANCE)
    return lookup


def attach_provenance(entries: list[dict[str, Any]], doc_key_of: dict[str, Any],
                      documents: list[dict[str, Any]]) -> None:
    """Set `provenance` on citation dicts (keyed by clause `id`) from the manifest's documents."""
    by_key = {d.get("doc_key"): d.get("provenance") for d in documents}
    for entry in entries:
        clause = doc_key_of.get(entry.get("id", ""))
        key = getattr(clause, "doc_key", clause)
        entry["provenance"] = by_key.get(key) or dict(UNKNOWN_PROVENANCE)
