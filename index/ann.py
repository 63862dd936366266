"""Which FAISS index holds the clause vectors, how it is built, and how it is searched with and without a filter.

Kinds (`gazette index build --ann KIND`):

* `flat`   — `IndexFlatIP`, exact; float32 (1.5 kB a vector).
* `hnsw`   — `IndexHNSWFlat` (M=32): float32 plus the graph; slow to build.
* `ivf_sq8` — `IVF<nlist>,SQ8`: 8-bit scalar-quantised vectors (384 B a vector) in `nlist` k-means lists, `nprobe`
  lists scanned per query. Half the memory of fp16, but its 8-bit codes cap recall@10 near 0.976 at 1M real-like
  vectors (nprobe 128) and it needs nprobe 64 for 0.962.
* `ivf_fp16` — the same lists with float16 vectors (768 B a vector): no quantisation loss worth measuring. Chosen by
  `auto` above `FLAT_MAX_VECTORS`: at 1M real-like vectors (all 45,442 real passages, session 4) with 4,096 lists
  and nprobe 128 it meets the targets with margin — CPU p50 4.6 ms, recall@10 0.978, 746 MB — where HNSW (M=32)
  needs 1.7 GB for recall 0.75–0.85 and the old 1,024 lists needed nprobe 128 and 11.2 ms; see docs/SCALE.md.
* (`ivf_pq` — `IVF<nlist>,PQ48`: 48-byte product-quantised codes; smallest, lower recall; benchmark only.)

Filtered search (`search_masked`): flat and HNSW indexes, and an IVF index when the filter keeps few rows, search
exactly over the kept rows' float vectors; a broader filter on IVF goes through a FAISS `IDSelectorBitmap`,
scanning `nprobe / fraction` lists, at most SELECTOR_MAX_FACTOR times the unfiltered budget — so a filtered query
costs at most about twice an unfiltered one (measured in docs/SCALE.md).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from index.errors import GazetteError

Hits = tuple[np.ndarray, np.ndarray]
ANN_KINDS = ("flat", "hnsw", "ivf_sq8", "ivf_fp16")
ANN_CHOICES = ("auto", *ANN_KINDS)
#: Up to this many vectors `auto` keeps the exact flat index.
FLAT_MAX_VECTORS = 50_000
#: `auto` above FLAT_MAX_VECTORS.
AUTO_LARGE = "ivf_fp16"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
DEFAULT_EF_SEARCH = 128
PQ_M = 48
#: IVF: a filter keeping at most a quarter of the rows an unfiltered query scans (nprobe × mean list length; an
#: exact float row costs ~4× an SQ8 code), and at least EXACT_FILTER_MIN, is searched exactly over its rows.
EXACT_FILTER_MIN = 2_000
#: A broader filter scans up to this many times the unfiltered number of lists:
#: skipping rows that the filter drops is not free (≈ 10 ns each at 1M), so the budget is capped.
SELECTOR_MAX_FACTOR = 4.0
#: k-means training sample per list (FAISS warns below 39) and k-means iterations (FAISS default 25; 10 loses
#: nothing measurable in recall here and builds 2.5× faster).
TRAIN_PER_LIST = 40
KMEANS_ITER = 10


def choose_ann(requested: str, n: int) -> str:
    """The index kind for `n` vectors: `requested`, or for `auto` flat up to FLAT_MAX_VECTORS, else AUTO_LARGE."""
    if requested not in ANN_CHOICES:
        raise GazetteError(f"unknown ANN type {requested!r}; choose one of {', '.join(ANN_CHOICES)}")
    if requested == "auto":
        return "flat" if n <= FLAT_MAX_VECTORS else AUTO_LARGE
    return requested


def default_nlist(n: int) -> int:
    """IVF lists: the power of two nearest 4·√n (1,024 at 50k, 2,048 at 200k, 4,096 at 1M), at least 1, at most
    n/39 (FAISS's minimum training points a list). Finer lists than √n: with all 45,442 real passages (session 4)
    √n lists (1,024 at 1M) needed nprobe 128 and 11.2 ms for recall@10 0.973; 4,096 lists reach 0.978 in 4.6 ms."""
    if n < 2 * 39:
        return 1
    nlist = 2 ** round(math.log2(4 * math.sqrt(n)))
    return int(max(1, min(nlist, n // 39)))


def default_nprobe(nlist: int) -> int:
    """Lists scanned per query: 1/32 of them, at least 96 (96 up to 3,072 lists, 128 at 4,096). Measured with all
    45,442 real passages: IVF-fp16 recall@10 0.966 at 200k (2,048 lists, nprobe 96, 1.8 ms CPU) and 0.978 at 1M
    (4,096 lists, nprobe 128, 4.6 ms); nprobe 64 gave 0.948–0.949 at both (docs/SCALE.md)."""
    return int(min(nlist, max(96, nlist // 32)))


def ann_params(kind: str, n: int, **overrides: Any) -> dict[str, Any]:
    """The construction and search parameters recorded in the manifest for `kind` over `n` vectors."""
    params: dict[str, Any] = {"type": kind}
    if kind == "hnsw":
        params.update(M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, ef_search=DEFAULT_EF_SEARCH)
    elif kind.startswith("ivf_"):
        nlist = default_nlist(n)
        params.update(nlist=nlist, nprobe=default_nprobe(nlist))
        if kind == "ivf_pq":
            params.update(pq_m=PQ_M)
    params.update({k: v for k, v in overrides.items() if v is not None})
    return params


def factory_string(params: dict[str, Any]) -> str:
    """The FAISS `index_factory` description of `params`."""
    kind = params["type"]
    if kind == "flat":
        return "Flat"
    if kind == "hnsw":
        return f"HNSW{int(params['M'])}"
    if kind == "hnsw_sq8":
        return f"HNSW{int(params['M'])}_SQ8"
    if kind == "ivf_sq8":
        return f"IVF{int(params['nlist'])},SQ8"
    if kind == "ivf_fp16":
        return f"IVF{int(params['nlist'])},SQfp16"
    if kind == "ivf_pq":
        return f"IVF{int(params['nlist'])},PQ{int(params['pq_m'])}np"
    raise GazetteError(f"unknown FAISS index type {kind!r}: {', '.join(ANN_KINDS)}")


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise GazetteError("faiss is required for the dense index: pip install faiss-cpu") from exc
    return faiss


def build_faiss(vectors: np.ndarray, params: dict[str, Any], seed: int = 1234) -> Any:
    """An inner-product FAISS index over `vectors` (rows 0..n-1), trained when the kind needs it."""
    faiss = _faiss()
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.index_factory(x.shape[1], factory_string(params), faiss.METRIC_INNER_PRODUCT)
    if "ef_construction" in params:
        index.hnsw.efConstruction = int(params["ef_construction"])
    if not index.is_trained:
        nlist = int(params.get("nlist", 1))
        take = min(len(x), max(TRAIN_PER_LIST * nlist, 10_000))
        rng = np.random.default_rng(seed)
        sample = x[np.sort(rng.choice(len(x), take, replace=False))] if take < len(x) else x
        ivf = faiss.extract_index_ivf(index) if "nlist" in params else None
        if ivf is not None:
            ivf.cp.seed = seed
            ivf.cp.niter = KMEANS_ITER
        index.train(sample)
    index.add(x)
    configure(index, params)
    return index


def configure(index: Any, params: dict[str, Any]) -> None:
    """Apply the search-time parameters (efSearch, nprobe) of `params` to a built or loaded index."""
    if "ef_search" in params and hasattr(index, "hnsw"):
        index.hnsw.efSearch = int(params["ef_search"])
    if "nprobe" in params:
        _ivf(index).nprobe = int(params["nprobe"])


def _ivf(index: Any) -> Any:
    return _faiss().extract_index_ivf(index)


def index_kind(index: Any) -> str:
    """`flat`, `hnsw` or `ivf` for a FAISS index object."""
    if hasattr(index, "hnsw"):
        return "hnsw"
    try:
        _ivf(index)
        return "ivf"
    except RuntimeError:
        return "flat"


def top_k(rows: np.ndarray, scores: np.ndarray, k: int) -> Hits:
    """The k best (row, score) pairs, score descending, ties by row ascending."""
    if rows.size > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))
    return rows[order].astype(np.int64), scores[order].astype(np.float32)


def _hits(scores: np.ndarray, ids: np.ndarray, k: int) -> list[Hits]:
    return [top_k(i[i >= 0].astype(np.int64), s[i >= 0], k) for s, i in zip(scores, ids)]


def search(index: Any, queries: np.ndarray, k: int) -> list[Hits]:
    """Unfiltered top-k for each query row."""
    scores, ids = index.search(np.ascontiguousarray(queries, dtype=np.float32), int(k))
    return _hits(scores, ids, k)


def exact_limit(index: Any) -> int:
    """Up to how many kept rows a filtered search is exact (all of them unless the index is IVF)."""
    if index_kind(index) == "ivf":
        ivf = _ivf(index)
        return int(max(EXACT_FILTER_MIN, ivf.nprobe * index.ntotal / max(1, ivf.nlist) / 4))
    return int(index.ntotal)


def search_masked(index: Any, vectors: np.ndarray, queries: np.ndarray, k: int, mask: np.ndarray,
                  exact_max: int | None = None, max_factor: float = SELECTOR_MAX_FACTOR) -> list[Hits]:
    """Top-k among the rows where `mask` is True: exact over their float vectors when few (and always for flat and
    HNSW: HNSW with a selector kept only 0.35–0.81 recall@10 at 50k), else through the IVF index with a bitmap
    selector and a search budget scaled by 1 / (fraction kept), capped at `max_factor`."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    mask = np.asarray(mask, dtype=bool)
    count = int(np.count_nonzero(mask))  # not flatnonzero: 2 ms at 1M rows, more than the search itself
    if count == 0:
        return [(np.empty(0, np.int64), np.empty(0, np.float32)) for _ in queries]
    kind = index_kind(index)
    if count <= (exact_limit(index) if exact_max is None else exact_max) or kind in ("flat", "hnsw"):
        rows = np.flatnonzero(mask)
        sub = np.asarray(vectors[rows], dtype=np.float32)
        return [top_k(rows, sub @ q, k) for q in queries]
    faiss = _faiss()
    bits = np.packbits(mask, bitorder="little")
    sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
    factor = min(len(mask) / count, max_factor)
    ivf = _ivf(index)
    params = faiss.SearchParametersIVF(sel=sel, nprobe=min(ivf.nlist, math.ceil(ivf.nprobe * factor)))
    scores, ids = index.search(queries, int(min(k, count)), params=params)
    del bits  # kept alive until the search returned (the selector points into it)
    return _hits(scores, ids, k)
