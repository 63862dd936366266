"""Twin-question consistency: a Chinese question and its English twin ask the same thing, so the decision should
read them alike. For every zh/en pair of the labelled sets this compares the question readings (`read_question`:
what is asked, the unit, span, places, years, document numbers, names, the concepts; `asks_figure`, `asks_fee`)
and, with `--index`, the decision outcome (verdict, first cited clause, confidence, the answer features), and
prints a table of the disagreements by field with counts and example ids.

    PYTHONPATH=$PWD python -m eval.twin_reading                       # readings only (glossary, no index): ~20 s
    OMP_NUM_THREADS=1 python -m eval.twin_reading --index data/index --cache CACHE.pkl [--set …] [--show FIELD]

Pairs: ids `…zhNN` / `…enNN` (`pair_key`; `ORDERED_PAIRS` pairs a set in file order instead). Sets with no twins
(`questions_holdout`, `_blind`, `_blind2`, and `questions`, `_decision`, `_decision_holdout`, whose same-numbered
questions ask different things: `TWIN_SHARE`) contribute no pairs.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.calibrate_answerability import load_cache
from eval.qrels import LABELLED_SETS, Question, load_questions
from retriever.decision import gather, load_model
from retriever.evidence import Asks, asks_fee, asks_figure, read_question
from retriever.glossary import Glossary

#: Pair a set in file order when its languages line up (off: questions_regulations's near misses line up by
#: answerability only, and its ids pair 61 of 64 questions correctly).
ORDERED_PAIRS = False
#: A set's same-numbered questions are twins when at least this share of its answerable pairs cite the same gold.
TWIN_SHARE = 0.5
_PAIR_ID = re.compile(r"(zh|en)(?=\d+$)")


def pair_key(qid: str) -> str | None:
    """The id a question shares with its twin (b11-zh07, b11-en07 → b11-L07); None for an id with no language."""
    key, n = _PAIR_ID.subn("L", qid)
    return key if n else None


def twins(questions: Sequence[Question]) -> list[tuple[Question, Question]]:
    """(zh, en) pairs of one set: by id, or in file order when the set's two languages line up question for
    question (same gold clauses and answerability) and more pairs come out that way."""
    by_key: dict[str, dict[str, Question]] = {}
    for q in questions:
        key = pair_key(q.id)
        if key is not None:
            by_key.setdefault(key, {})[q.lang] = q
    by_id = [(v["zh"], v["en"]) for v in by_key.values() if "zh" in v and "en" in v]
    zh = [q for q in questions if q.lang == "zh"]
    en = [q for q in questions if q.lang == "en"]
    ordered = list(zip(zh, en))
    if (ORDERED_PAIRS and len(zh) == len(en) and len(ordered) > len(by_id)
            and all(a.relevant == b.relevant and a.answerable == b.answerable for a, b in ordered)):
        return ordered
    answerable = [(a, b) for a, b in by_id if a.answerable or b.answerable]
    if answerable and sum(a.relevant == b.relevant for a, b in answerable) < TWIN_SHARE * len(answerable):
        return []           # ids shared by unrelated questions (questions.jsonl: zh05 and en05 ask different things)
    return by_id


# --- readings ----------------------------------------------------------------------------------------------

def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a


def concept_gaps(zh: Asks, en: Asks) -> tuple[list[str], list[str]]:
    """Chinese concepts of the zh question that no term of the English reading overlaps (substring either way),
    and English-reading concepts no term of the Chinese reading overlaps."""
    zh_terms = [t for g in zh.concepts for t in g]
    en_terms = [t for g in en.concepts for t in g] + [z for _, zs in en.en_words for z in zs]
    lost = [g[0] for g in zh.concepts if not any(_overlaps(t, e) for t in g for e in en_terms)]
    extra = [g[0] for g in en.concepts if not any(_overlaps(t, z) for t in g for z in zh_terms)]
    return lost, extra


#: Reading fields: name → (value of a reading, given the question text). Values are compared for equality.
READINGS: dict[str, Callable[[Asks, str], Any]] = {
    "kinds": lambda a, q: tuple(sorted(a.kinds)),
    "span": lambda a, q: a.span,
    "unit": lambda a, q: a.unit,
    "figure": lambda a, q: asks_figure(q),
    "fee": lambda a, q: asks_fee(q),
    "places": lambda a, q: tuple(sorted(a.places)),
    "years": lambda a, q: tuple(a.years),
    "doc_numbers": lambda a, q: tuple(a.doc_numbers),
    "names": lambda a, q: bool(a.names),
    "effect": lambda a, q: a.effect,
    "payee": lambda a, q: a.names_payee,
    "terms": lambda a, q: tuple(sorted(t.en[0] for t in a.terms)),
}


def reading_of(q: Question, glossary: Any, result: Any = None) -> Asks:
    """The question's reading as the decision makes it (with the search's translation and glossary terms when a
    search result is given)."""
    if result is not None:
        return read_question(q.query, q.lang, glossary, result.translation, result.glossary_terms)
    return read_question(q.query, q.lang, glossary)


def compare_readings(zh: Question, en: Question, a_zh: Asks, a_en: Asks) -> dict[str, tuple[Any, Any]]:
    """The reading fields on which the twins disagree: field → (zh value, en value)."""
    out = {name: (f(a_zh, zh.query), f(a_en, en.query)) for name, f in READINGS.items()}
    out = {k: v for k, v in out.items() if v[0] != v[1]}
    lost, extra = concept_gaps(a_zh, a_en)
    if lost:
        out["concept_lost"] = (lost, [])
    if extra:
        out["concept_extra"] = ([], extra)
    return out


# --- decision outcomes ------------------------------------------------------------------------------------

#: Answer features compared as "on" (≥ 0.5) or not; the rest of `ANSWER_FEATURES` are continuous and compared by
#: `_CONTINUOUS` gaps.
_BINARY = ("place_mismatch", "year_mismatch", "doc_unknown", "out_of_scope", "term_absent", "term_off_doc",
           "span_given", "unit_given", "name_unheld", "payee_other", "defers")
_CONTINUOUS = {"cand_p": 0.3, "absent_share": 0.3, "cov": 0.3, "ask_match": 0.5}
#: Confidences this far apart count as a disagreement.
CONFIDENCE_GAP = 0.3


def outcome(q: Question, service: Any, cache: dict[tuple[str, str], Any], model: Any) -> dict[str, Any]:
    """The decision for one question (search result from `cache` when there, else searched live)."""
    from retriever.answerability import judge

    searcher = service.searcher
    result = cache.get((str(Path(service.index_dir)), q.query))
    if result is None:
        result = searcher.run(q.query, k=15)
    decision = judge(result, searcher)
    ev = gather(result.query, result.lang, result.hits, searcher.store, model, searcher.glossary,
                result.translation, result.glossary_terms) if result.hits else None
    row = ev.answer_row if ev is not None else {}
    first = decision.cited[0].clause.id if decision.cited else None
    return {"result": result, "verdict": decision.verdict, "confidence": decision.confidence, "first": first,
            "right_first": bool(first and first in q.relevant), "rule": _rule(decision), "row": row}


def _rule(decision: Any) -> str:
    if decision.unstated:
        return "unstated:" + "/".join(decision.unstated)
    if decision.contrast:
        return "contrast"
    if decision.per:
        return "per"
    return ""


def compare_outcomes(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The outcome fields on which the twins' decisions disagree."""
    out: dict[str, tuple[Any, Any]] = {}
    if a["verdict"] != b["verdict"]:
        out["verdict"] = (a["verdict"], b["verdict"])
    if (a["verdict"] == "answer") != (b["verdict"] == "answer"):
        out["answered"] = (a["verdict"] == "answer", b["verdict"] == "answer")
    if abs(a["confidence"] - b["confidence"]) >= CONFIDENCE_GAP:
        out["confidence"] = (round(a["confidence"], 2), round(b["confidence"], 2))
    if a["first"] != b["first"] and (a["first"] or b["first"]):
        out["first_cited"] = (a["first"], b["first"])
    if a["right_first"] != b["right_first"]:
        out["right_first"] = (a["right_first"], b["right_first"])
    if a["rule"] != b["rule"]:
        out["rule"] = (a["rule"], b["rule"])
    for f in _BINARY:
        x, y = a["row"].get(f), b["row"].get(f)
        if x is not None and y is not None and (x >= 0.5) != (y >= 0.5):
            out[f"feat:{f}"] = (round(x, 2), round(y, 2))
    for f, gap in _CONTINUOUS.items():
        x, y = a["row"].get(f), b["row"].get(f)
        if x is not None and y is not None and abs(x - y) >= gap:
            out[f"feat:{f}"] = (round(x, 2), round(y, 2))
    return out


