"""The Python API: `Gazette.open(index)` → `.search()`, `.ask()`, `.clause()`, `.documents()`, `.retriever()`."""
from __future__ import annotations

from pathlib import Path

import pytest

from chat.gazette import Gazette
from index.errors import GazetteError, QueryError

pytestmark = pytest.mark.integration

EN_Q = "How much funding does a company get for each postdoc it recruits?"


def test_open_search_ask(sample_index: Path) -> None:
    gz = Gazette.open(sample_index, llm="none")
    card = gz.ask(EN_Q)
    assert card.answered and card.citations[0].citation == "Yu Fu Ban Fa [2024] No. 22, Part III (6)"
    assert "CNY 50,000 (5万元)" in gz.markdown(card) and gz.markdown(card) == gz.markdown(card.to_dict())
    hits = gz.search("劳动争议", k=3, kind="annex_task")
    assert len(hits) == 3 and all(h["kind"] == "annex_task" for h in hits)
    assert gz.clause(hits[0]["id"])["text"] == hits[0]["text"]
    assert {d["doc_number"] for d in gz.documents()} >= {"渝府办发〔2024〕22号", "渝府办发〔2024〕27号"}
    docs = gz.retriever(k=2).invoke(EN_Q)
    assert len(docs) == 2 and docs[0].metadata["id"] == card.citations[0].id


def test_errors(sample_service, tmp_path: Path) -> None:
    gz = Gazette(sample_service)
    with pytest.raises(QueryError):
        gz.ask("   ")
    with pytest.raises(KeyError):
        gz.clause("c-nope")
    with pytest.raises(GazetteError):
        Gazette.open(tmp_path / "missing")
