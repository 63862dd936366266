"""The writer lock of an index folder: `.NAME.lock` beside it, `flock`ed (released by the OS even on SIGKILL).

Every write — build, add, remove — holds it, so two writers never interleave; readers never need it (writes are
atomic folder swaps)."""
from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from index.errors import IndexError_


class IndexBusy(IndexError_):
    """Another process is changing the index (HTTP 409)."""


def lock_path(index_dir: str | Path) -> Path:
    """`.NAME.lock` beside the index folder (outside it, so it survives the folder swap)."""
    d = Path(index_dir).absolute()
    return d.parent / f".{d.name}.lock"


@contextlib.contextmanager
def index_lock(index_dir: str | Path) -> Iterator[None]:
    """Exclusive writer lock on an index; `IndexBusy` at once when another process holds it."""
    path = lock_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise IndexBusy(f"index at {Path(index_dir)} is being changed by another process (pid {holder}, "
                            f"lock {path}) — try again when it has finished") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
