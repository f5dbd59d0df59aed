"""The command line: parse, call the library, report. Domain errors become exit codes here
and only here.

Exit codes: 0 done, 1 internal error, 2 usage, 3 input errors, 4 kept items infeasible,
5 no solution within the time limit.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from .generate_shapes import SHAPES

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4, 5
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Failure(click.exceptions.Exit):
    """A reported failure: the message is already printed; exit with this code."""


def _report_workbook_error(err) -> None:
    click.echo(f"{len(err.problems)} problem(s) in the workbook — nothing was solved:", err=True)
    for p in err.problems:
        click.echo(f"  ✗ {p}", err=True)
    for w in err.warnings:
        click.echo(f"  ! {w}", err=True)


def _read(path: Path):
    from .errors import WorkbookError
    from .excel.reader import read_workbook

    try:
        return read_workbook(path)
    except WorkbookError as err:
        _report_workbook_error(err)
        raise Failure(EXIT_INPUT) from None


def _out_path(out: Path, inputs: list[Path], force: bool) -> None:
    from .errors import OutputPathError
    from .excel.safe import check_output_path

    try:
        check_output_path(out, inputs, force)
    except OutputPathError as err:
        click.echo(f"Error: {err}", err=True)
        raise Failure(EXIT_USAGE) from None


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="rotasolve")
def cli():
    """rotasolve — psychotherapy training rotations for core psychiatry trainees.

    Reads a scheme workbook, assigns trainees to case-based discussion groups, cases,
    supervisors and weekly slots under every hard rule, and writes timetables and a
    compliance summary. Start with `rotasolve template scheme.xlsx`.
    """


@cli.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template(out: Path, force: bool):
    """Write a blank scheme workbook to OUT, with an About sheet and drop-downs."""
    from .excel.template import write_template

    _out_path(out, [], force)
    write_template(out)
    click.echo(f"wrote {out}")


@cli.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def validate(workbook: Path):
    """Check WORKBOOK against the input contract and summarise what it holds.

    Every problem is listed at once with its sheet, row and column. Exit code 3 if any.
    """
    from .diagnostics import summary, warnings

    result = _read(workbook)
    inst = result.instance
    click.echo(f"{workbook}: OK — scheme '{inst.settings.name}', plan start {inst.settings.plan_start}")
    for title, counts in summary(inst).items():
        parts = ", ".join(f"{k}: {v}" for k, v in counts.items()) or "none"
        click.echo(f"  {title}: {parts}")
    notes = [str(w) for w in result.warnings] + warnings(inst)
    if notes:
        click.echo(f"{len(notes)} warning(s):")
        for n in notes:
            click.echo(f"  ! {n}")


@cli.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trainees", "-n", type=click.IntRange(1, 20000), default=60, show_default=True,
              help="Core trainees in all (more than 100 gives several schemes, unless --connected).")
@click.option("--trusts", "-k", type=click.IntRange(1, 12), default=3, show_default=True,
              help="NHS trusts per scheme (in the region, with --connected).")
@click.option("--seed", "-s", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option("--connected", is_flag=True,
              help="One connected region of all the trainees over the trusts, as in real life: trusts on a "
                   "ring of roads (far ones out of reach), 25% remote supervisors, 15% remote cases, 20% "
                   "online groups, tutors covering 2-3 neighbouring trusts. Options below override these.")
@click.option("--shape", type=click.Choice(list(SHAPES)), default="balanced", show_default=True,
              help="Benchmark shape: scarce-supervisors (about half the supervisor places), remote-heavy "
                   "(60% remote supervisors, 50% remote cases, 60% online groups), ltft-heavy (~40% LTFT "
                   "at 0.5-0.8), tight-tutors (about half the tutor PAs needed), many-running (many running "
                   "groups and cases), one-big-trust (60% of each scheme in one trust).")
@click.option("--remote-supervisors", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of supervisors who supervise by video.")
@click.option("--remote-cases", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of cases whose sessions may run by video.")
@click.option("--online-groups", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of groups that meet online.")
@click.option("--tutor-trusts", type=click.IntRange(1, 12), metavar="N",
              help="Trusts each tutor covers: one tutor per trust, their areas overlapping round the region.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def generate(out: Path, trainees: int, trusts: int, seed: int, connected: bool, shape: str,
             remote_supervisors: float | None, remote_cases: float | None, online_groups: float | None,
             tutor_trusts: int | None, force: bool):
    """Write a synthetic scheme workbook shaped like a real one to OUT.

    Without --connected, more than 100 trainees give several independent schemes (remote
    items, if asked for, are open to every trainee and so join them).
    """
    from .excel.template import write_instance
    from .generate import generate as make

    _out_path(out, [], force)
    inst = make(trainees=trainees, trusts=trusts, seed=seed, connected=connected, shape=shape,
                remote_supervisors=remote_supervisors, remote_cases=remote_cases,
                online_groups=online_groups, tutor_trusts=tutor_trusts)
    write_instance(inst, out)
    click.echo(f"wrote {out}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
               f"{len(inst.supervisors)} supervisors, {len(inst.groups)} groups, {len(inst.tutors)} tutors")


class _ProgressLine:
    """A live line on stderr when it is a terminal; nothing otherwise (a summary follows)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.last = ""

    def __call__(self, p) -> None:
        if not self.enabled:
            return
        line = (f"\r  {p.what} {p.stage}/{p.stages}  best {p.incumbent:g}  bound {p.bound:g}  "
                f"gap {p.gap:.1%}  {p.elapsed:5.1f}s ")
        click.echo(line.ljust(len(self.last)), nl=False, err=True)
        self.last = line

    def done(self) -> None:
        if self.enabled and self.last:
            click.echo("", err=True)


