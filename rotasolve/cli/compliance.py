"""`rotasolve compliance`: statuses per trust and tutor, for DMEs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..analysis.compliance import RAG, STATUSES, at_risk, cbdga_short, per_trust, statuses, tutor_checks
from ..excel.writer import write_compliance_workbook
from ..core.files import write_text
from ..reports import compliance_html
from .common import CONTEXT, EXIT_USAGE, Failure, load_solution, output_path, read


@click.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--solution", "solution_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A solution JSON from `rotasolve solve --json`; without it, the picture as the workbook stands.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the compliance workbook here.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.html",
              help="Also write the compliance as one self-contained web page (no script, no network).")
@click.option("--force", is_flag=True, help="Replace outputs that exist.")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when a terminal).")
def compliance(workbook: Path, solution_path: Path | None, out: Path | None, html_out: Path | None, force: bool,
               color: bool | None):
    """Psychotherapy compliance per trust and tutor, for DMEs.

    Statuses per trainee and requirement (COMPLETE ... WILL_MISS), counts per trust, and
    each tutor's PAs against the College's norms (CR224).
    """
    inputs = [workbook] + ([solution_path] if solution_path else [])
    for target in (out, html_out):
        if target is not None:
            output_path(target, inputs, force)
    if out is not None and html_out is not None and out.resolve() == html_out.resolve():
        click.echo("Error: -o and --html must be different files", err=True)
        raise Failure(EXIT_USAGE)
    inst = read(workbook).instance
    sol = load_solution(solution_path, inst.settings.name) if solution_path is not None else None
    rows = sol.compliance if sol and sol.compliance else statuses(inst, sol)
    colours = {"green": "green", "amber": "yellow", "red": "red"}
    use_colour = sys.stdout.isatty() if color is None else color
    short = {"COMPLETE": "COMPL", "IN_PROGRESS": "IN_PR", "ALLOCATED": "ALLOC", "NOT_YET_DUE": "NYDUE",
             "WAITING": "WAIT", "AT_RISK": "RISK", "WILL_MISS": "MISS"}
    width = max([len(t) for t in inst.trusts] + [5])
    click.echo("trust".ljust(width) + " " + " ".join(short[s].rjust(5) for s in STATUSES))
    for trust, counts in per_trust(rows).items():
        cells = []
        for s in STATUSES:
            text = str(counts[s]).rjust(5)
            cells.append(click.style(text, fg=colours[RAG[s]]) if use_colour and counts[s] else text)
        click.echo(trust.ljust(width) + " " + " ".join(cells))
    risky = at_risk(rows)
    if risky:
        click.echo(f"\n{len(risky)} requirement(s) at risk or to be missed:")
        for r in sorted(risky, key=lambda r: (r.status != "WILL_MISS", r.due)):
            click.echo(f"  {r.status:9} {r.trainee_id} CT{r.grade} {r.requirement} due {r.due} ({r.trust})")
    missing_cbdga = cbdga_short(inst)
    if missing_cbdga:
        click.echo(f"\n{len(missing_cbdga)} trainee(s) with group sessions complete but fewer than "
                   f"{inst.profile.cbdga_required} satisfactory CBDGAs: " + ", ".join(t.id for t in missing_cbdga))
    click.echo("\ntutor PAs (CR224):")
    for u in tutor_checks(inst, sol):
        flags = "; ".join(u.flags) or "ok"
        if use_colour:
            flags = click.style(flags, fg="green" if flags == "ok" else "red")
        click.echo(f"  {u.tutor_id}: {u.trainees} core trainees need {u.core_pas_needed} PAs, holds "
                   f"{u.core_pas:g}; higher {u.higher_trainees} need {u.higher_pas_needed}, holds "
                   f"{u.higher_pas:g}; SPA {u.spa_pas if u.spa_pas is not None else '-'} — {flags}")
    if out is not None:
        write_compliance_workbook(inst, sol, out)
        click.echo(f"wrote {out}")
    if html_out is not None:
        write_text(compliance_html(inst, sol), html_out)
        click.echo(f"wrote {html_out}")
