"""`gazette search "QUERY" [-k 5] [--json] [--doc …] [--lead-unit …] [--batch FILE]`."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from index.errors import GazetteError
from index.filters import FILTER_FIELDS
from index.settings import from_click
from retriever.llm import LLMConfig
from retriever.search import Searcher

F = TypeVar("F", bound=Callable[..., Any])


def _index_dir(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    return value if value is not None else from_click().index_dir


def index_option(f: F) -> F:
    return click.option("--index", "index_dir", default=None, callback=_index_dir,
                        show_default="$GAZETTE_INDEX or data/index",
                        type=click.Path(file_okay=False, path_type=Path), help="Index folder.")(f)


def llm_option(f: F) -> F:
    return click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
                        help="LLM back-end for English query translation (default: from GAZETTE_LLM).")(f)


def filter_options(f: F) -> F:
    f = click.option("--doc", default=None, help="Only this document number, e.g. 渝府办发〔2024〕27号.")(f)
    f = click.option("--kind", default=None, help="Only this clause kind (clause, annex_task, box_item, article…).")(f)
    f = click.option("--lead-unit", default=None, help="Only clauses led by this unit (Chinese or English name).")(f)
    f = click.option("--deadline-from", default=None, help="Deadline on or after YYYY-MM.")(f)
    return click.option("--deadline-to", default=None, help="Deadline on or before YYYY-MM.")(f)


def collect_filters(**kw: Any) -> dict[str, str]:
    """The filter options that were given, keyed by `FILTER_FIELDS`."""
    return {k: kw[k] for k in FILTER_FIELDS if kw.get(k)}


def read_batch(path: str) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise GazetteError(f"{p}: no such batch file")
    return [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


@click.command("search")
@click.argument("query", required=False)
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="Number of hits.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per query.")
@click.option("--batch", type=click.Path(dir_okay=False), default=None, help="File with one query per line.")
@click.option("--mode", type=click.Choice(["auto", "none", "glossary", "translate", "both"]), default="auto",
              show_default=True, help="English query handling.")
@index_option
@llm_option
@filter_options
def search_cmd(query: str | None, k: int, as_json: bool, batch: str | None, mode: str, index_dir: Path,
               llm: str | None, **filters: Any) -> None:
    """Hybrid (dense + keyword) search over the clauses, in Chinese or English."""
    if not query and not batch:
        raise GazetteError("give a QUERY or --batch FILE")
    settings = from_click()
    searcher = Searcher.open(index_dir, llm=llm or LLMConfig.from_settings(settings).backend, settings=settings)
    queries = read_batch(batch) if batch else [query or ""]
    flt = collect_filters(**filters)
    for q in queries:
        try:
            hits = searcher.search(q, k=k, filters=flt, mode=mode)
        except GazetteError as exc:
            if not batch:
                raise
            click.echo(json.dumps({"query": q, "error": str(exc), "hits": []}, ensure_ascii=False))
            continue
        if as_json or batch:
            click.echo(json.dumps({"query": q, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
            continue
        for h in hits:
            click.echo(f"{h.rank}. [{h.score:.4f}] {h.clause.citation}  ({h.clause.kind})")
            click.echo(f"   {h.clause.text[:160]}")
