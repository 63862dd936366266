"""`gazette ask "QUESTION" [--json] [--lang zh|en] [--llm none|openai|local] [--batch FILE]`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from chat.records import AnswerCard
from chat.service import GazetteService
from index.errors import GazetteError
from index.settings import from_click
from retriever.cli_search import collect_filters, filter_options, index_option, read_batch


def render(card: AnswerCard) -> str:
    """Plain-text rendering of an answer card for the terminal."""
    lines = [card.answer]
    if card.llm.prose:
        lines += ["", card.llm.prose]
    elif card.llm.used and card.llm.withheld_reason:
        lines += ["", f"({card.llm.withheld_reason})"]
    return "\n".join(lines)


@click.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="The answer card as JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Answer language (default: the question's).")
@click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
              help="LLM back-end (default: from GAZETTE_LLM).")
@click.option("--batch", type=click.Path(dir_okay=False), default=None, help="File with one question per line.")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--session", "session_id", default=None, help="Conversation id for follow-up questions.")
@index_option
@filter_options
def ask_cmd(question: str | None, as_json: bool, lang: str | None, llm: str | None, batch: str | None, k: int,
            session_id: str | None, index_dir: Path, **filters: str | None) -> None:
    """Answer a question from the clauses, with citations (composed from the clauses; prose only if verified)."""
    if not question and not batch:
        raise GazetteError("give a QUESTION or --batch FILE")
    service = GazetteService.open(index_dir, llm=llm, settings=from_click())
    flt = collect_filters(**filters)
    questions = read_batch(batch) if batch else [question]
    for q in questions:
        try:
            card = service.ask(q, session_id=session_id, lang=lang, k=k, filters=flt)
        except GazetteError as exc:
            if not batch:
                raise
            click.echo(json.dumps({"question": q, "error": str(exc), "answered": False, "citations": []},
                                  ensure_ascii=False))
            continue
        if as_json or batch:
            click.echo(json.dumps(card.to_dict(), ensure_ascii=False))
        else:
            click.echo(render(card))
