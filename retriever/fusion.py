"""Score fusion: pure functions over ranked row lists (no model, no index)."""
from __future__ import annotations

from collections.abc import Sequence

#: RRF constant: larger flattens the advantage of the very first ranks.
RRF_K = 60


def rrf(rank_lists: Sequence[Sequence[int]], weights: Sequence[float], k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: score(row) = Σ weight_i / (k + rank_i(row)), ranks from 1."""
    if len(rank_lists) != len(weights):
        raise ValueError("one weight per ranked list")
    fused: dict[int, float] = {}
    for rows, weight in zip(rank_lists, weights):
        if weight <= 0:
            continue
        for rank, row in enumerate(rows, start=1):
            fused[int(row)] = fused.get(int(row), 0.0) + weight / (k + rank)
    return fused


def top_rows(fused: dict[int, float], n: int) -> list[tuple[int, float]]:
    """The n best (row, score) pairs; ties broken by row so results are deterministic."""
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:n]


def max_normalise(fused: dict[int, float]) -> dict[int, float]:
    """Scale fused scores so the best is 1.0 (keeps ranking, makes scores comparable across queries)."""
    if not fused:
        return {}
    top = max(fused.values())
    return {row: score / top for row, score in fused.items()} if top > 0 else dict(fused)