@cli.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Timetable workbook to write. Default: WORKBOOK-solution.xlsx beside the input.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the solution as JSON (for programs and re-solves).")
@click.option("--time-limit", type=click.FloatRange(0.1, 86400), default=60, show_default=True,
              help="Solver budget in deterministic seconds (roughly seconds on this kind of machine).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Solver threads; a region that splits into independent parts runs a process per worker.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed, same solution.")
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def solve(workbook: Path, out: Path | None, json_out: Path | None, time_limit: float, workers: int,
          seed: int, force: bool, quiet: bool):
    """Allocate groups, cases, supervisors, slots and tutors for WORKBOOK.

    Exit codes: 0 solved, 2 usage, 3 input errors, 4 running items conflict,
    5 no solution within the time limit, 1 internal error.
    """
    from .pipeline import allocate
    from .excel.safe import write_text
    from .excel.writer import write_solution
    from .model.solve import SolveOptions

    out = out or workbook.with_name(workbook.stem + "-solution.xlsx")
    for target in (out, json_out):
        if target is not None:
            _out_path(target, [workbook], force)
    if json_out is not None and out.resolve() == json_out.resolve():
        click.echo("Error: -o and --json must be different files", err=True)
        raise Failure(EXIT_USAGE)
    result = _read(workbook)
    inst = result.instance
    line = _ProgressLine(enabled=not quiet and sys.stderr.isatty())
    if not quiet:
        click.echo(f"solving {inst.settings.name}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
                   f"{len(inst.supervisors)} supervisors (limit {time_limit:g}s, {workers} workers, seed {seed})",
                   err=True)
    started = time.monotonic()
    sol = allocate(inst, SolveOptions(time_limit=time_limit, workers=workers, seed=seed),
                   source=workbook, progress=line)
    wall = time.monotonic() - started
    line.done()
    if sol.status == "INFEASIBLE":
        click.echo("The running items (kept groups, cases and supervisors) conflict; nothing was allocated:",
                   err=True)
        for c in sol.conflicts:
            click.echo(f"  ✗ {c}", err=True)
        raise Failure(EXIT_INFEASIBLE)
    if sol.status == "UNKNOWN":
        click.echo(f"No solution found within {time_limit:g}s; try a longer --time-limit.", err=True)
        raise Failure(EXIT_NO_SOLUTION)
    write_solution(inst, sol, out)
    if json_out is not None:
        write_text(sol.to_json(), json_out)
    if quiet:
        return
    placed = sum(1 for g in sol.groups if not g.kept) + sum(1 for c in sol.cases if not c.kept)
    unmet = [u for u in sol.unmet if u.reason != "not_yet_due"]
    click.echo(f"{sol.status}: placed {placed} requirements ({sol.objective.tiers[0]} critical); "
               f"{len(unmet)} unmet ({sum(u.critical for u in unmet)} critical); {wall:.1f}s "
               f"({sol.solve_seconds:g} deterministic s)")
    for u in sorted(unmet, key=lambda u: (not u.critical, u.trainee_id))[:10]:
        click.echo(f"  {'!' if u.critical else '-'} {u.trainee_id} {u.requirement}: {u.reason} — {u.detail}")
    if len(unmet) > 10:
        click.echo(f"  ... and {len(unmet) - 10} more on the Unmet sheet")
    click.echo(f"wrote {out}" + (f" and {json_out}" if json_out else ""))


