"""`gazette ask "QUESTION" [--json] [--lang zh|en] [--llm none|openai|local] [--server URL] [--batch FILE]`.

English questions use the glossary unless `--llm` (or `GAZETTE_LLM`) names an LLM back-end: loading the local model
costs ~20 s per call, so `--server URL` asks a running `gazette serve` instead (its model is loaded once).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from chat.records import AnswerCard
from chat.remote import ask_remote
from chat.service import GazetteService
from index.errors import GazetteError
from index.settings import from_click
from retriever.cli_search import collect_filters, filter_options, index_option, read_batch


def render(card: AnswerCard | dict[str, Any]) -> str:
    """Plain-text rendering of an answer card (a record, or its JSON from a server) for the terminal."""
    data = card.to_dict() if isinstance(card, AnswerCard) else card
    lines = [data["answer"]]
    llm = data.get("llm") or {}
    if llm.get("prose"):
        lines += ["", llm["prose"]]
    elif llm.get("used") and llm.get("withheld_reason"):
        lines += ["", f"({llm['withheld_reason']})"]
    return "\n".join(lines)


@click.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="The answer card as JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Answer language (default: the question's).")
@click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
              help="LLM back-end (default: GAZETTE_LLM if set, else none: English questions use the glossary; "
                   "--llm local loads the local model, ~20 s per call — or use --server).")
@click.option("--server", default=lambda: os.environ.get("GAZETTE_SERVER") or None,
              help="Ask a running `gazette serve` at this URL (its model is loaded once), e.g. "
                   "http://127.0.0.1:8000 ($GAZETTE_SERVER).")
@click.option("--batch", type=click.Path(dir_okay=False), default=None, help="File with one question per line.")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--session", "session_id", default=None, help="Conversation id for follow-up questions.")
@index_option
@filter_options
def ask_cmd(question: str | None, as_json: bool, lang: str | None, llm: str | None, server: str | None,
            batch: str | None, k: int, session_id: str | None, index_dir: Path, **filters: str | None) -> None:
    """Answer a question from the clauses, with citations (composed from the clauses; prose only if verified)."""
    if not question and not batch:
        raise GazetteError("give a QUESTION or --batch FILE")
    if server and llm:
        raise GazetteError("--llm does not apply with --server (the server answers with its own LLM back-end)")
    flt = collect_filters(**filters)
    questions = read_batch(batch) if batch else [question]
    answer: Callable[[str | None], dict[str, Any]]
    if server:
        url = server

        def answer(q: str | None) -> dict[str, Any]:
            return ask_remote(url, q or "", lang=lang, k=k, session_id=session_id, filters=flt)
    else:
        settings = from_click()
        service = GazetteService.open(index_dir, llm=llm or settings.llm or "none", settings=settings)

        def answer(q: str | None) -> dict[str, Any]:
            return service.ask(q, session_id=session_id, lang=lang, k=k, filters=flt).to_dict()
    for q in questions:
        try:
            card = answer(q)
        except GazetteError as exc:
            if not batch:
                raise
            click.echo(json.dumps({"question": q, "error": str(exc), "answered": False, "citations": []},
                                  ensure_ascii=False))
            continue
        if as_json or batch:
            click.echo(json.dumps(card, ensure_ascii=False))
        else:
            click.echo(render(card))
