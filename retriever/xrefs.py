"""Cross-references between the articles of one document: the penalty article and the duty it enforces.

Regulations state a duty in one article and its penalty in another that points back to it
(第二十八条 违反本条例第十六条第二款规定的，…可并处二千元以上二万元以下罚款). `XrefIndex` resolves, for every
clause, the articles of the *same document* its text refers to — 第X条, 第X条第Y款, 第X条第Y款第Z项, ranges
第X条至第Y条, lists 第X条、第Y条 (with or without 本条例/本办法/本规定/本细则 before them) — and the reverse map,
duty article → the penalty articles that enforce it. A reference after another document's name
(《中华人民共和国专利法》第六十三条, 招标投标法实施条例第五十五条) never links. Built at search time, once per loaded
index (one regex pass over every clause: 0.02 s for the 5,111 clauses of the default corpus), no index change.

`penalties_for` brings the penalty articles of a strong duty candidate into the candidates when the question asks
for a penalty or its amount (`asks_penalty`); `xref_features` tells the candidate model so (`XREF_FEATURES`)."""
from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from index.clause import Clause
from index.labels import cn_to_int

_NUM = r"(?:[零〇一二两三四五六七八九十百]+|\d{1,3})"
#: the document itself: 本条例 (and the 本条列 misprint), 本办法, 本规定, 本细则, 本实施细则, 本决定, 本法
_SELF = r"本(?:实施)?(?:条例|条列|办法|规定|细则|决定|法)"
_JOIN = r"(?:、|和|及|以及|与|或者|或|至|到)"
_PART = rf"第{_NUM}(?:条|款|项)"
_CHAIN = re.compile(rf"(?P<self>{_SELF})?(?P<chain>第{_NUM}条(?:{_PART})*(?:{_JOIN}(?:{_SELF})?{_PART}(?:{_PART})*)*)")
_TOKEN = re.compile(rf"至|到|第({_NUM})(条|款|项)")
#: a bare reference right after another document's name belongs to that document
_OTHER_DOC = re.compile(r"(?:》|法|条例|办法|规定|细则|决定|意见|通知|章程|标准)\s*$")
_OWN_LABEL = re.compile(rf"^\s*第{_NUM}条")
#: the clause imposes a sanction: a fine, confiscation, revocation, an order to correct, a warning, discipline
SANCTION = re.compile(r"罚款|罚金|没收|吊销|暂扣|责令|警告|处分|拘留|处罚|取缔")
#: … a fine or another penalty proper (not only an order to correct)
_FINE = re.compile(r"罚款|罚金|没收|吊销|暂扣|拘留")
#: the question asks for a penalty, a fine's amount or the consequence of breaking a rule
_PENALTY_ASK = re.compile(r"罚|处分|[怎如]么处理|如何处理|后果|法律责任|追究|吊销|没收|会怎样|会怎么样|"
                          r"penalt|\bfine[sd]\b|\b(?:a|the|what|which|any|big|heavy|max(?:imum)?|min(?:imum)?|highest)\s+fine\b|"
                          r"punish|sanction|consequence|liab(?:le|ility)|what happens|confiscat|revok", re.I)
#: how many of the top retrieval candidates count as strong duty candidates
TOP = 5
#: the longest range 第X条至第Y条 that is expanded
MAX_RANGE = 30


@dataclass(frozen=True)
class Ref:
    """One reference: article number, and paragraph (款) and item (项) when given."""

    article: int
    para: int | None = None
    item: int | None = None


def _int(raw: str) -> int:
    return int(raw) if raw.isdigit() else cn_to_int(raw)


