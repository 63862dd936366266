"""`gazette index translate [--index DIR] [--limit N] [--force]`: checked English translations of the clauses,
cached in the index folder (needs an OpenAI-compatible model: GAZETTE_OPENAI_BASE_URL and GAZETTE_OPENAI_MODEL)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from chat.translation import TranslationCache, translate_clause
from index.errors import GazetteError
from index.settings import from_click
from index.store import IndexStore
from retriever.glossary import Glossary
from retriever.llm import LLMConfig, get_chat_model


@click.command("translate")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder (default: $GAZETTE_INDEX or data/index).")
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Translate at most N clauses.")
@click.option("--force", is_flag=True, help="Translate again clauses that already have a cached result.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def translate_cmd(index_dir: Path | None, limit: int | None, force: bool, quiet: bool) -> None:
    """Translate the index's clauses with the openai back-end; figures, dates, agencies and document numbers are
    protected as placeholders, every translation is checked, and a failing one is cached as withheld."""
    from tqdm import tqdm


    settings = from_click()
    index_dir = index_dir or settings.index_dir
    if not (index_dir / "manifest.json").is_file():
        raise GazetteError(f"{index_dir} holds no index (no manifest.json): run `gazette index build` first")
    config = LLMConfig.from_settings(settings, "openai")
    model = get_chat_model(config)
    name = config.model or "openai"
    store = IndexStore.load(index_dir)
    cache = TranslationCache(index_dir)
    todo = [c for c in store.clauses if force or cache.get(c.text, name) is None][:limit]
    glossary = Glossary.load()
    done = withheld = 0
    batch = []
    for clause in tqdm(todo, desc="translate", unit="clause", file=sys.stderr, disable=quiet):
        result = translate_clause(clause, model, name, glossary)
        batch.append(result)
        done += 1
        withheld += result.text_en is None
        if len(batch) >= 20:
            cache.put(batch)
            batch = []
    if batch:
        cache.put(batch)
    click.echo(f"translated {done} clause(s) with {name}: {done - withheld} checked, {withheld} withheld "
               f"→ {cache.path}")
