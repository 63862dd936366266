"""Prompt templates kept as plain text files beside this module (`prompts/<name>.txt`)."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PROMPT_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r"^[a-z0-9_]+$")


def available() -> list[str]:
    """Names of all prompt files, sorted."""
    return sorted(p.stem for p in PROMPT_DIR.glob("*.txt"))


@cache
def load(name: str) -> str:
    """Return the text of `prompts/<name>.txt` (UTF-8, surrounding whitespace stripped).

    Raises ValueError for a name that is not a plain identifier and FileNotFoundError when no such prompt exists.
    """
    if not _NAME.match(name):
        raise ValueError(f"bad prompt name {name!r}: use lowercase letters, digits and underscores")
    path = PROMPT_DIR / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt {name!r} in {PROMPT_DIR} (have: {', '.join(available()) or 'none'})")
    return path.read_text(encoding="utf-8").strip()
