"""English an English reader can act on, composed from the clauses (no LLM): roles of figures, glosses, direct answers.

* `Glosser.gloss(zh)` — word-by-word English of a Chinese phrase: glossary terms and agencies first (longest
  match), then a short curated list of function words and single characters, then CC-CEDICT words of two or
  more characters. A word with no entry stays in Chinese in brackets (`[沙龙]`), never guessed.
* `role_en(fact)` — the English role of a figure from `Fact.role_parts` ("premium subsidy per product per year").
* `fact_line_en(fact)` — "role: figure (source)".
* `gloss_sentence(sentence)` — a labelled gloss of a quoted sentence, figures and dates in English.
* `direct_answer_en(...)` — the one-line answer first ("Yes: …", "Lead unit: …", "This clause sets no deadline; …").
* `cjk_share(text, originals)` — share of CJK characters outside marked original text (an eval measure).
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from chat.citations import citation, with_title
from chat.records import Citation, FactView
from chat.time_limits import time_limits
from index.clause import Clause, Fact
from index.facts import extract_facts, format_date_en, format_fact
from index.labels import cn_to_int
from index.roles import assign_roles
from retriever.dictionary import ATTRIBUTION, Dictionary, default_dictionary
from retriever.glossary import Entry, Glossary, stems

GLOSS_LABEL = "Gloss (word by word, not a translation)"
GLOSS_NOTE = f"Chinese original is the authority. {ATTRIBUTION}."

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PUNCT = str.maketrans({"，": ", ", "、": ", ", "；": "; ", "：": ": ", "。": ". ", "（": " (", "）": ") ",
                        "“": " “", "”": "” ", "《": '"', "》": '"', "！": "! ", "？": "? ", "—": "–"})

#: Function words and single characters, curated here (a single character's dictionary sense is too often wrong).
WORDS: dict[str, str] = {
    "的": "", "地": "", "之": "", "了": "", "将": "", "把": "", "等": "etc.", "和": "and", "及": "and", "与": "and",
    "或": "or", "并": "and", "且": "and", "以及": "and", "或者": "or", "对": "for", "在": "in", "为": "as",
    "由": "by", "向": "to", "从": "from", "以": "by", "按": "according to", "按照": "according to", "于": "at",
    "至": "to", "到": "to", "已": "already", "未": "not yet", "不": "not", "可": "may", "应": "shall",
    "须": "must", "其": "its", "该": "the", "本": "this", "各": "each", "每": "per", "新": "new", "年": "year",
    "月": "month", "日": "day", "个": "", "名": "", "项": "item", "家": "", "户": "household", "元": "yuan",
    "人": "person", "省": "province", "市": "city", "区": "district", "县": "county", "镇": "town", "村": "village",
    "首": "first", "全": "whole", "总": "total", "大": "major", "高": "high", "低": "low", "多": "many",
    "是": "is", "有": "have", "被": "be", "给": "give", "给予": "give", "开展": "carry out", "推进": "advance",
    "推动": "promote", "支持": "support", "鼓励": "encourage", "加快": "speed up", "加强": "strengthen",
    "强化": "strengthen", "深化": "deepen", "完善": "improve", "健全": "improve", "优化": "optimise",
    "建立": "set up", "建设": "build", "打造": "build", "实施": "implement", "实现": "achieve", "达到": "reach",
    "保持": "keep", "力争": "strive for", "持续": "continuously", "全面": "fully", "率先": "first",
    "一批": "a batch of", "满足": "meet", "符合": "meet", "条件": "conditions", "视情况": "as appropriate",
    "引进": "bring in", "配套": "matching", "集聚": "cluster", "招收": "recruit", "实际": "actual",
    "单个": "single", "同一": "the same", "累计": "cumulative total", "上限": "cap", "计算": "calculated",
    "主导": "led by", "立项": "approved as a project", "拟": "planned", "分别": "respectively", "国家": "national",
    "率": "rate", "比例": "share", "占比": "share", "达": "reach", "超过": "more than", "不超过": "up to",
    "最高": "up to", "以上": "or more", "以下": "or less", "以内": "or less", "左右": "about", "约": "about",
    "项目": "projects", "产品": "product", "企业": "enterprise", "集群": "cluster", "市级": "municipal",
    "已发布": "published", "类": "", "进行": "", "一": "one", "二": "two", "两": "two", "三": "three",
    "四": "four", "五": "five", "六": "six", "七": "seven", "八": "eight", "九": "nine", "十": "ten",
    "分": "in", "阶段": "stages", "方式": "means", "主体": "entities", "纳入": "bring into", "范围": "scope",
    "新建": "newly built", "城镇": "urban", "占": "as a share of", "更": "more", "渝": "Chongqing",
    "来": "come to", "赴": "go to", "有关": "relevant", "参照": "with reference to", "跟踪": "track",
    "落地": "take effect", "建成": "complete", "投用": "put into use", "投产": "put into production",
    "就业": "employment", "提质扩面": "improve quality and widen coverage", "通办": "joint handling",
    "归集": "collect", "站址": "sites", "入驻": "moving in", "新入住": "newly moving in", "入住": "moving in",
    "联处": "joint handling", "性": "", "万": "ten thousand", "亿": "hundred million",
    "自": "from", "起": "onwards", "施行": "come into force", "后": "after", "送": "send", "原": "former",
    "经办": "handling", "接电": "power connection",
}
#: Per-unit verbs: `每招收1名全职博士后` → "per full-time postdoctoral researcher recruited".
PER_VERBS = {"招收": "recruited", "引进": "brought in", "新增": "added", "认定": "recognised", "培养": "trained",
             "吸纳": "taken on", "招用": "hired", "录用": "hired", "建成": "built", "购买": "purchased",
             "投资": "invested", "获批": "approved", "认证": "certified", "培育": "fostered", "落户": "settled"}
PERIODS = {"year": "per year", "month": "per month", "quarter": "per quarter", "day": "per day"}
CHANGES = {"降低": "lowered to", "下调": "lowered to", "提高": "raised to", "上调": "raised to", "减免": "reduced by"}
CONDS = {"符合条件的": "if eligible", "满足条件的": "if the conditions are met"}


UNITS = {"千瓦": "kW", "万千瓦": "kW", "瓦": "W", "人次": "person-times", "人": "people", "项": "items",
         "个": "", "家": "enterprises", "户": "households", "台": "units", "套": "sets", "名": "people",
         "公里": "km", "千米": "km", "平方米": "square metres", "亩": "mu", "吨": "tonnes", "次": "times",
         "件": "cases", "条": "items", "座": "", "所": "", "千伏": "kV"}
UNITS["名"] = ""      # a classifier (`1名全职博士后`: one full-time postdoc), not "people"
_SP = "\ue000"   # a space that survives whitespace removal in `Glosser.tokens`
_QUANTITY = re.compile(r"(?<![\d.])(?P<n>\d+(?:\.\d+)?)\s*(?P<m>万|亿)?"
                       r"(?P<u>千瓦|千伏|人次|平方米|公里|千米|瓦|人|项|个|家|户|台|套|名|"
                       r"亩|吨|次|件|条|座|所)")


def quantity_en(m: re.Match[str]) -> str:
    """`50万千瓦` → "500,000 kW", `350项` → "350 items", `60万人` → "600,000 people"."""
    value = float(m.group("n")) * {"万": 1e4, "亿": 1e8}.get(m.group("m") or "", 1.0)
    shown = f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    unit = UNITS.get(m.group("u"), "")
    return f"{_SP}{shown}{_SP}{unit}{_SP}".replace(_SP * 2, _SP)


QUANTITY = QUANTITY_RE = _QUANTITY


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba, quiet (setting its log level clears every logger's cache: once, not at every gloss); None without it."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - declared dependency
        return None
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _boundaries(text: str) -> set[int]:
    """Word ends by jieba (so `建设和服务` is not read as `和服` "kimono"); every position when jieba is missing."""
    jieba = _jieba()
    if jieba is None:  # pragma: no cover - declared dependency
        return set(range(len(text) + 1))
    ends, pos = set(), 0
    for tok in jieba.cut(text, HMM=False):
        pos += len(tok)
        ends.add(pos)
    return ends


def _narrower_alias(matched: str, entry: Entry) -> bool:
    """A term's Chinese alias that is part of the term itself (涉外 of 涉外商事纠纷, 婚生子女 of 非婚生子女) helps
    retrieval but is a broader or other word: the term's English would mistranslate it in a gloss."""
    return entry.kind == "term" and matched != entry.zh and matched in entry.zh


