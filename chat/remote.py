"""Ask a running `gazette serve` over HTTP (its index and LLM are already loaded), for `gazette ask --server`."""
from __future__ import annotations

from typing import Any

import httpx

from index.errors import GazetteError

TIMEOUT = 120.0


def ask_remote(server: str, question: str, lang: str | None = None, k: int = 5, session_id: str | None = None,
               filters: dict[str, Any] | None = None, timeout: float = TIMEOUT) -> dict[str, Any]:
    """`POST {server}/ask` → the answer card; a one-line `GazetteError` when the server is unreachable or refuses."""
    body: dict[str, Any] = {"question": question, "k": k}
    if lang:
        body["lang"] = lang
    if session_id:
        body["session_id"] = session_id
    if filters:
        body["filters"] = filters
    url = server.rstrip("/") + "/ask"
    try:
        response = httpx.post(url, json=body, timeout=timeout)
    except httpx.HTTPError as exc:
        raise GazetteError(f"cannot reach the Gazette Chat server at {server} ({type(exc).__name__}: {exc}); "
                           "start it with `gazette serve` or drop --server") from None
    if response.status_code != 200:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = None
        raise GazetteError(f"the server at {server} answered {response.status_code}: {detail or response.text[:200]}")
    return response.json()
