"""Vector store back-ends behind one interface, selected by `$GAZETTE_VECTOR_STORE`.

| value                                    | back-end                                                     |
| ---------------------------------------- | ------------------------------------------------------------ |
| unset, `faiss`                           | FAISS inside the index folder (default; `IndexStore` as is)  |
| `milvus://host:19530[/collection]`       | a Milvus server/cluster (`milvus+https://…` for TLS)         |
| `/path/x.db[#collection]`, `milvus-lite:/path/x.db` | milvus-lite, a real Milvus engine in a local file |

Every back-end answers `search(qvec, k, filters=None, rows=None) -> (row ids, scores)`, where row ids are the
rows of the index folder's clauses.jsonl and `filters` is our validated filter dict. The folder stays the source of
clauses and of the BM25 keyword index (`bm25s`, jieba tokens) whatever holds the vectors.

`open_store(index_dir, embedder)` is what `retriever.search.Searcher.open` calls: for FAISS it returns the plain
`IndexStore` (unchanged behaviour); otherwise a `BackedStore` with the same searcher-facing API (`clauses`,
`dense_search`, `bm25_search`, `mask`) whose dense search — and its metadata filter — runs in the back-end.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.errors import GazetteError

ENV_VAR = "GAZETTE_VECTOR_STORE"
DEFAULT = "faiss"


@runtime_checkable
class VectorBackend(Protocol):
    """What the searcher needs from a place that holds clause vectors."""

    name: str

    def search(self, qvec: np.ndarray, k: int, filters: dict[str, Any] | None = None,
               rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def count(self) -> int: ...


def parse_uri(uri: str | None) -> tuple[str, str | None]:
    """(`faiss`, None) or (`milvus`, uri for `MilvusVectorStore`); `GazetteError` for anything else."""
    uri = (uri or "").strip()
    if uri in ("", "faiss", "faiss://"):
        return "faiss", None
    if uri.startswith(("milvus://", "milvus+https://")):
        return "milvus", uri
    if uri.startswith("milvus-lite:"):
        uri = uri[len("milvus-lite:"):]
    if uri.split("#", 1)[0].endswith(".db"):
        return "milvus", uri
    raise GazetteError(f"unknown {ENV_VAR} {uri!r}: use faiss (default), milvus://host:19530[/collection] "
                       "or a local milvus-lite file …/x.db")


def configured_uri(env: Mapping[str, str] | None = None) -> str | None:
    return (env if env is not None else os.environ).get(ENV_VAR) or None


class FilterMask(np.ndarray):
    """A boolean row mask that remembers the filter dict it came from, so a back-end can filter natively."""

    filters: dict[str, Any] | None = None

    def __array_finalize__(self, obj: Any) -> None:
        self.filters = getattr(obj, "filters", None)


def filter_mask(mask: np.ndarray, filters: dict[str, Any] | None) -> FilterMask:
    out = np.asarray(mask, dtype=bool).view(FilterMask)
    out.filters = dict(filters) if filters else None
    return out


def _filters_of(pred: Callable[..., bool] | None) -> dict[str, Any] | None:
    return getattr(pred, "filters", None)


class FaissVectorStore:
    """FAISS adapter: a FAISS index over rows 0..n-1 plus the raw vectors for exact filtered search.

    Built from a loaded `IndexStore` (`from_index_store`) or from bare arrays (`from_vectors`, the benchmark).
    Filters: a row mask (computed by `mask_fn(filters)` or passed as `rows`), then exact search over those rows —
    what `IndexStore.dense_search` does."""

    name = "faiss"

    def __init__(self, faiss_index: Any, vectors: np.ndarray,
                 mask_fn: Callable[[dict[str, Any]], np.ndarray] | None = None) -> None:
        self.index = faiss_index
        self.vectors = vectors
        self.mask_fn = mask_fn
        self.dim = int(vectors.shape[1])

    @classmethod
    def from_index_store(cls, store: Any) -> "FaissVectorStore":
        from retriever.filters import predicate

        return cls(store.faiss_index, store.vectors, lambda f: store.mask(predicate(f)))

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, ann: str = "flat", ef_search: int = 128,
                     mask_fn: Callable[[dict[str, Any]], np.ndarray] | None = None) -> "FaissVectorStore":
        from index.store_build import make_faiss_index

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(make_faiss_index(vectors, ann, ef_search), vectors, mask_fn)

    def count(self) -> int:
        return int(self.index.ntotal)

    def search(self, qvec: np.ndarray, k: int, filters: dict[str, Any] | None = None,
               rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        from index.store import _empty, _top_k

        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query vector has dim {q.shape[0]}, index has {self.dim}")
        k = min(int(k), self.count())
        if k <= 0:
            return _empty()
        if filters is None and rows is None:
            scores, ids = self.index.search(q.reshape(1, -1), k)
            keep = ids[0] >= 0
            return _top_k(ids[0][keep].astype(np.int64), scores[0][keep], k)
        mask = np.ones(self.count(), dtype=bool)
        if filters:
            if self.mask_fn is None:
                raise GazetteError("this FAISS store has no metadata to filter on")
            mask &= np.asarray(self.mask_fn(filters), dtype=bool)
        if rows is not None:
            allowed = np.zeros_like(mask)
            allowed[np.asarray(rows, dtype=np.int64)] = True
            mask &= allowed
        sel = np.flatnonzero(mask)
        if sel.size == 0:
            return _empty()
        return _top_k(sel, np.asarray(self.vectors[sel], dtype=np.float32) @ q, k)


class MilvusBackend:
    """`MilvusVectorStore` behind the `VectorBackend` interface (filters → Milvus expression)."""

    name = "milvus"

    def __init__(self, store: Any, lead_unit_vocab: list[str]) -> None:
        self.milvus = store
        self.lead_unit_vocab = lead_unit_vocab

    def count(self) -> int:
        return self.milvus.count()

    def search(self, qvec: np.ndarray, k: int, filters: dict[str, Any] | None = None,
               rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        from index.milvus_store import filter_expr

        return self.milvus.search(qvec, k, filter_expr(filters, self.lead_unit_vocab), rows)


class BackedStore:
    """The searcher-facing store when vectors live elsewhere: clauses and BM25 from the folder, dense in `backend`."""

    def __init__(self, local: Any, backend: VectorBackend) -> None:
        self.local = local
        self.backend = backend

    def __getattr__(self, name: str) -> Any:  # clauses, by_id, row_of, manifest, index_dir, dim, vectors …
        return getattr(self.local, name)

    def __len__(self) -> int:
        return len(self.local)

    def mask(self, predicate: Callable[..., bool]) -> np.ndarray:
        """Row mask (used locally by BM25) that also carries the filter dict for the back-end."""
        return filter_mask(self.local.mask(predicate), _filters_of(predicate))

    def dense_search(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        k = min(int(k), len(self))
        if allowed is None:
            return self.backend.search(qvec, k)
        filters = getattr(allowed, "filters", None)
        if filters:
            return self.backend.search(qvec, k, filters=filters)
        allowed = np.asarray(allowed)
        rows = np.flatnonzero(allowed) if allowed.dtype == bool else allowed.astype(np.int64)
        return self.backend.search(qvec, k, rows=rows)

    def bm25_search(self, tokens: Any, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if allowed is not None:
            allowed = np.asarray(allowed)
        return self.local.bm25_search(tokens, k, allowed)


def open_backend(uri: str | None, store: Any, embedder: Any = None) -> VectorBackend:
    """The configured back-end for a loaded `IndexStore`, checked now (start-up) rather than at first search."""
    kind, target = parse_uri(uri)
    if kind == "faiss":
        return FaissVectorStore.from_index_store(store)
    from index.milvus_store import MilvusVectorStore

    milvus = MilvusVectorStore.open_for_index(target or "", store, embedder)
    vocab = sorted({u for c in store.clauses for u in c.lead_units})
    return MilvusBackend(milvus, vocab)


def open_store(index_dir: Path | str, embedder: Any = None, uri: str | None = None,
               env: Mapping[str, str] | None = None) -> Any:
    """Load the index folder and attach the configured vector back-end (`uri`, else `$GAZETTE_VECTOR_STORE`)."""
    from index.store import IndexStore

    uri = uri if uri is not None else configured_uri(env)
    kind, _ = parse_uri(uri)  # bad configuration fails before the (slow) load
    store = IndexStore.load(index_dir, embedder=embedder)
    if kind == "faiss":
        return store
    return BackedStore(store, open_backend(uri, store, embedder))


def push_index(index_dir: Path | str, uri: str | None = None) -> int:
    """Fill the configured Milvus collection from an index folder (after a build); 0 when the back-end is FAISS."""
    from index.store import IndexStore

    kind, target = parse_uri(uri if uri is not None else configured_uri())
    if kind == "faiss":
        return 0
    from index.milvus_store import MilvusVectorStore

    store = IndexStore.load(index_dir)
    milvus = MilvusVectorStore(target or "")
    try:
        return milvus.sync_from_index(store)
    finally:
        milvus.close()
