"""The role of a figure: the phrase of the clause it belongs to (what for, per what, to whom, share of what).

`assign_roles(text, norm, spans)` sets `Fact.role` (the verbatim Chinese phrase: the comma-delimited chunk
holding the figure, with the chunk before it when that chunk supplies the purpose or the "per") and
`Fact.role_parts`, the same phrase taken apart by rules into Chinese parts:

| part | meaning | example |
| --- | --- | --- |
| `what` | the benefit or measure | 资助, 年保费补贴 → 保费补贴, 实际保险费率 |
| `to` | the recipient | 企业, 每名博士后, 采购方 |
| `per` | per what | 单个产品, 同一产品, 企业每招收1名全职博士后 |
| `period` | year / month / quarter / day when the figure is per period (`年保费补贴`, `每月`) | |
| `of` | the base of a share | 实际支付额 (`不超过实际支付额的20%`) |
| `for` | the purpose or the item of a 分别-list | 建立国家级博士后工作站, 重大科技基础设施项目 |
| `whose` | what the figure measures (`形成核心产值500亿元规模的空天信息产业集群`) | 空天信息产业集群 |
| `cond` | a condition | 符合条件的, 满足条件的 |
| `basis` | how it is paid | 根据上市进程分四个阶段 |
| `scheme` | the benefit the sentence opens with, when the figure's own differs | 首台（套）产品首购首用风险补偿补助 |

Only text of the clause goes into a part (nothing is guessed); a phrase the rules cannot take apart stays
whole in `what`. English wording is done elsewhere (`chat.english`), from the glossary and a dictionary.
"""
from __future__ import annotations

import re
from typing import Any

_SENT_END = "。;！？!?\n"
_CHUNK_END = _SENT_END + ",:，：；"
_LIST_JOIN = re.compile(r"^\s*[、和及或]\s*$")
_CONNECT = re.compile(r"^(?:且|并且|并|同时|和|及|或)")
_GIVE = re.compile(r"(给予|发放|提供)")
_BENEFIT = r"(?:奖励|补贴|补助|资助|奖补|补偿)"
_PER_HEAD = re.compile(
    r"^(?P<per>(?:单个|同一|每个|每家|每户|单户|单家|单项|每项|每名|每人|每)"
    r"(?:产品|企业|项目|单位|机构|平台|主体|子女|人|户|家|项|名)?)"
)
_YEAR_HEAD = re.compile(r"^(?:每年度?|年度?)(?=[^\d份底末])")
_PERIOD = re.compile(r"每(?P<p>年度?|月|季度|日|天)$")
_VERB_ONLY = re.compile(r"^(?:也)?(?:可以|可)?(?:并)?(?:处以?|按照?|在|对其|责令)?$")
_TRAIL_VERB = re.compile(r"(?:累计)?(?:达到|保持在|提高到|提高至|降低至|降低到|降至|提升至|提升到|增长到|增加到|控制在"
                         r"|至|为|达)$")
_LEAD_VERB = re.compile(r"^(?:力争|推动|确保|形成|实现|完成|新增|累计|全市|全年)+")
_CHANGE = re.compile(r"降低|下调|提高|上调|减免")
_WHO = re.compile(r"的(?P<who>[^的，,]*(?:人|企业|机构|单位|方|者|团队|主体|公司|银行))$")
_BENEFIT_WHAT = re.compile(r"奖励|补贴|补助|资助|奖补|补偿|资金|支持|经费")
_COND = re.compile(r"^(?P<cond>.*?(?:条件|符合|满足|认定|达标)[^，,]*?的)")


#: A regulation article's own label at the start of its text (第三十六条 建立工会的单位…): not part of any role.
_ARTICLE_LABEL = re.compile(r"\s*第[一二三四五六七八九十百千零〇两\d]+条(?:之[一二三四五六七八九十]+)?\s+")


def _chunk_bounds(norm: str, start: int, end: int) -> tuple[int, int, int, int]:
    """(sentence start, chunk start, chunk end, sentence end) around [start, end); a sentence starts after the
    article label that opens it."""
    ss = max((norm.rfind(ch, 0, start) for ch in _SENT_END), default=-1) + 1
    label = _ARTICLE_LABEL.match(norm, ss)
    if label and label.end() <= start:
        ss = label.end()
    cs = max((norm.rfind(ch, 0, start) for ch in _CHUNK_END), default=-1) + 1
    ends = [i for i in (norm.find(ch, end) for ch in _CHUNK_END) if i >= 0]
    ce = min(ends) if ends else len(norm)
    sends = [i for i in (norm.find(ch, end) for ch in _SENT_END) if i >= 0]
    se = min(sends) if sends else len(norm)
    return ss, max(cs, ss), ce, se


