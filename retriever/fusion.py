"""Score fusion: pure functions over ranked row lists (no model, no index)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence

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


def min_max(scores: dict[int, float]) -> dict[int, float]:
    """Rescale to [0, 1] over the candidates (all equal → 1.0): for cosine similarities, which crowd together."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-9:
        return {row: 1.0 for row in scores}
    return {row: (s - lo) / (hi - lo) for row, s in scores.items()}


def score_fusion(dense: Sequence[dict[int, float]], keyword: Sequence[dict[int, float]],
                 dense_weights: Sequence[float], keyword_weights: Sequence[float]) -> dict[int, float]:
    """Weighted sum of normalised scores: dense min-max scaled, keyword divided by its best score.

    Unlike RRF it keeps the margin: a clause whose keyword score is far above all others wins even if the
    dense model missed it."""
    fused: dict[int, float] = {}
    for scores, weight in zip(dense, dense_weights):
        for row, s in min_max(scores).items():
            fused[row] = fused.get(row, 0.0) + weight * s
    for scores, weight in zip(keyword, keyword_weights):
        top = max(scores.values(), default=0.0)
        if top <= 0:
            continue
        for row, s in scores.items():
            fused[row] = fused.get(row, 0.0) + weight * s / top
    return fused


def saturate(order: Mapping[int, float], group: Callable[[int], str], free: int, weight: float, flood: float,
             pool: int, exempt: Collection[int] = ()) -> dict[int, float]:
    """Diminishing returns for a document that floods the candidates (ordering only; callers keep their scores).

    A group (document) holding at least `flood` of the `pool` best rows floods them (every article of one regulation
    matching the same query word). Walking the rows best first, each of its rows beyond its first `free` loses
    `weight` × the best score, so that its further articles stay on top only when they outscore the other documents'
    best by that margin. Rows in `exempt` (those stating what the question asks for) keep their score."""
    if weight <= 0 or not order:
        return dict(order)
    ranked = top_rows(dict(order), len(order))
    top = ranked[0][1]
    if top <= 0:
        return dict(order)
    head = ranked[:pool]
    counts = Counter(group(row) for row, _ in head)
    flooding = {key for key, n in counts.items() if n >= flood * len(head)}
    seen: Counter[str] = Counter()
    out: dict[int, float] = {}
    for row, score in ranked:
        key = group(row)
        if key in flooding and row not in exempt:
            seen[key] += 1
            if seen[key] > free:
                score -= weight * top
        out[row] = score
    return out
