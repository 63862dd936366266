"""`gazette eval` end to end with the hashing embedder (no model): report files, skipped modes, floors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.unit

HOLDOUT = Path(__file__).resolve().parents[2] / "eval" / "data" / "questions_holdout.jsonl"


@pytest.fixture(scope="module")
def hash_run(tmp_path_factory):
    from eval.report import write_report
    from eval.runner import EvalConfig, run_eval

    out = tmp_path_factory.mktemp("eval")
    cfg = EvalConfig(set_path=HOLDOUT, out_dir=out, modes=["none", "glossary", "translate"], llm="none",
                     embedder="hash:128", progress=False, floors={"retrieval.ours.none.zh.recall@10": 1.01})
    report = run_eval(cfg)
    return out, report, write_report(report, out)


def test_report_has_retrieval_per_mode_and_language_and_a_baseline(hash_run):
    _, report, _ = hash_run
    ours = report["retrieval"]["ours"]
    assert set(ours) == {"none", "glossary"}
    assert report["meta"]["skipped_modes"] == {"translate": "LLM back-end disabled (--llm none)"}
    for agg in (ours["none"], ours["glossary"], report["retrieval"]["baseline"]):
        assert set(agg) == {"zh", "en", "all"}
        assert agg["zh"]["n"] == 8 and agg["en"]["n"] == 8
        assert 0.0 <= agg["all"]["recall@10"] <= 1.0
    assert len(report["recall_curve"]["ours"]["none"]["en"]) == 10
    assert set(report["answers"]) == {"zh", "en", "all"}
    assert report["answers"]["all"]["n_all"] == 20
    assert report["speed"]["latency"]["search_none"]["n"] == 20
    assert report["speed"]["memory"]["peak_rss_mb"] > 0


def test_files_are_written(hash_run):
    out, report, paths = hash_run
    for name in ("report.md", "report.json", "recall_at_k.png", "latency_hist.png"):
        assert (out / name).stat().st_size > 0
    assert (out / "recall_at_k.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["meta"]["questions"] == 20
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| ours (glossary) | en |" in md and "baseline (250-char chunks)" in md
    assert "mode **translate** skipped" in md


def test_floor_failures_are_named(hash_run):
    _, report, _ = hash_run
    assert report["floors"]["failures"] and report["floors"]["failures"][0].startswith(
        "retrieval.ours.none.zh.recall@10: ")


def test_cli_exits_1_naming_metrics_below_floor(tmp_path):
    from eval.cli_eval import eval_cmd

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"_comment": "x", "retrieval.baseline.all.hit@10": 1.01,
                                  "answers.all.n_all": 0}), encoding="utf-8")
    result = CliRunner().invoke(eval_cmd, ["--set", str(HOLDOUT), "--out", str(tmp_path / "o"), "--modes",
                                           "glossary", "--embedder", "hash", "--llm", "none", "--floors",
                                           str(floors), "--quiet", "--no-ask"])
    assert result.exit_code == 1, result.output
    assert "retrieval.baseline.all.hit@10" in result.output and "below their floor" in result.output
    assert "answers.all.n_all: missing" in result.output      # --no-ask: no answers at all


def test_cli_rejects_unknown_mode(tmp_path):
    from eval.cli_eval import eval_cmd

    result = CliRunner().invoke(eval_cmd, ["--modes", "glossary,magic", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "magic" in result.output