#: Glosses a `Glosser` remembers (phrases and quoted sentences; least recently used dropped first).
GLOSS_CACHE = 8192
_MEMO_LOCK = threading.Lock()


@dataclass
class Glosser:
    """Word-by-word English from the glossary, the curated words and CC-CEDICT; unknown words stay in brackets.

    A gloss depends only on the text (the glossary and the dictionary do not change once loaded), so phrases and
    sentences are remembered in a bounded LRU (`memo`): the clauses a question cites are cited again and again."""

    glossary: Glossary
    dictionary: Dictionary = field(default_factory=default_dictionary)
    memo: OrderedDict[tuple[str, str], str] = field(default_factory=OrderedDict, repr=False)
    size: int = GLOSS_CACHE
    hits: int = 0

    def remembered(self, kind: str, text: str, make: Callable[[str], str]) -> str:
        """`make(text)`, from the LRU when this (kind, text) was glossed before."""
        key = (kind, text)
        with _MEMO_LOCK:
            found = self.memo.get(key)
            if found is not None:
                self.memo.move_to_end(key)
                self.hits += 1
                return found
        made = make(text)
        with _MEMO_LOCK:
            self.memo[key] = made
            while len(self.memo) > self.size:
                self.memo.popitem(last=False)
        return made

    def tokens(self, zh: str) -> list[tuple[str, str | None]]:
        """(Chinese token, English or None) by longest match; non-CJK runs pass through as (text, text)."""
        text = re.sub(r"\s+", "", zh or "")
        out: list[tuple[str, str | None]] = []
        bounds = _boundaries(text)
        i = 0
        while i < len(text):
            if not _CJK.match(text[i]):
                j = i
                while j < len(text) and not _CJK.match(text[j]):
                    j += 1
                out.append((text[i:j], text[i:j].translate(_PUNCT)))
                i = j
                continue
            candidates: list[tuple[int, int, str]] = []   # (length, priority, English)
            hit = self.glossary.longest(text, i)
            if hit and not _narrower_alias(text[i:i + hit[0]], hit[1]):
                candidates.append((hit[0], 3, hit[1].en))
            for n in range(min(4, len(text) - i), 0, -1):
                if text[i:i + n] in WORDS:
                    candidates.append((n, 2, WORDS[text[i:i + n]]))
                    break
            d = self.dictionary.longest(text, i)
            if d:
                candidates.append((d[0], 1, d[1]))
            best: tuple[int, str | None] = (1, None)
            fitting = [c for c in candidates if i + c[0] in bounds] or candidates
            if fitting:
                n, _, en = max(fitting)
                best = (n, en)
            out.append((text[i:i + best[0]], best[1]))
            i += best[0]
        return out

    def gloss(self, zh: str) -> str:
        """English words of `zh`, in the Chinese order; runs of unknown characters as `[中文]` (remembered)."""
        return self.remembered("gloss", zh or "", self._gloss)

    def _gloss(self, zh: str) -> str:
        zh = _QUANTITY.sub(quantity_en, zh)
        words: list[str] = []
        unknown = ""
        for token, en in self.tokens(zh):
            if en is None:
                unknown += token
                continue
            if unknown:
                words.append(f"[{unknown}]")
                unknown = ""
            if en and (not words or words[-1] != en):
                words.append(en)
        if unknown:
            words.append(f"[{unknown}]")
        text = " ".join(words).replace(_SP, " ")
        text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
        text = re.sub(r"\(\s+", "(", text)
        text = re.sub(r"“\s+", "“", re.sub(r"\s+”", "”", text))
        return re.sub(r"\s{2,}", " ", text).strip(" ,;")


