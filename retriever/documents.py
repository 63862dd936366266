"""Document-aware retrieval over many documents: which document a question names, and the newer one first.

* Title / short-name matching: `优化营商环境条例` names 重庆市优化营商环境条例 (its title without the place);
  `优化营商环境专项行动方案` names no indexed document (it is reported as an unmatched mention, never matched to
  the 条例 by similarity). English: "the regulations on optimizing the business environment" matches the
  topic of the English title.
* Newer first: when two hits from different documents score alike and say nearly the same thing (cosine of
  their passage vectors), the document whose text in force is newer goes first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from index.clause import Clause
from index.titles_en import topic_terms

_PLACE = re.compile(r"^(中国（重庆）|重庆市|[\u4e00-\u9fff]{2,4}?(?:[\u4e00-\u9fff]{1,3}族){1,3}自治县|"
                    r"北京市|上海市|天津市|[\u4e00-\u9fff]{2}省)")
_TYPE = r"条例|办法|规定|规则|方案|通知|细则|计划|措施"      # 意见 / 决定 only inside 《》 (常见的普通词)
_MENTION = re.compile(rf"《([^》]{{2,60}})》|([\u4e00-\u9fff（）]{{2,40}}?(?:{_TYPE}))")
_OTHER_PLACE = re.compile(r"(市|省|区|县|州|特区|自治区)$")
_NOT_A_NAME = re.compile(r"^(本|该|此|这个|这部|那个|哪个|哪部|什么)")
_QUESTION = re.compile(r"什么|哪|多少|吗|怎么|如何|是否|有没有")
_EN_DOC = re.compile(r"\b(regulations?|measures|provisions|rules|law)\b", re.I)
#: Newer-first applies to neighbours whose scores are this close and whose passages are this similar.
CLOSE_SCORE = 0.95
SAME_POINT = 0.9


@dataclass
class NamedDocuments:
    """Documents a question names (keys), and names it mentions that no indexed document has."""

    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)     # the question's words that named the matched documents


@dataclass
class _Doc:
    key: str
    title: str
    short: str
    topic_en: str | None
    date: str | None


def short_name(title: str) -> str:
    """A title without its place prefix and trailing years: 重庆市优化营商环境条例 → 优化营商环境条例,
    重庆市优化营商环境专项行动方案（2024—2027年） → 优化营商环境专项行动方案."""
    name = re.sub(r"[（(][^（）()]*\d{4}[^（）()]*[）)]$", "", title)
    return _PLACE.sub("", name) or name


def _same_place(prefix: str, title: str) -> bool:
    """The words before a short name do not name another place (深圳经济特区优化营商环境条例 is not Chongqing's)."""
    if not _OTHER_PLACE.search(prefix):
        return True                                   # 根据 / 重庆 / nothing: no other place named
    return any(title.startswith(prefix[i:]) for i in range(len(prefix) - 1))   # 根据重庆市 → 重庆市…


def _topic_en(title_en: str | None) -> str | None:
    if not title_en or " on " not in title_en:
        return None
    topic = title_en.split(" on ", 1)[1].lower()
    topic = re.sub(r"^the (administration|protection|promotion|supervision|work) of ", "", topic)
    topic = re.sub(r"^the ", "", topic)
    return topic if len(topic.split()) >= 2 else None


class DocumentIndex:
    """The documents of one index (from its clauses), for name matching and dates."""

    def __init__(self, clauses: list[Clause]) -> None:
        docs: dict[str, _Doc] = {}
        for c in clauses:
            if c.doc_key not in docs:
                docs[c.doc_key] = _Doc(c.doc_key, c.doc_title, short_name(c.short_title),
                                       _topic_en(c.doc_title_en), getattr(c, "doc_date", None))
        self.docs = docs

    def date(self, doc_key: str) -> str | None:
        doc = self.docs.get(doc_key)
        return doc.date if doc else None

    def named(self, query: str) -> NamedDocuments:
        """The documents a question names by title or short name (Chinese) or by title topic (English)."""
        out = NamedDocuments()
        compact = re.sub(r"\s+", "", query)
        for m in _MENTION.finditer(compact):
            mention = m.group(1) or m.group(2)
            if _NOT_A_NAME.match(mention):
                continue
            keys = [d.key for d in self.docs.values()
                    if mention.endswith(d.title) or d.title.endswith(mention)
                    or (len(d.short) >= 4 and mention.endswith(d.short)
                        and _same_place(mention[: -len(d.short)], d.title))]
            if keys:
                out.matched += [k for k in keys if k not in out.matched]
                out.mentions.append(m.group(0))
            elif m.group(1) or (len(mention) >= 6 and not _QUESTION.search(mention)):
                out.unmatched.append(mention)
        if not out.matched and _EN_DOC.search(query):
            for d in self.docs.values():
                found = _en_title_mention(d.topic_en).search(query) if d.topic_en else None
                if found:
                    out.matched.append(d.key)
                    out.mentions.append(found.group(0))
        return out


_GERUND = re.compile(r"^(\w+ing)\s+(the\s+)?")
_EN_KIND = r"(?:regulations?|measures|provisions|rules)"


@lru_cache(maxsize=4096)
def _en_title_mention(topic: str) -> re.Pattern[str]:
    """The words of an English question that name a regulation by its title topic: "the regulations on optimizing the
    business environment", "Regulations of Chongqing Municipality on …", or the short form "the business environment
    regulation" (the topic without its leading verb, followed by the document word)."""
    full = r"\s+".join(re.escape(w) for w in topic.split())
    short_words = _GERUND.sub("", topic).split()
    short = r"\s+".join(re.escape(w) for w in short_words)
    prefix = (rf"(?:(?:the\s+)?(?:chongqing\s+)?(?:municipal\s+)?{_EN_KIND}\s+"
              rf"(?:of\s+chongqing(?:\s+municipality)?\s+)?(?:on|for|about)\s+(?:the\s+)?)?")
    alts = [rf"{prefix}{full}(?:\s+{_EN_KIND})?"]
    if len(short_words) >= 2:
        alts.append(rf"(?:the\s+)?(?:chongqing\s+)?{short}\s+{_EN_KIND}")
    return re.compile(rf"\b(?:{'|'.join(alts)})\b", re.I)


def without_mentions(query: str, mentions: list[str]) -> str:
    """The question with the words that named its documents removed — what it asks of them ("重庆市失业保险条例是
    什么时候通过的" → "是什么时候通过的"); the question itself when nothing is left."""
    rest = re.sub(r"\s+", "", query) if re.search(r"[\u4e00-\u9fff]", "".join(mentions)) else query
    for mention in mentions:
        rest = rest.replace(mention, " ")
    rest = re.sub(r"\s+", " ", rest).strip(" ,，、")
    return rest if re.search(r"[\u4e00-\u9fff]{2}|[A-Za-z]{3}", rest) else query


def _plural_tolerant(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w[:-1] if w.endswith("s") and len(w) > 3 else w) + r"s?" for w in phrase.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.I)


