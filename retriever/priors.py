"""Document priors for a many-document index: which documents a question's form favours or disfavours.

* Plan intent: a question about what is planned or being done ("会成立…吗", "what is being done about…", "by 2025")
  favours action plans (gazette notices issuing a 方案 / 计划 / 规划), whose short tasks otherwise lose to longer
  regulation articles on the same subject.
* Policy documents: a question without the vocabulary of rules — obligations, prohibitions, penalties, licences,
  applications, registrations, complaints, time limits (应当, 罚款, "must", "fine", "how many working days") — asks
  about policy rather than law, and favours the gazette notices a little.
* Local scope: a regulation of one autonomous county (彭水…自治县城乡建设管理条例) binds that county only; unless the
  question names the county it ranks below the municipal documents.

Priors move candidates in the ranking only (`Searcher._fused`); each hit keeps its fused score.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from index.clause import Clause

#: Ordering bonus of plan documents for a plan question, and penalty of an unnamed county's documents, as shares of
#: the best candidate's ordering score.
PLAN_WEIGHT = 0.3
POLICY_WEIGHT = 0.2
LOCAL_WEIGHT = 0.2

_PLAN_ZH = re.compile(r"会.{0,24}吗|将要|将会|计划|打算|举措|行动|方案|任务|目标|推进|打造|20\d\d年|专栏")
_PLAN_EN = re.compile(r"being done|\bplans?\b|\bplanned\b|\bgoing to\b|\btargets?\b|\binitiatives?\b|"
                      r"\bby 20\d\d\b|\baction plans?\b|^will\b|\b(?:what|who|when|how|which)\b.{0,30}\bwill\b", re.I)
_RULES_ZH = re.compile(r"罚|处罚|违反|应当|不得|必须|条例|法律责任|许可|登记|投诉|申请|"
                       r"(多少|几)(个)?(工作)?(日|天)|多长时间|多久")
_RULES_EN = re.compile(r"\bfine|penalt|\bmust\b|\bshall\b|illegal|violat|regulation|\blaw\b|licen[cs]e|\bpermit|"
                       r"regist(er|ration)|complain|appl(y|ication)|how long|how many (working )?days|within how many|"
                       r"allowed|may not|prohibit|forbid", re.I)
_PLAN_TITLE = re.compile(r"方案|计划|规划|纲要|行动")
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2})[\u4e00-\u9fff]*?族[\u4e00-\u9fff]*?自治县")
_COUNTY_EN = re.compile(r"\bof ([A-Z][a-z]+) [A-Za-z ]*?Autonomous County\b")


def asks_plan(query: str, lang: str) -> bool:
    """True when the question asks what is planned, targeted or being done."""
    return bool((_PLAN_ZH if lang == "zh" else _PLAN_EN).search(query))


def asks_rules(query: str, lang: str) -> bool:
    """True when the question uses the vocabulary of rules (obligations, penalties, licences, time limits)."""
    return bool((_RULES_ZH if lang == "zh" else _RULES_EN).search(query))


def is_plan(clause: Clause) -> bool:
    """A clause of an action plan: a gazette notice issuing a 方案 / 计划 / 规划."""
    return clause.doc_type == "gazette_notice" and bool(_PLAN_TITLE.search(clause.doc_title))


def county_names(clause: Clause) -> tuple[str, ...]:
    """The county a document is local to, in Chinese and (from its English title) English; () when municipal."""
    m = _COUNTY.match(clause.doc_title)
    if not m:
        return ()
    en = _COUNTY_EN.search(clause.doc_title_en or "")
    return (m.group(1), en.group(1)) if en else (m.group(1),)


def names_place(query: str, names: Iterable[str]) -> bool:
    q = query.lower()
    return any(n.lower() in q for n in names)


@dataclass(frozen=True)
class DocTraits:
    """What the priors need of one document."""

    plan: bool
    county: tuple[str, ...]
    gazette: bool = False


def doc_traits(clauses: Iterable[Clause]) -> dict[str, DocTraits]:
    """Traits per document key (computed once per index)."""
    out: dict[str, DocTraits] = {}
    for c in clauses:
        if c.doc_key not in out:
            out[c.doc_key] = DocTraits(is_plan(c), county_names(c), c.doc_type == "gazette_notice")
    return out


def doc_priors(query: str, lang: str, traits: Mapping[str, DocTraits]) -> dict[str, float]:
    """Ordering adjustment per document key (share of the best score): + for plans when the question asks about
    plans, + for gazette notices when it does not ask about rules (the two add up), − for county-local documents
    whose county the question does not name; other documents are left out."""
    plan = asks_plan(query, lang)
    policy = not asks_rules(query, lang)
    out: dict[str, float] = {}
    for key, t in traits.items():
        w = (PLAN_WEIGHT if plan and t.plan else 0.0) + (POLICY_WEIGHT if policy and t.gazette else 0.0)
        if t.county and not names_place(query, t.county):
            w -= LOCAL_WEIGHT
        if w:
            out[key] = w
    return out