def references(text: str) -> list[Ref]:
    """The articles of its own document a clause's text refers to, in order (its own leading label skipped)."""
    head = _OWN_LABEL.match(text)
    start = head.end() if head else 0
    out: list[Ref] = []
    for m in _CHAIN.finditer(text, start):
        if not m.group("self") and _OTHER_DOC.search(text[max(0, m.start() - 12):m.start()]):
            continue
        refs: list[Ref] = []
        ranged = False
        for t in _TOKEN.finditer(m.group("chain")):
            if t.group(0) in ("至", "到"):
                ranged = True
                continue
            n, unit = _int(t.group(1)), t.group(2)
            if unit == "条":
                if ranged and refs and 0 < n - refs[-1].article <= MAX_RANGE:
                    refs += [Ref(a) for a in range(refs[-1].article + 1, n + 1)]
                else:
                    refs.append(Ref(n))
            elif refs:
                last = refs[-1]
                if unit == "款":
                    refs[-1:] = [last, replace(last, para=n, item=None)] if last.para else [replace(last, para=n)]
                elif last.item:
                    refs.append(replace(last, item=n))
                else:
                    refs[-1] = replace(last, item=n)
            ranged = False
        out += refs
    return [r for i, r in enumerate(out) if r not in out[:i]]


def article_number(clause: Clause) -> int | None:
    """The number of an article clause (`Article 28` → 28), else None."""
    if clause.kind != "article":
        return None
    m = re.fullmatch(r"Article (\d+)", clause.label_en or "")
    return int(m.group(1)) if m else None


@dataclass
class XrefIndex:
    """Resolved references of one index: clause id → (referenced clause id, Ref), and duty id → penalty ids."""

    refers: dict[str, list[tuple[str, Ref]]] = field(default_factory=dict)
    enforced_by: dict[str, list[str]] = field(default_factory=dict)
    by_id: dict[str, Clause] = field(default_factory=dict)

    @classmethod
    def build(cls, clauses: list[Clause]) -> XrefIndex:
        """Resolve every clause's references within its own document (never across documents)."""
        articles: dict[tuple[str, int], str] = {}
        for c in clauses:
            n = article_number(c)
            if n is not None:
                articles.setdefault((c.doc_key, n), c.id)
        xi = cls(by_id={c.id: c for c in clauses})
        for c in clauses:
            if "第" not in c.text[3:]:
                continue
            own = article_number(c)
            linked = [(articles[(c.doc_key, r.article)], r) for r in references(c.text)
                      if r.article != own and (c.doc_key, r.article) in articles]
            if not linked:
                continue
            xi.refers[c.id] = linked
            if SANCTION.search(c.text):
                for target, _ in linked:
                    penalties = xi.enforced_by.setdefault(target, [])
                    if c.id not in penalties:
                        penalties.append(c.id)
        return xi

    def enforces(self, penalty: Clause, duty: Clause) -> bool:
        """Whether `penalty` is a sanction clause that refers to `duty` (an article of the same document)."""
        return penalty.id in self.enforced_by.get(duty.id, ())

    def enforced_text(self, penalty_id: str, duty: Clause) -> str:
        """What of `duty` the penalty refers to: the paragraphs (款) it names (第二十条第三款: 禁止强制消费), else the
        whole article."""
        paras = {r.para for t, r in self.refers.get(penalty_id, ()) if t == duty.id}
        spans = [p for p in duty.paragraphs if p.get("kind") == "paragraph" and p.get("paragraph") in paras]
        if None in paras or not spans:
            return duty.text
        return "\n".join(duty.text[p["start"]:p["end"]] for p in spans)


