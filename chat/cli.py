"""`gazette` command line: one group, subcommands registered from each stage's own module.

Every subcommand turns a `GazetteError` into a one-line message and exit code 2 (no traceback). The settings are
read once here (`Settings.from_env()`) and handed to the commands as the click context object
(`index.settings.from_click()`).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from index.errors import GazetteError
from index.settings import Settings

#: (module, attribute, one-line help) of each subcommand; modules are imported only when the command runs, so
#: `gazette --help` stays fast.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("index.cli_parse", "parse_cmd", "Parse a gazette text file into documents and citable clauses."),
    "index": ("index.cli_index", "index_group", "Build or inspect the search index."),
    "search": ("retriever.cli_search", "search_cmd", "Hybrid (dense + keyword) search over the clauses."),
    "model": ("retriever.cli_model", "model_group", "Local LLM: install llama.cpp, fetch the GGUF, show set-up."),
    "ask": ("chat.cli_ask", "ask_cmd", "Answer a question from the clauses, with citations."),
    "serve": ("chat.cli_serve", "serve_cmd", "Serve the HTTP API (/docs) and the web UI (/ui)."),
    "mcp": ("chat.cli_mcp", "mcp_cmd", "MCP server over stdio: search_clauses, ask, get_clause, list_documents."),
    "eval": ("eval.cli_eval", "eval_cmd", "Run the question set through search and ask; write the report."),
}


#: Subcommands that a later stage adds to an earlier stage's group (layers import one way only).
EXTRA: dict[str, list[tuple[str, str]]] = {"index": [("chat.cli_translate", "translate_cmd")]}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _, _) in COMMANDS.items() if importlib.util.find_spec(module)]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from `COMMANDS`, without importing every command's module."""
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            command = getattr(importlib.import_module(module), attr)
            for extra_module, extra_attr in EXTRA.get(name, []):
                command.add_command(getattr(importlib.import_module(extra_module), extra_attr))
            return command
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gazette-chat")
def cli() -> None:
    """Gazette Chat: ask Chinese government gazettes in Chinese or English, with citations."""


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    debug = False
    try:
        settings = Settings.from_env()
        debug = settings.debug
        cli.main(args=argv, prog_name="gazette", standalone_mode=False, obj=settings)
    except GazetteError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug still gets one line; GAZETTE_DEBUG=1 shows the traceback
        if debug:
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (set GAZETTE_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