_TOPICS = [(_plural_tolerant(en), zh) for en, zh in topic_terms() if len(en) >= 5]


def expand_english(query: str) -> list[str]:
    """Chinese title words for the regulation topics an English question names ("unemployment insurance" →
    失业保险), longest first; a topic inside a longer matched topic is not repeated."""
    found: list[tuple[int, str]] = []
    for pattern, zh in _TOPICS:
        if m := pattern.search(query):
            found.append((m.end() - m.start(), zh))
    out: list[str] = []
    for _, zh in sorted(found, key=lambda x: -x[0]):
        if not any(zh in longer for longer in out):
            out.append(zh)
    return out


def prefer_named(hits: list[Any], doc_hits: list[Any], k: int) -> list[Any]:
    """Hits of the named documents first (up to k − 1 of them when other hits exist), then the rest."""
    if not doc_hits:
        return hits
    others = [h for h in hits if h.clause.id not in {d.clause.id for d in doc_hits}]
    take = doc_hits[: max(1, k - 1)] if others else doc_hits[:k]
    top = max([h.score for h in hits[:1]] + [0.0])
    for h in take:
        h.score = max(h.score, top)
    out = (take + others)[:k]
    for rank, h in enumerate(out, start=1):
        h.rank = rank
    return out


def close(a: float, b: float) -> bool:
    """Two fused scores within `CLOSE_SCORE` of each other, whichever is higher: a lower hit whose score is higher
    was put there by the ranking's own adjustments (asked kinds, priors, saturation), which newer-first keeps."""
    return min(a, b) >= CLOSE_SCORE * max(a, b)


def newer_first(hits: list[Any], docs: DocumentIndex, vectors: np.ndarray | None, row_of: dict[str, int]) -> list[Any]:
    """Swap neighbouring hits of different documents that make the same point when the lower one is newer."""
    hits = list(hits)
    for i in range(len(hits) - 1):
        a, b = hits[i], hits[i + 1]
        if a.clause.doc_key == b.clause.doc_key or not close(a.score, b.score):
            continue
        da, db = docs.date(a.clause.doc_key), docs.date(b.clause.doc_key)
        if not (da and db and db > da):
            continue
        if vectors is not None:
            va, vb = vectors[row_of[a.clause.id]], vectors[row_of[b.clause.id]]
            if float(np.dot(va, vb)) < SAME_POINT:
                continue
        hits[i], hits[i + 1] = b, a
    for rank, h in enumerate(hits, start=1):
        h.rank = rank
    return hits
