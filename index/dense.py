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

from index.clause import Clause
from index.errors import GazetteError
from index.filters import ClauseFilter

Hits = tuple[np.ndarray, np.ndarray]
#: Up to this many clauses the dense index is exact (`IndexFlatIP`); above it, HNSW (approximate, faster).
FLAT_MAX_VECTORS = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
DEFAULT_EF_SEARCH = 128


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


def top_k(rows: np.ndarray, scores: np.ndarray, k: int) -> Hits:
    """The k best (row, score) pairs, score descending, ties by row ascending."""
    if rows.size > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))
    return rows[order].astype(np.int64), scores[order].astype(np.float32)


def as_queries(vectors: np.ndarray, dim: int) -> np.ndarray:
    """(m, dim) float32 queries from one vector or a matrix; `ValueError` for a wrong dimension."""
    q = np.asarray(vectors, dtype=np.float32)
    q = q.reshape(1, -1) if q.ndim == 1 else q
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"query vector has dim {q.shape[-1]}, index has {dim}")
    return np.ascontiguousarray(q)


def make_faiss_index(vectors: np.ndarray, ann_type: str, ef_search: int = DEFAULT_EF_SEARCH) -> Any:
    """An inner-product FAISS index over `vectors`: exact (`flat`) or HNSW."""
    try:
        import faiss
    except ImportError as exc:
        raise GazetteError("faiss is required to build the index: pip install faiss-cpu") from exc
    dim = vectors.shape[1]
    index: Any
    if ann_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = int(ef_search)
    elif ann_type == "flat":
        index = faiss.IndexFlatIP(dim)
    else:
        raise GazetteError(f"unknown FAISS index type {ann_type!r}: flat or hnsw")
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class FaissDenseIndex:
    """A FAISS index over rows 0..n-1 plus the raw vectors: unfiltered queries go to FAISS, filtered ones are an
    exact search over the rows the filter keeps (so filtering never loses recall to the ANN)."""

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
        sel = np.flatnonzero(self._mask(filters, rows))
        if sel.size == 0:
            return [empty_hits() for _ in queries]
        sub = np.asarray(self.vectors[sel], dtype=np.float32)
        return [top_k(sel, sub @ q, k) for q in queries]

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
