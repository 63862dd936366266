"""ANN kinds of the dense index (index/ann.py): construction, search, filtered search."""
from __future__ import annotations

import numpy as np
import pytest

from index.ann import (
    AUTO_LARGE,
    FLAT_MAX_VECTORS,
    ann_params,
    build_faiss,
    choose_ann,
    default_nlist,
    default_nprobe,
    search,
    search_masked,
)
from index.errors import GazetteError

pytestmark = pytest.mark.unit


def clustered(n: int, dim: int = 32, centers: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors in clusters (like embeddings, unlike uniform noise)."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centers, dim)).astype(np.float32)
    x = c[rng.integers(0, centers, n)] + 0.35 * rng.standard_normal((n, dim)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact(x: np.ndarray, q: np.ndarray, k: int, rows: np.ndarray | None = None) -> set[int]:
    rows = np.arange(len(x)) if rows is None else rows
    s = x[rows] @ q
    return set(rows[np.argsort(-s)[:k]].tolist())


def test_auto_is_flat_up_to_the_threshold_then_ivf_fp16():
    assert choose_ann("auto", FLAT_MAX_VECTORS) == "flat"
    assert choose_ann("auto", FLAT_MAX_VECTORS + 1) == AUTO_LARGE == "ivf_fp16"
    assert choose_ann("hnsw", 10) == "hnsw"
    with pytest.raises(GazetteError, match="unknown ANN type 'annoy'"):
        choose_ann("annoy", 10)


def test_nprobe_defaults_measured_for_recall():
    assert [default_nprobe(n) for n in (16, 256, 1024, 2048, 4096, 8192)] == [16, 96, 96, 96, 128, 256]


def test_nlist_grows_with_the_square_root_and_never_starves_training():
    assert default_nlist(1_000_000) == 4096 and default_nlist(200_000) == 2048 and default_nlist(50_000) == 1024
    assert default_nlist(3000) == 76 and default_nlist(50) == 1
    assert all(default_nlist(n) * 39 <= n for n in (100, 1000, 5000))


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf_sq8", "ivf_fp16"])
def test_every_kind_finds_the_query_itself_and_recalls_neighbours(kind):
    x = clustered(4000, dim=48)
    params = ann_params(kind, len(x))
    index = build_faiss(x, params)
    assert index.ntotal == len(x)
    q = x[[5, 17, 999]]
    hits = search(index, q, 10)
    assert [int(h[0][0]) for h in hits] == [5, 17, 999]
    recall = np.mean([len(set(h[0].tolist()) & exact(x, qq, 10)) / 10 for h, qq in zip(hits, q)])
    assert recall >= 0.8
    assert all(np.all(np.diff(h[1]) <= 1e-6) for h in hits)  # scores descending


@pytest.mark.parametrize("kind", ["flat", "ivf_sq8", "hnsw"])
def test_filtered_search_returns_only_allowed_rows_exactly_or_through_the_selector(kind):
    x = clustered(4000, dim=32, seed=1)
    index = build_faiss(x, ann_params(kind, len(x)))
    rng = np.random.default_rng(3)
    mask = rng.random(len(x)) < 0.2
    rows = np.flatnonzero(mask)
    q = x[rows[:5]]
    for exact_max in (len(x), 0):  # exact over the kept rows, and the ANN with a bitmap selector
        hits = search_masked(index, x, q, 10, mask, exact_max=exact_max)
        for (ids, _), qq in zip(hits, q):
            assert mask[ids].all() and len(ids) == 10
            overlap = len(set(ids.tolist()) & exact(x, qq, 10, rows)) / 10
            assert overlap == 1.0 if exact_max or kind == "flat" else overlap >= 0.7


def test_filter_keeping_nothing_or_fewer_than_k():
    x = clustered(3000, dim=16)
    index = build_faiss(x, ann_params("ivf_sq8", len(x)))
    none = np.zeros(len(x), bool)
    assert [len(i) for i, _ in search_masked(index, x, x[:2], 5, none)] == [0, 0]
    three = none.copy()
    three[[7, 70, 700]] = True
    ids, _ = search_masked(index, x, x[:1], 5, three)[0]
    assert sorted(ids.tolist()) == [7, 70, 700]
