"""Pure evaluation metrics: retrieval (recall, hit, MRR), answers (facts, citations, refusals), latency.

A ranked list holds clause ids, or sets of clause ids when one result covers several clauses (baseline chunks).
Questions with no gold ids are skipped by retrieval metrics (they measure refusals instead).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from index.facts import dates_in_text, numbers_in_text, parse_cn_date

Ranked = Sequence[str | Collection[str]]


def _as_sets(ranked: Ranked) -> list[set[str]]:
    return [{item} if isinstance(item, str) else set(item) for item in ranked]


def recall_at_k(ranked: Ranked, relevant: Collection[str], k: int) -> float:
    """Share of the gold ids found in the top k results (0.0 for no gold)."""
    gold = set(relevant)
    if not gold:
        return 0.0
    found: set[str] = set().union(*_as_sets(ranked[:k])) if k > 0 else set()
    return len(found & gold) / len(gold)


def hit_at_k(ranked: Ranked, relevant: Collection[str], k: int) -> float:
    """1.0 when any gold id is in the top k results, else 0.0."""
    gold = set(relevant)
    return float(any(item & gold for item in _as_sets(ranked[:k])))


def mrr_at_k(ranked: Ranked, relevant: Collection[str], k: int = 10) -> float:
    """Reciprocal rank of the first result holding a gold id within the top k (0.0 when none)."""
    gold = set(relevant)
    for rank, item in enumerate(_as_sets(ranked[:k]), 1):
        if item & gold:
            return 1.0 / rank
    return 0.0


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else float("nan")


def retrieval_scores(ranked: Ranked, relevant: Collection[str], ks: Sequence[int] = (1, 5, 10),
                     mrr_k: int = 10) -> dict[str, float]:
    """All retrieval metrics of one question: `recall@k`, `hit@k` for each k, and `mrr@mrr_k`."""
    out = {f"recall@{k}": recall_at_k(ranked, relevant, k) for k in ks}
    out.update({f"hit@{k}": hit_at_k(ranked, relevant, k) for k in ks})
    out[f"mrr@{mrr_k}"] = mrr_at_k(ranked, relevant, mrr_k)
    return out


def aggregate(rows: Sequence[Mapping[str, Any]], metrics: Sequence[str], group: str = "lang"
              ) -> dict[str, dict[str, float]]:
    """Mean of each metric per value of `group` and over all rows (key "all"); rows lacking a metric are skipped.
    Each group also gets `n`, its row count."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row[group])].append(row)
        groups["all"].append(row)
    out: dict[str, dict[str, float]] = {}
    for name, members in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        agg: dict[str, float] = {"n": len(members)}
        for m in metrics:
            agg[m] = mean(r[m] for r in members if r.get(m) is not None)
        out[name] = agg
    return out


# --- facts -------------------------------------------------------------------------------------------------

def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s,，]", "", text)


def _numbers(text: str) -> set[float]:
    return {round(v, 6) for v in numbers_in_text(text)}


def _dates(text: str) -> set[str]:
    found = set(dates_in_text(text))
    for m in re.finditer(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?", text):
        iso = parse_cn_date(m.group(0))
        if iso:
            found.add(iso)
    return found


def fact_present(fact: str, haystack: str) -> bool:
    """Whether an expected fact appears in `haystack`. `a | b` means either alternative.

    An alternative matches as a (space/comma-insensitive) substring, or — when it holds a date — when all its
    dates occur in the haystack, or — when it holds a number — when all its numbers occur (so "CNY 50,000"
    matches "5万元" and "April 2024" matches "2024年4月")."""
    for alt in (a.strip() for a in fact.split(" | ")):
        if not alt:
            continue
        if _squash(alt) in _squash(haystack):
            return True
        dates = _dates(alt)
        if dates:
            if dates <= _dates(haystack):
                return True
            continue
        nums = _numbers(alt)
        if nums and nums <= _numbers(haystack):
            return True
    return False


def fact_recall(facts: Sequence[str], haystack: str) -> float:
    """Share of expected facts present (1.0 when there are none)."""
    return mean(float(fact_present(f, haystack)) for f in facts) if facts else 1.0


def card_text(card: Mapping[str, Any]) -> str:
    """Everything a reader sees in an answer card: answer, and per citation its number, label, quote, facts."""
    parts = [str(card.get("answer") or "")]
    for c in card.get("citations") or []:
        parts += [str(c.get(k) or "") for k in ("doc_number", "label", "label_en", "title", "title_en", "quote")]
        parts += [str(f) for f in c.get("facts") or []]
    return "\n".join(parts)


def citation_precision(citations: Sequence[Mapping[str, Any]], relevant: Collection[str],
                       facts: Sequence[str]) -> float | None:
    """Share of citations that are gold clauses or whose quote/facts contain an expected fact (None: no citations)."""
    if not citations:
        return None
    gold = set(relevant)

    def good(c: Mapping[str, Any]) -> bool:
        if c.get("id") in gold:
            return True
        text = "\n".join([str(c.get("quote") or ""), *map(str, c.get("facts") or [])])
        return any(fact_present(f, text) for f in facts)

    return mean(float(good(c)) for c in citations)


# --- refusals ----------------------------------------------------------------------------------------------

def refusal_scores(answerable: Sequence[bool], answered: Sequence[bool]) -> dict[str, float]:
    """Refusal = answered False. Precision: refusals that were right (question unanswerable); recall: unanswerable
    questions refused; also accuracy of the answer/refuse decision and the false-refusal rate."""
    pairs = list(zip(answerable, answered))
    refused = [a for a, ans in pairs if not ans]
    unanswerable = [ans for a, ans in pairs if not a]
    answerable_ans = [ans for a, ans in pairs if a]
    return {
        "refusal_precision": mean(float(not a) for a in refused) if refused else float("nan"),
        "refusal_recall": mean(float(not ans) for ans in unanswerable) if unanswerable else float("nan"),
        "false_refusal_rate": mean(float(not ans) for ans in answerable_ans) if answerable_ans else float("nan"),
        "decision_accuracy": mean(float(a == ans) for a, ans in pairs) if pairs else float("nan"),
    }


# --- latency -----------------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default; nan for no values."""
    vals = sorted(values)
    if not vals:
        return float("nan")
    pos = (len(vals) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/max/mean in milliseconds, and the count."""
    ms = [s * 1000.0 for s in seconds]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms) if ms else float("nan"), "mean_ms": mean(ms)}


def below_floors(metrics: Mapping[str, Any], floors: Mapping[str, float],
                 lookup: Callable[[Mapping[str, Any], str], Any] | None = None) -> list[str]:
    """Messages for each floor whose metric (dotted path into `metrics`) is missing, nan, or below the floor."""
    get = lookup or dotted_get
    problems = []
    for path, floor in floors.items():
        value = get(metrics, path)
        if not isinstance(value, (int, float)) or (isinstance(value, float) and math.isnan(value)):
            problems.append(f"{path}: missing (floor {floor:.3f})")
        elif value < floor:
            problems.append(f"{path}: {value:.3f} < floor {floor:.3f}")
    return problems


def dotted_get(data: Mapping[str, Any], path: str) -> Any:
    """`data["a"]["b"]["c"]` for "a.b.c" (keys may themselves hold dots if they match whole: "recall@5")."""
    node: Any = data
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, Mapping):
            return None
        for j in range(len(parts), i, -1):  # longest key first, so "hit@1.5" style keys also work
            key = ".".join(parts[i:j])
            if key in node:
                node, i = node[key], j
                break
        else:
            return None
    return node
