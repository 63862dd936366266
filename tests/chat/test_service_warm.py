"""`GazetteService.warm`: the start-up pass that loads everything the first question would otherwise wait for."""
from __future__ import annotations

import pytest

from chat import english
from chat.service import WARM_QUESTIONS, GazetteService
from retriever.dictionary import default_dictionary
from retriever.query import detect_language


@pytest.mark.unit
def test_warm_questions_cover_both_languages() -> None:
    assert {detect_language(q) for q in WARM_QUESTIONS} == {"zh", "en"}


@pytest.mark.integration
def test_warm_loads_the_english_dictionary(sample_service: GazetteService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(english, "_GLOSSERS", {})               # as in a fresh process: nothing loaded yet
    default_dictionary.cache_clear()
    english._GLOSSERS.clear()            # an earlier English card in the session keeps its glosser (and dictionary)
    sample_service.warm()
    assert default_dictionary.cache_info().currsize == 1      # CC-CEDICT loaded by the English card
    assert default_dictionary().available
    card = sample_service.ask(WARM_QUESTIONS[1])              # the same question afterwards: a normal answer
    assert card.answered and card.citations
