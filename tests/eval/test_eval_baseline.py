"""The naive chunk baseline: chunking maps back to clause ids; search ranks with equal-weight RRF."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from eval.baseline import BaselineIndex, chunk_documents

pytestmark = pytest.mark.unit


def _clause(cid: str, doc: str, text: str) -> SimpleNamespace:
    return SimpleNamespace(id=cid, doc_key=doc, text=text)


def test_chunks_are_fixed_size_per_document_and_know_their_clauses():
    clauses = [_clause("a", "D1", "x" * 100), _clause("b", "D1", "y" * 200), _clause("c", "D2", "z" * 30)]
    chunks = chunk_documents(clauses, size=250)
    assert [(c.doc_key, c.start, len(c.text)) for c in chunks] == [("D1", 0, 250), ("D1", 250, 51),
                                                                    ("D2", 0, 30)]
    assert chunks[0].clause_ids == ["a", "b"]     # a = [0,100), newline, b = [101, 301)
    assert chunks[1].clause_ids == ["b"]
    assert chunks[2].clause_ids == ["c"]


def test_real_sample_chunks_cover_every_clause():
    from eval.qrels import sample_clauses

    clauses = sample_clauses()
    chunks = chunk_documents(clauses)
    assert all(len(c.text) <= 250 for c in chunks)
    covered = {cid for c in chunks for cid in c.clause_ids}
    assert covered == {c.id for c in clauses}


def test_search_returns_clause_id_lists_with_hashing_embedder():
    from index.embedders import HashingEmbedder

    clauses = [_clause("p", "D", "企业每招收1名全职博士后，给予企业5万元资助。"),
               _clause("q", "D", "推动抽水蓄能、天然气发电等支持性调节性电源建设。" * 12),
               _clause("r", "D", "举办全球卓越工程师大赛，引育卓越工程师10000人。" * 12)]
    base = BaselineIndex.build(clauses, HashingEmbedder(128), size=60)
    ranked = base.ranked_ids("博士后资助", k=3)
    assert "p" in ranked[0] and ranked[0][0] == "p" and len(ranked) == 3
    assert all(isinstance(ids, list) and ids for ids in ranked)
