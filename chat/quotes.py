"""Which sentences of a cited clause the card quotes: the ones that answer what the question asks, verbatim.

A short clause (`SHORT_CLAUSE`) is quoted whole. A longer one gives `MAX_SENTENCES` sentences in reading order,
chosen one at a time by what each adds: the question's words not yet quoted, and a fact of each asked kind not yet
quoted (amount, share, time, agency, count, condition; a fine's penalty sentence, a place, an age, a validity
period); one more sentence only for an asked kind still missing. A question asking two things
(`几年有效？提前多久申请延续？`) first gets the best sentence for each.

What a chosen sentence cannot be read without comes along, uncounted: an item's title sentence
(`1. 构建商业遥感卫星星座。`, then the sentence describing it), the sentence introducing a list item (who fines and
how much, before `（一）…`), the start of the item a later sentence belongs to, and all of a short list whose items
only make sense together: conditions that must all hold (具备下列条件) or a schedule whose every item states the
kind of fact asked for.
"""
from __future__ import annotations

import re

from retriever.evidence import ZH_STOP, asked_kinds

#: A clause at most this long (characters) is quoted whole.
SHORT_CLAUSE = 100
#: Sentences chosen for what they add (the title and a list's lead-in come on top).
MAX_SENTENCES = 2
#: Sentences quoted beyond the limit, each only for a fact of an asked kind that the chosen ones lack.
EXTRA_FOR_ASKED = 1
#: A list of conditions that must all hold, or a schedule, is quoted whole when its items are this short in all.
LIST_MAX = 200
#: A title sentence is at most this long.
TITLE_MAX = 30
#: A fact of an asked kind weighs as much as a question word of this many characters.
ASK_WEIGHT = 3.0

_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_MARKER = re.compile(r"^\s*(?:第[一二三四五六七八九十百零〇\d]+条\s*)?"
                     r"(?:[（(]?[一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+\s*[.、．])")
_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十\d]+[）)]")
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条")
#: Fact patterns per asked kind. They differ from `retriever.evidence.holds_text` on purpose: that one tells whether
#: a clause may answer (比例 or 期限 alone counts); these pick the sentence that states the fact (a numeral with its
#: unit, 年底, 周岁, 法院/牵头 as agencies), so the card quotes the figure, not the sentence that only names it.
_CN = "零〇一二两三四五六七八九十百千万亿"
_MONEY = re.compile(rf"[\d{_CN}.]+\s*[万亿千百]?元")
_PERCENT = re.compile(rf"(?:百分之|千分之|万分之)[{_CN}\d.]+|\d+(?:\.\d+)?\s*[%‰]|比例|费率|税率")
_TIME = re.compile(rf"[\d{_CN}半]+\s*(?:个)?(?:法定|自然)?(?:工作日|日|天|周|星期|个?月|年|小时|分钟)|"
                   r"\d{4}\s*年|年底|年末|月底|即时")
_AGENCY = re.compile(r"部门|局|委员会|委|机关|机构|人民政府|办公室|中心|法院|牵头|配合")
_COUNT = re.compile(rf"[\d{_CN}]+\s*(?:个|场|家|人|项|次|所|批|名|座|颗|套|台)")
_NUMBER = re.compile(rf"\d|[{_CN}]+\s*(?:个|元|年|日|天|月|人|倍|次|项|%|分之|米|小时|岁|周岁|级)")
_CONDITION = re.compile(r"条件|符合|具备|资格|下列|对象|认定为|申请人|应当|不得")
_ALL_OF = re.compile(r"(?:具备|符合|满足|具有)(?:下列|以下)[^：:之]{0,8}条件[^之。；]{0,24}[：:]\s*$")
_AGE = re.compile(rf"[\d{_CN}]+\s*周?岁")
_AGE_Q = re.compile(r"多少岁|几岁|年龄|年满|周岁|\bages?\b|how old", re.I)
_VALIDITY = re.compile(rf"有效期[^。；，]{{0,4}}?[\d{_CN}]+\s*(?:个)?(?:年|月|日|天)|有效期(?:为|是)?(?:长期|永久)")
_VALIDITY_Q = re.compile(r"有效期|几年有效|多久有效|有效多久|多长时间有效|\bvalid(?:ity)?\b|\bexpir", re.I)
_PLACE = re.compile(r"新区|开发区|高新区|园区|产业园|[\u4e00-\u9fff]{2}园|基地|港区|口岸|区县|"
                    r"[\u4e00-\u9fff]{2}[区县镇]")
