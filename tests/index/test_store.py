"""Index folder: build → load → search, manifest, errors, atomic writes, add/remove, CLI (HashingEmbedder)."""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import index.store_build as store_build
from index.clause import Clause, Document, GazetteIssue
from index.dense import FaissDenseIndex
from index.embedders import HashingEmbedder, passage_text
from index.errors import GazetteError, IndexError_
from index.filters import ClauseFilter
from index.lock import IndexBusy, index_lock
from index.store import IndexStore, add_clauses, build_index, read_manifest, remove_documents
from index.tokenize import tokenize_zh

DOC_A, DOC_B = "渝府办发〔2024〕22号", "渝府办发〔2024〕27号"
TEXTS_A = {
    "二、（一）1.": "建设卫星互联网基础设施，推进运控中心和数据中心建设。",
    "三、（六）": "支持人才引进。对新设立的博士后科研工作站给予最高50万元资助。",
    "三、（七）": "加强金融支持，设立空天信息产业基金。",
}
TEXTS_B = {
    "二、（一）1.": "市场准入。持续提升开办企业“E企办”服务能力，全面推行企业开办一网通办。",
    "二、（二）": "优化税费服务，推行非接触式办税缴费。",
    "附件 第1项": "推行企业名称申报承诺制。",
}


def _clauses(doc_key: str, texts: dict[str, str], source: str) -> list[Clause]:
    return [Clause(id=f"c-{hashlib.sha1(f'{doc_key}{label}'.encode()).hexdigest()[:12]}", doc_key=doc_key,
                   doc_number=doc_key, doc_title=f"{doc_key}的通知", kind="annex_task" if "附件" in label else "clause",
                   label=label, label_en=label, path=[label[:2]], text=text, source=source)
            for label, text in texts.items()]


class CountingEmbedder(HashingEmbedder):
    """HashingEmbedder that records how many passages it embedded."""

    def __init__(self, dim: int = 128) -> None:
        super().__init__(dim)
        self.embedded = 0

    def embed_documents(self, texts, progress=None):
        self.embedded += len(texts)
        return super().embed_documents(texts, progress)


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, body in (("a.txt", "\n".join(TEXTS_A.values())), ("b.txt", "\n".join(TEXTS_B.values()))):
        paths[name] = tmp_path / name
        paths[name].write_text(body, encoding="utf-8")
    return paths


@pytest.fixture
def clauses_a() -> list[Clause]:
    return _clauses(DOC_A, TEXTS_A, "a.txt")


@pytest.fixture
def clauses_b() -> list[Clause]:
    return _clauses(DOC_B, TEXTS_B, "b.txt")


@pytest.fixture
def built(tmp_path, sources, clauses_a, clauses_b) -> Path:
    out = tmp_path / "idx"
    build_index(clauses_a + clauses_b, HashingEmbedder(128), out, list(sources.values()), progress=False,
                documents=[Document(key=DOC_A, title="t", date="2024-02-26")])
    return out


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


@pytest.mark.unit
def test_build_load_search_finds_the_right_clause(built, clauses_a):
    emb = HashingEmbedder(128)
    store = IndexStore.load(built, emb)
    assert len(store) == 6 and store.by_id[clauses_a[1].id] == clauses_a[1]
    assert [c.to_dict() for c in store.clauses[:3]] == [c.to_dict() for c in clauses_a]
    ids, scores = store.dense_search(emb.embed_queries(["博士后科研工作站资助"])[0], 3)
    assert store.clauses[ids[0]].label == "三、（六）" and ids.dtype == np.int64 and scores[0] >= scores[-1]
    ids, scores = store.bm25_search(tokenize_zh("博士后资助"), 5)
    assert store.clauses[ids[0]].label == "三、（六）" and (scores > 0).all()
    assert store.bm25_search(tokenize_zh("完全无关的词汇xyz"), 5)[0].size == 0
    only_b = ClauseFilter.parse({"doc": DOC_B})
    assert only_b is not None
    ids, _ = store.dense_search(emb.embed_queries(["博士后"])[0], 10, only_b)
    assert len(ids) == 3 and all(store.clauses[i].doc_key == DOC_B for i in ids)
    ids, _ = store.bm25_search(tokenize_zh("企业开办 博士后"), 10, allowed=only_b.mask(store.clauses))
    assert ids.size and all(store.clauses[i].doc_key == DOC_B for i in ids)
    ids, _ = store.dense_search(emb.embed_queries(["博士后"])[0], 10, rows=np.array([4]))
    assert ids.tolist() == [4]