# ------------------------------------------------------------------------------------------------------------
# Roles

def quantity_facts(text: str) -> list[Fact]:
    """Counts and capacities (`50万千瓦`, `350项`, `60万人`) as `quantity` facts with roles (English `unit` in
    `date`'s place is not used: the unit is re-read from the text when shown)."""
    spans = []
    for m in QUANTITY_RE.finditer(text):
        if not UNITS.get(m.group("u")):
            continue
        value = float(m.group("n")) * {"万": 1e4, "亿": 1e8}.get(m.group("m") or "", 1.0)
        end = m.end()
        tail = re.match(r"以上|以下|左右", text[end:])
        qual = {"以上": "at_least", "以下": "up_to", "左右": "about"}.get(tail.group(0)) if tail else None
        fact = Fact("quantity", text[m.start():end + (len(tail.group(0)) if tail else 0)], value, value, value, qual)
        spans.append((m.start(), end, fact))
    assign_roles(text, text, spans)
    return [f for _, _, f in spans]


@lru_cache(maxsize=2048)
def _roles_of(text: str) -> tuple[tuple[str, str, str | None, tuple[tuple[str, str], ...]], ...]:
    return tuple((f.kind, f.text, f.role, tuple(sorted((f.role_parts or {}).items()))) for f in extract_facts(text))


def ensure_roles(clause: Clause) -> list[Fact]:
    """The clause's facts with roles derived from its text by the current rules (so an index built with older
    rules, or none, still gets them); facts are matched in order by kind and source text."""
    fresh = list(_roles_of(clause.text))
    for f in clause.facts:
        i = next((n for n, r in enumerate(fresh) if r[0] == f.kind and r[1] == f.text), None)
        if i is None:
            continue
        _, _, role, parts = fresh.pop(i)
        if f.kind in ("amount", "percent"):
            f.role, f.role_parts = role, dict(parts) or None
    return clause.facts


def _position(clause: Clause, f: Fact) -> int:
    i = clause.text.find(f.role) if f.role else -1
    j = clause.text.find(f.text, max(i, 0))
    return j if j >= 0 else clause.text.find(f.text)


def phrase_en(zh: str, g: Glosser) -> str:
    """A noun phrase in English order: `A占B比例` → "share of A in B", `A主导的B` → "B led by A", `A的B` → "B (A)"."""
    m = re.fullmatch(r"(?P<a>.+?)占(?P<b>.+?)的?(?:比例|比重)", zh)
    if m:
        return f"share of {g.gloss(m.group('a'))} in {g.gloss(m.group('b'))}"
    head_mod = zh.rsplit("的", 1)
    if len(head_mod) == 2 and head_mod[1] and len(head_mod[0]) >= 2:
        mod, head = head_mod
        mod = re.sub(r"^(?P<a>[^、，,]+?)主导", lambda x: f"led by {g.gloss(x.group('a'))} ", mod)
        return f"{g.gloss(head)} ({g.gloss(mod) if not mod.startswith('led by') else _mixed(mod, g)})"
    return g.gloss(zh)


def _mixed(text: str, g: Glosser) -> str:
    """Gloss the Chinese parts of a string that already holds some English."""
    return re.sub(r"[^\x00-\x7f]+", lambda m: " " + g.gloss(m.group(0)) + " ", text).replace("  ", " ").strip()


