"""Pick up a new index version in a long-running server without a restart.

`IndexWatcher(index_dir)` holds the loaded store (or whatever `loader` builds from the folder, e.g. a searcher).
`current()` checks, at most every `min_interval` seconds, a cheap version id — the (device, inode, mtime, size) of
manifest.json, which changes with every atomic swap of the folder — and when it changed loads the new version
*completely* before swapping the reference. Readers never block on a reload (they keep the old object meanwhile);
one thread loads at a time. A version that fails to load (e.g. caught mid-swap) is logged and retried; the old one
keeps serving.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from index.embedders import Embedder
from index.store import IndexStore

T = TypeVar("T")
log = logging.getLogger(__name__)
Version = tuple[int, int, int, int]


def index_version(index_dir: str | Path) -> Version | None:
    """Cheap version id of an index folder (one `stat`); None while no complete index is there."""
    try:
        st = os.stat(Path(index_dir) / "manifest.json")
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _default_loader(embedder: Embedder | None) -> Callable[[Path], Any]:
    def load(index_dir: Path) -> IndexStore:
        return IndexStore.load(index_dir, embedder)
    return load


class IndexWatcher(Generic[T]):
    """Thread-safe holder of the current index; reloads it when the folder on disk changes version."""

    def __init__(self, index_dir: str | Path, loader: Callable[[Path], T] | None = None,
                 embedder: Embedder | None = None, min_interval: float = 1.0,
                 on_swap: Callable[[T], None] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.loader: Callable[[Path], T] = loader or _default_loader(embedder)
        self.min_interval = float(min_interval)
        self.on_swap = on_swap
        self._load_lock = threading.Lock()
        self._value: T | None = None
        self._version: Version | None = None
        self._checked = 0.0
        self.loaded_at: float | None = None
        self.last_error: str | None = None
        self._timer: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def version(self) -> Version | None:
        """Version id of the object `current()` returns."""
        return self._version

    def current(self) -> T:
        """The current object, reloaded first if the index changed (checked at most every `min_interval` s).

        The first call loads synchronously and raises if the index cannot be loaded."""
        if self._value is None:
            self.reload(force=True, raise_errors=True)
        elif time.monotonic() - self._checked >= self.min_interval:
            self.check()
        assert self._value is not None
        return self._value

    def check(self) -> bool:
        """Reload if the on-disk version differs; True when a new version was swapped in. Never raises."""
        self._checked = time.monotonic()
        version = index_version(self.index_dir)
        if version is None or version == self._version:
            return False
        return self.reload(blocking=False)

    def reload(self, force: bool = False, blocking: bool = True, raise_errors: bool = False) -> bool:
        """Load the index now (if changed, or always with `force`) and swap it in; True when swapped.

        With `blocking=False`, returns False at once when another thread is already loading."""
        if not self._load_lock.acquire(blocking=blocking):
            return False
        try:
            version = index_version(self.index_dir)
            if not force and (version is None or version == self._version):
                return False
            try:
                value = self.loader(self.index_dir)
            except Exception as exc:  # noqa: BLE001 - keep serving the old version, report why
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("index reload from %s failed (%s); still serving the previous version",
                            self.index_dir, self.last_error)
                if raise_errors or self._value is None and force:
                    raise
                return False
            self._value, self._version = value, version      # one reference assignment: readers see old or new
            self.loaded_at, self.last_error = time.time(), None
            self._checked = time.monotonic()
        finally:
            self._load_lock.release()
        if self.on_swap is not None:
            self.on_swap(value)
        return True

    def status(self) -> dict[str, Any]:
        """For `/admin/reload` and health checks."""
        return {"index_dir": str(self.index_dir), "version": list(self._version) if self._version else None,
                "on_disk": list(v) if (v := index_version(self.index_dir)) else None,
                "loaded_at": self.loaded_at, "last_error": self.last_error}

    # -- optional background polling -----------------------------------------------------------------
    def start(self, interval: float = 5.0) -> None:
        """Poll in a daemon thread every `interval` seconds (instead of / besides checking per request)."""
        if self._timer is not None:
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(interval):
                self.check()

        self._timer = threading.Thread(target=run, name="index-watcher", daemon=True)
        self._timer.start()

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout=5)
            self._timer = None