@pytest.mark.unit
def test_manifest_contents(built, sources):
    m = read_manifest(built)
    raw = (built / "manifest.json").read_text(encoding="utf-8")
    assert "渝府办发〔2024〕22号" in raw  # ensure_ascii=False
    assert m.format_version == 1 and m.package_version
    assert m.embedder == HashingEmbedder(128).identity()
    assert m.counts == {"clauses": 6, "documents": 2, "by_kind": {"annex_task": 1, "clause": 5}}
    assert m.ann["type"] == "flat" and m.ann["requested"] == "auto"
    digest = hashlib.sha256(sources["a.txt"].read_bytes()).hexdigest()
    assert m.sources[0] == {"name": "a.txt", "sha256": digest, "size": sources["a.txt"].stat().st_size}
    assert m.documents[0] == {"doc_key": DOC_A, "doc_number": DOC_A, "title": f"{DOC_A}的通知", "title_en": None,
                              "date": "2024-02-26", "clause_count": 3}
    assert m.documents[1]["date"] is None and m.build_seconds >= 0 and m.created_at.startswith("20")
    lines = (built / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and "卫星互联网" in lines[0]
    assert np.load(built / "vectors.npy").shape == (6, 128)


@pytest.mark.unit
def test_hnsw_and_bad_ann(tmp_path, sources, clauses_a):
    emb = HashingEmbedder(64)
    build_index(clauses_a, emb, tmp_path / "h", [sources["a.txt"]], progress=False, ann="hnsw", ef_search=16)
    store = IndexStore.load(tmp_path / "h", emb)
    assert store.manifest.ann["type"] == "hnsw" and isinstance(store.dense, FaissDenseIndex) and store.dense.index.hnsw.efSearch == 16
    ids, _ = store.dense_search(emb.embed_queries([clauses_a[2].text])[0], 2)
    assert ids[0] == 2
    with pytest.raises(GazetteError, match="ANN"):
        build_index(clauses_a, emb, tmp_path / "x", [], progress=False, ann="ivf")


@pytest.mark.unit
def test_build_rejects_empty_duplicates_and_missing_sources(tmp_path, clauses_a):
    emb = HashingEmbedder()
    with pytest.raises(GazetteError, match="nothing to index"):
        build_index([], emb, tmp_path / "i", [], progress=False)
    with pytest.raises(GazetteError, match="duplicate clause id"):
        build_index(clauses_a + clauses_a[:1], emb, tmp_path / "i", [], progress=False)
    with pytest.raises(GazetteError, match="not found"):
        build_index(clauses_a, emb, tmp_path / "i", [tmp_path / "nope.txt"], progress=False)
    assert not (tmp_path / "i").exists()


@pytest.mark.unit
def test_embedder_mismatch_is_reported(built):
    with pytest.raises(IndexError_, match=r"built with hash-128 \(hash, 128-d\), not hash-64"):
        IndexStore.load(built, HashingEmbedder(64))


@pytest.mark.unit
def test_missing_and_partial_folders(tmp_path, built):
    with pytest.raises(IndexError_, match="no index at .*gazette index build"):
        IndexStore.load(tmp_path / "nothing")
    (built / "dense.faiss").unlink()
    with pytest.raises(IndexError_, match="incomplete .*dense.faiss"):
        IndexStore.load(built)
    (built / "manifest.json").unlink()
    with pytest.raises(IndexError_, match="no manifest.json"):
        IndexStore.load(built)


@pytest.mark.unit
def test_count_mismatch_is_reported(built):
    lines = (built / "clauses.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (built / "clauses.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(IndexError_, match="inconsistent .*clauses.jsonl has 5"):
        IndexStore.load(built)


@pytest.mark.unit
def test_failed_build_leaves_previous_index_and_no_tmp(built, clauses_a, monkeypatch):
    def boom(tmp, clauses):
        assert (tmp / "clauses.jsonl").exists() and (tmp / "dense.faiss").exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_build, "_write_bm25", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(clauses_a, HashingEmbedder(128), built, [], progress=False)
    assert len(IndexStore.load(built)) == 6 and _leftovers(built) == []

    class Broken(HashingEmbedder):
        def embed_documents(self, texts, progress=None):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(clauses_a, Broken(128), built, [], progress=False)
    assert len(IndexStore.load(built)) == 6 and _leftovers(built) == []


@pytest.mark.unit
def test_stale_folders_of_killed_builds_are_cleaned(built, clauses_a, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".idx.tmp-{dead.pid}"
    stale.mkdir()
    (stale / "clauses.jsonl").write_text("junk", encoding="utf-8")
    assert len(IndexStore.load(built)) == 6  # a stale tmp folder is ignored by readers
    build_index(clauses_a, HashingEmbedder(128), built, [], progress=False)
    assert len(IndexStore.load(built)) == 3 and _leftovers(built) == []
    # a crash between the two renames: the index is only in .old-<pid>; the next write restores it first
    built.rename(tmp_path / f".idx.old-{dead.pid}")
    with pytest.raises(IndexError_, match="no index at"):
        IndexStore.load(built)
    store_build._clean_stale(built.absolute())
    assert len(IndexStore.load(built)) == 3


@pytest.mark.unit
def test_refuses_to_replace_a_folder_that_is_not_an_index(tmp_path, clauses_a):
    precious = tmp_path / "data"
    precious.mkdir()
    (precious / "corpus.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(IndexError_, match="not a gazette index"):
        build_index(clauses_a, HashingEmbedder(), precious, [], progress=False)
    assert (precious / "corpus.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.unit
def test_add_embeds_only_new_clauses_without_duplicates(tmp_path, sources, clauses_a, clauses_b):
    out = tmp_path / "idx"
    emb = CountingEmbedder()
    build_index(clauses_a, emb, out, [sources["a.txt"]], progress=False,
                documents=[Document(key=DOC_A, title="t", date="2024-02-26")])
    assert emb.embedded == 3
    m = add_clauses(out, clauses_b, emb, [sources["b.txt"]])
    assert emb.embedded == 6 and m.counts["clauses"] == 6 and m.counts["documents"] == 2
    assert [s["name"] for s in m.sources] == ["a.txt", "b.txt"] and m.documents[0]["date"] == "2024-02-26"
    # re-adding document B with one changed clause re-embeds only that clause and keeps ids unique
    changed = _clauses(DOC_B, {**TEXTS_B, "二、（二）": "优化税费服务，推行非接触式办税缴费，新增内容。"}, "b.txt")
    m = add_clauses(out, changed, emb, [sources["b.txt"]])
    assert emb.embedded == 7 and m.counts["clauses"] == 6
    store = IndexStore.load(out, emb)
    assert len({c.id for c in store.clauses}) == 6 and len(store.by_id) == 6
    assert store.by_id[changed[1].id].text.endswith("新增内容。")
    expected = HashingEmbedder(128).embed_documents([passage_text(c) for c in store.clauses])
    np.testing.assert_allclose(np.asarray(store.vectors), expected, atol=1e-6)
    ids, _ = store.dense_search(expected[5], 1)
    assert ids.tolist() == [5] and _leftovers(out) == []
    with pytest.raises(IndexError_, match="built with"):
        add_clauses(out, clauses_b, HashingEmbedder(64), [])


@pytest.mark.unit
def test_remove_documents(built, sources):
    m = remove_documents(built, [DOC_A])
    assert m.counts["clauses"] == 3 and [d["doc_key"] for d in m.documents] == [DOC_B]
    assert [s["name"] for s in m.sources] == ["b.txt"]
    store = IndexStore.load(built, HashingEmbedder(128))
    assert {c.doc_key for c in store.clauses} == {DOC_B}
    ids, _ = store.bm25_search(tokenize_zh("博士后"), 5)
    assert ids.size == 0
    with pytest.raises(IndexError_, match="no document"):
        remove_documents(built, ["渝府发〔1999〕1号"])
    with pytest.raises(IndexError_, match="empty"):
        remove_documents(built, [DOC_B])
    assert len(IndexStore.load(built)) == 3


@pytest.mark.unit
def test_cli_build_and_info(tmp_path, sources, clauses_a, clauses_b, monkeypatch):
    import index.build
    from index.cli_index import index_group

    issues = {"a.txt": clauses_a, "b.txt": clauses_b}

    def fake_parse(path):
        cl = issues[Path(path).name]
        return GazetteIssue(documents=[Document(key=cl[0].doc_key, title=cl[0].doc_title, date="2024-03-22",
                                                clauses=cl)])

    monkeypatch.setattr(index.build, "parse_file", fake_parse)
    out = tmp_path / "cli-idx"
    runner = CliRunner()
    res = runner.invoke(index_group, ["build", str(sources["a.txt"]), str(sources["b.txt"]), "--out", str(out),
                                      "--embedder", "hash", "-q"])
    assert res.exit_code == 0, res.output
    assert "indexed 6 clauses from 2 documents" in res.output
    res = runner.invoke(index_group, ["info", "--index", str(out)])
    assert res.exit_code == 0 and "hash-64" in res.output and DOC_B in res.output and "sha256" in res.output
    res = runner.invoke(index_group, ["info", "--index", str(out), "--json"])
    assert json.loads(res.output)["counts"]["clauses"] == 6
    monkeypatch.setenv("GAZETTE_INDEX", str(tmp_path / "none"))
    res = runner.invoke(index_group, ["info"])
    assert isinstance(res.exception, IndexError_) and "no index at" in str(res.exception)
    # the build holds the writer lock, as add and remove do: a second writer is refused, the index is untouched
    with index_lock(out):
        res = runner.invoke(index_group, ["build", str(sources["a.txt"]), "--out", str(out), "--embedder", "hash",
                                          "-q"])
    assert isinstance(res.exception, IndexBusy), res.output
    assert read_manifest(out).counts["clauses"] == 6


@pytest.mark.unit
def test_tokenize_zh_drops_punctuation_keeps_words_and_numbers():
    tokens = tokenize_zh("对新设立的博士后科研工作站给予最高５０万元资助，Satellite Internet 1.5亿元。")
    assert {"博士后", "博士", "工作站", "50", "万元", "satellite", "internet", "1.5"} <= set(tokens)
    assert not {"，", "。", " ", "的"} & set(tokens)
    assert tokenize_zh("") == [] and tokenize_zh("，。！？ ") == []