def _per_en(per: str, g: Glosser) -> str:
    """`每个` → "each"; `单个产品` → "per product"; `企业每招收1名全职博士后` → "per full-time … recruited"."""
    per = re.sub(r"^.*?(?=每|单个|同一|单户|单家|单项)", "", per)
    if per in ("每个", "每项", "每家", "每户"):
        return "each"
    if per in ("单户", "单家"):
        return f"per recipient ({per})"
    m = re.match(rf"^(?:每|单个|同一|单|每个|每名|每位|每家|每户)(?P<verb>{'|'.join(PER_VERBS)})?"
                 r"(?P<n>\d+|[一二两三四五六七八九十]+)?(?:名|个|家|户|项|位|台|套|人)?(?P<noun>.*)$", per)
    if not m or not m.group("noun"):
        return f"per {g.gloss(per)}"
    n = m.group("n")
    count = f"{n} " if n and n not in ("1", "一") else ""
    verb = f" {PER_VERBS[m.group('verb')]}" if m.group("verb") else ""
    return f"per {count}{g.gloss(m.group('noun'))}{verb}"


def _to_en(to: str, g: Glosser) -> str:
    m = re.match(r"^(?:每名|每个|每位|每家|每)(?P<noun>.+)$", to)
    if m:
        return f"to each {g.gloss(m.group('noun'))}"
    if to == "企业":
        return "to the company"
    return f"to {g.gloss(to)}"


def role_en(fact: Fact, g: Glosser) -> str | None:
    """English role of an amount or percentage from its `role_parts`; None for a figure without one."""
    parts = fact.role_parts or {}
    if not parts:
        return None
    what = phrase_en(parts["what"], g) if parts.get("what") else ""
    role = what or ("amount" if fact.kind == "amount" else "rate")
    if parts.get("to"):
        role += f" {_to_en(parts['to'], g)}" if not parts.get("change") else f" for {g.gloss(parts['to'])}"
    if parts.get("for"):
        role += f"{',' if parts.get('to') else ''} for {phrase_en(parts['for'], g)}"
    if parts.get("whose"):
        role += f" of {phrase_en(parts['whose'], g)}"
    if parts.get("per"):
        role += f", {_per_en(parts['per'], g)}"
    if parts.get("period"):
        role += f" {PERIODS.get(parts['period'], 'per ' + parts['period'])}"
    if parts.get("cond"):
        cond = CONDS.get(parts["cond"]) or f"(for those {phrase_en(parts['cond'].rstrip('的') + '的主体', g)})"
        role += f", {cond}"
    if parts.get("basis"):
        role += f" ({g.gloss(parts['basis'])})"
    if parts.get("scheme"):
        role += f", under: {g.gloss(parts['scheme'])}"
    if parts.get("change"):
        role += f", {CHANGES.get(parts['change'], g.gloss(parts['change']))}"
    return re.sub(r"\s{2,}", " ", role).strip(" ,")


def figure_en(fact: Fact, g: Glosser) -> str:
    """The figure in English with its Chinese source: `up to 20% of the actual amount paid (不超过实际支付额的20%)`."""
    if fact.kind == "quantity":
        m = QUANTITY_RE.match(fact.text)
        core = quantity_en(m).replace(_SP, " ").strip() if m else fact.text
        qual = {"at_least": "at least ", "up_to": "up to ", "about": "about "}.get(fact.qualifier or "", "")
        return f"{qual}{core} ({fact.text})"
    shown = format_fact(fact, "en")
    base = (fact.role_parts or {}).get("of")
    if fact.kind == "percent" and base:
        core, sep, rest = shown.partition(" (")
        shown = f"{core} of {g.gloss(base)}" + (f" ({rest}" if sep else f" ({fact.text})")
    return shown


def fact_line_en(fact: Fact, g: Glosser) -> str:
    """`role: figure (source)`; figures without a role keep the phrase they stand in, glossed."""
    role = role_en(fact, g)
    if role is None and fact.role:
        role = f"in [{fact.role}]"
    return f"{role}: {figure_en(fact, g)}" if role else figure_en(fact, g)


def date_line_en(fact: Fact, clause: Clause) -> str:
    """A date with its role: the clause's deadline, or the phrase around it (`by 2027`)."""
    when = format_date_en(fact.date or "")
    if fact.kind == "deadline" or (clause.deadline and fact.date == clause.deadline):
        return f"deadline: {when} ({fact.text})"
    i = clause.text.find(fact.text)
    before = clause.text[max(0, i - 2):i] if i >= 0 else ""
    if clause.kind == "notice" and i >= 0 and len(clause.text) - (i + len(fact.text)) <= 3:
        return f"date of issue: {when} ({fact.text})"
    if re.search(r"到|至|截至|前$", before):
        return f"target date: by {when} ({fact.text})"
    if re.search(r"于$", before):
        return f"date: on {when} ({fact.text})"
    return f"date mentioned: {when} ({fact.text})"


# ------------------------------------------------------------------------------------------------------------
# Glosses of sentences

_ARTICLE_HEAD = re.compile(r"^\s*第([一二三四五六七八九十百零〇]+)条\s*")


def gloss_sentence(sentence: str, g: Glosser) -> str:
    """The sentence word by word, figures, dates and time limits in English, agencies by their official English
    names; a regulation article's heading (第二十二条) reads "Article 22" (remembered by the glosser)."""
    return g.remembered("sentence", sentence, lambda s: _gloss_sentence(s, g))


