"""`gazette serve [--host] [--port] [--index] [--llm]`: the API and the web UI with uvicorn (builds the index first
when it is missing)."""
from __future__ import annotations

import os
from pathlib import Path

import click

from index.embed_pool import default_workers
from retriever.cli_search import index_option


def configure_workers() -> None:
    """One query-embedding worker per core unless $GAZETTE_EMBED_WORKERS says otherwise; the embedder gives each
    worker cores ÷ workers OpenMP threads, so concurrent questions use every core without oversubscribing."""
    os.environ.setdefault("GAZETTE_EMBED_WORKERS", str(default_workers()))


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("GAZETTE_HOST", "127.0.0.1"), show_default="127.0.0.1",
              help="Interface to listen on ($GAZETTE_HOST).")
@click.option("--port", type=click.IntRange(0, 65535), default=lambda: int(os.environ.get("GAZETTE_PORT", 8000)),
              show_default="8000", help="Port ($GAZETTE_PORT).")
@index_option
@click.option("--llm", type=click.Choice(["none", "openai", "local"]), default=None,
              help="LLM back-end for translation and prose (default: from GAZETTE_LLM).")
@click.option("--no-ui", is_flag=True, help="API only, without the Gradio UI at /ui.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, index_dir: Path, llm: str | None, no_ui: bool,
              log_level: str) -> None:
    """Serve the HTTP API (docs at /docs) and the web UI (/ui); builds the index on first run."""
    configure_workers()
    if not (index_dir / "manifest.json").is_file():
        from index.cli_index import build_cmd
        click.echo(f"no index at {index_dir}; building it now (first run)…", err=True)
        ctx.invoke(build_cmd, files=(), out_dir=index_dir, embedder_spec=None, ann="auto", quiet=False)
    import uvicorn

    from chat.api import create_app
    app = create_app(index_dir, llm=llm, ui=not no_ui)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    click.echo(f"Gazette Chat: UI http://{shown}:{port}/ui  API docs http://{shown}:{port}/docs", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
