"""The installed gazette-chat version (manifest, /health, /info), looked up once."""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version


@lru_cache(maxsize=1)
def package_version() -> str:
    """`gazette-chat`'s version, or "0+unknown" when run from a checkout that is not installed."""
    try:
        return version("gazette-chat")
    except PackageNotFoundError:
        return "0+unknown"
