"""Write an eval report: report.json, report.md (tables) and PNG plots (matplotlib, Agg back-end)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.english import english_table, review_table

RET_COLS = (("recall@1", "R@1"), ("recall@5", "R@5"), ("recall@10", "R@10"), ("mrr@10", "MRR@10"),
            ("hit@1", "Hit@1"), ("hit@5", "Hit@5"))
ANS_COLS = (("n_all", "n"), ("decision_accuracy", "answer/refuse acc."), ("refusal_precision", "refusal P"),
            ("refusal_recall", "refusal R"), ("false_refusal_rate", "false refusals"),
            ("fact_presence", "all facts present"), ("fact_recall", "fact recall"),
            ("citation_precision", "citation precision"), ("gold_cited", "right clause cited"),
            ("right_first", "right clause first"), ("confidence_ece", "confidence ECE"))


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines


def retrieval_table(report: dict[str, Any]) -> list[str]:
    """Ours per mode vs the baseline, per language."""
    rows = []
    ret = report["retrieval"]
    systems = [(f"ours ({mode})", agg) for mode, agg in ret["ours"].items()]
    if ret.get("baseline"):
        systems.append(("baseline (250-char chunks)", ret["baseline"]))
    if ret.get("baseline_clauses"):
        systems.append(("baseline, chunks → clauses, cut at k", ret["baseline_clauses"]))
    for lang in ("zh", "en", "all"):
        for name, agg in systems:
            a = agg.get(lang)
            if a:
                rows.append([name, lang, int(a["n"]), *(a.get(k) for k, _ in RET_COLS)])
    return _table(["system", "lang", "n", *(h for _, h in RET_COLS)], rows)


def answers_table(report: dict[str, Any]) -> list[str]:
    ans = report.get("answers") or {}
    rows = [[lang, *(ans[lang].get(k) for k, _ in ANS_COLS)] for lang in ("zh", "en", "all") if lang in ans]
    return _table(["lang", *(h for _, h in ANS_COLS)], rows)


DECISION_COLS = (("n_answerable", "answerable"), ("n_ooc", "out of corpus"), ("ooc_refused", "OOC refused"),
                 ("false_refusal_rate", "answerable refused"), ("refusal_precision", "refusal P"),
                 ("right_first", "right clause first"), ("fact_presence", "figures in answer"), ("ece", "ECE"))


def decision_table(results: dict[str, Any]) -> list[str]:
    rows = [[index, name, lang, *(s.get(k) for k, _ in DECISION_COLS)]
            for index, sets in results.items() for name, data in sets.items()
            for lang, s in data["summary"].items()]
    return _table(["index", "set", "lang", *(h for _, h in DECISION_COLS)], rows)


def speed_table(report: dict[str, Any]) -> list[str]:
    sp = report["speed"]
    rows: list[list[Any]] = []
    b = sp["build"]
    rows.append(["index build (ours)", f"{_fmt(b.get('index_build_seconds'), 1)} s"
                 + (" (reused index)" if b.get("reused") else f", {b.get('clauses')} clauses")])
    if b.get("parse_seconds") is not None:
        rows.append(["parse corpus", f"{_fmt(b['parse_seconds'], 2)} s"])
    if sp.get("baseline"):
        rows.append(["baseline build", f"{_fmt(sp['baseline']['build_seconds'], 1)} s, "
                                       f"{sp['baseline']['chunks']} chunks"])
    for name, lat in sp["latency"].items():
        rows.append([name.replace("_", " "), f"p50 {_fmt(lat['p50_ms'], 1)} ms, p95 {_fmt(lat['p95_ms'], 1)} ms, "
                                             f"max {_fmt(lat['max_ms'], 1)} ms (n={lat['n']})"])
    mem = sp["memory"]
    rows.append(["memory", f"RSS {_fmt(mem['rss_mb'], 0)} MiB, peak {_fmt(mem['peak_rss_mb'], 0)} MiB"])
    rows.append(["total eval time", f"{_fmt(sp.get('total_seconds'), 1)} s"])
    return _table(["what", "value"], rows)


def category_table(report: dict[str, Any]) -> list[str]:
    cats = report.get("by_category") or {}
    systems = list(cats)
    names = sorted({c for agg in cats.values() for c in agg if c != "all"})
    rows = [[c, *(cats[s].get(c, {}).get("hit@5") for s in systems),
             int(next(iter(cats.values())).get(c, {}).get("n", 0))] for c in names]
    return _table(["category (Hit@5)", *systems, "n"], rows)


def misses(report: dict[str, Any], mode: str, limit: int = 25) -> list[str]:
    out = []
    for q in report["per_question"]:
        r = q.get(mode) or {}
        if q["answerable"] and r.get("hit@10") == 0:
            out.append(f"- `{q['id']}` ({q['category']}) {q['query']}")
    return out[:limit]


def markdown(report: dict[str, Any]) -> str:
    """The whole report.md."""
    meta = report["meta"]
    lines = [f"# Gazette Chat evaluation — {meta['created_at']}", "",
             f"Set `{meta['set']}`: {meta['questions']} questions ({meta['by_lang']['zh']} zh, "
             f"{meta['by_lang']['en']} en; {meta['answerable']} answerable). Index `{meta['index']}`, embedder "
             f"{meta['embedder'].get('name')} ({meta['embedder'].get('engine')}). LLM for translate modes: "
             f"{meta['llm_backend'] or 'none'}.", ""]
    for mode, why in meta["skipped_modes"].items():
        lines.append(f"- mode **{mode}** skipped: {why}")
    lines += [f"- note: {n}" for n in meta.get("notes") or []]
    lines += ["", "## Retrieval", "", "Gold clause ids. `baseline (250-char chunks)` ranks chunks and a chunk "
              "counts every clause it overlaps (about 3 per chunk, so its top k shows ~3k clauses); "
              "`chunks → clauses, cut at k` flattens the chunk ranking into clause ids and keeps the first k, the "
              "same clause budget as ours.", "", *retrieval_table(report), ""]
    if report.get("answers"):
        lines += ["## Answers (`ask`, deterministic card, llm=none)", "", *answers_table(report), "",
                  "Refusal = `answered: false`; positives are the out-of-corpus questions. Facts and citation "
                  "precision are over answerable questions.", ""]
    if report.get("english"):
        lines += ["## English answers (figures with roles, Chinese outside marked original text)", "",
                  *english_table(report["english"]), "",
                  "Marked original text: 「quotes」, 《titles》 and parentheses holding a verbatim span of a cited "
                  "clause; words without a dictionary entry stay in Chinese in [brackets] and count against the "
                  "share.", ""]
        review = review_table()
        if review:
            lines += ["### English reader review (answers read without Chinese; `eval/data/english_review.tsv`)",
                      "", *review, ""]
    prose = report.get("prose")
    if prose:
        lines += ["## LLM prose (verified against the cited clauses)", ""]
        if "skipped" in prose:
            lines += [f"- skipped: {prose['skipped']}", ""]
        else:
            lines += [f"- back-end {prose['backend']}: {prose['asked']} answerable questions asked, "
                      f"{prose['generated']} got prose, {prose['withheld']} withheld by the verifier "
                      f"(share {prose['withheld_share']})"]
            lines += [f"  - {e['id']}: {e['reason']}" for e in prose["examples"]]
            lines.append("")
    if report.get("by_category"):
        lines += ["## By category", "", *category_table(report), ""]
    lines += ["## Speed and memory", "", *speed_table(report), ""]
    modes = meta["modes_run"]
    if modes:
        miss = misses(report, modes[-1])
        lines += [f"## Answerable questions with no gold clause in the top 10 (mode {modes[-1]})", "",
                  *(miss or ["- none"]), ""]
    if report.get("decision"):
        lines += ["## Answer decision per set", "", *decision_table(report["decision"]), "",
                  "Model trained on questions.jsonl and questions_decision.jsonl; "
                  "`questions_decision_holdout.jsonl` is the untouched holdout.", ""]
    fl = report.get("floors") or {}
    if fl.get("floors"):
        lines += ["## Floors", "", f"{len(fl['floors'])} floors checked: "
                  + ("all met." if not fl["failures"] else f"{len(fl['failures'])} below floor:"), ""]
        lines += [f"- {f}" for f in fl["failures"]]
        lines.append("")
    plots = report.get("plots") or []
    if plots:
        lines += ["## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in plots] + [""]
    return "\n".join(lines)


def plot(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """recall_at_k.png (ours per mode vs baseline, per language) and latency_hist.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    curves = report.get("recall_curve") or {}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, lang in zip(axes, ("zh", "en")):
        for mode, data in (curves.get("ours") or {}).items():
            ys = data.get(lang) or []
            ax.plot(range(1, len(ys) + 1), ys, marker="o", label=f"ours ({mode})")
        base = (curves.get("baseline") or {}).get(lang) or []
        if base:
            ax.plot(range(1, len(base) + 1), base, linestyle="--", color="black", marker="x", label="baseline")
        ax.set_title(f"Recall@k — {lang}")
        ax.set_xlabel("k")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("recall")
    axes[1].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    paths.append(out_dir / "recall_at_k.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    series = {}
    for mode in report["meta"]["modes_run"]:
        series[f"search ({mode})"] = [q[mode]["seconds"] * 1000 for q in report["per_question"]
                                      if mode in q and q[mode].get("seconds") is not None]
    series["ask"] = [q["ask"]["seconds"] * 1000 for q in report["per_question"] if "ask" in q]
    series = {k: v for k, v in series.items() if v}
    if series:
        ax.hist(list(series.values()), bins=30, label=list(series), alpha=0.8)
        ax.legend(fontsize=8)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Search and ask latency")
    fig.tight_layout()
    paths.append(out_dir / "latency_hist.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    asked = [q for q in report["per_question"] if (q.get("ask") or {}).get("confidence") is not None]
    if asked:
        from eval.metrics import plot_calibration

        paths.append(plot_calibration([q["ask"]["confidence"] for q in asked], [q["answerable"] for q in asked],
                                      out_dir / "calibration.png"))
    return paths


def write_report(report: dict[str, Any], out_dir: Path | str) -> dict[str, Path]:
    """Write plots, report.md and report.json into `out_dir`; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = plot(report, out_dir)
    report["plots"] = [p.name for p in pngs]
    md = out_dir / "report.md"
    md.write_text(markdown(report), encoding="utf-8")
    js = out_dir / "report.json"
    js.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"markdown": md, "json": js, **{p.stem: p for p in pngs}}
