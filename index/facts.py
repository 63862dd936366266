"""Figures in gazette text: amounts, percentages, dates, responsible units.

Two families of functions:

* `extract_facts` / `extract_units` / `parse_cn_date` read *Chinese source text* and return structured
  `Fact`s whose `text` is always a verbatim substring of the input.
* `numbers_in_text` / `dates_in_text` read *Chinese or English* text (source or LLM prose) and return
  normalised values so the same quantity compares equal across languages (`5万元` == `CNY 50,000`).

Normalisation: amounts in CNY (`5万元` → 50000.0), percentages in percent points (`20%` → 20.0), dates
ISO-like (`2024-12`, `2024-02-26`, `2027`). A range fact has `low`/`high` and `value=None`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.clause import Fact
from index.roles import assign_roles

# ---------------------------------------------------------------------------------------------------------
# Character normalisation (same length, so match offsets stay valid on the original text)

_FULLWIDTH = str.maketrans("０１２３４５６７８９％．，：；（）～－", "0123456789%.,:;()~-")


def _norm(text: str) -> str:
    return text.translate(_FULLWIDTH)


# ---------------------------------------------------------------------------------------------------------
# Chinese numerals

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"


def cn_numeral_value(s: str) -> float | None:
    """Value of a Chinese numeral string (`二万` → 20000, `两百` → 200, `十二` → 12); None if invalid."""
    if not s or any(ch not in _CN_NUM_CHARS for ch in s):
        return None
    if len(s) > 1 and all(ch in _CN_DIGITS for ch in s):  # 二〇二四 → 2024
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * _CN_BIG[ch] if ch == "亿" else total + section * _CN_BIG[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


# ---------------------------------------------------------------------------------------------------------
# Amounts and percentages in Chinese source text

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MULT = r"万亿|千万|百万|亿|万|千(?![瓦米克伏])"
_MULTS = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3}
_RANGE_SEP = r"\s*(?:——|—|–|-|~|至|到)\s*"
_CN_NUM = rf"[{_CN_NUM_CHARS}]+"

_AMOUNT_RE = re.compile(
    rf"(?<![\d.])(?P<a>{_NUM})\s*(?P<am>{_MULT})?"
    rf"(?:(?P<sep>{_RANGE_SEP})(?P<b>{_NUM})\s*(?P<bm>{_MULT})?)?\s*元"
)
_CN_AMOUNT_RE = re.compile(rf"(?P<c>{_CN_NUM})元(?!化)")
_BETWEEN_RE = re.compile(  # 五千元以上二万元以下 / 2000元以上1万元以下
    rf"(?P<a>{_NUM}\s*(?:{_MULT})?|{_CN_NUM})元以上(?P<b>{_NUM}\s*(?:{_MULT})?|{_CN_NUM})元以下"
)
_PERCENT_RE = re.compile(
    rf"(?<![\d.])(?P<a>{_NUM})%?(?:(?P<sep>{_RANGE_SEP})(?P<b>{_NUM}))?%|百分之(?P<c>{_CN_NUM})"
)
_QUAL_BEFORE = re.compile(
    r"(?P<up>最高(?:不超过)?|不(?:能|得|应)?超过|不高于|最多|至多|上限(?:提高到|提高至|为)?)"
    r"(?:[^\d，。；、,;%]{0,10}的|每[月年个人户项]?)?$"
    r"|(?P<least>(?<!不)(?<!不能)(?<!不得)(?<!不应)超过|不低于|至少)(?:每[月年个人户项]?)?$"
    r"|(?P<about>(?<![签节合预制契条公])约)$"
)
_QUAL_AFTER = re.compile(r"^(?:以上|以下|以内|左右|限额内)")
_LIST_JOIN = re.compile(r"^\s*[、和及或]\s*$")


def _arabic_value(num: str, mult: str | None) -> float:
    return float(num.replace(",", "")) * (_MULTS[mult] if mult else 1.0)


def _mixed_value(s: str) -> float | None:
    """`2000` / `1万` / `二万` → CNY value."""
    s = s.strip()
    m = re.fullmatch(rf"({_NUM})\s*({_MULT})?", s)
    if m:
        return _arabic_value(m.group(1), m.group(2))
    return cn_numeral_value(s)


def _qualifier(norm: str, start: int, end: int) -> tuple[str | None, int, int]:
    """Qualifier around span [start, end) and the span widened to include its words."""
    before = _QUAL_BEFORE.search(norm[max(0, start - 16):start])
    after = _QUAL_AFTER.match(norm[end:])
    qual = None
    if before:
        qual = "up_to" if before.group("up") else "at_least" if before.group("least") else "about"
        start -= len(before.group(0))
    if after:
        word = after.group(0)
        qual = {"以上": "at_least", "左右": "about"}.get(word, "up_to")
        end += len(word)
    return qual, start, end


@dataclass
class _Hit:
    start: int
    end: int
    fact: Fact


def _amount_hits(text: str, norm: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _BETWEEN_RE.finditer(norm):
        low, high = _mixed_value(m.group("a")), _mixed_value(m.group("b"))
        if low is None or high is None:
            continue
        hits.append(_Hit(m.start(), m.end(), Fact("amount", text[m.start():m.end()], None, low, high)))
        taken.append((m.start(), m.end()))

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    for m in _AMOUNT_RE.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        if m.group("b"):
            bm = m.group("bm")
            low = _arabic_value(m.group("a"), m.group("am") or bm)
            high = _arabic_value(m.group("b"), bm)
            low_high: tuple[float, float, float | None] = (low, high, None)
        else:
            v = _arabic_value(m.group("a"), m.group("am"))
            low_high = (v, v, v)
        hits.append(_Hit(m.start(), m.end(), Fact("amount", "", low_high[2], low_high[0], low_high[1])))
        taken.append((m.start(), m.end()))
    for m in _CN_AMOUNT_RE.finditer(norm):
        c = m.group("c")
        if not free(m.start(), m.end()) or (len(c) == 1 and c == "一"):
            continue
        cv = cn_numeral_value(c)
        if cv is not None:
            hits.append(_Hit(m.start(), m.end(), Fact("amount", "", cv, cv, cv)))
    return hits


def _percent_hits(norm: str) -> list[_Hit]:
    hits = []
    for m in _PERCENT_RE.finditer(norm):
        if m.group("c"):
            v = cn_numeral_value(m.group("c"))
            if v is None:
                continue
            hits.append(_Hit(m.start(), m.end(), Fact("percent", "", v, v, v)))
        elif m.group("b"):
            hits.append(_Hit(m.start(), m.end(), Fact("percent", "", None, float(m.group("a").replace(",", "")),
                                                      float(m.group("b").replace(",", "")))))
        else:
            v = float(m.group("a").replace(",", ""))
            hits.append(_Hit(m.start(), m.end(), Fact("percent", "", v, v, v)))
    return hits


def _finish(text: str, norm: str, hits: list[_Hit]) -> None:
    """Attach qualifiers and verbatim text; propagate a list's leading qualifier (`最高50万元、30万元`)."""
    hits.sort(key=lambda h: h.start)
    prev: _Hit | None = None
    for h in hits:
        qual, s, e = _qualifier(norm, h.start, h.end)
        if h.fact.qualifier is None:
            h.fact.qualifier = qual
        if (qual is None and prev is not None and prev.fact.kind == h.fact.kind
                and _LIST_JOIN.match(norm[prev.end:h.start])):
            h.fact.qualifier = prev.fact.qualifier if prev.fact.qualifier == "up_to" else None
        elif qual is not None and s < h.start:
            h.start = s
        h.end = max(h.end, e)
        if not h.fact.text:
            h.fact.text = text[h.start:h.end].strip()
        prev = h


