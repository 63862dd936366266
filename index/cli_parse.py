"""`gazette parse FILE [--json]`: summary of documents and clause counts, or one JSON object per clause."""
from __future__ import annotations

import json
from collections import Counter

import click

from index.parser import parse_file


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per clause (UTF-8, not escaped).")
def parse_cmd(file: str, as_json: bool) -> None:
    """Parse a gazette text file into documents and citable clauses."""
    issue = parse_file(file)
    if as_json:
        for clause in issue.clauses:
            click.echo(json.dumps(clause.to_dict(), ensure_ascii=False))
        return
    meta = issue.metadata()
    if issue.name:
        number = f"第{issue.issue_no}期（总第{issue.cumulative_no}期）"
        click.echo(f"{issue.name} {issue.year or ''} {number} {issue.date or ''}".strip())
        if issue.name_en:
            click.echo(f"{issue.name_en}, No. {issue.issue_no}, {issue.year} (Issue {issue.cumulative_no})")
    elif meta["source"]:
        click.echo(meta["source"])
    for doc in issue.documents:
        kinds = Counter(c.kind for c in doc.clauses)
        flag = "  [no document number: cited by title]" if "no_doc_number" in doc.flags else ""
        click.echo(f"\n{doc.doc_number or '（无文号）'}  {doc.date or ''}{flag}")
        click.echo(f"  {doc.title}")
        if doc.title_en:
            click.echo(f"  {doc.title_en}")
        click.echo(f"  {len(doc.clauses)} clauses: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
