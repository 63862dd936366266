"""The shared ending of the measurement CLIs in `eval/`: print the table, or one line naming what is wrong."""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from index.errors import GazetteError


def missing_sets(paths: Sequence[Path]) -> int:
    """2 (after one error line) when a question set file is missing, else 0."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"error: no question set at {', '.join(missing)}", file=sys.stderr)
        return 2
    return 0


def print_table(make: Callable[[], str]) -> int:
    """Print what `make` returns (exit code 0), or one error line for a bad index or input (1), no traceback."""
    try:
        print(make())
    except (GazetteError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
