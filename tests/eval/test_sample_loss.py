"""`python -m eval.sample_loss`: R@5 lost by the same questions on a larger index, over real indexes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eval.qrels import DEFAULT_SET
from eval.sample_loss import main, run
from index.store import remove_documents


@pytest.mark.unit
def test_missing_set_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--small", str(tmp_path), "--large", str(tmp_path), "--set", str(tmp_path / "no.jsonl")]) == 2
    assert "no question set" in capsys.readouterr().err


@pytest.mark.integration
def test_counts_only_questions_whose_gold_is_in_the_small_index(sample_index: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    shutil.copytree(sample_index, small)
    remove_documents(small, ["渝府办发〔2024〕27号"])            # the small index keeps only the 22号 notice
    table = run(small, sample_index, [DEFAULT_SET], listing=True)
    rows = {r.split(" | ")[1]: r.split(" | ") for r in table.splitlines() if r.startswith("| questions |")}
    assert set(rows) == {"zh", "en"}
    assert all(0 < int(r[2]) < 40 for r in rows.values())      # 27号 questions are not counted
    assert all(0.0 <= float(r[5].rstrip(" |")) <= 1.0 for r in rows.values())
    assert "fell out of the top 5:" in table