def _gloss_sentence(sentence: str, g: Glosser) -> str:
    spans: list[tuple[str, str]] = []                  # (verbatim text, English), in reading order
    for f in extract_facts(sentence):
        shown = figure_en(f, g) if f.kind in ("amount", "percent") else format_date_en(f.date or "")
        spans.append((f.text, shown.rsplit(" (", 1)[0] if shown.endswith(")") else shown))
    spans += [(limit.text, limit.en) for limit in time_limits(sentence)]
    pieces: list[str] = []
    pos = 0
    head = _ARTICLE_HEAD.match(sentence)
    if head:
        pieces.append(f"Article {cn_to_int(head.group(1))}:")
        pos = head.end()
    for text, shown in sorted(spans, key=lambda s: sentence.find(s[0])):
        i = sentence.find(text, pos)
        if i < 0:
            continue
        pieces.append(g.gloss(sentence[pos:i]))
        pieces.append(shown)
        pos = i + len(text)
    pieces.append(g.gloss(sentence[pos:]))
    return re.sub(r"\s{2,}", " ", " ".join(p for p in pieces if p)).strip()


# ------------------------------------------------------------------------------------------------------------
# Questions and direct answers

_WHO = re.compile(r"\bwho\b|which (?:agency|department|body|unit|office|bureau)|responsible|in charge|lead|contact",
                  re.IGNORECASE)
_WHEN = re.compile(r"\bwhen\b|by when|deadline|what date|which date|\bdue\b|time ?limit|how long|\bissued\b",
                   re.IGNORECASE)
_DURATION_Q = re.compile(r"how long|how many (?:working |calendar )?(?:days|months|years|hours|weeks)|how quickly|"
                         r"how soon|time ?limit|how far (?:in advance|ahead)|how early|notice period",
                         re.IGNORECASE)
_DEADLINE_Q = re.compile(r"deadline|by when|\bdue\b|time ?limit|complet|finish", re.IGNORECASE)
_DOCNO = re.compile(r"document number|doc(?:ument)? no\b|reference number|file number|wenhao", re.IGNORECASE)
_AMOUNT = re.compile(r"how much|how many|amount|cap\b|ceiling|maximum|max\b|limit|rate|share|percent|subsid|fund|"
                     r"grant|reward|money|support|incentive|cny|yuan|rmb|premium|target|value", re.IGNORECASE)
_HOW_MUCH = re.compile(r"how much|how many|what share|what percentage|\brate\b|\bcap\b|ceiling|maximum|percent",
                       re.IGNORECASE)
_YESNO = re.compile(r"^\s*(?:is|are|do|does|can|will|could|should|has|have|may)\b", re.IGNORECASE)


def question_asks(question: str) -> set[str]:
    """What an English question asks for: who / when / amount / yesno."""
    asks = set()
    if _WHO.search(question):
        asks.add("who")
    if _WHEN.search(question):
        asks.add("when")
    if _AMOUNT.search(question):
        asks.add("amount")
    if _YESNO.search(question):
        asks.add("yesno")
    if _DURATION_Q.search(question):
        asks.add("when")
        asks.discard("amount")                           # "how many working days" asks a period, not a figure
    return asks


_SHARE_Q = re.compile(r"share|percent|proportion|ratio|\brate\b|%", re.IGNORECASE)
_STOP = {"what", "is", "the", "a", "an", "of", "for", "to", "in", "on", "and", "or", "does", "do", "can", "how",
         "much", "many", "there", "get", "my", "i", "it", "its", "any", "be", "by", "with", "company", "chongqing"}
_SYNONYMS = {"yearly": "year", "annual": "year", "annually": "year", "firm": "enterpris", "business": "enterpris",
             "ceil": "cap", "ceiling": "cap", "maximum": "cap", "price": "amount", "paid": "amount", "buy": "purchaser",
             "buys": "purchaser", "bought": "purchaser", "purchas": "purchaser", "insuranc": "insuranc"}


def _fold(text: str) -> str:
    return (text or "").translate(_FOLD)


_FOLD = str.maketrans("（）：，；", "():,;")


def relevant_facts(clause: Clause, terms: set[str], question: str = "", g: Glosser | None = None) -> list[Fact]:
    """The clause's amounts/percentages whose role parts share most of the question's Chinese terms, with the
    other figures of the same sentence (the 3% rate cap belongs with the 80% premium share); all when none match."""
    figures = [f for f in ensure_roles(clause) + quantity_facts(clause.text)
               if f.kind in ("amount", "percent", "quantity")]
    figures.sort(key=lambda f: _position(clause, f))
    folded = {_fold(t) for t in terms if t}

    asked = {_SYNONYMS.get(w, w) for w in stems(question or "")} - _STOP

    def score(f: Fact) -> int:
        parts = f.role_parts or {}
        words = _fold("|".join(parts.get(k, "") for k in ("what", "for", "to", "of", "whose", "per")))
        zh = sum(len(t) for t in folded if t in words)
        en = len(asked & set(stems(role_en(f, g) or ""))) if g is not None else 0
        share = 3 if f.kind == "percent" and _SHARE_Q.search(question or "") else 0
        return zh + 2 * en + share

    scored = [(score(f), f) for f in figures]
    best = max((s for s, _ in scored), default=0)
    if best <= 0:
        return figures
    chosen = [f for s, f in scored if s >= max(1, best * 0.5)]
    sentences = [x for x in re.split(r"(?<=[。；;])", _fold(clause.text)) if x]

    def sentence_of(f: Fact) -> int:
        tail = _fold(f.role or f.text)[-12:]
        return next((i for i, x in enumerate(sentences) if tail and tail in x), -1)

    chunks = {(f.role or "")[-12:] for f in chosen if f.role}
    near = {sentence_of(f) for f in chosen} - {-1}
    return [f for sc, f in scored
            if f in chosen or (f.role and f.role[-12:] in chunks) or (sc > 0 and sentence_of(f) in near)]


