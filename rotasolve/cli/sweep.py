"""`rotasolve sweep`: scenarios × workbooks on a local pool or a Ray cluster."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from ..core.errors import WorkbookError
from ..core.files import write_text
from ..workbook.scenarios import read_scenarios
from ..excel.sweep_report import write_sweep
from ..sweep import (
    Done, LocalPool, RayEngine, RayMissing, RayUnavailable, SweepReport, WorkbookData, sweep, with_baseline,
)
from .common import CONTEXT, EXIT_USAGE, Failure, output_path, refused
from .interrupt import EXIT_STOPPED, interruptible, run, stopped_line


@click.command("sweep", context_settings=CONTEXT)
@click.argument("scenarios", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Report workbook to write. Default: SCENARIOS-sweep.xlsx beside SCENARIOS.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report as JSON.")
@click.option("--workers", type=click.IntRange(1, 1024), default=os.cpu_count() or 1, show_default=True,
              help="Jobs solved at once on this machine (each with one solver thread); with --ray local, "
                   "the CPUs of the Ray instance. A Ray cluster uses all its CPUs.")
@click.option("--ray", "ray_address", metavar="ADDRESS",
              help="Run every job as a Ray task: 'local' starts Ray on this machine; 'auto' joins the "
                   "cluster this machine is a node of (after `ray start`); HOST:6379 or ray://HOST:10001 "
                   "another. Needs: pip install 'rotasolve[ray]'.")
@click.option("--time-limit", type=click.FloatRange(1, 86400), default=60, show_default=True,
              help="Seconds for each job: its search does the work `rotasolve solve --time-limit` does "
                   "(half as many deterministic seconds), so a busy machine or node takes longer rather "
                   "than give another result; the clock stops a job at 3 × this + 10 s.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed of every solve; same inputs and seed, same report on either engine.")
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; results only.")
def sweep_command(scenarios: Path, workbooks: tuple[Path, ...], out: Path | None, json_out: Path | None,
                  workers: int, ray_address: str | None, time_limit: float, seed: int, force: bool, quiet: bool):
    """Solve every scenario of SCENARIOS on every WORKBOOK, and compare them.

    SCENARIOS has a Scenarios sheet, one row per scenario: its name, any Requirements or
    Scheme key as a column (e.g. cbdg_sessions = 25), supervisor_places, tutor_pas and
    new_supervisors (`rotasolve template --scenarios` writes one, with an About sheet). A
    baseline with no changes is always solved first. The report gives, per scenario and
    workbook, critical requirements placed, all placed, WILL_MISS, AT_RISK and the solve
    status, and per scenario the totals and their change against the baseline.

    A job that fails (a broken workbook, no solution in time, an error) is reported in
    its row and the others go on. Progress on stderr, totals on stdout. Ctrl-C (or
    SIGTERM) stops the sweep early: the jobs being solved keep their best so far, the
    others are marked NOT_RUN, and the report is written; a second Ctrl-C aborts without
    writing. Exit codes: 0 the report was written (failed jobs are in it), 2 usage (an
    output exists, Ray missing or unreachable), 3 problems in SCENARIOS, 6 stopped early
    (the report of the jobs done was written), 1 internal error.
    """
    started = time.time()
    out = out or scenarios.with_name(scenarios.stem + "-sweep.xlsx")
    inputs = [scenarios, *workbooks]
    _check_outputs(out, json_out, inputs, force)
    _distinct(workbooks)
    read = _read_scenarios(scenarios)
    data = [WorkbookData(str(p), p.read_bytes()) for p in workbooks]
    engine = _engine(ray_address, workers, quiet)
    read = with_baseline(read)
    bar = JobsProgress(quiet, total=len(read) * len(data))
    with interruptible():
        try:
            bar.write(f"sweep: {len(read)} scenario(s) × {len(data)} workbook(s) on {engine.describe()}, "
                      f"{time_limit:g} s a job, seed {seed}")
            report = run(lambda: sweep(read, data, engine, time_limit=time_limit, seed=seed, progress=bar.update))
        finally:
            bar.close()
            engine.close()
        write_sweep(report, out)
        if json_out is not None:
            write_text(report.to_json(), json_out)
    _print_totals(report, time.time() - started)
    click.echo(f"wrote {out}" + (f" and {json_out}" if json_out else ""))
    if report.manifest.stopped_early:
        not_run = report.manifest.not_run
        stopped_line(f"{len(report.rows) - not_run} of {len(report.rows)} jobs done, {not_run} marked NOT_RUN; "
                     f"wrote {out}" + (f" and {json_out}" if json_out else ""))
        raise Failure(EXIT_STOPPED)


def _check_outputs(out: Path, json_out: Path | None, inputs: list[Path], force: bool) -> None:
    for target in (out, json_out):
        if target is not None:
            output_path(target, inputs, force)
    if json_out is not None and out.resolve() == json_out.resolve():
        click.echo("Error: -o and --json must be different files", err=True)
        raise Failure(EXIT_USAGE)


def _distinct(workbooks: tuple[Path, ...]) -> None:
    seen: set[Path] = set()
    for p in workbooks:
        if p.resolve() in seen:
            click.echo(f"Error: {p} is given twice; give each workbook once", err=True)
            raise Failure(EXIT_USAGE)
        seen.add(p.resolve())


def _read_scenarios(path: Path):
    """The scenarios, or every problem in the file on stderr and exit code 3."""
    try:
        result = read_scenarios(path)
    except WorkbookError as err:
        raise refused(err, "the scenarios") from None
    for w in result.warnings:
        click.echo(f"  ! {w}", err=True)
    return result.scenarios


def _engine(ray_address: str | None, workers: int, quiet: bool):
    if ray_address is None:
        return LocalPool(workers)
    if not quiet:  # starting or joining Ray takes a few seconds
        click.echo("starting Ray on this machine…" if ray_address == "local"
                   else f"connecting to the Ray cluster at {ray_address}…", err=True)
    try:
        return RayEngine(ray_address, workers)
    except (RayMissing, RayUnavailable) as err:
        click.echo(f"Error: {err}", err=True)
        raise Failure(EXIT_USAGE) from None


class JobsProgress:
    """Progress over jobs on stderr: a tqdm bar on a terminal; elsewhere (a log, CI, a
    pipe) one line per finished job, so the log shows how the sweep went."""

    def __init__(self, quiet: bool, total: int):
        self.total = total
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()
        self._bar = tqdm(total=total, unit="job", file=sys.stderr, disable=not self.live, dynamic_ncols=True)

    def write(self, text: str) -> None:
        if not self.quiet:
            tqdm.write(text, file=sys.stderr)

    def update(self, done: Done) -> None:
        r = done.result.row
        line = f"[{done.done}/{done.total}] {r.scenario} · {r.workbook}: {r.status}" + \
               (f" — {r.reason}" if r.reason else f" ({done.result.wall_seconds:.1f} s)")
        if self.live:
            self._bar.set_postfix_str(f"{r.scenario} · {Path(r.workbook).name}", refresh=False)
            self._bar.update(1)
            if not r.solved:
                self._bar.write(line, file=sys.stderr)
        elif not self.quiet:
            click.echo(line, err=True)

    def close(self) -> None:
        self._bar.close()


def _print_totals(report: SweepReport, wall: float) -> None:
    """Totals per scenario on stdout, changes against the baseline in brackets."""
    not_run = sum(r.status == "NOT_RUN" for r in report.rows)
    click.echo(f"{len(report.rows)} jobs in {wall:.1f} s; {len(report.failed)} without a solution"
               + (f" ({not_run} not run: stopped early)" if not_run else ""))
    click.echo(f"  {'scenario':<32} {'critical placed':>18} {'placed':>12} {'WILL_MISS':>12} {'AT_RISK':>12}")
    for i, t in enumerate(report.scenarios):
        cells = []
        for m in ("critical_placed", "placed", "will_miss", "at_risk"):
            delta = f" ({t.change[m]:+d})" if i and m in t.change else ""
            cells.append(f"{'—' if getattr(t, m) is None else getattr(t, m)}{delta}")
        failed = f"  {t.failed} failed" if t.failed else ""
        click.echo(f"  {t.scenario[:32]:<32} {cells[0]:>18} {cells[1]:>12} {cells[2]:>12} {cells[3]:>12}{failed}")
