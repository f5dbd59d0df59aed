"""What the web app runs, by the same library calls as the commands (``cli/``): a solve
(`rotasolve solve`, `--previous` for a re-plan), what to recruit (`rotasolve capacity`) and
the forecast (`rotasolve forecast`); and the files a user downloads afterwards."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..core.clock import Deadline
from ..domain import Instance
from ..engine import SolveOptions
from ..excel.apply_workbook import write_applied_workbook
from ..excel.capacity_workbook import write_capacity
from ..excel.forecast_workbook import write_forecast
from ..excel.next_workbook import write_next_workbook
from ..core.files import write_text
from ..excel.writer import write_solution
from ..lifecycle import calendar_files, roll_forward
from ..pipeline import allocate
from ..planning.arrivals import assumptions
from ..planning.capacity import plan_capacity
from ..planning.forecast import forecast
from ..results.planning import CapacityPlan
from ..reports import capacity_html, forecast_html, solution_html
from ..results.solution import Solution
from .jobs import Failed, Job

FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries carry no clock: the same solution, the same bytes


def _refuse(status: str, conflicts: list[str], time_limit: float) -> None:
    if status == "INFEASIBLE":
        raise Failed("conflict", "The running items (kept groups, cases and supervisors) conflict; nothing was "
                     "allocated. Change these rows in the workbook and upload it again:", conflicts)
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise Failed("no_solution", f"No solution found within {time_limit:g} s. Try a longer time limit.")


def solve_work(options: SolveOptions):
    """A solve of the job's workbook, as `rotasolve solve` does it (same options, same
    source file name, so the same workbook bytes)."""
    def work(job: Job) -> Solution:
        sol = allocate(job.upload.read.instance, options, source=job.upload.path,
                       deadline=Deadline.start(options.time_limit), progress=job.progress)
        _refuse(sol.status, sol.conflicts, options.time_limit)
        return sol
    return work


def capacity_work(options: SolveOptions):
    def work(job: Job):
        read = job.upload.read
        plan = plan_capacity(read.instance, read.costs, options, source=job.upload.path,
                             deadline=Deadline.start(options.time_limit),
                             progress=job.progress)
        _refuse(plan.status, plan.before_solution.conflicts, options.time_limit)
        return plan
    return work


def forecast_work(rotations: int, options: SolveOptions):
    def work(job: Job):
        inst = job.upload.read.instance
        a = assumptions(inst, rotations, options.seed, None, None)
        fc = forecast(inst, a, options, progress=job.progress)
        if fc.stopped and len(fc.rotations) == 1:
            first = fc.solutions[0]
            _refuse("INFEASIBLE" if first.status == "INFEASIBLE" else "UNKNOWN", first.conflicts, options.time_limit)
        return fc
    return work


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])
    return buffer.getvalue()


# Each download: (file name after the workbook's stem, what it is written by).
SOLUTION_FILES = {"solution.xlsx": "-solution.xlsx", "solution.json": ".json", "calendars.zip": "-calendars.zip",
                  "next.xlsx": "-next.xlsx", "report.html": "-report.html"}
CAPACITY_FILES = {"capacity.xlsx": "-capacity.xlsx", "capacity.json": "-capacity.json",
                  "capacity.html": "-capacity.html", "recruited.xlsx": "-recruited.xlsx"}
FORECAST_FILES = {"forecast.xlsx": "-forecast.xlsx", "forecast.json": "-forecast.json",
                  "forecast.html": "-forecast.html"}
FILES = {"solve": SOLUTION_FILES, "capacity": CAPACITY_FILES, "forecast": FORECAST_FILES}


def download(job: Job, name: str) -> Path:
    """Write the named output of a finished job into its folder (once) and return it."""
    out = job.folder / (Path(job.upload.name).stem + FILES[job.kind][name])
    if not out.exists():
        _write(job, name, out)
    return out


def _write(job: Job, name: str, out: Path) -> None:
    inst: Instance = job.upload.read.instance
    r = job.result
    writers = {
        "solution.xlsx": lambda: write_solution(inst, r, out),
        "solution.json": lambda: write_text(r.to_json(), out),
        "calendars.zip": lambda: out.write_bytes(zip_bytes(calendar_files(inst, r))),
        "next.xlsx": lambda: write_next_workbook(job.upload.path, inst, roll_forward(inst, r), out),
        "report.html": lambda: write_text(solution_html(inst, r), out),
        "capacity.xlsx": lambda: write_capacity(r, out),
        "capacity.json": lambda: write_text(r.to_json(), out),
        "capacity.html": lambda: write_text(capacity_html(r), out),
        "recruited.xlsx": lambda: _write_recruited(job, inst, r, out),
        "forecast.xlsx": lambda: write_forecast(r, out),
        "forecast.json": lambda: write_text(r.to_json(), out),
        "forecast.html": lambda: write_text(forecast_html(r), out),
    }
    writers[name]()


def _write_recruited(job: Job, inst: Instance, plan: CapacityPlan, out: Path) -> None:
    raised, new = plan.edits()
    assert plan.applied is not None  # the job succeeded: the plan has its additions made
    write_applied_workbook(job.upload.path, inst, plan.applied, raised, new, out)
