"""`python -m eval.english_retrieval`: per-set retrieval figures over a real index, and clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.english_retrieval import main, run
from eval.qrels import DEFAULT_SET


@pytest.mark.unit
def test_missing_set_or_index_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--index", str(tmp_path), "--set", str(tmp_path / "nope.jsonl")]) == 2
    assert "no question set" in capsys.readouterr().err
    assert main(["--index", str(tmp_path / "none"), "--set", str(DEFAULT_SET)]) == 1
    assert "no index" in capsys.readouterr().err


@pytest.mark.integration
def test_table_per_set_and_language(sample_index: Path) -> None:
    table = run(sample_index, [DEFAULT_SET])
    rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| questions |")]
    assert [r[1] for r in rows] == ["zh", "en"]
    assert all(float(r[3]) >= 0.95 for r in rows)                # R@5 of the sample's own questions
    assert "search latency en: n=40" in table