def units_en(units: list[str], glossary: Glossary) -> str:
    """`English name (中文)` of each unit, `;`-joined; a unit without a glossary entry stays in Chinese brackets."""
    out = []
    for u in units:
        en = glossary.agency_en(u)
        out.append(f"{en} ({u})" if en else f"[{u}]")
    return "; ".join(out)


_AGENCY_END = re.compile(r"(部门|局|委员会|委|办公室|机构|人民政府|中心|法院|检察院)$")
_MODAL_END = re.compile(r"(应当|具体|主要|统一|依法|共同|分别|负责)+$")


def responsible_named(text: str) -> list[str]:
    """The units a regulation's sentence makes responsible (`X负责…`, `X，负责…`): what an article names where a
    plan's task lists a lead unit; `负责人` (a person in charge) is no unit."""
    out: list[str] = []
    for sent in re.split(r"[。；]", text):
        pieces = re.split(r"[，,]", sent)
        for i, piece in enumerate(pieces):
            pos = piece.find("负责")
            if pos < 0 or piece[pos:pos + 3] == "负责人":
                continue
            subject = piece[:pos] if pos > 0 else (pieces[i - 1] if i > 0 else "")
            for unit in _MODAL_END.sub("", subject.strip()).split("、"):
                unit = re.sub(r"^(由|并由|应当由|设立|成立|建立)", "", unit.strip())
                if 2 <= len(unit) <= 30 and _AGENCY_END.search(unit) and unit not in out:
                    out.append(unit)
    return out


#: An agency a sentence names as the one that acts or is applied to: `由应急管理部门责令…`, `向市公路主管部门申请…`.
_ACTOR = re.compile(r"(?:由|向|经|会同|报|报请|提请|交由|责成)(?P<u>[\u4e00-\u9fff（）]{2,20}?"
                    r"(?:主管部门|管理部门|行政部门|部门|管理局|局|委员会|委|机关|机构|人民政府|办公室|海关|法院))"
                    r"(?=[\u4e00-\u9fff，、；。]|$)")


def agencies_named(text: str, glossary: Glossary) -> list[str]:
    """The agencies a quoted text names, in reading order: glossary agencies, units made responsible (`X负责`)
    and units that act or are applied to (`由X责令`, `向X申请`)."""
    found: list[tuple[int, str]] = []
    flat = re.sub(r"\s+", "", text or "")
    i = 0
    while i < len(flat):
        hit = glossary.longest(flat, i)
        if hit and hit[1].kind == "agency":
            found.append((i, flat[i:i + hit[0]]))
            i += hit[0]
        else:
            i += 1
    found += [(m.start("u"), m.group("u")) for m in _ACTOR.finditer(flat)]
    found += [(flat.find(u), u) for u in responsible_named(flat)]
    out: list[str] = []
    for _, unit in sorted(found):
        if unit not in out and not any(unit in o for o in out):
            out = [o for o in out if o not in unit] + [unit]
    return out


def quote_agencies(text: str, g: Glosser) -> list[str]:
    """`agencies_named`, remembered by the glosser (the same clauses are cited again and again)."""
    joined = g.remembered("agencies", text or "", lambda t: "\x1f".join(agencies_named(t, g.glossary)))
    return joined.split("\x1f") if joined else []


def agency_en(unit: str, g: Glosser) -> str:
    """`English (中文)` of an agency: its glossary name, else a labelled word-by-word gloss."""
    en = g.glossary.agency_en(unit) or g.glossary.term_en(unit)
    return f"{en} ({unit})" if en else f'gloss "{g.gloss(unit)}" ({unit})'


_BENEFIT_ZH = re.compile(r"补贴|资助|奖励|补助|奖补|减免|补偿|优惠|激励|贴息|担保|免费|便利")


def benefits_named(text: str, g: Glosser, limit: int = 3) -> list[str]:
    """Benefits a clause names without a figure — the phrase after 给予/提供… ending in a glossary term holding
    补贴/奖励/减免… — as `English gloss (中文)`."""
    out: list[str] = []
    i = 0
    while i < len(text) and len(out) < limit:
        hit = g.glossary.longest(text, i)
        if hit and hit[1].kind == "term" and _BENEFIT_ZH.search(text[i:i + hit[0]]):
            end = i + hit[0]
            head = max(text.rfind(ch, 0, i) for ch in "，。；、,;:：（(“")
            verb = max((m.end() for m in re.finditer(r"给予|提供|享受|实行|落实", text[:i])), default=-1)
            phrase = text[max(head + 1, verb, 0):end]
            phrase = phrase if 0 < len(phrase) <= 16 else text[i:end]
            shown = f"{g.gloss(phrase)} ({phrase})"
            if shown not in out:
                out.append(shown)
            i = end
        else:
            i += 1
    return out


