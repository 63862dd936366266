"""English titles of regulations, from a few title patterns and a term table (`index/data/title_terms.tsv`).

`重庆市优化营商环境条例` → "Regulations of Chongqing Municipality on Optimizing the Business Environment";
`彭水苗族土家族自治县旅游条例` → "Regulations of Pengshui Miao and Tujia Autonomous County on Tourism";
`重庆市实施《中华人民共和国水土保持法》办法` → "Measures of Chongqing Municipality for Implementing the Law of
the People's Republic of China on Water and Soil Conservation"-style titles; `…管理条例` → "…on the
Administration of …". A title whose topic the table does not know gets no English title (None), never a guess.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

TERMS = Path(__file__).resolve().parent / "data" / "title_terms.tsv"
#: Chinese document type at the end of a title → English head noun.
_KINDS = (("若干规定", "Several Provisions"), ("实施办法", "Implementing Measures"), ("实施细则", "Implementing Rules"),
          ("条例", "Regulations"), ("规定", "Provisions"), ("办法", "Measures"), ("细则", "Detailed Rules"),
          ("规则", "Rules"))
_COUNTY = re.compile(r"^(.{2,4}?)((?:[\u4e00-\u9fff]{1,3}族){1,3})自治县")
_IMPLEMENT = re.compile(r"^实施《(中华人民共和国)?(.+?)》$")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    with open(TERMS, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            table.setdefault(row["kind"], {})[row["zh"]] = row["en"]
    return table


def _county(name: str, ethnic: str) -> str | None:
    """`彭水` + `苗族土家族` → "Pengshui Miao and Tujia Autonomous County" (pinyin for the place name)."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:                                    # pragma: no cover - pypinyin is a dependency
        return None
    groups = _table().get("ethnic", {})
    names = [groups.get(g + "族") for g in re.findall(r"(.+?)族", ethnic)]
    if not all(names):
        return None
    place = "".join(lazy_pinyin(name)).capitalize()
    return f"{place} {' and '.join(n for n in names if n)} Autonomous County"


def _place(title: str) -> tuple[str | None, str]:
    """(English place, rest of the title)."""
    for zh, en in sorted(_table().get("place", {}).items(), key=lambda kv: -len(kv[0])):
        if title.startswith(zh):
            return en, title[len(zh):]
    if m := _COUNTY.match(title):
        return _county(m.group(1), m.group(2)), title[m.end():]
    return None, title


def _topic(zh: str) -> str | None:
    """The English of a title's topic, with 管理/保护/促进… turned into "the Administration of …"."""
    topics = _table().get("topic", {})
    if zh in topics:
        return topics[zh]
    for mod, pattern in sorted(_table().get("modifier", {}).items(), key=lambda kv: -len(kv[0])):
        if zh.endswith(mod) and zh[: -len(mod)] in topics:
            return pattern.format(topics[zh[: -len(mod)]])
    return None


def english_title(title: str) -> str | None:
    """English title of a regulation-style title, or None when a part of it is not in the term table."""
    title = re.sub(r"\s+", "", title)
    if title in (full := _table().get("title", {})):
        return full[title]
    place, rest = _place(title)
    if place is None:
        return None
    kind = next(((zh, en) for zh, en in _KINDS if rest.endswith(zh)), None)
    if kind is None:
        return None
    core = rest[: -len(kind[0])]
    if m := _IMPLEMENT.match(core):
        law = _table().get("law", {}).get(m.group(2))
        if law is None:
            return None
        if m.group(1):                     # 《中华人民共和国…法》
            prc = "of the People's Republic of China"
            law = (f"the Law {prc} on {law[len('the Law on '):]}" if law.startswith("the Law on ")
                   else f"{law} {prc}")
        return f"{kind[1]} of {place} for Implementing {law}"
    topic = _topic(core)
    return f"{kind[1]} of {place} on {topic}" if topic else None


def topic_terms() -> list[tuple[str, str]]:
    """(English topic, Chinese topic) pairs of the term table, e.g. ("unemployment insurance", "失业保险"), for
    expanding English questions with the Chinese words of regulation titles."""
    out = []
    for zh, en in _table().get("topic", {}).items():
        en = re.sub(r"^the ", "", en.lower())
        out.append((en, zh))
    return out

