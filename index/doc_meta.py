"""Document metadata from the text itself: type, issuer, and adoption/approval/amendment dates (the 题注).

A regulation's 题注 reads e.g. `2003年9月26日 重庆市第二届人民代表大会常务委员会第五次会议通过 … 2011年11月25日
…第二次修正`: every date is followed by the body that acted and what it did (通过 / 批准 / 修正 / 修订 / 修改).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Document types (also the values of the type filter).
DOC_TYPES = ("gazette_notice", "local_regulation", "other")

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ACTIONS = (("修正", "amended"), ("修订", "amended"), ("修改", "amended"), ("批准", "approved"),
            ("通过", "adopted"), ("公布", "promulgated"), ("施行", "effective"))
_BODY = re.compile(r"^\s*经?\s*(.+?(?:人民代表大会常务委员会|人民代表大会|人民政府|委员会))")
_SESSION = re.compile(r"第[一二三四五六七八九十]+届")
_NOTE_LINE = re.compile(r"^[（(]?\s*(根据\s*)?\d{4}年\d{1,2}月\d{1,2}日.{0,200}(通过|批准|修正|修订|修改|公布|施行)")
_REGULATION_END = re.compile(r"(条例|规定|办法|规则|细则|决定)(\s*[（(][^）)]{1,20}[）)])?$")


@dataclass
class Enactment:
    """What the 题注 says: who adopted the document, when, and later approvals/amendments."""

    adopted: str | None = None
    issuer: str | None = None
    approved: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)   # {date, action, body}

    @property
    def version_date(self) -> str | None:
        """Date of the text in force: the last amendment, else the adoption."""
        dates = [d for d in (*self.amended, self.adopted) if d]
        return max(dates) if dates else None


def is_note_line(text: str) -> bool:
    """A 题注 line: a date, an acting body and 通过/批准/修正…, optionally in brackets or after 根据."""
    return bool(_NOTE_LINE.match(text)) and not text.startswith("第")


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _issuer(body: str) -> str | None:
    m = _BODY.match(body)
    if not m:
        return None
    name = _SESSION.sub("", m.group(1)).strip()
    return name or None


def parse_enactment(note: str) -> Enactment:
    """Parse the 题注 text (one or more lines) into dates and the adopting body."""
    out = Enactment()
    matches = list(_DATE.finditer(note))
    for i, m in enumerate(matches):
        segment = note[m.end(): matches[i + 1].start() if i + 1 < len(matches) else len(note)]
        action = next((name for word, name in _ACTIONS if word in segment), None)
        if action is None:
            continue
        date = _iso(m)
        body = _issuer(segment) or ""
        if body == "县人民代表大会" and out.issuer and out.issuer.endswith("县人民代表大会"):
            body = out.issuer                      # 县第十六届人民代表大会…修改 (the county named before)
        out.events.append({"date": date, "action": action, "body": body})
        if action == "adopted" and out.adopted is None:
            out.adopted, out.issuer = date, body or None
        elif action == "approved":
            out.approved.append(date)
        elif action == "amended":
            out.amended.append(date)
    if out.issuer is None and out.events:
        out.issuer = next((e["body"] for e in out.events if e["body"]), None)   # only 修订 given
    return out


def classify(title: str, doc_number: str | None, enactment: Enactment | None) -> str:
    """gazette_notice (a numbered government document), local_regulation (adopted by a people's congress),
    or other."""
    if doc_number:
        return "gazette_notice"
    by_congress = bool(enactment and enactment.issuer and "人民代表大会" in enactment.issuer)
    if by_congress and _REGULATION_END.search(title):
        return "local_regulation"
    return "other"