# ---------------------------------------------------------------------------------------------------------
# Dates

_DAY_RE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_RE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末|份)?")
_YEAR_RE = re.compile(r"(?:(?P<pre>到|至|于|截至|截止到?|在)|(?P<join>、))(?P<y>\d{4})\s*年(?![度\d\s月])(?:底|末)?")


def _valid(y: int, m: int = 1, d: int = 1) -> bool:
    return 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31


def _date_hits(text: str, norm: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_RE.finditer(norm):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            iso = f"{y:04d}-{mo:02d}-{d:02d}"
            hits.append(_Hit(m.start(), m.end(), Fact("date", text[m.start():m.end()], date=iso)))
            taken.append((m.start(), m.end()))
    for m in _MONTH_RE.finditer(norm):
        y, mo = int(m.group(1)), int(m.group(2))
        if _valid(y, mo) and all(m.end() <= s or m.start() >= e for s, e in taken):
            hits.append(_Hit(m.start(), m.end(), Fact("date", text[m.start():m.end()], date=f"{y:04d}-{mo:02d}")))
            taken.append((m.start(), m.end()))
    last_year_end = -1
    for m in _YEAR_RE.finditer(norm):
        if m.group("join") and m.start() != last_year_end:
            continue  # `、2025年` only continues a list that started with `于2024年`
        y = int(m.group("y"))
        if not _valid(y):
            continue
        s = m.start("y")
        hits.append(_Hit(s, m.end(), Fact("date", text[s:m.end()], date=f"{y:04d}")))
        last_year_end = m.end()
    return hits


def parse_cn_date(s: str) -> str | None:
    """`2024年12月` → `2024-12`; `2024年2月26日` → `2024-02-26`; `2024年底` → `2024-12`; `2024年` → `2024`.

    Also accepts ISO-like `2024-12`; returns None when the string holds no date (`长期`, `持续推进`).
    """
    if not s:
        return None
    norm = _norm(s)
    m = _DAY_RE.search(norm)
    if m and _valid(int(m.group(1)), int(m.group(2)), int(m.group(3))):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = _MONTH_RE.search(norm)
    if m and _valid(int(m.group(1)), int(m.group(2))):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = re.search(r"(?<!\d)(\d{4})\s*年(?:底|末)", norm)
    if m and _valid(int(m.group(1))):
        return f"{m.group(1)}-12"
    m = re.search(r"(?<!\d)(\d{4})\s*年", norm) or re.fullmatch(r"\s*(\d{4})\s*", norm)
    if m and _valid(int(m.group(1))):
        return m.group(1)
    m = re.search(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)", norm)
    if m and _valid(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)):
        return "-".join(f"{int(g):02d}" if i else g for i, g in enumerate(m.groups()) if g)
    return None


