"""One dense-index protocol, `DenseIndex.search(vectors, k, filters)`, and its FAISS implementation.

Row ids are the rows of the index folder's clauses.jsonl, so every implementation (FAISS here, Milvus in
`index.milvus_store.MilvusDenseIndex`) returns the same ids for the same index. Results are `Hits` = (row ids int64,
scores float32), score descending, ties by row ascending. `filters` is a `ClauseFilter`; `rows` (optional)
restricts the search to those rows.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.ann import (  # noqa: F401  (FLAT_MAX_VECTORS, HNSW_*: re-exported)
    DEFAULT_EF_SEARCH,
    FLAT_MAX_VECTORS,
    HNSW_EF_CONSTRUCTION,
    HNSW_M,
    Hits,
    ann_params,
    build_faiss,
    configure,
    search_masked,
    top_k,
)
from index.clause import Clause
from index.errors import GazetteError
from index.filters import ClauseFilter


@runtime_checkable
class DenseIndex(Protocol):
    """Where the clause vectors live and how they are searched."""

    name: str

    def count(self) -> int: ...

    def search(self, vectors: np.ndarray, k: int, filters: ClauseFilter | None = None,
               rows: np.ndarray | None = None) -> list[Hits]:
        """Top-k hits for each query row of `vectors` ((m, dim), or one (dim,) vector → a list of one)."""
        ...


def empty_hits() -> Hits:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)


def as_queries(vectors: np.ndarray, dim: int) -> np.ndarray:
    """(m, dim) float32 queries from one vector or a matrix; `ValueError` for a wrong dimension."""
    q = np.asarray(vectors, dtype=np.float32)
    q = q.reshape(1, -1) if q.ndim == 1 else q
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"query vector has dim {q.shape[-1]}, index has {dim}")
    return np.ascontiguousarray(q)


def make_faiss_index(vectors: np.ndarray, ann_type: str, ef_search: int = DEFAULT_EF_SEARCH,
                     params: dict[str, Any] | None = None) -> Any:
    """An inner-product FAISS index over `vectors` of an `index.ann` kind (flat, hnsw, ivf_sq8, ivf_fp16); `params`
    (the manifest's `ann` entry) overrides the defaults for that kind."""
    if params is None:
        params = ann_params(ann_type, len(vectors), **({"ef_search": ef_search} if ann_type == "hnsw" else {}))
    return build_faiss(vectors, params)


class FaissDenseIndex:
    """A FAISS index over rows 0..n-1 plus the raw vectors: unfiltered queries go to FAISS; filtered ones are exact
    over the rows the filter keeps when they are few, else the ANN with a row selector (`index.ann.search_masked`)."""

    name = "faiss"

    def __init__(self, faiss_index: Any, vectors: np.ndarray, clauses: Sequence[Clause] | None = None,
                 mask_fn: Callable[[ClauseFilter], np.ndarray] | None = None) -> None:
        self.index = faiss_index
        self.vectors = vectors
        self.dim = int(vectors.shape[1])
        if mask_fn is None and clauses is not None:
            mask_fn = lambda f: f.mask(clauses)  # noqa: E731
        self.mask_fn = mask_fn

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, ann: str = "flat", ef_search: int = DEFAULT_EF_SEARCH,
                     mask_fn: Callable[[ClauseFilter], np.ndarray] | None = None) -> FaissDenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(make_faiss_index(vectors, ann, ef_search), vectors, mask_fn=mask_fn)

    def configure(self, params: dict[str, Any]) -> None:
        """Apply the manifest's search parameters (efSearch, nprobe)."""
        configure(self.index, params)

    def set_ef_search(self, ef: int) -> None:
        """HNSW only: candidates explored per query (higher = better recall, slower)."""
        if hasattr(self.index, "hnsw"):
            self.index.hnsw.efSearch = int(ef)

    def count(self) -> int:
        return int(self.index.ntotal)

    def search(self, vectors: np.ndarray, k: int, filters: ClauseFilter | None = None,
               rows: np.ndarray | None = None) -> list[Hits]:
        queries = as_queries(vectors, self.dim)
        k = min(int(k), self.count())
        if k <= 0:
            return [empty_hits() for _ in queries]
        if filters is None and rows is None:
            scores, ids = self.index.search(queries, k)
            return [top_k(i[i >= 0].astype(np.int64), s[i >= 0], k) for s, i in zip(scores, ids)]
        return search_masked(self.index, self.vectors, queries, k, self._mask(filters, rows))

    def _mask(self, filters: ClauseFilter | None, rows: np.ndarray | None) -> np.ndarray:
        mask = np.ones(self.count(), dtype=bool)
        if filters is not None:
            if self.mask_fn is None:
                raise GazetteError("this FAISS index has no clause metadata to filter on")
            mask &= np.asarray(self.mask_fn(filters), dtype=bool)
        if rows is not None:
            allowed = np.zeros_like(mask)
            allowed[np.asarray(rows, dtype=np.int64)] = True
            mask &= allowed
        return mask
