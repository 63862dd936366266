"""Issue metadata and the contents pages (Chinese and English) from the lines before the first document."""
from __future__ import annotations

import re
from datetime import datetime

from index.clause import GazetteIssue
from index.lines import Line
from index.repair import CJK

_ISSUE_NO = re.compile(r"第\s*(\d{1,3})\s*期(?:[（(]\s*总第\s*(\d{1,5})\s*期\s*[）)])?")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_EN_DATE = re.compile(r"Published on ([A-Z][a-z]+ \d{1,2}, \d{4})")
_EN_ISSUE = re.compile(r"No\.?\s*(\d{1,3}),\s*(\d{4})\s*\(Issue\s*(\d{1,5})\)")
_PAGE = re.compile(r"\s*[（(]\s*\d{1,4}\s*[）)]\s*$")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _title_case(s: str) -> str:
    small = {"of", "and", "the", "for", "on", "in", "to", "by"}
    words = s.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)).replace("'S", "'s")


def parse_masthead(lines: list[Line], issue: GazetteIssue) -> tuple[list[str], list[str]]:
    """Fill issue metadata from masthead lines; return contents entries (Chinese, English), in order."""
    zh_entries: list[str] = []
    en_entries: list[str] = []
    pending = ""
    for line in lines:
        text = line.text
        if re.search(rf"[{CJK}]", text) and not _PAGE.search(text) and len(text) > 20:
            pending += text                  # a contents entry broken over two lines
            continue
        if pending:
            text, pending = pending + text, ""
        if issue.name is None and "公报" in text and len(text) <= 30:
            issue.name = text
        if _YEAR.match(text) and issue.year is None:
            issue.year = int(text)
        if (m := _ISSUE_NO.search(text)) and issue.issue_no is None:
            issue.issue_no = int(m.group(1))
            issue.cumulative_no = int(m.group(2)) if m.group(2) else None
        if text.upper().startswith("GAZETTE OF"):
            issue.name_en = _title_case(text)
        if m := _EN_DATE.search(text):
            try:
                issue.date = datetime.strptime(m.group(1), "%B %d, %Y").date().isoformat()
            except ValueError:
                pass
        if m := _EN_ISSUE.search(text):
            issue.issue_no = issue.issue_no or int(m.group(1))
            issue.year = issue.year or int(m.group(2))
            issue.cumulative_no = issue.cumulative_no or int(m.group(3))
        if text.startswith("Published by "):
            issue.publisher_en = text[len("Published by "):].strip()
        if issue.date is None and (m := _CN_DATE.search(text)) and "出版" in text:
            issue.date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if _PAGE.search(text):
            entry = _PAGE.sub("", text).strip()
            if re.search(rf"[{CJK}]", entry):
                zh_entries.append(entry)
            elif len(entry) > 20:
                en_entries.append(entry)
    return zh_entries, en_entries


def _key(s: str) -> str:
    return "".join(re.findall(rf"[{CJK}0-9]", s))


def english_title(title: str, zh_entries: list[str], en_entries: list[str]) -> str | None:
    """The English contents entry that stands at the same place as the document's Chinese entry."""
    if len(zh_entries) != len(en_entries):
        return None
    key = _key(title)
    for zh, en in zip(zh_entries, en_entries):
        if _key(zh) == key:
            return en
    return None
