"""The bounded embedding queue with worker threads (index/embed_pool.py)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.embed_pool import EmbedderBusy, EmbedPool, PendingVectors, omp_threads_per_worker, split, threads_for

pytestmark = pytest.mark.unit


def fake(texts: list[str]) -> np.ndarray:
    return np.array([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32).reshape(len(texts), 2)


def test_results_come_back_in_order_for_each_caller():
    pool = EmbedPool(fake, workers=2)
    out = pool.submit(["a", "bbb", "cc"])
    assert out[:, 0].tolist() == [1, 3, 2]
    assert pool.submit([]).shape == (0, 2)


def test_two_workers_run_two_calls_at_the_same_time():
    barrier = threading.Barrier(2, timeout=10)

    def both_must_arrive(texts):
        barrier.wait()  # one worker alone would time out here
        return fake(texts)

    pool = EmbedPool(both_must_arrive, workers=2)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda t=t: results.append(pool.submit([t]))) for t in ("x", "yy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert sorted(r[0, 0] for r in results) == [1, 2]


def test_the_texts_of_one_request_are_spread_over_the_workers():
    barrier = threading.Barrier(2, timeout=10)
    calls: list[list[str]] = []

    def both_must_arrive(texts):
        calls.append(list(texts))
        barrier.wait()  # a single call with both texts would time out here
        return fake(texts)

    out = EmbedPool(both_must_arrive, workers=2).submit(["x", "yy", "zzz"])
    assert out[:, 0].tolist() == [1, 2, 3]               # one array, in the caller's order
    assert sorted(calls) == [["x", "yy"], ["zzz"]]
    def record(texts):
        calls.append(list(texts))
        return fake(texts)

    one = EmbedPool(record, workers=1)
    calls.clear()
    assert one.submit(["a", "bb"])[:, 0].tolist() == [1, 2] and calls == [["a", "bb"]]   # one worker: one call


def test_split_keeps_the_order_in_nearly_equal_chunks():
    assert split(["a", "b", "c"], 2) == [["a", "b"], ["c"]]
    assert split(["a"], 4) == [["a"]]
    assert split(list("abcde"), 1) == [list("abcde")]
    assert [len(c) for c in split(list("abcdefg"), 3)] == [3, 2, 2]


def test_waiting_questions_are_micro_batched_and_split_back():
    gate = threading.Event()
    calls: list[int] = []

    def slow(texts):
        gate.wait(10)
        calls.append(len(texts))
        return fake(texts)

    pool = EmbedPool(slow, workers=1, max_batch=8)
    results: dict[str, np.ndarray] = {}
    first = threading.Thread(target=lambda: results.__setitem__("first", pool.submit(["0"])))
    first.start()
    time.sleep(0.2)  # the worker holds "0"; the next three wait in the queue
    rest = [threading.Thread(target=lambda t=t: results.__setitem__(t, pool.submit([t]))) for t in ("a", "bb", "ccc")]
    for t in rest:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in [first, *rest]:
        t.join(10)
    assert calls == [1, 3]
    assert {t: int(results[t][0, 0]) for t in ("a", "bb", "ccc")} == {"a": 1, "bb": 2, "ccc": 3}
    assert pool.batches == 2 and pool.texts == 4


def test_a_full_queue_refuses_at_once_and_errors_reach_the_caller():
    gate = threading.Event()
    pool = EmbedPool(lambda t: (gate.wait(10), fake(t))[1], workers=1, queue_size=1)
    threading.Thread(target=lambda: pool.submit(["held"]), daemon=True).start()
    time.sleep(0.2)
    threading.Thread(target=lambda: pool.submit(["queued"]), daemon=True).start()
    time.sleep(0.2)
    with pytest.raises(EmbedderBusy, match="busy"):
        pool.submit(["one too many"])
    gate.set()

    def boom(texts):
        raise ValueError("model broke")

    with pytest.raises(ValueError, match="model broke"):
        EmbedPool(boom).submit(["x"])


def test_openmp_threads_are_split_between_workers():
    assert omp_threads_per_worker(2, cores=2) == 1
    assert omp_threads_per_worker(1, cores=2) == 2
    assert omp_threads_per_worker(8, cores=2) == 1


def test_openmp_threads_per_call_follow_the_calls_in_flight():
    assert threads_for(2, 1) == 2       # one question alone: all the cores
    assert threads_for(2, 2) == 1       # an English question's two texts: a core each
    assert threads_for(2, 5) == 1
    assert threads_for(8, 3) == 2


def test_each_text_of_a_request_runs_on_its_share_of_the_cores():
    barrier = threading.Barrier(2, timeout=10)
    seen: dict[str, int] = {}
    local = threading.local()

    def call(texts):
        seen[texts[0]] = local.threads    # what `set_threads` told this worker thread last
        if len(seen) <= 2 and texts[0] in ("en", "mixed"):
            barrier.wait()                # both texts are embedded at the same time
        return fake(texts)

    pool = EmbedPool(call, workers=2, set_threads=lambda n: setattr(local, "threads", n), cores=2)
    out = pool.submit(["en", "mixed"])
    assert out[:, 0].tolist() == [2, 5] and seen == {"en": 1, "mixed": 1}
    pool.submit(["zh"])                   # alone: both cores
    assert seen["zh"] == 2
    assert pool.thread_counts == [1, 1, 2]
    assert pool._in_flight == 0


def test_start_returns_at_once_and_result_waits():
    gate = threading.Event()
    pool = EmbedPool(lambda t: (gate.wait(10), fake(t))[1], workers=2)
    started = time.perf_counter()
    pending = pool.start(["abc", "de"])
    assert time.perf_counter() - started < 5          # not blocked by the gate
    gate.set()
    assert pending.result()[:, 0].tolist() == [3, 2]
    assert pending.then(lambda v: v * 2).result()[:, 0].tolist() == [6, 4]
    assert PendingVectors.done(np.ones((1, 2))).result().shape == (1, 2)


def test_a_failed_call_leaves_no_call_counted_in_flight():
    def boom(texts):
        raise ValueError("model broke")

    pool = EmbedPool(boom, workers=2, set_threads=lambda n: None)
    with pytest.raises(ValueError, match="model broke"):
        pool.submit(["x"])
    assert pool._in_flight == 0
