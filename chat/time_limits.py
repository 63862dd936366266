"""Time limits in Chinese clause text (七个工作日内, 三十日内, 六个月以内, 不超过15日) read into English.

A regulation answers "how long" with a period counted from an event, not a calendar date: these are not
deadlines (`Clause.deadline`), and an English answer must not say "no deadline" when the clause sets one.
Each limit keeps its verbatim Chinese text, so the answer can show both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.facts import cn_numeral_value

_NUM = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+"
_LIMIT = re.compile(
    rf"(?P<pre>不超过|不得超过|最长不超过|最长|提前)?(?P<n>{_NUM})\s*(?P<ge>个)?\s*"
    r"(?P<u>工作日|自然日|日|天|小时|个月|月|年|周)"
    r"(?P<post>内|以内|之内|前|以前)?")
_UNITS_EN = {"工作日": "working day", "自然日": "calendar day", "日": "day", "天": "day", "小时": "hour",
             "个月": "month", "月": "month", "年": "year", "周": "week"}


@dataclass(frozen=True)
class TimeLimit:
    """One time limit: verbatim text, its value and unit, and the English reading ("within 7 working days")."""

    text: str
    value: float
    unit: str
    en: str


def _value(num: str) -> float | None:
    try:
        return float(num)
    except ValueError:
        return cn_numeral_value(num)


def time_limits(text: str) -> list[TimeLimit]:
    """Periods the text sets as limits: a number of days, months (个月) or years followed by 内 / 以内 / 之内 / 前,
    or preceded by 不超过 / 最长 / 提前 (a notice period: 提前九十日 → "90 days in advance"). A bare period (`满一年`),
    a calendar year (2027年前), a month of the year (6月前) and a day of the month (每月15日前) are no limits."""
    out: list[TimeLimit] = []
    for m in _LIMIT.finditer(text):
        if not (m.group("pre") or m.group("post")):
            continue
        unit = ("个月" if m.group("ge") else "月") if m.group("u") in ("月", "个月") else m.group("u")
        if unit == "月" and not m.group("pre"):
            continue                                         # 6月前 / 3月内: a month of the year, not a period
        if unit in ("日", "天") and text[max(0, m.start() - 1):m.start()] == "月":
            continue                                         # 每月15日前: a day of the month
        value = _value(m.group("n"))
        if value is None or value <= 0 or (unit == "年" and value >= 1900):
            continue
        shown = f"{value:g}"
        name = _UNITS_EN[unit] + ("" if value == 1 else "s")
        if m.group("pre") == "提前":
            en = f"{shown} {name} in advance"                # 提前九十日报告: report 90 days in advance
        elif m.group("post") in ("前", "以前"):
            en = f"{shown} {name} before"
        elif m.group("pre"):
            en = f"no more than {shown} {name}"
        else:
            en = f"within {shown} {name}"
        out.append(TimeLimit(m.group(0), value, unit, en))
    return out