def direct_answer_en(question: str, clause: Clause, g: Glosser, terms: set[str], cite: str,
                     annex: Clause | None = None, annex_cite: str | None = None, quote: str | None = None) -> str:
    """One line that answers first: figures with roles, the lead unit, the deadline (or that there is none)."""
    asks = question_asks(question)
    said: list[str] = []
    wants_figures = not ({"who", "when"} & asks) or bool(_HOW_MUCH.search(question))
    figures = relevant_facts(clause, terms, question, g) if wants_figures else []
    if figures:
        said.append("; ".join(fact_line_en(f, g) for f in figures[:4]))
    if "who" in asks:
        if clause.lead_units:
            lead = f"lead unit: {units_en(clause.lead_units, g.glossary)}"
            if clause.co_units:
                lead += f"; co-operating: {units_en(clause.co_units, g.glossary)}"
            said.append(lead)
        elif annex is not None and annex.lead_units:
            said.append(f"this clause names no responsible unit; {annex_cite} names the lead unit: "
                        f"{units_en(annex.lead_units, g.glossary)}")
        elif named := responsible_named(quote or clause.text):
            said.append("the clause makes responsible: " + "; ".join(
                f"{g.glossary.agency_en(u) or gloss_sentence(u, g)} ({u})" for u in named))
        elif named := quote_agencies(quote or clause.text, g):
            said.append("the clause names: " + "; ".join(agency_en(u, g) for u in named))
        else:
            said.append("this clause names no responsible unit")
    if _DOCNO.search(question) and clause.doc_number:
        said.append(f"document number: {cite.split(',')[0]} ({clause.doc_number})")
    limits = (limit_lines(quote or clause.text, g) or limit_lines(clause.text, g)) if "when" in asks else []
    if limits and (_DURATION_Q.search(question) or not clause.deadline):
        said.append("; ".join(limits[:3]))                  # "how long": the period, not a calendar date
    elif "when" in asks:
        dated = [f for f in clause.facts if f.kind == "date" and f.date]
        if dated and not clause.deadline:
            said.append("; ".join(date_line_en(f, clause) for f in dated[-2:]))
        if clause.deadline:
            said.append(f"deadline: {format_date_en(clause.deadline)} (set by {cite})")
        elif annex is not None and annex.deadline:
            said.append(f"this clause sets no deadline; {annex_cite} sets {format_date_en(annex.deadline)}")
        elif not dated or _DEADLINE_Q.search(question):
            said.append("this clause sets no deadline")
    if not said:
        named = benefits_named(quote or clause.text, g)
        if named:
            said.append(f"{cite} names no amount; it provides: {'; '.join(named)}")
        else:
            said.append(f"{cite} is the closest clause; it states no figure, and its wording is glossed below "
                        "(not a translation)")
        return _sentence(said)
    lead = "Yes: " if ("yesno" in asks and figures) else ""
    return lead + _sentence(said, capital=not lead)


def limit_lines(text: str, g: Glosser) -> list[str]:
    """Each time limit in the text in English with its Chinese, then the glossed phrase that sets it:
    `time limit: within 7 working days (七个工作日内) — … seven working days … unemployment staff list …`."""
    out = []
    for phrase in re.split(r"[，。；：]", text):
        for limit in time_limits(phrase):
            out.append(f"time limit: {limit.en} ({limit.text}) — {gloss_sentence(phrase, g)}")
    return out


def _sentence(parts: list[str], capital: bool = True) -> str:
    text = "; ".join(parts)
    if capital and text:
        text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


# ------------------------------------------------------------------------------------------------------------
# Measures