# ---------------------------------------------------------------------------------------------------------
# Public: facts

def extract_facts(text: str) -> list[Fact]:
    """Amounts (CNY), percentages and dates in Chinese text, in source order, each amount/percent with its role.

    Money needs the unit 元 (`50万千瓦`, `10项行动`, `1名` are not amounts). `最高`/`不超过`/`以下` give
    qualifier "up_to", `以上` "at_least", `约`/`左右` "about"; a leading `最高` covers the rest of a 、-list.
    The role (`Fact.role`, `Fact.role_parts`) is the phrase of the clause the figure belongs to (see `index.roles`).
    """
    if not text:
        return []
    norm = _norm(text)
    hits = _amount_hits(text, norm) + _percent_hits(norm)
    _finish(text, norm, hits)
    hits.sort(key=lambda h: h.start)
    assign_roles(text, norm, [(h.start, h.end, h.fact) for h in hits])
    hits += _date_hits(text, norm)
    hits.sort(key=lambda h: h.start)
    return [h.fact for h in hits]


# ---------------------------------------------------------------------------------------------------------
# Responsible units

_LEAD_KEYS = r"牵头(?:部门|单位)|责任(?:部门|单位)|主责(?:部门|单位)"
_CO_KEYS = r"配合(?:部门|单位)|协同(?:部门|单位)|参与(?:部门|单位)"
_UNITS_RE = re.compile(rf"[(（]\s*(?:{_LEAD_KEYS})\s*[:：](?P<body>[^()（）]*?)[)）]")
_SPLIT_RE = re.compile(r"\s*[、，,;；/]\s*|\s{2,}|等(?=(?:市级|区县|各级)?有关)")


def split_units(cell: str) -> list[str]:
    """Split a unit cell (`市人社局、市高法院`, `市政府办公厅，江北区区政府`) into unit names.

    `市大数据发展局等市级有关单位` → [`市大数据发展局`, `市级有关单位`]. Whitespace inside names (from
    line wrapping) is removed.
    """
    if not cell:
        return []
    out: list[str] = []
    for part in _SPLIT_RE.split(cell.strip()):
        name = re.sub(r"\s+", "", part).strip("。.：:")
        if name.endswith("等") and len(name) > 2:
            name = name[:-1]
        if name and name not in out:
            out.append(name)
    return out


def extract_units(text: str) -> tuple[list[str], list[str]]:
    """Lead and co-operating units from `（牵头部门：…；配合部门：…）` parentheticals (full/half width)."""
    lead: list[str] = []
    co: list[str] = []
    for m in _UNITS_RE.finditer(text or ""):
        body = re.sub(r"\s+", "", m.group("body"))
        parts = re.split(rf"[;；]\s*(?=(?:{_CO_KEYS}|{_LEAD_KEYS})\s*[:：])", body)
        for i, part in enumerate(parts):
            key = re.match(rf"((?:{_CO_KEYS}|{_LEAD_KEYS}))\s*[:：]", part)
            target = lead if i == 0 else (co if key and re.match(_CO_KEYS, key.group(1)) else lead)
            names = part[key.end():] if key else part
            for name in split_units(names):
                if name not in target:
                    target.append(name)
    return lead, co


