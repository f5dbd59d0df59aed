"""`rotasolve solve`: the allocation of one period."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.clock import Deadline
from ..core import stop
from ..engine import SolveOptions
from ..core.files import write_text
from ..excel.writer import write_solution
from ..pipeline import allocate
from ..core.progress import ProgressPrinter
from ..reports import solution_html
from ..results.solution import Solution
from .calendar_output import check_calendar_dir, write_calendars
from .common import (
    CONTEXT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_USAGE, Failure, load_solution, output_path, parse_memory,
    read_for,
)
from .interrupt import EXIT_STOPPED, interruptible, run, stopped_line


@click.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Timetable workbook to write. Default: WORKBOOK-solution.xlsx beside the input.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the solution as JSON (for programs and re-solves).")
@click.option("--time-limit", type=click.FloatRange(1, 86400), default=60, show_default=True,
              help="Wall-clock seconds for the whole command, reading and writing included.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Solver threads; a region that splits into independent parts runs a process per worker.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed, same solution.")
@click.option("--reproducible/--no-reproducible", default=True, show_default=True,
              help="Reproducible: the search does a fixed amount of work (half the limit's worth), so the "
                   "same workbook, seed and limit give the same files on any machine. Off: the search uses "
                   "every second of the limit, and may differ from run to run.")
@click.option("--memory", "memory_text", metavar="SIZE",
              help="Most memory the models may take, e.g. 4G. Default: a quarter of this machine's memory. "
                   "A region whose model would need more is solved a neighbourhood at a time.")
@click.option("--previous", "previous_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Re-plan: the solution JSON in use. Changes to it come first to avoid (running therapy "
                   "is not moved lightly), then the usual priorities; the changes are listed.")
@click.option("--critical-first", is_flag=True,
              help="With --previous: placing critical requirements comes before keeping the allocation in use.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.html",
              help="Also write the result as one self-contained web page (no script, no network) to e-mail "
                   "to a DME: headline, compliance per trust with charts, DME sections, unmet, timetables.")
@click.option("--calendars", "calendar_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Also write calendar files (.ics) per trainee, supervisor and group under DIR.")
@click.option("--tier-one", type=click.Choice(["weighted", "staged"]), default="weighted", hidden=True,
              help="For benchmarks/run.py variants: tier 1 as one weighted sum, or 1a then 1b.")
@click.option("--no-start-hint", "start_hint", flag_value=False, default=True, hidden=True,
              help="For benchmarks/run.py variants: start the search from nothing, not the greedy allocation.")
@click.option("--no-mip", "mip", flag_value=False, default=True, hidden=True,
              help="For benchmarks/family.py: CP-SAT alone on tier 1, without HiGHS's MIP beside it.")
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def solve(workbook: Path, out: Path | None, json_out: Path | None, time_limit: float, workers: int,
          seed: int, reproducible: bool, memory_text: str | None, previous_path: Path | None,
          critical_first: bool, html_out: Path | None, calendar_dir: Path | None, tier_one: str, start_hint: bool,
          mip: bool, force: bool,
          quiet: bool):
    """Allocate groups, cases, supervisors, slots and tutors for WORKBOOK.

    Progress goes to stderr, the result to stdout. Ctrl-C (or SIGTERM) stops the search
    early and writes the best allocation found so far; a second Ctrl-C aborts without
    writing. Exit codes: 0 solved, 2 usage, 3 input errors, 4 running items conflict, 5 no
    solution within the time limit, 6 stopped early (the best so far was written), 1
    internal error.
    """
    deadline = Deadline.for_command(time_limit)  # the run's one deadline: loading, reading and writing count too
    memory = parse_memory(memory_text)
    out = out or workbook.with_name(workbook.stem + "-solution.xlsx")
    targets = [t for t in (out, json_out, html_out) if t is not None]
    for target in targets:
        output_path(target, [workbook], force)
    if len({t.resolve() for t in targets}) < len(targets):
        click.echo("Error: -o, --json and --html must be different files", err=True)
        raise Failure(EXIT_USAGE)
    if critical_first and previous_path is None:
        click.echo("Error: --critical-first goes with --previous", err=True)
        raise Failure(EXIT_USAGE)
    if calendar_dir is not None:
        check_calendar_dir(calendar_dir, [workbook], force)
    read_result, deadline = read_for(workbook, deadline)
    inst = read_result.instance
    previous = load_solution(previous_path, inst.settings.name) if previous_path is not None else None
    printer = ProgressPrinter(quiet=quiet)
    if not quiet:
        click.echo(f"solving {inst.settings.name}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
                   f"{len(inst.supervisors)} supervisors (limit {time_limit:g}s, {workers} workers, seed {seed}"
                   f"{'' if reproducible else ', not reproducible'})", err=True)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, reproducible=reproducible,
                           memory=memory, previous=previous, critical_first=critical_first, tier_one=tier_one,
                           start_hint=start_hint, mip=mip)
    with interruptible():
        sol = run(lambda: allocate(inst, options, source=workbook, deadline=deadline, progress=printer))
        printer.finish()
        _refuse_unsolved(sol, time_limit)
        write_solution(inst, sol, out)
        if json_out is not None:
            write_text(sol.to_json(), json_out)
        if html_out is not None:
            write_text(solution_html(inst, sol), html_out)
        written = write_calendars(inst, sol, calendar_dir) if calendar_dir is not None else 0
    if not quiet:
        _report(sol, deadline.elapsed(), reproducible)
        click.echo("wrote " + ", ".join(str(p) for p in (out, json_out, html_out) if p is not None))
        if calendar_dir is not None:
            click.echo(f"wrote {written} calendars under {calendar_dir}")
    if sol.manifest.stopped_early:
        stopped_line(f"wrote the best allocation found so far ({sol.status}, with its bounds) to {out}"
                     + (f" and {json_out}" if json_out else ""))
        raise Failure(EXIT_STOPPED)


def _refuse_unsolved(sol: Solution, time_limit: float) -> None:
    if sol.status == "INFEASIBLE":
        click.echo("The running items (kept groups, cases and supervisors) conflict; nothing was allocated:",
                   err=True)
        for c in sol.conflicts:
            click.echo(f"  ✗ {c}", err=True)
        raise Failure(EXIT_INFEASIBLE)
    if sol.status == "UNKNOWN" and stop.requested():
        click.echo("Stopped early by the user before any allocation was found; nothing was written.", err=True)
        raise Failure(EXIT_STOPPED)
    if sol.status == "UNKNOWN":
        click.echo(f"No solution found within {time_limit:g}s; try a longer --time-limit.", err=True)
        raise Failure(EXIT_NO_SOLUTION)


def _report(sol: Solution, wall: float, reproducible: bool) -> None:
    """The result on stdout: what was placed, how far from the best it can be, what is unmet."""
    placed = sum(1 for g in sol.groups if not g.kept) + sum(1 for c in sol.cases if not c.kept)
    unmet = [u for u in sol.unmet if u.reason != "not_yet_due"]
    click.echo(f"{sol.status}: placed {placed} requirements; {len(unmet)} unmet "
               f"({sum(u.critical for u in unmet)} critical); {wall:.1f}s")
    for line in sol.objective.describe()[:2]:
        click.echo(f"  {line}")
    if reproducible and not sol.manifest.deterministic and not sol.manifest.stopped_early:
        click.echo("  note: the clock stopped the search before its planned work was done, so a run on "
                   "another machine may differ; a longer --time-limit avoids this", err=True)
    if sol.changes:
        click.echo(f"  {len(sol.changes)} change(s) to the allocation in use (on the Changes sheet):")
        for c in sol.changes[:10]:
            click.echo(f"    {c.trainee_id} {c.kind} {c.item_id}: {c.before} -> {c.after}"
                       + (f" — {c.why}" if c.why else ""))
    for u in sorted(unmet, key=lambda u: (not u.critical, u.trainee_id))[:10]:
        click.echo(f"  {'!' if u.critical else '-'} {u.trainee_id} {u.requirement}: {u.reason} — {u.detail}")
    if len(unmet) > 10:
        click.echo(f"  ... and {len(unmet) - 10} more on the Unmet sheet")
