"""The answer decision per index, question set and language: refusals, right clause first, facts, calibration.

    python -m eval.decision_eval --index DIR [--index DIR2] [--set FILE …] [--out DIR]

Asks every question through `GazetteService.ask` (llm none: the decision every caller uses) and reports refusal
precision/recall, the false-refusal rate, the right clause cited first, expected figures in the answer, how many
refusals were `partial`, the confidence's calibration (ECE, reliability plot) and answer latency. A question whose
gold clauses are not in an index is out of corpus for that index.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chat.compose import compose_answer
from chat.service import GazetteService
from eval import metrics as M
from eval.calibrate_answerability import load_cache
from eval.qrels import LABELLED_SETS, load_questions
from retriever.answerability import judge
from retriever.decision import load_model

REPORT_SETS = LABELLED_SETS


def trained_on() -> tuple[str, ...]:
    """The question sets the shipped decision model was trained on (file names, from the model file)."""
    return tuple(load_model().meta.get("trained_on", ()))


def ask_rows(service: Any, path: Path, progress: bool = True, cache: dict[tuple[str, str], Any] | None = None
             ) -> list[dict[str, Any]]:
    """One row per question of `path`: verdict, confidence, citations, facts, latency. With a `cache` of search
    results, the cached result goes through the same decision and card as `service.ask` (latency then
    excludes search)."""
    from tqdm import tqdm

    ids = set(service.searcher.store.by_id)
    index_key = str(Path(service.index_dir))
    rows = []
    for q in tqdm(load_questions(path), desc=f"decide [{path.stem}]", disable=not progress, file=sys.stderr):
        gold = [g for g in q.relevant if g in ids]
        started = time.perf_counter()
        cached = (cache or {}).get((index_key, q.query))
        card = _card(service, cached) if cached is not None else service.ask(q.query, k=5, llm="none").to_dict()
        seconds = time.perf_counter() - started
        answered = bool(card.get("answered"))
        cites = card.get("citations") or []
        row: dict[str, Any] = {"id": q.id, "lang": q.lang, "query": q.query, "answerable": bool(gold),
                               "answered": answered, "verdict": card.get("verdict"),
                               "confidence": card.get("confidence"), "seconds": seconds,
                               "cited": [c.get("id") for c in cites]}
        if gold:
            text = M.card_text(card) if answered else ""
            row["right_first"] = float(answered and bool(cites) and cites[0].get("id") in gold)
            row["fact_presence"] = float(answered and M.fact_recall(q.expected_facts, text) == 1.0)
            row["missing_facts"] = [f for f in q.expected_facts if not M.fact_present(f, text)]
        rows.append(row)
    return rows


def _card(service: Any, result: Any) -> dict[str, Any]:
    """The card `service.ask` makes from a search result (llm none, no session)."""
    decision = judge(result, service.searcher)
    card = compose_answer(result.query, result.lang, result.hits[:5], decision.answerable, service.searcher.glossary,
                          result.glossary_terms, result.translation, decision=decision)
    card.answerability = decision
    return card.to_dict()


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per language and overall (see module doc)."""
    out: dict[str, dict[str, float]] = {}
    for lang in ("zh", "en", "all"):
        members = [r for r in rows if lang == "all" or r["lang"] == lang]
        if not members:
            continue
        ans = [r for r in members if r["answerable"]]
        ooc = [r for r in members if not r["answerable"]]
        s: dict[str, float] = {"n_answerable": len(ans), "n_ooc": len(ooc)}
        s.update(M.refusal_scores([r["answerable"] for r in members], [r["answered"] for r in members]))
        s["ooc_refused"] = s.pop("refusal_recall")
        s["right_first"] = M.mean(r["right_first"] for r in ans)
        s["fact_presence"] = M.mean(r["fact_presence"] for r in ans)
        s["partial_share_of_refusals"] = M.mean(float(r["verdict"] == "partial") for r in members if not r["answered"])
        s.update(M.calibration([r["confidence"] or 0.0 for r in members], [r["answerable"] for r in members]))
        s["answer_p50_ms"] = M.percentile([r["seconds"] * 1000 for r in members], 50)
        out[lang] = s
    return out


