"""Our hybrid search as a LangChain retriever (`BaseRetriever`), following LangChain's conventions.

`GazetteRetriever(searcher=..., k=5).invoke(query)` → `Document`s whose `page_content` is the clause text and whose
`metadata` is plain JSON (`id`, `doc_number`, `label`, `label_en`, `citation`, `title`, `title_en`, `kind`,
`deadline`, `lead_units`, `score`, `rank`), so it can be serialised, traced and stored. `score` is the fused
retrieval score; `rank` is the order, which also weighs what the question asks for (a figure, a lead unit), so a
lower rank may carry a higher score. `k` (and `filters`, `mode`)
can also be given per call: `retriever.invoke(query, k=1)`. Passes `langchain-tests`' `RetrieversIntegrationTests`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from index.errors import QueryError
from retriever.search import Hit, Searcher

MAX_K = 50


def hit_metadata(hit: Hit) -> dict[str, Any]:
    """JSON-serialisable metadata of one hit (no Python objects)."""
    c = hit.clause
    return {"id": c.id, "doc_number": c.doc_number, "label": c.label, "label_en": c.label_en,
            "citation": c.citation, "title": c.doc_title, "title_en": c.doc_title_en, "kind": c.kind,
            "deadline": c.deadline, "lead_units": list(c.lead_units), "score": round(float(hit.score), 6),
            "rank": int(hit.rank)}


def hits_to_documents(hits: list[Hit]) -> list[Document]:
    """LangChain documents for search hits: clause text + JSON metadata; `id` is the clause id."""
    return [Document(page_content=h.clause.text, metadata=hit_metadata(h), id=h.clause.id) for h in hits]


class GazetteRetriever(BaseRetriever):
    """Hybrid dense + BM25 search over one gazette index, as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher = Field(description="A loaded `retriever.search.Searcher`")
    k: int = Field(default=5, ge=1, le=MAX_K, description="Documents to return (overridable per call)")
    filters: dict[str, Any] | None = Field(default=None, description="doc, kind, lead_unit, deadline_from/_to")
    mode: str = Field(default="auto", description="English handling: auto | none | glossary | translate | both")

    @classmethod
    def from_index(cls, index_dir: Path | str, llm: str | None = "none", **kwargs: Any) -> GazetteRetriever:
        """Open the index at `index_dir` (with the embedder recorded in its manifest)."""
        return cls(searcher=Searcher.open(index_dir, llm=llm), **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        unknown = set(kwargs) - {"k", "filters", "mode"}
        if unknown:
            raise QueryError(f"unknown retriever argument(s): {', '.join(sorted(unknown))}")
        k = kwargs.get("k", self.k)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}, not {k!r}")
        hits = self.searcher.search(query, k=k, filters=kwargs.get("filters", self.filters),
                                    mode=kwargs.get("mode", self.mode))
        return hits_to_documents(hits)
