"""The embedding cache: only new text is embedded; vectors come back identical; damaged segments are ignored."""
from __future__ import annotations

import numpy as np
import pytest

from index.embed_cache import CachedEmbedder, EmbeddingCache, embedder_key, with_cache
from index.embedders import HashingEmbedder

pytestmark = pytest.mark.unit


class Counting(HashingEmbedder):
    """The hashing embedder with a different engine name (so `with_cache` wraps it), counting passages."""

    def __init__(self) -> None:
        super().__init__(32)
        self.embedded: list[str] = []

    def embed_documents(self, texts, progress=None):
        self.embedded += list(texts)
        return super().embed_documents(texts, progress)

    def identity(self):
        return {**super().identity(), "engine": "counting"}


def test_rebuild_embeds_only_new_text(tmp_path):
    inner = Counting()
    texts = ["第一条 甲。", "第二条 乙。", "第三条 丙。"]
    first = CachedEmbedder(inner, tmp_path).embed_documents(texts)
    assert inner.embedded == texts
    again = CachedEmbedder(inner, tmp_path)                # a new process: reads the segment files
    second = again.embed_documents(texts + ["第四条 丁。", "第二条 乙。"])
    assert inner.embedded == texts + ["第四条 丁。"]        # only the new text, once
    assert (again.hits, again.misses) == (4, 1)
    assert np.array_equal(first, second[:3]) and np.array_equal(second[1], second[4])
    assert np.array_equal(second, HashingEmbedder(32).embed_documents(texts + ["第四条 丁。", "第二条 乙。"]))


def test_key_depends_on_the_embedder_and_damaged_segments_are_ignored(tmp_path):
    inner = Counting()
    CachedEmbedder(inner, tmp_path).embed_documents(["甲"])
    other = {**inner.identity(), "dim": 16}
    assert embedder_key(inner.identity()) != embedder_key(other)
    folder = EmbeddingCache(tmp_path, inner.identity()).folder
    (folder / "seg-1-1.keys").write_text("abc\n", encoding="ascii")
    (folder / "seg-1-1.npy").write_bytes(b"not numpy")
    cache = EmbeddingCache(tmp_path, inner.identity())
    assert len(cache) == 1


def test_with_cache_off_and_hash_passthrough(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTE_EMBED_CACHE", "off")
    inner = Counting()
    assert with_cache(inner) is inner
    monkeypatch.setenv("GAZETTE_EMBED_CACHE", str(tmp_path))
    assert isinstance(with_cache(inner), CachedEmbedder)
    plain = HashingEmbedder()
    assert with_cache(plain) is plain                        # test-only embedder: not cached


def test_build_index_uses_the_cache(tmp_path, monkeypatch):
    from pathlib import Path

    from index.parser import parse_file
    from index.store import build_index

    monkeypatch.setenv("GAZETTE_EMBED_CACHE", str(tmp_path / "cache"))
    src = Path(__file__).resolve().parents[2] / "data" / "corpus" / "more" / "guofa-2018-41-iit-special-deductions.txt"
    clauses = parse_file(src).clauses
    inner = Counting()
    build_index(clauses, inner, tmp_path / "a", [src], progress=False)
    n = len(inner.embedded)
    assert n == len(clauses)
    build_index(clauses, inner, tmp_path / "a", [src], progress=False)
    assert len(inner.embedded) == n                         # the rebuild embedded nothing
