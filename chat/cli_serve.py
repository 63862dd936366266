"""`gazette serve [--host] [--port] [--index] [--llm]`: the API and the web UI with uvicorn (builds the index first
when it is missing)."""
from __future__ import annotations

from pathlib import Path

import click
import uvicorn

from chat.api import create_app
from index.build import build_files
from index.settings import from_click
from retriever.cli_search import index_option


@click.command("serve")
@click.option("--host", default=None, show_default="127.0.0.1", help="Interface to listen on ($GAZETTE_HOST).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, show_default="8000", help="Port ($GAZETTE_PORT).")
@index_option
@click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
              help="LLM back-end for translation and prose (default: from GAZETTE_LLM).")
@click.option("--no-ui", is_flag=True, help="API only, without the Gradio UI at /ui.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve_cmd(host: str | None, port: int | None, index_dir: Path, llm: str | None, no_ui: bool,
              log_level: str) -> None:
    """Serve the HTTP API (docs at /docs) and the web UI (/ui); builds the index on first run."""
    settings = from_click()
    host = host or settings.host
    port = settings.port if port is None else port
    if not (index_dir / "manifest.json").is_file():
        click.echo(f"no index at {index_dir}; building it now (first run)…", err=True)
        build_files((), index_dir, settings=settings)
    app = create_app(index_dir, llm=llm, ui=not no_ui, settings=settings)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    click.echo(f"Gazette Chat: UI http://{shown}:{port}/ui  API docs http://{shown}:{port}/docs", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