_XREFS: weakref.WeakKeyDictionary[Any, XrefIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def xrefs_of(store: Any) -> XrefIndex:
    """The resolved references of a loaded index (built on first use, kept as long as the store lives)."""
    with _LOCK:
        xi = _XREFS.get(store)
        if xi is None:
            xi = _XREFS[store] = XrefIndex.build(list(store.clauses))
        return xi


def asks_penalty(question: str, kinds: list[str]) -> bool:
    """Whether the question asks for a penalty or a fine's amount, or what happens to whoever breaks the rule."""
    return bool(_PENALTY_ASK.search(question)) or ("amount" in kinds and "违反" in question)


def penalties_for(hits: list[Any], xi: XrefIndex, cover: Callable[[str], float]) -> list[Any]:
    """`hits` plus the penalty articles enforcing any of the top `TOP` candidates none of whose penalty articles
    is among the hits yet (each after the hits, carrying its duty's retrieval signals: the penalty is found
    through the duty it refers to). Of a duty's penalty articles, those whose part of the duty (`enforced_text`:
    the 款 they name) holds most of the question's concepts (`cover`: text → concept coverage): 第三十三条
    (第二十条第三款, 强制消费) for forced shopping, not 第三十二条 (第二十条第二款)."""
    have = {h.clause.id for h in hits}
    added: list[Any] = []
    for h in hits[:TOP]:
        penalties = xi.enforced_by.get(h.clause.id, [])
        if any(pid in have for pid in penalties):      # retrieval found the duty's penalty already
            continue
        scored = [(cover(xi.enforced_text(pid, h.clause)), pid) for pid in penalties]
        best = max((c for c, _ in scored), default=0.0)
        for c, pid in scored:
            if c >= best and pid not in have:
                have.add(pid)
                added.append(replace(h, clause=xi.by_id[pid], rank=len(hits) + len(added)))
    return hits + added


XREF_FEATURES = ("enforces_top", "duty_cov", "enforced", "sanctions")


def xref_features(hits: list[Any], xi: XrefIndex | None, cover: Callable[[str], float]) -> list[dict[str, float]]:
    """Per candidate (`XREF_FEATURES`), given the index's references `xi` when the question asks for a penalty
    (None otherwise: all 0): `enforces_top` — the clause is a penalty article enforcing one of the top `TOP`
    candidates; `duty_cov` — the best concept coverage (`cover`) of what it enforces (`enforced_text`: the 款 it
    names) among the candidates (the duty states the behaviour the question describes); `enforced` — the
    clause is a duty article whose penalty article is among the candidates; `sanctions` — the clause imposes a
    fine or another sanction (the penalty article that lists the behaviours inline: 有下列行为之一的，…处…罚款：
    （三）未经竣工验收…)."""
    if xi is None:
        return [dict.fromkeys(XREF_FEATURES, 0.0) for _ in hits]
    ids = [h.clause.id for h in hits]
    top = set(ids[:TOP])
    out = []
    for i, h in enumerate(hits):
        duties = [j for j, d in enumerate(ids) if j != i and h.clause.id in xi.enforced_by.get(d, ())]
        penalties = set(xi.enforced_by.get(h.clause.id, ())) & set(ids)
        out.append({"enforces_top": float(any(ids[j] in top for j in duties)),
                    "duty_cov": max((cover(xi.enforced_text(h.clause.id, hits[j].clause)) for j in duties),
                                    default=0.0),
                    "enforced": float(bool(penalties)), "sanctions": float(bool(_FINE.search(h.clause.text)))})
    return out


def penalty_candidates(question: str, asks: Any, hits: list[Any], store: Any, cover: Callable[[str], float]
                       ) -> tuple[list[Any], XrefIndex | None]:
    """The candidates with the penalty articles of the top ones added (`penalties_for`), and the index's references
    for `xref_features` — both only when the question asks for a penalty (else `hits` and None); marks `asks`
    (a `retriever.evidence.Asks`) `penalty` then."""
    asks.penalty = bool(hits) and asks_penalty(question, asks.kinds)
    if not asks.penalty:
        return hits, None
    xi = xrefs_of(store)
    return penalties_for(hits, xi, cover), xi


def enforces(penalty: Clause, duty: Clause) -> bool:
    """Whether `penalty` imposes a fine or another sanction for breaking `duty`, an article of the same document
    its text refers to (from the two texts alone: no index needed)."""
    n = article_number(duty)
    return (n is not None and penalty.doc_key == duty.doc_key and penalty.id != duty.id
            and bool(SANCTION.search(penalty.text)) and any(r.article == n for r in references(penalty.text)))


def penalty_first(order: list[int], hits: list[Any], asks: Any) -> list[int]:
    """For a question asking for a penalty (`asks.penalty`): when the first candidate imposes no fine itself and
    a candidate enforces it (`enforces`: 违反本条例第十六条第二款规定的，…罚款), that penalty article goes first
    and the duty right after it — the penalty states the amount, the duty what the behaviour is. Any other order
    is kept."""
    if not asks.penalty or not order or _FINE.search(hits[order[0]].clause.text):
        return order
    duty = hits[order[0]].clause
    penalty = next((i for i in order[1:] if enforces(hits[i].clause, duty)), None)
    if penalty is None:
        return order
    return [penalty] + [i for i in order if i != penalty]