def _runs(norm: str, spans: list[tuple[int, int, Any]]) -> list[list[tuple[int, int, Any]]]:
    """Figures joined into a list (`最高50万元、30万元、20万元`) form one run; others are runs of one."""
    runs: list[list[tuple[int, int, Any]]] = []
    for span in spans:
        if runs and _LIST_JOIN.match(norm[runs[-1][-1][1]:span[0]]) and runs[-1][-1][2].kind == span[2].kind:
            runs[-1].append(span)
        else:
            runs.append([span])
    return runs


def _strip(s: str) -> str:
    return s.strip(" 　\t、,，的")


def _parse_pre(pre: str, parts: dict[str, str]) -> None:
    """Parts from the words before the figure (after the previous figure of the same chunk)."""
    pre = _CONNECT.sub("", pre.strip())
    if "分别" in pre:
        parts["respectively"] = "1"
        pre = pre.replace("分别", "")
    m = re.search(r"按(?:照)?(?P<of>[^按]*?)的$", pre)
    if m and m.group("of"):
        parts["of"] = m.group("of")
        pre = pre[:m.start()]
    pre = re.sub(r"按(?:照)?$", "", pre)
    p = _PERIOD.search(pre)
    if p:
        parts["period"] = {"年": "year", "年度": "year", "月": "month", "季度": "quarter"}.get(p.group("p"), "day")
        pre = pre[:p.start()]
    pre = re.sub(r"^(?:按照?|在)", "", pre)
    if _VERB_ONLY.match(pre):
        return
    gives = list(_GIVE.finditer(pre))
    if gives:
        g = gives[-1]
        left, right = pre[:g.start()], _strip(pre[g.end():])
        if right:
            parts["per" if re.fullmatch(r"每个|单个|每项|每户|单户|每家|单家", right) else "to"] = right
        _parse_subject(re.sub(r"^对", "", left.strip()), parts, "basis")
        return
    rest = re.sub(r"^对", "", pre)
    c = _COND.match(rest)
    if c:
        parts["cond"] = c.group("cond")
        rest = rest[c.end():]
    ch = _CHANGE.search(rest)
    if ch and ch.start() > 0:
        parts["to"], parts["change"] = _strip(rest[:ch.start()]), ch.group(0)
        rest = rest[ch.end():]
    rest = _TRAIL_VERB.sub("", _LEAD_VERB.sub("", rest))
    m = _PER_HEAD.match(rest)
    if m:
        parts["per"] = m.group("per")
        rest = rest[m.end():]
    y = _YEAR_HEAD.match(rest)
    if y:
        parts["period"] = "year"
        rest = rest[y.end():]
    rest = _strip(rest)
    if rest and rest != "将":
        parts["what"] = rest


def _parse_subject(left: str, parts: dict[str, str], key: str) -> None:
    """Text before 给予: a condition (`满足条件的`), a recipient (`…的私募投资基金管理人`) and/or a purpose."""
    c = _COND.match(left)
    if c:
        parts.setdefault("cond", _strip(c.group("cond")) + "的")
        left = left[c.end():]
    left = _strip(left)
    if not left:
        return
    m = _WHO.search(left)
    if m and "to" not in parts:
        parts["to"] = m.group("who")
        left = _strip(left[:m.start()])
    if left:
        parts.setdefault(key, left)


def _parse_post(post: str, parts: dict[str, str]) -> None:
    """Parts from the words after the figure (up to the next figure or the end of the chunk)."""
    post = re.split(r"且|并且|同时", post, maxsplit=1)[0]
    post = re.sub(r"^(?:规模)?的?", "", post.strip())
    if not post or re.fullmatch(r"上限计算|上限|计算|左右|以上|以下|以内", post):
        return
    m = re.match(rf"^(?P<what>{_BENEFIT})(?P<to>[^\d]{{2,}})$", post)
    if m and "what" not in parts:
        parts["what"], parts["to"] = m.group("what"), m.group("to")
        return
    post = _strip(re.sub(r"^(?:给予|提供|发放)", "", post))
    if not post:
        return
    if "what" not in parts:
        parts["what"] = post
    else:
        parts["whose"] = post


def _list_items(chunk: str, n: int) -> tuple[list[str], str, str] | None:
    """A 、/和-list of exactly `n` items in a chunk: (items, text before it, head noun after it)."""
    body = re.sub(r"^(?:对|支持|鼓励)", "", chunk)
    segments = body.split("的")
    for i, seg in enumerate(segments):
        items = [x for x in re.split(r"[、和及]|以及", seg) if x]
        if len(items) == n:
            before = "的".join(segments[:i])
            after = "的".join(segments[i + 1:])
            return items, before + ("的" if before else ""), after
    return None