# --- report -----------------------------------------------------------------------------------------------

def run(sets: Sequence[Path], index: Path | None = None, cache: Sequence[Path] = (),
        progress: bool = True) -> list[dict[str, Any]]:
    """One record per twin pair: ids, questions, the disagreeing fields (readings, and outcomes with an index)."""
    from tqdm import tqdm

    service = model = None
    saved: dict[tuple[str, str], Any] = {}
    if index is not None:
        from chat.service import GazetteService

        service = GazetteService.open(index, llm="none")
        model = load_model()
        saved = load_cache(list(cache))
    glossary = service.searcher.glossary if service is not None else Glossary.load()
    pairs = [(path.stem, zh, en) for path in sets for zh, en in twins(load_questions(path))]
    records = []
    for stem, zh, en in tqdm(pairs, desc="twins", disable=not progress, file=sys.stderr):
        rec: dict[str, Any] = {"set": stem, "zh": zh.id, "en": en.id, "answerable": zh.answerable,
                               "q_zh": zh.query, "q_en": en.query}
        out_zh = out_en = None
        if service is not None:
            out_zh, out_en = outcome(zh, service, saved, model), outcome(en, service, saved, model)
        a_zh = reading_of(zh, glossary, out_zh["result"] if out_zh else None)
        a_en = reading_of(en, glossary, out_en["result"] if out_en else None)
        diff = compare_readings(zh, en, a_zh, a_en)
        if out_zh and out_en:
            diff.update(compare_outcomes(out_zh, out_en))
            rec["outcome"] = {lang: {k: v for k, v in o.items() if k not in ("result", "row")}
                              for lang, o in (("zh", out_zh), ("en", out_en))}
        rec["diff"] = diff
        records.append(rec)
    return records


