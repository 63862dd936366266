"""`gazette index add|remove`: keep an existing index current (registered on `index_group` in `index.cli_index`)."""
from __future__ import annotations

from pathlib import Path

import click

from index.embedders import load_embedder
from index.ingest import add_files, remove_document
from index.settings import from_click


@click.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $GAZETTE_INDEX or data/index).")
@click.option("--replace", is_flag=True,
              help="Replace documents already indexed from a different file (a corrected re-publication).")
@click.option("--embedder", "embedder_spec", default=None,
              help="Embedder spec (default: the one the index was built with).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def add_cmd(files: tuple[Path, ...], index_dir: Path | None, replace: bool, embedder_spec: str | None,
            quiet: bool) -> None:
    """Add gazette FILES (UTF-8 text or PDF) to an existing index; only new clauses are embedded."""
    settings = from_click()
    embedder = load_embedder(embedder_spec) if embedder_spec else None
    index_dir = index_dir or settings.index_dir
    report = add_files(index_dir, list(files), replace=replace, embedder=embedder, progress=not quiet,
                       settings=settings)
    for line in report.messages():
        click.echo(line)
    if report.changed:
        click.echo(f"index now has {report.clauses_total} clauses in {report.documents_total} documents; "
                   f"embedded {report.clauses_embedded} passages in {report.seconds:.1f} s → {index_dir}")
    else:
        click.echo(f"nothing new: the index at {index_dir} is unchanged ({report.clauses_total} clauses)")


@click.command("remove")
@click.argument("doc_number")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $GAZETTE_INDEX or data/index).")
def remove_cmd(doc_number: str, index_dir: Path | None) -> None:
    """Remove the document DOC_NUMBER (or, for a document without one, its title) from the index."""
    settings = from_click()
    index_dir = index_dir or settings.index_dir
    report = remove_document(index_dir, doc_number, settings=settings)
    click.echo(f"removed {report.doc_number or report.doc_key} ({report.clauses_removed} clauses); index now has "
               f"{report.clauses_total} clauses in {report.documents_total} documents → {index_dir}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