def _context(norm: str, ss: int, cs: int) -> tuple[int, str]:
    """(start, text) of the chunk before the chunk starting at `cs`, in the same sentence ('' when none)."""
    if cs <= ss:
        return cs, ""
    pcs = max(max((norm.rfind(ch, 0, cs - 1) for ch in _CHUNK_END), default=-1) + 1, ss)
    while pcs > ss and re.match(r"^(?:或|以及|或者)", norm[pcs:]):   # `对A，或B的…管理人`: one subject
        pcs = max(max((norm.rfind(ch, 0, pcs - 1) for ch in _CHUNK_END), default=-1) + 1, ss)
    return pcs, norm[pcs:cs - 1]


def assign_roles(text: str, norm: str, spans: list[tuple[int, int, Any]]) -> None:
    """Set `role` and `role_parts` on each amount/percent/quantity `Fact` of `spans` ((start, end, fact), offsets
    in `norm`)."""
    spans = sorted((s for s in spans if s[2].kind in ("amount", "percent", "quantity")), key=lambda s: s[0])
    for run in _runs(norm, spans):
        first, last = run[0], run[-1]
        ss, cs, ce, _se = _chunk_bounds(norm, first[0], last[1])
        prev_end = max([e for s, e, _ in spans if e <= first[0] and s >= cs] + [cs])
        next_start = min([s for s, _, _ in spans if s >= last[1] and s < ce] + [ce])
        pre, post = norm[prev_end:first[0]], norm[last[1]:next_start]
        ctx_start, context = _context(norm, ss, cs)
        context_has_figure = any(ctx_start <= s < cs for s, _, _ in spans)
        tail_start = max([e for s, e, _ in spans if cs <= s and e <= ce] + [last[1]])
        for i, (start, end, fact) in enumerate(run):
            parts: dict[str, str] = {}
            if fact.kind == "percent":
                m = re.match(r"^(?:最高(?:不超过)?|不(?:能|得|应)?超过|不高于|最多|至多|不低于|至少)?(?P<of>[^\d]+?)的",
                             norm[start:end])
                if m:
                    parts["of"] = m.group("of")
            _parse_pre(pre, parts)
            _parse_post(post, parts)
            if "what" not in parts and tail_start > last[1]:
                _parse_post(norm[tail_start:ce], parts)   # `按投资总额的1%给予最高1000万元奖励`: 1% is a 奖励 too
            role_start = cs
            if parts.pop("respectively", None) and len(run) > 1 and context and not context_has_figure:
                found = _list_items(context, len(run))
                if found:
                    items, before, head = found
                    parts["for"] = items[i]
                    if head and "to" not in parts:
                        parts["to"] = head
                    c = _COND.match(before)
                    if c:
                        parts["cond"] = c.group("cond")
                    elif _strip(before):
                        parts["basis"] = _strip(before)
                    role_start = ctx_start
            elif context and not context_has_figure and ("what" not in parts or _BENEFIT_WHAT.search(parts["what"])):
                _inherit(context, parts)
                role_start = ctx_start
            fact.role = text[role_start:ce].strip()
            fact.role_parts = {k: v for k, v in parts.items() if v} or None


def _inherit(context: str, parts: dict[str, str]) -> None:
    """Purpose, recipient or per-unit from the chunk before (`支持…建立博士后工作站，满足条件的给予50万元资助`)."""
    addressed = context.strip().startswith("对")      # `对…的金融机构，按…提供激励资金`: all of it says to whom
    ctx = re.sub(r"^(?:支持|鼓励|对|或)", "", context.strip())
    ctx = re.sub(r"(?:进行|予以|给予)?支持$", "", ctx)
    gives = list(re.finditer("给予", ctx) if addressed else _GIVE.finditer(ctx))
    if addressed and not gives and "的" not in ctx and "to" not in parts:
        parts["to"] = _strip(ctx)
        return
    if gives:
        g = gives[-1]
        scheme = _strip(ctx[g.end():])
        if "what" in parts and scheme and scheme != parts["what"]:
            parts.setdefault("scheme", scheme)
        parts.setdefault("what", scheme)
        ctx = re.sub(r"^对", "", ctx[:g.start()])
    if "每" in ctx and "per" not in parts:
        parts["per"] = ctx
        return
    if not {"for", "to"} & parts.keys() or gives:
        _parse_subject(ctx, parts, "for")