# ---------------------------------------------------------------------------------------------------------
# Language-neutral numbers and dates (for the verifier)

_EN_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
              "trillion": 1e12, "hundred": 1e2}
_EN_WORDS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORDS.update({w: float(10 * i) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})
_EN_SCALE_RE = r"thousand|million|billion|trillion|hundred|mn|bn|k(?![a-z])"
_PERCENT_TAIL = r"\s*(?:%|percent(?:age points?)?|per\s+cent|pct|个百分点)"

_NUMBER_RE = re.compile(
    rf"(?<![\d.])(?P<n>\d+(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s*(?P<cm>{_MULT})|\s*(?P<em>(?:{_EN_SCALE_RE})(?:\s+(?:million|billion))?)(?![a-z]))?"
    rf"(?P<pct>{_PERCENT_TAIL})?",
    re.IGNORECASE,
)
_WORD_NUMBER_RE = re.compile(
    rf"\b(?P<w>{'|'.join(_EN_WORDS)})(?:[\s-]+(?P<w2>{'|'.join(w for w in _EN_WORDS if 0 < _EN_WORDS[w] < 10)}))?"
    rf"\s+(?:(?P<em>(?:thousand|million|billion|hundred)(?:\s+(?:thousand|million|billion))?)"
    rf"|(?P<pct>percent|per\s+cent))\b",
    re.IGNORECASE,
)
_CN_NUMBER_RE = re.compile(rf"百分之(?P<p>{_CN_NUM})|(?P<c>{_CN_NUM})")
_RANGE_GAP_RE = re.compile(r"\s*(?:——|—|–|-|~|to|and|至|到)\s*", re.IGNORECASE)

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_ALT = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
              r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_EN_DATE_RES = [
    # 26 February 2024 / 26th Feb. 2024
    (re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH_ALT})\.?,?\s+(?P<y>\d{{4}})\b", re.I), True),
    # February 26, 2024
    (re.compile(rf"\b(?P<m>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I), True),
    # December 2024 / Dec. 2024 / end of Dec 2024
    (re.compile(rf"\b(?P<m>{_MONTH_ALT})\.?,?\s+(?:of\s+)?(?P<y>\d{{4}})\b", re.I), False),
]
_ISO_DATE_RE = re.compile(r"(?<![\d.])(?P<y>\d{4})[-/](?P<m>\d{1,2})(?:[-/](?P<d>\d{1,2}))?(?![\d])")


def _month_no(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for full, i in _MONTHS.items() if full.startswith(name[:3]))


def date_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, iso) of month- or day-precision dates in Chinese or English text."""
    norm = _norm(text or "")
    spans: list[tuple[int, int, str]] = []

    def add(s: int, e: int, iso: str) -> None:
        if all(e <= a or s >= b for a, b, _ in spans):
            spans.append((s, e, iso))

    for h in _date_hits(text or "", norm):
        if h.fact.date and "-" in h.fact.date:
            add(h.start, h.end, h.fact.date)
    for rx, has_day in _EN_DATE_RES:
        for m in rx.finditer(norm):
            y, mo = int(m.group("y")), _month_no(m.group("m"))
            d = int(m.group("d")) if has_day else 1
            if _valid(y, mo, d):
                add(m.start(), m.end(), f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if has_day else ""))
    for m in _ISO_DATE_RE.finditer(norm):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d") or 1)
        if _valid(y, mo, d):
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if m.group("d") else ""))
    return sorted(spans)


def dates_in_text(text: str) -> list[str]:
    """ISO-like dates (`2024-12`, `2024-02-26`) from `2024年12月`, `December 2024`, `Dec. 2024`, `2024-12`…"""
    return [iso for _, _, iso in date_spans(text)]


def number_spans(text: str, *, loose_cn: bool = False) -> list[tuple[int, int, float]]:
    """(start, end, value) of every number; see `number_items`."""
    return [(s, e, v) for s, e, v, _ in number_items(text, loose_cn=loose_cn)]


def number_items(text: str, *, loose_cn: bool = False) -> list[tuple[int, int, float, bool]]:
    """(start, end, value, is_percent) of every number, normalised (`5万元` → 50000, `5 million` → 5e6, `20%` → 20).

    Digits inside month/day dates are skipped (see `date_spans`); a bare number before a range separator
    takes the scale of the number after it (`10–30 million`, `100—500万元`). Chinese numerals count when
    they have two or more characters or carry 元 (`五十元`, `二万`); with `loose_cn` any Chinese numeral.
    """
    norm = _norm(text or "")
    blocked = [(s, e) for s, e, _ in date_spans(text or "")]
    found: list[list] = []  # [start, end, value, scale or None]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in blocked)

    for m in _NUMBER_RE.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        scale = _MULTS[m.group("cm")] if m.group("cm") else None
        for word in (m.group("em") or "").lower().split():
            scale = (scale or 1.0) * _EN_SCALES[word]
        if m.group("pct"):
            scale = None
        found.append([m.start(), m.end(), float(m.group("n").replace(",", "")) * (scale or 1.0), scale,
                      m.group("pct") is None])
    for a, b in zip(found, found[1:]):
        raw_a = norm[a[0]:a[1]]
        bare = a[3] is None and a[4] and "," not in raw_a and a[2] < 10_000
        if bare and b[3] is not None and _RANGE_GAP_RE.fullmatch(norm[a[1]:b[0]]):
            a[2] *= b[3]
    blocked += [(f[0], f[1]) for f in found]
    out = [(f[0], f[1], f[2], not f[4]) for f in found]
    for m in _WORD_NUMBER_RE.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        n = _EN_WORDS[m.group("w").lower()] + (_EN_WORDS[m.group("w2").lower()] if m.group("w2") else 0)
        for word in (m.group("em") or "").lower().split():
            n *= _EN_SCALES[word]
        out.append((m.start(), m.end(), n, m.group("pct") is not None))
    for m in _CN_NUMBER_RE.finditer(norm):
        s, e = m.span()
        c = m.group("p") or m.group("c")
        tail = norm[e:e + 1]
        if not free(s, e) or not (loose_cn or m.group("p") or len(c) >= 2 or (tail == "元" and c != "一")):
            continue
        v = cn_numeral_value(c)
        if v is not None:
            out.append((s, e, v, m.group("p") is not None))
    return sorted(out)


def numbers_in_text(text: str) -> list[float]:
    """Every number in Chinese or English text, normalised so one quantity matches across languages."""
    return [v for _, _, v in number_spans(text)]


# ---------------------------------------------------------------------------------------------------------
# English formatting

_MONTH_NAMES = [m.capitalize() for m in _MONTHS]
_QUAL_EN = {"up_to": "up to ", "at_least": "at least ", "about": "about "}


def _fmt_num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def format_amount_en(fact: Fact) -> str:
    """`CNY 50,000 (5万元)`, `up to CNY 500,000 (最高50万元)`, `CNY 10,000,000–30,000,000 (1000万—3000万元)`."""
    if fact.value is None and fact.low is not None and fact.high is not None and fact.low != fact.high:
        core = f"CNY {_fmt_num(fact.low)}–{_fmt_num(fact.high)}"
    else:
        v = fact.value if fact.value is not None else fact.low if fact.low is not None else fact.high
        if v is None:
            return fact.text
        core = f"CNY {_fmt_num(v)}"
    return f"{_QUAL_EN.get(fact.qualifier or '', '')}{core} ({fact.text})"


def format_date_en(iso: str) -> str:
    """`2024-12` → `December 2024`; `2024-02-26` → `February 26, 2024`; `2027` → `2027`."""
    parts = (iso or "").split("-")
    try:
        if len(parts) == 2:
            return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 3:
            return f"{_MONTH_NAMES[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}"
    except (ValueError, IndexError):
        pass
    return iso


def format_fact(fact: Fact, lang: str = "en") -> str:
    """A fact for display: zh → the verbatim source text; en → normalised English with the source text."""
    if lang.startswith("zh"):
        return fact.text
    if fact.kind == "amount":
        return format_amount_en(fact)
    if fact.kind == "percent":
        if fact.value is None and fact.low is not None and fact.high is not None:
            core = f"{_fmt_num(fact.low)}–{_fmt_num(fact.high)}%"
        else:
            core = f"{_fmt_num(fact.value if fact.value is not None else fact.low or 0)}%"
        shown = f"{_QUAL_EN.get(fact.qualifier or '', '')}{core}"
        return shown if shown == fact.text else f"{shown} ({fact.text})"
    if fact.kind in ("date", "deadline") and fact.date:
        return f"{format_date_en(fact.date)} ({fact.text})"
    return fact.text
