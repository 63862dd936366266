"""`python -m eval.glossary_dropout`: reduced glossaries keep every agency row and a seeded share of the terms."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.glossary_dropout import main, reduced_glossary
from retriever.glossary import DEFAULT_PATH, Glossary


@pytest.mark.unit
def test_keeps_agencies_and_a_seeded_share_of_terms(tmp_path: Path) -> None:
    full = Glossary.load()
    half = reduced_glossary(DEFAULT_PATH, 0.5, 1, tmp_path)
    again = reduced_glossary(DEFAULT_PATH, 0.5, 1, tmp_path)
    other = reduced_glossary(DEFAULT_PATH, 0.5, 2, tmp_path)
    agencies = {e.zh for e in full.entries if e.kind == "agency"}
    assert agencies <= {e.zh for e in half.entries}
    terms = [e for e in full.entries if e.kind == "term"]
    kept = [e for e in half.entries if e.kind == "term"]
    assert 0.4 * len(terms) < len(kept) < 0.6 * len(terms)
    assert [e.zh for e in again.entries] == [e.zh for e in half.entries]
    assert [e.zh for e in other.entries] != [e.zh for e in half.entries]


@pytest.mark.unit
def test_keep_out_of_range_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--index", str(tmp_path), "--keep", "1.5"]) == 2
    assert "--keep must be between 0 and 1" in capsys.readouterr().err