@cli.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--solution", "solution_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A solution JSON from `rotasolve solve --json`; without it, the picture as the workbook stands.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the compliance workbook here.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when a terminal).")
def compliance(workbook: Path, solution_path: Path | None, out: Path | None, force: bool, color: bool | None):
    """Psychotherapy compliance per trust and tutor, for DMEs.

    Statuses per trainee and requirement (COMPLETE ... WILL_MISS), counts per trust, and
    each tutor's PAs against the College's norms (CR224).
    """
    from .compliance import RAG, STATUSES, at_risk, cbdga_short, per_trust, statuses, tutor_checks
    from .excel.writer import write_compliance_workbook
    from .solution import Solution

    if out is not None:
        _out_path(out, [workbook] + ([solution_path] if solution_path else []), force)
    inst = _read(workbook).instance
    sol = None
    if solution_path is not None:
        try:
            sol = Solution.load(solution_path)
        except Exception as e:  # noqa: BLE001 - a bad file is a usage error, not a crash
            click.echo(f"Error: {solution_path} is not a rotasolve solution JSON ({type(e).__name__})", err=True)
            raise Failure(EXIT_USAGE) from None
        if sol.scheme != inst.settings.name:
            click.echo(f"Error: {solution_path} is a solution for '{sol.scheme}', not '{inst.settings.name}'",
                       err=True)
            raise Failure(EXIT_USAGE)
    rows = sol.compliance if sol and sol.compliance else statuses(inst, sol)
    colours = {"green": "green", "amber": "yellow", "red": "red"}
    use_colour = sys.stdout.isatty() if color is None else color
    short = {"COMPLETE": "COMPL", "IN_PROGRESS": "IN_PR", "ALLOCATED": "ALLOC", "NOT_YET_DUE": "NYDUE",
             "WAITING": "WAIT", "AT_RISK": "RISK", "WILL_MISS": "MISS"}
    width = max([len(t) for t in inst.trusts] + [5])
    click.echo(("trust".ljust(width) + " " + " ".join(short[s].rjust(5) for s in STATUSES)))
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


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Click maps usage errors to 2 and Failure to its code; anything
    unexpected becomes one line on stderr and exit code 1, never a traceback."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        cli.main(args=argv, prog_name="rotasolve")
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if os.environ.get("ROTASOLVE_DEBUG"):
            raise
        click.echo(f"Internal error: {type(e).__name__}: {e}. Please report it with the input "
                   "file; set ROTASOLVE_DEBUG=1 to see the details.", err=True)
        sys.exit(EXIT_INTERNAL)
