"""`rotasolve capacity` (what to recruit) and `rotasolve forecast` (the next rotations):
planning ahead (planning.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.clock import Deadline
from ..core import stop
from ..engine import SolveOptions
from ..excel.apply_workbook import write_applied_workbook
from ..excel.capacity_workbook import status_text, write_capacity
from ..excel.forecast_workbook import write_forecast
from ..core.files import write_text
from ..workbook.template import write_instance
from ..planning.arrivals import assumptions
from ..planning.capacity import plan_capacity
from ..planning.forecast import forecast
from ..results.planning import CapacityPlan, Forecast
from ..core.progress import ProgressPrinter
from ..reports import capacity_html, forecast_html
from .common import (
    CONTEXT,
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    EXIT_USAGE,
    Failure,
    output_path,
    read,
    read_for,
)
from .interrupt import EXIT_STOPPED, interruptible, run, stopped_line

DEFAULT_SECONDS_PER_ROTATION = 30


def _outputs(workbook: Path, targets: list[Path | None], force: bool) -> None:
    """Every output checked before any work: none replaces an input, another output, or
    (without --force) an existing file."""
    given = [t for t in targets if t is not None]
    for t in given:
        output_path(t, [workbook], force)
    if len({t.resolve() for t in given}) < len(given):
        click.echo("Error: the output files must be different files", err=True)
        raise Failure(EXIT_USAGE)


@click.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Report workbook: a Capacity sheet, then the timetable with the additions made. "
                   "Default: WORKBOOK-capacity.xlsx beside the input.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report as JSON.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.html",
              help="Also write the report as one self-contained web page (no script, no network).")
@click.option("--apply", "apply_out", type=click.Path(dir_okay=False, path_type=Path), metavar="NEW.xlsx",
              help="Also write a copy of WORKBOOK with the additions made (raised limits; new supervisors and "
                   "groups as rows NEW-SUP-1, NEW-GRP-1, ... marked '(proposed)'), ready to validate and solve.")
@click.option("--time-limit", type=click.FloatRange(1, 86400), default=60, show_default=True,
              help="Wall-clock seconds for the whole command; about a third solves the scheme as it is.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed, same answer.")
@click.option("--force", is_flag=True, help="Replace output files that exist.")
def capacity(workbook: Path, out: Path | None, json_out: Path | None, html_out: Path | None, apply_out: Path | None,
             time_limit: float, seed: int, force: bool):
    """What to recruit: the cheapest additions that place every critical requirement that
    can be placed at all, and what else they give.

    One optimisation: the usual solve, which may also buy supervisor places, tutor PAs,
    group places, new supervisors and new groups at the costs of the optional Costs sheet;
    critical requirements placed first, then least cost, then the usual priorities. Exit
    codes: 0 done, 2 usage, 3 workbook problems, 4 running items conflict, 5 no solution in
    time, 6 stopped early by Ctrl-C or SIGTERM (what was found by then is written; a second
    Ctrl-C aborts without writing), 1 internal error.
    """
    deadline = Deadline.for_command(time_limit)  # the run's one deadline
    out = out or workbook.with_name(workbook.stem + "-capacity.xlsx")
    _outputs(workbook, [out, json_out, html_out, apply_out], force)
    read_result, deadline = read_for(workbook, deadline)
    inst = read_result.instance
    printer = ProgressPrinter()
    click.echo(f"what to recruit for {inst.settings.name}: {len(inst.trainees)} trainees "
               f"(limit {time_limit:g}s, seed {seed})", err=True)
    with interruptible():
        plan = run(lambda: plan_capacity(inst, read_result.costs, SolveOptions(time_limit=time_limit, seed=seed),
                                         source=workbook, deadline=deadline, progress=printer))
        printer.finish()
        _refuse_unplanned(plan, time_limit)
        write_capacity(plan, out)
        if json_out is not None:
            write_text(plan.to_json(), json_out)
        if html_out is not None:
            write_text(capacity_html(plan), html_out)
        if apply_out is not None:
            raised, new = plan.edits()
            assert plan.applied is not None  # _refuse_unplanned let it through: a plan was made
            note = write_applied_workbook(workbook, inst, plan.applied, raised, new, apply_out)
            if note:
                click.echo(f"note: {note}", err=True)
    for line in capacity_lines(plan):
        click.echo(line)
    written = ", ".join(str(p) for p in (out, json_out, html_out, apply_out) if p is not None)
    click.echo("wrote " + written)
    if stop.requested():
        stopped_line(f"wrote what to recruit as far as it was found ({plan.status}) to {written}")
        raise Failure(EXIT_STOPPED)


def _refuse_unplanned(plan: CapacityPlan, time_limit: float) -> None:
    if plan.status == "INFEASIBLE":
        click.echo("The running items (kept groups, cases and supervisors) conflict; nothing was planned:", err=True)
        for c in plan.before_solution.conflicts:
            click.echo(f"  ✗ {c}", err=True)
        raise Failure(EXIT_INFEASIBLE)
    if plan.status not in ("OPTIMAL", "FEASIBLE") and stop.requested():
        click.echo("Stopped early by the user before any allocation was found; nothing was written.", err=True)
        raise Failure(EXIT_STOPPED)
    if plan.status not in ("OPTIMAL", "FEASIBLE"):
        click.echo(f"No solution found within {time_limit:g}s; try a longer --time-limit.", err=True)
        raise Failure(EXIT_NO_SOLUTION)


def capacity_lines(plan: CapacityPlan) -> list[str]:
    """The report for a terminal (the Capacity sheet holds the same)."""
    lines = [f"{plan.scheme} — what to recruit ({status_text(plan)})",
             f"  {'':30}{'as it is':>10}{'with additions':>16}"]
    for label, key in (("critical requirements placed", "critical_placed"), ("requirements placed", "placed"),
                       ("WILL_MISS", "WILL_MISS"), ("AT_RISK", "AT_RISK")):
        lines.append(f"  {label:30}{getattr(plan.before, key):>10}{getattr(plan.after, key):>16}")
    if not plan.additions:
        lines.append("  additions: none — no addition places another critical requirement")
    else:
        lines.append(f"  additions (total cost {plan.total_cost:g}):")
    for a in plan.additions:
        lines.append(f"    {a.kind} {', '.join(a.ids)} × {a.amount}, cost {a.cost:g}: {a.what}")
        if a.unlocks:
            lines.append("      unlocks " + "; ".join(f"{u.trainee_id} {u.requirement}" + (" (critical)" if u.critical
                                                                                          else "")
                                              for u in a.unlocks))
    if plan.unrescued:
        lines.append("  critical requirements no addition can rescue:")
    for u in plan.unrescued:
        lines.append(f"    ! {u.trainee_id} {u.requirement}: {u.reason} — {u.detail}")
    return lines


@click.command("forecast", context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rotations", type=click.IntRange(1, 20), required=True,
              help="Rotations to look ahead, the workbook's own period first (1-20).")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Forecast workbook. Default: WORKBOOK-forecast.xlsx beside the input.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the forecast as JSON.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.html",
              help="Also write the forecast as one self-contained web page (no script, no network).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed for the arrivals and the solver; same seed, same forecast.")
@click.option("--intake", type=click.IntRange(0, 10_000), default=None,
              help="New CT1 trainees a year. Default: as many as the workbook has CT1s now.")
@click.option("--cases-per-rotation", type=click.FloatRange(0, 10_000), default=None,
              help="New cases each rotation. Default: the rate of the last 52 weeks of `referred` dates.")
@click.option("--time-limit", type=click.FloatRange(1, 86400), default=None,
              help=f"Wall-clock seconds for the whole forecast, shared equally by the rotations. "
                   f"Default: {DEFAULT_SECONDS_PER_ROTATION} per rotation.")
@click.option("--workbooks", "workbook_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Also write each rotation's scheme as a workbook, DIR/rotation-1.xlsx ...: to see a future "
                   "rotation in full, or ask `rotasolve capacity` what would rescue it.")
@click.option("--force", is_flag=True, help="Replace output files that exist.")
def forecast_command(workbook: Path, rotations: int, out: Path | None, json_out: Path | None,
                     html_out: Path | None, seed: int,
                     intake: int | None, cases_per_rotation: float | None, time_limit: float | None,
                     workbook_dir: Path | None, force: bool):
    """The next ROTATIONS rotations: solve, roll forward (as `rotasolve next`), add the
    period's arrivals (a yearly CT1 intake, newly assessed cases), solve again.

    Per rotation: trainees, placed and unmet by requirement and reason, WILL_MISS and
    AT_RISK, supervision demand by modality; per trainee and requirement: the rotation it
    is placed in, its projected finish against its due date, the first rotation it would be
    WILL_MISS. The assumptions are printed with the result. Exit codes: 0 done, 2 usage,
    3 workbook problems, 4 running items conflict (in a rotation; the rotations before it
    are written), 5 no solution in time, 6 stopped early by Ctrl-C or SIGTERM (the rotations
    solved are written, the last with the best allocation found by then; a second Ctrl-C
    aborts without writing), 1 internal error.
    """
    out = out or workbook.with_name(workbook.stem + "-forecast.xlsx")
    schemes = [workbook_dir / f"rotation-{r}.xlsx" for r in range(1, rotations + 1)] if workbook_dir else []
    _outputs(workbook, [out, json_out, html_out, *schemes], force)
    inst = read(workbook).instance
    a = assumptions(inst, rotations, seed, intake, cases_per_rotation)
    limit = time_limit if time_limit is not None else DEFAULT_SECONDS_PER_ROTATION * rotations
    click.echo(f"forecasting {inst.settings.name}: {rotations} rotation(s), limit {limit:g}s, seed {seed}", err=True)
    with interruptible():
        fc = run(lambda: forecast(inst, a, SolveOptions(time_limit=limit, seed=seed), progress=ProgressPrinter()))
        if fc.rotations[0].status not in ("OPTIMAL", "FEASIBLE"):  # no allocation of the workbook itself: as `solve`
            _refuse_unsolved_first(fc)
        write_forecast(fc, out)
        if json_out is not None:
            write_text(fc.to_json(), json_out)
        if html_out is not None:
            write_text(forecast_html(fc), html_out)
        for scheme, path in zip(fc.instances, schemes):
            write_instance(scheme, path)
    for line in forecast_lines(fc):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(p) for p in (out, json_out, html_out) if p is not None)
               + (f" and {len(fc.instances)} rotation workbook(s) under {workbook_dir}" if schemes else ""))
    if stop.requested():
        stopped_line(f"wrote the {len(fc.rotations)} rotation(s) solved, the last with the best allocation found "
                     "by then")
        raise Failure(EXIT_STOPPED)
    if fc.stopped:
        click.echo(f"Stopped: {fc.stopped}", err=True)
        raise Failure(EXIT_INFEASIBLE if fc.rotations[-1].status == "INFEASIBLE" else EXIT_NO_SOLUTION)


def _refuse_unsolved_first(fc: Forecast) -> None:
    sol = fc.solutions[0]
    if stop.requested():
        click.echo("Stopped early by the user before the first rotation had an allocation; nothing was written.",
                   err=True)
        raise Failure(EXIT_STOPPED)
    if sol.status == "INFEASIBLE":
        click.echo("The running items (kept groups, cases and supervisors) conflict; nothing was forecast:", err=True)
        for c in sol.conflicts:
            click.echo(f"  ✗ {c}", err=True)
        raise Failure(EXIT_INFEASIBLE)
    click.echo(f"No solution found for the first rotation within its {fc.settings['time_limit_per_rotation']:g}s; "
               "try a longer --time-limit.", err=True)
    raise Failure(EXIT_NO_SOLUTION)


def forecast_lines(fc: Forecast) -> list[str]:
    """The forecast for a terminal: assumptions, a row per rotation, who would miss ARCP when."""
    lines = [f"{fc.scheme} — the next {len(fc.rotations)} rotation(s)", "Assumptions:"]
    lines += [f"  - {x}" for x in fc.assumptions]
    lines.append(f"  {'rotation':>8} {'start':>10} {'trainees':>8} {'new':>4} {'left':>4} {'needs':>5} "
                 f"{'placed':>6} {'unmet':>5} {'critical':>9} {'WILL_MISS':>9} {'AT_RISK':>7}")
    for x in fc.rotations:
        placed = sum(x.placed.values())
        lines.append(f"  {x.rotation:>8} {x.plan_start.isoformat():>10} {x.trainees:>8} {x.arrived:>4} {x.left:>4} "
                     f"{x.needs:>5} {placed:>6} {x.needs - placed:>5} {f'{x.critical_placed}/{x.critical}':>9} "
                     f"{x.WILL_MISS:>9} {x.AT_RISK:>7}")
    missing = [t for t in fc.trainees if t.first_will_miss is not None]
    lines.append(f"First WILL_MISS: {len(missing)} trainee requirement(s)" + (":" if missing else ""))
    for t in sorted(missing, key=lambda t: (t.first_will_miss, t.trainee_id, t.requirement))[:15]:
        why = f" — {t.why_last}" if t.why_last else ""
        lines.append(f"  rotation {t.first_will_miss}: {t.trainee_id} {t.requirement} (due {t.due}){why}")
    if len(missing) > 15:
        lines.append(f"  ... and {len(missing) - 15} more on the Trainees sheet")
    return lines