def table(records: Sequence[dict[str, Any]], examples: int = 4) -> str:
    """Disagreements by field: pairs, answerable / near-miss pairs, example pair ids."""
    count: Counter[str] = Counter()
    by_ans: dict[str, Counter[bool]] = {}
    ex: dict[str, list[str]] = {}
    for r in records:
        for f in r["diff"]:
            count[f] += 1
            by_ans.setdefault(f, Counter())[r["answerable"]] += 1
            ex.setdefault(f, []).append(r["en"])
    lines = [f"{len(records)} twin pairs ({sum(r['answerable'] for r in records)} answerable)", "",
             "| field | pairs | answerable | near miss | examples (en id) |", "|---|---|---|---|---|"]
    for f, n in count.most_common():
        lines.append(f"| {f} | {n} | {by_ans[f][True]} | {by_ans[f][False]} | {', '.join(ex[f][:examples])} |")
    return "\n".join(lines)


def lost_concepts(records: Sequence[dict[str, Any]], top: int = 25) -> str:
    """The Chinese concepts most often lost in the English reading (what the English question's reading lacks)."""
    c: Counter[str] = Counter(t for r in records for t in r["diff"].get("concept_lost", ([], []))[0])
    return "concepts of the zh question the en reading lacks (most frequent): " + ", ".join(
        f"{t} {n}" for t, n in c.most_common(top))


def show(records: Sequence[dict[str, Any]], field: str) -> str:
    """Every pair disagreeing on `field`, with both values and both questions."""
    out = []
    for r in records:
        if field in r["diff"]:
            zh_v, en_v = r["diff"][field]
            out.append(f"{r['en']}: zh={zh_v} en={en_v}\n    {r['q_zh']}\n    {r['q_en']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.twin_reading", description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, action="append", help="question set (repeatable; default: the 20 labelled)")
    ap.add_argument("--index", type=Path, help="also compare the decisions on this index")
    ap.add_argument("--cache", type=Path, action="append", default=[], help="pickled search results (read only)")
    ap.add_argument("--show", action="append", default=[], help="list the pairs disagreeing on this field")
    ap.add_argument("--out", type=Path, help="write every pair's record here (JSONL)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    sets = args.set or list(LABELLED_SETS)
    missing = [str(p) for p in sets if not p.is_file()]
    if missing:
        print(f"error: question set not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.index is not None and not args.index.is_dir():
        print(f"error: index folder not found: {args.index}", file=sys.stderr)
        return 2
    records = run(sets, args.index, args.cache, progress=not args.quiet)
    print(table(records))
    print()
    print(lost_concepts(records))
    for f in args.show:
        print(f"\n## {f}\n{show(records, f)}")
    if args.out:
        with args.out.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
