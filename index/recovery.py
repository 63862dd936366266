"""Start-up recovery of an index folder whose atomic swap was interrupted, and the serve-time decision to build.

An index write swaps `NAME → .NAME.old-<pid>`, then `.NAME.tmp-<pid> → NAME` (see `index.store_build`). A crash
between the two renames leaves no `NAME` but a complete `.NAME.old-<pid>`: `recover_index` puts it back (when the
writer is dead) and removes the writer's leftovers. `prepare_serving_index` never builds over anything that is
there — a broken folder or an old copy — unless asked to (`rebuild=True`, `gazette serve --rebuild`).
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from index.errors import IndexError_


def _leftovers(index_dir: Path, kind: str) -> list[tuple[Path, int]]:
    """`.NAME.<kind>-<pid>` folders beside the index, with their writer's pid."""
    out = []
    for path in sorted(index_dir.parent.glob(f".{index_dir.name}.{kind}-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit():
            out.append((path, int(pid)))
    return out


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (or exists under another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_index(index_dir: Path | str) -> str | None:
    """Restore `.NAME.old-<pid>` when `NAME` is missing and the writer is dead; clean the dead writers' tmp folders.

    Returns a note of what was restored (None when nothing was); `IndexError_` when the writer is still alive
    (a swap is in progress) or several old copies compete."""
    index_dir = Path(index_dir).absolute()
    restored = None
    olds = _leftovers(index_dir, "old")
    if not index_dir.exists() and olds:
        alive = [str(pid) for _, pid in olds if pid_alive(pid) and pid != os.getpid()]
        if alive:
            raise IndexError_(f"index at {index_dir} is being swapped by process {', '.join(alive)}; "
                              "try again in a moment")
        complete = [p for p, _ in olds if (p / "manifest.json").is_file()]
        if len(complete) != 1:
            names = ", ".join(p.name for p, _ in olds)
            raise IndexError_(f"index at {index_dir} is missing and {len(complete)} complete old copies are beside "
                              f"it ({names}); move the right one to {index_dir} or rebuild with "
                              f"`gazette index build --out {index_dir}`")
        os.replace(complete[0], index_dir)
        restored = f"restored {index_dir} from {complete[0].name} (a write was interrupted between its two renames)"
    for kind in ("tmp", "old"):
        for path, pid in _leftovers(index_dir, kind):
            if index_dir.exists() and pid != os.getpid() and not pid_alive(pid):
                shutil.rmtree(path, ignore_errors=True)
    return restored


def prepare_serving_index(index_dir: Path | str, build: Callable[[Path], object], rebuild: bool = False) -> list[str]:
    """Make `index_dir` ready to serve: recover an interrupted swap, build only when nothing is there (or `rebuild`).

    Returns notes for the user; `IndexError_` (one line, with the fix) for a broken folder without `rebuild`."""
    index_dir = Path(index_dir)
    notes = [n for n in [recover_index(index_dir)] if n]
    if (index_dir / "manifest.json").is_file() and not rebuild:
        return notes
    present = index_dir.exists() and any(index_dir.iterdir())
    if present and not rebuild:
        raise IndexError_(f"{index_dir} is not a complete index (no manifest.json); refusing to build over it — "
                          f"pass --rebuild to replace it, or run `gazette index build --out {index_dir}`")
    if present:                      # an explicit rebuild moves whatever is there aside, never deletes it
        aside = index_dir.parent / f".{index_dir.name}.broken-{int(time.time())}"
        os.replace(index_dir, aside)
        notes.append(f"moved the previous folder aside to {aside}")
    notes.append(f"no index at {index_dir}; building it now (first run)…" if not present
                 else f"rebuilding {index_dir} (--rebuild)…")
    build(index_dir)
    return notes
