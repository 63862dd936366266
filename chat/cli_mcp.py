"""`gazette mcp [--index DIR] [--llm …]`: the MCP tools over stdio (for agents that start the server themselves).

stdout carries the protocol only; logs and progress go to stderr.
"""
from __future__ import annotations

import logging
from pathlib import Path

import click

from chat.mcp_server import build_mcp
from chat.service import GazetteService
from index.settings import from_click
from retriever.cli_search import index_option


@click.command("mcp")
@index_option
@click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
              help="LLM back-end for translation and prose (default: from GAZETTE_LLM).")
def mcp_cmd(index_dir: Path, llm: str | None) -> None:
    """Serve the MCP tools search_clauses, ask, get_clause, list_documents over stdio."""
    logging.basicConfig(level=logging.WARNING)
    service = GazetteService.open(index_dir, llm=llm, settings=from_click())
    click.echo(f"gazette mcp: {len(service.searcher.store)} clauses from {index_dir}; MCP over stdio", err=True)
    build_mcp(lambda: service).run("stdio")