def cjk_share(text: str, originals: list[str] | None = None) -> float:
    """Share of CJK characters in `text` outside marked original text: 「quotes」, 《titles》, and parentheses
    holding Chinese that occurs verbatim in one of `originals` (the cited clauses)."""
    rest = re.sub(r"「[^」]*」|《[^》]*》", "", text or "")

    def keep(m: re.Match[str]) -> str:
        inner = m.group(1)
        return "" if originals and any(inner in o or inner.replace(" ", "") in o for o in originals) else m.group(0)

    rest = re.sub(r"\(([^()]*)\)", keep, rest)
    letters = [ch for ch in rest if not ch.isspace()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def figure_roles(card: dict[str, Any]) -> tuple[int, int]:
    """(figures shown, figures shown with an English role) in an answer card's citations."""
    shown = with_role = 0
    for c in card.get("citations") or []:
        for f in c.get("fact_views") or []:
            if f.get("kind") in ("amount", "percent", "quantity", "date", "deadline"):
                shown += 1
                with_role += bool(f.get("role_en"))
    return shown, with_role


# ------------------------------------------------------------------------------------------------------------
# The English answer card

def figure_views(clause: Clause, g: Glosser) -> list[FactView]:
    """Every figure of a clause for display, in reading order: the English line "role: figure (source)", the
    English role, and the `Fact` (with its Chinese role)."""
    views = []
    facts = ensure_roles(clause) + quantity_facts(clause.text)
    facts.sort(key=lambda f: (_position(clause, f), f.kind))
    for f in facts:
        if f.kind in ("amount", "percent", "quantity"):
            role, line = role_en(f, g), fact_line_en(f, g)
        elif f.kind in ("date", "deadline"):
            line = date_line_en(f, clause)
            role = line.split(":", 1)[0]
        else:
            role, line = None, format_fact(f, "en")
        views.append(FactView(line, "deadline" if f.kind == "deadline" else "figure", f, role))
    return views


def fact_views(clause: Clause, g: Glosser) -> list[dict[str, Any]]:
    """`figure_views` as JSON dicts (kind, text, role, role_en, en)."""
    return [v.view() for v in figure_views(clause, g)]


def title_shown(clause: Clause) -> str:
    """The English title, else the Chinese one marked as original text (《…》)."""
    return clause.doc_title_en or f"《{clause.doc_title}》"


def gloss_quote(quote: list[str], g: Glosser) -> str:
    """The labelled gloss of the quoted sentences."""
    return " ".join(gloss_sentence(s, g) for s in quote)


def _bigrams(text: str) -> set[str]:
    t = "".join(_CJK.findall(text))
    return {t[i:i + 2] for i in range(len(t) - 1)}


def sibling_annex_task(clause: Clause, candidates: list[Clause], quote: str | None = None) -> Clause | None:
    """An annex task that restates `clause` — most of the task's wording is in the quoted sentences (or the
    clause) — and sets a deadline or a lead unit."""
    if clause.kind == "annex_task":
        return None
    own = _bigrams(quote or clause.text)
    best, best_score = None, 0.0
    for c in candidates:
        if c.id == clause.id or c.kind != "annex_task" or not (c.deadline or c.lead_units):
            continue
        other = _bigrams(c.text)
        score = len(own & other) / max(1, len(other))
        if score > best_score:
            best, best_score = c, score
    return best if best_score >= 0.5 else None


def english_lines(question: str, cited: list[Citation], g: Glosser, terms: set[str],
                  annex: tuple[Clause, str] | None = None) -> list[str]:
    """The English answer text: the direct answer, then per citation its figures with roles, units, deadline and
    a labelled gloss of the quoted sentences. The Chinese quote itself is shown once, in the sources."""
    first = cited[0]
    lines = [direct_answer_en(question, first.clause, g, terms, first.citation,
                              annex[0] if annex else None, annex[1] if annex else None, first.quote)]
    for c in cited:
        clause = c.clause
        # the document's dates with every citation
        where = with_title(c.citation, title_shown(clause), "en", c.document.get("date_line"))
        lines.append(f"[{c.n}] According to {where}:")
        if c.document.get("age_note"):
            lines.append(f"  {c.document['age_note']}")
        for view in c.facts:
            kind = view.fact.kind if view.fact else None
            if kind in ("amount", "percent", "quantity") or (kind == "date" and not view.text.startswith("deadline")):
                lines.append(f"  - {view.text}")
        plan_item = clause.kind not in ("notice", "preamble", "article")   # a regulation names no lead unit
        if clause.lead_units:
            lines.append(f"  - lead unit: {units_en(clause.lead_units, g.glossary)}")
        elif plan_item:
            lines.append("  - lead unit: none named in this clause")
        if clause.co_units:
            lines.append(f"  - co-operating units: {units_en(clause.co_units, g.glossary)}")
        named = [u for u in quote_agencies(c.quote, g) if u not in clause.lead_units + clause.co_units]
        if named:                            # every agency the quote names, in English beside its Chinese
            lines.append(f"  - agencies named: {'; '.join(agency_en(u, g) for u in named)}")
        if clause.deadline:
            lines.append(f"  - deadline: {format_date_en(clause.deadline)}")
        elif plan_item:
            lines.append("  - deadline: none set in this clause")
        lines += [f"  - time limit: {limit.en} ({limit.text})" for limit in time_limits(c.quote or clause.text)]
        if c.gloss_en:
            lines.append(f"  {GLOSS_LABEL}: {c.gloss_en}")
    return lines


_GLOSSERS: dict[int, Glosser] = {}


def glosser(glossary: Glossary) -> Glosser:
    """One glosser per glossary object (the dictionary is shared and loaded once)."""
    g = _GLOSSERS.get(id(glossary))
    if g is None or g.glossary is not glossary:
        g = _GLOSSERS[id(glossary)] = Glosser(glossary)
    return g


def answer_lines(question: str, cited: list[Citation], candidates: list[Clause], glossary: Glossary,
                 terms: set[str]) -> list[str]:
    """The English answer for the cited clauses; for who/when questions, the annex task restating the first
    clause is named when the clause itself gives no deadline or lead unit."""
    g = glosser(glossary)
    first = cited[0].clause
    annex = None
    asks = question_asks(question)
    if ("when" in asks and not first.deadline) or ("who" in asks and not first.lead_units):
        task = sibling_annex_task(first, candidates, cited[0].quote)
        if task is not None:
            annex = (task, citation(task, "en"))
    return english_lines(question, cited, g, terms, annex)