def run(index_dirs: Sequence[Path], sets: Sequence[Path], out_dir: Path | None = None, progress: bool = True,
        cache: Sequence[Path] = ()) -> dict[str, Any]:
    saved = load_cache(list(cache))
    report: dict[str, Any] = {"trained_on": list(trained_on()), "results": {}}
    all_rows: list[dict[str, Any]] = []
    for index_dir in index_dirs:
        service = GazetteService.open(index_dir, llm="none")
        service.ask("预热", llm="none")
        for path in sets:
            rows = ask_rows(service, path, progress, saved)
            all_rows += [{"index": Path(index_dir).name, "set": path.stem, **r} for r in rows]
            report["results"].setdefault(Path(index_dir).name, {})[path.stem] = {
                "summary": summarise(rows),
                "errors": [r for r in rows if r["answered"] != r["answerable"]
                           or (r["answerable"] and r.get("right_first") == 0.0)][:40]}
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        report["plots"] = [str(M.plot_calibration([r["confidence"] or 0.0 for r in all_rows],
                                                   [r["answerable"] for r in all_rows],
                                                   out_dir / "calibration.png"))]
        (out_dir / "decision.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=float),
                                               encoding="utf-8")
        (out_dir / "decision.md").write_text(markdown(report), encoding="utf-8")
        with (out_dir / "rows.jsonl").open("w", encoding="utf-8") as f:     # every question's verdict, to compare runs
            for r in all_rows:
                f.write(json.dumps(r, ensure_ascii=False, default=float) + "\n")
    return report


COLUMNS = ("n_answerable", "n_ooc", "ooc_refused", "false_refusal_rate", "refusal_precision", "right_first",
           "fact_presence", "partial_share_of_refusals", "ece", "answer_p50_ms")


def markdown(report: dict[str, Any]) -> str:
    trained = set(report["trained_on"])
    names = dict.fromkeys(name for per_index in report["results"].values() for name in per_index)
    held = [name for name in names if f"{name}.jsonl" not in trained]
    lines = ["# Answer decision", "",
             f"Model trained on {', '.join(report['trained_on'])} (marked *train* below: their figures are fitted, "
             f"not predictions). Not trained on: {', '.join(held) or 'none of the sets run'}. Sets not trained on "
             "that are named in `eval.qrels.VALIDATION_SETS` were each written before any score was seen but have "
             "since informed choices (their misses were read in sessions 6–11); a set named nowhere there (a new "
             "blind set) is the only unbiased figure.", "",
             "| index | set | lang | " + " | ".join(COLUMNS) + " |",
             "| --- | --- | --- | " + " | ".join("---" for _ in COLUMNS) + " |"]
    for index, sets in report["results"].items():
        for name, data in sets.items():
            for lang, s in data["summary"].items():
                cells = [_fmt(s.get(c)) for c in COLUMNS]
                tag = " (*train*)" if f"{name}.jsonl" in trained else ""
                lines.append(f"| {index} | {name}{tag} | {lang} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "–" if v != v else (f"{v:.0f}" if abs(v) >= 10 else f"{v:.3f}")
    return str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, action="append", required=True)
    ap.add_argument("--set", type=Path, action="append")
    ap.add_argument("--out", type=Path, default=Path("eval/out/decision"))
    ap.add_argument("--cache", type=Path, action="append", default=[],
                    help="search results pickled by eval.calibrate_answerability (skips searching)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    report = run(args.index, args.set or list(REPORT_SETS), args.out, progress=not args.quiet, cache=args.cache)
    print(markdown(report))
    print(f"wrote {args.out}/decision.md, decision.json, rows.jsonl, calibration.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