_PLACE_Q = re.compile(r"哪里|哪儿|在哪|哪个区|哪个县|哪个园|什么地方|地点|选址|\bwhere\b|\blocation\b|"
                      r"which (?:district|county|park|zone|area)", re.I)
_PARTS = re.compile(r"[？?；;]")
_PENALTY_Q = re.compile(r"罚|处分|法律责任|\bfine[sd]?\b|penalt|punish|sanction", re.I)
_PENALTY = re.compile(r"罚款|处罚|罚金|没收|吊销|责令|处分")
KIND_TEXT: dict[str, re.Pattern[str]] = {
    "amount": _MONEY, "percent": _PERCENT, "date": _TIME, "agency": _AGENCY, "count": _COUNT, "number": _NUMBER,
    "eligibility": _CONDITION, "penalty": _PENALTY, "place": _PLACE, "age": _AGE,
    "validity": _VALIDITY,
}


def sentences(text: str) -> list[str]:
    """Sentences of a clause, verbatim (split after 。！？ and at line breaks)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def question_kinds(question: str, asks: list[str] | None = None) -> list[str]:
    """The kinds of fact a question asks for (the decision's `asks` when given), plus `penalty` for a fine or
    punishment question (the sentence that fines names who fines and how much), `place` for a "where"
    question, `age` for an age, `validity` for how long a
    licence or certificate is valid."""
    kinds = list(asks) if asks is not None else asked_kinds(question)
    if _PENALTY_Q.search(question) and "penalty" not in kinds:
        kinds.append("penalty")
    if _PLACE_Q.search(question) and "place" not in kinds:
        kinds.append("place")
    if _AGE_Q.search(question) and "age" not in kinds:
        kinds.append("age")
    if _VALIDITY_Q.search(question) and "validity" not in kinds:
        kinds.append("validity")
    return kinds


def holds(sentence: str, kind: str) -> bool:
    """Whether a sentence holds a fact of the asked kind (Chinese numerals count: 十万元, 七十周岁)."""
    rx = KIND_TEXT.get(kind)
    return bool(rx.search(sentence)) if rx else False


def is_title(sentence: str, index: int) -> bool:
    """An item's own title sentence: the clause's first, numbered, short (`1. 构建商业遥感卫星星座。`)."""
    body = _ARTICLE.sub("", sentence)
    return index == 0 and bool(_MARKER.match(sentence)) and len(body) <= TITLE_MAX and not body.rstrip().endswith("：")


def line_starts(text: str) -> list[int]:
    """For each sentence of `sentences(text)`, the index of the first sentence of its line (item or paragraph)."""
    out: list[int] = []
    for line in text.split("\n"):                # the same breaks `sentences` splits at
        first = len(out)
        out += [first] * len(sentences(line))
    return out if len(out) == len(sentences(text)) else list(range(len(sentences(text))))


def lead_in(sents: list[str], i: int, starts: list[int] | None = None) -> int | None:
    """The sentence a sentence cannot be read without: for a later sentence of a list item's line, the item's
    first sentence; for a list item, the nearest earlier sentence ending in ： that introduces the list."""
    starts = starts or list(range(len(sents)))
    if starts[i] != i:
        return starts[i] if _ITEM.match(sents[starts[i]]) else None
    if not _ITEM.match(sents[i]):
        return None
    for j in range(i - 1, -1, -1):
        if starts[j] != j and _ITEM.match(sents[starts[j]]):
            continue                           # a later sentence of an earlier item
        if sents[j].rstrip().endswith(("：", ":")):
            return j
        if not _ITEM.match(sents[j]):
            return None
    return None


def items_after(sents: list[str], i: int, starts: list[int]) -> list[int]:
    """The list items (with their later sentences) right after sentence `i`."""
    out: list[int] = []
    for j in range(i + 1, len(sents)):
        if not _ITEM.match(sents[j]) and not (out and starts[j] != j):
            break
        out.append(j)
    return out


def whole_list(sents: list[str], i: int, starts: list[int], kinds: list[str]) -> list[int]:
    """The items after lead-in `i` that are quoted together, when the list is short (`LIST_MAX`): conditions that
    must all hold (具备下列条件的…：), or a schedule whose every item states a fact of an asked kind (缴费满一年
    不足两年的为三个月；…): one item alone would mislead. Else none."""
    if not sents[i].rstrip().endswith(("：", ":")):
        return []
    items = items_after(sents, i, starts)
    heads = [j for j in items if starts[j] == j]
    all_of = starts[i] == i and bool(_ALL_OF.search(sents[i]))
    schedule = len(heads) >= 3 and any(all(holds(sents[j], k) for j in heads) for k in kinds)
    if not items or not (all_of or schedule):
        return []
    return items if sum(len(sents[j]) for j in items) <= LIST_MAX else []


def _gain(sentence: str, terms: set[str], kinds: list[str], seen_terms: set[str], seen_kinds: set[str]) -> float:
    """What a sentence adds to the quote: question words not yet quoted, and facts of asked kinds not yet quoted;
    a sentence's words count from half (no fact of an asked kind: it names the topic, not the answer) to whole (a
    fact of every asked kind)."""
    words = float(sum(len(t) for t in terms if t in sentence and t not in seen_terms))
    held = [k for k in kinds if holds(sentence, k)]
    if kinds:
        words *= 0.5 + 0.5 * len(held) / len(kinds)
    return words + ASK_WEIGHT * sum(k not in seen_kinds for k in held)


def parts(question: str) -> list[str]:
    """The sub-questions of a question that asks two things (`几年有效？到期要提前多久申请延续？`)."""
    return [p for p in (x.strip() for x in _PARTS.split(question)) if len(p) >= 4]


def quote_sentences(text: str, terms: set[str], question: str, asks: list[str] | None = None,
                    limit: int = MAX_SENTENCES) -> list[str]:
    """The sentences of a clause to quote, in reading order (see the module doc)."""
    sents = sentences(text)
    if len(sents) <= 1 or len(text.strip()) <= SHORT_CLAUSE:
        return sents
    starts = line_starts(text)
    terms = {t for t in terms if t not in ZH_STOP}
    kinds = question_kinds(question, asks)
    subs = parts(question)
    chosen: set[int] = set()
    seen_terms: set[str] = set()
    seen_kinds: set[str] = set()

    def take(i: int) -> None:
        """Quote sentence `i`, with what it cannot be read without (an item's lead-in; all the conditions)."""
        for j in [i, *whole_list(sents, i, starts, kinds)]:
            chosen.add(j)
            seen_terms.update(t for t in terms if t in sents[j])
            seen_kinds.update(k for k in kinds if holds(sents[j], k))
        head = lead_in(sents, i, starts)
        if head is not None and head not in chosen:
            take(head)

    def best_of(rest: list[int], words: set[str], wanted: list[str], fresh: bool) -> int:
        def key(i: int) -> tuple[float, float, int]:
            """What it adds; then how much it holds (under a title: reading order, the plan's main point first)."""
            gain = _gain(sents[i], words, wanted, seen_terms if fresh else set(), seen_kinds if fresh else set())
            return gain, 0.0 if titled else _gain(sents[i], words, wanted, set(), set()), -i
        return max(rest, key=key)

    titled = is_title(sents[0], 0)
    if titled:
        take(0)
    picked = 0
    if len(subs) > 1:                        # one sentence for each thing asked, first
        for sub in subs[:limit + EXTRA_FOR_ASKED]:
            sub_terms = {t for t in terms if t in sub} or terms
            rest = [i for i in range(len(sents)) if i not in chosen]
            if rest:
                take(best_of(rest, sub_terms, question_kinds(sub), fresh=False))
                picked += 1
    while picked < limit + EXTRA_FOR_ASKED:
        rest = [i for i in range(len(sents)) if i not in chosen]
        if picked >= limit:      # beyond the limit, only for a fact of an asked kind still missing
            rest = [i for i in rest if any(k not in seen_kinds and holds(sents[i], k) for k in kinds)]
        if not rest:
            break
        take(best_of(rest, terms, kinds, fresh=True))
        picked += 1
    return [sents[i] for i in sorted(chosen)]
