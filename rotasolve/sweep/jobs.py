"""One job of a sweep: one scenario on one workbook, from the workbook's bytes to a row.

A job carries everything it needs (the workbook's bytes, the scenario, the solve
options and, for a scenario that adds supervisors, its workbook's baseline facts), so it
runs the same in a local worker process or on any node of a Ray cluster, with no shared
file system. ``run_job`` never raises: a broken workbook, a scenario that does not fit,
no solution in time or an unexpected error each become a row that says why.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ortools import __version__ as ortools_version

from ..core.clock import Deadline
from ..core.version import __version__
from ..domain import Instance
from ..domain.new_supervisors import BaselineFacts
from ..domain.tiers import CRITICAL
from ..domain.scenario import Scenario, ScenarioMismatch, apply
from ..engine import SolveOptions
from ..core.errors import WorkbookError
from ..workbook.reader import read_workbook
from ..pipeline import allocate
from ..results.solution import Solution
from ..results.sweep import SweepRow

_PROBLEMS_SHOWN = 3


@dataclass(frozen=True)
class WorkbookData:
    """A workbook as a job carries it: its path as the user gave it, and its bytes."""

    label: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Job:
    scenario_index: int
    workbook_index: int
    scenario: Scenario
    workbook: WorkbookData
    options: SolveOptions
    time_limit: float  # as the user gave it (options hold the search work and the clock it sets)
    facts: BaselineFacts | None = None  # the baseline's, for a scenario that adds supervisors

    def without_data(self) -> Job:
        """The job without the workbook's bytes, for engines that ship them once."""
        return replace(self, workbook=replace(self.workbook, data=b""))

    def with_data(self, data: bytes) -> Job:
        return replace(self, workbook=replace(self.workbook, data=data))


@dataclass(frozen=True)
class JobResult:
    scenario_index: int
    workbook_index: int
    row: SweepRow
    facts: BaselineFacts | None = None  # set by a solved baseline, for the scenarios that add supervisors
    wall_seconds: float = 0.0
    versions: tuple[str, str] = (__version__, ortools_version)  # rotasolve, OR-Tools where it ran


def failed(job: Job, reason: str, wall_seconds: float = 0.0) -> JobResult:
    row = SweepRow(scenario=job.scenario.name, workbook=job.workbook.label, status="FAILED", reason=reason)
    return JobResult(job.scenario_index, job.workbook_index, row, wall_seconds=wall_seconds)


NOT_RUN_REASON = "not run: the sweep was stopped early by the user"


def not_run(job: Job) -> JobResult:
    """A job the sweep did not start, or gave up on, because it was stopped early."""
    row = SweepRow(scenario=job.scenario.name, workbook=job.workbook.label, status="NOT_RUN", reason=NOT_RUN_REASON)
    return JobResult(job.scenario_index, job.workbook_index, row)


def read_bytes(workbook: WorkbookData) -> Instance:
    """The workbook read from its bytes through a temporary file of the same name, so
    the reader's messages name the file the user gave."""
    with tempfile.TemporaryDirectory(prefix="rotasolve-sweep-") as tmp:
        path = Path(tmp) / (Path(workbook.label).name or "workbook.xlsx")
        path.write_bytes(workbook.data)
        return read_workbook(path).instance


def run_job(job: Job) -> JobResult:
    """Read, apply the scenario, solve; a row in every case, never an exception."""
    deadline = Deadline.start(job.options.time_limit)
    try:
        return _run(job, deadline)
    except WorkbookError as err:
        shown = "; ".join(map(str, err.problems[:_PROBLEMS_SHOWN]))
        more = len(err.problems) - _PROBLEMS_SHOWN
        tail = f" (and {more} more; `rotasolve validate` lists them all)" if more > 0 else ""
        return failed(job, f"{len(err.problems)} problem(s) in the workbook: {shown}{tail}", deadline.elapsed())
    except ScenarioMismatch as err:
        return failed(job, f"the scenario does not fit this workbook: {err}", deadline.elapsed())
    except Exception as err:  # noqa: BLE001 - one job's defect must not stop the others
        return failed(job, f"internal error: {type(err).__name__}: {err}", deadline.elapsed())


def run_job_with_data(job: Job, data: bytes) -> JobResult:
    """``run_job`` for a job whose bytes travel apart from it (Ray ships each workbook once)."""
    return run_job(job.with_data(data))


def _run(job: Job, deadline: Deadline) -> JobResult:
    base = read_bytes(job.workbook)
    inst, notes = apply(base, job.scenario, job.facts)
    sol = allocate(inst, job.options, deadline=deadline)
    row = _row(job, inst, sol, notes)
    facts = _facts(sol) if job.scenario.is_baseline and row.solved else None
    return JobResult(job.scenario_index, job.workbook_index, row, facts, deadline.elapsed())


def _row(job: Job, inst: Instance, sol: Solution, notes: list[str]) -> SweepRow:
    row = SweepRow(scenario=job.scenario.name, workbook=job.workbook.label, scheme=inst.settings.name,
                   status=sol.status, notes=notes, trainees=len(inst.trainees),
                   solve_seconds=sol.solve_seconds, deterministic=sol.manifest.deterministic)
    if sol.manifest.stopped_early:
        row.notes = [*notes, "stopped early by the user: the best allocation found by then"]
    if sol.status == "INFEASIBLE":
        row.reason = "the running (kept) items conflict: " + "; ".join(sol.conflicts)
        return row
    if sol.status == "UNKNOWN":
        row.reason = (f"no solution within the search of --time-limit {job.time_limit:g}; give the sweep "
                      "a longer --time-limit")
        return row
    statuses = [c.status for c in sol.compliance]
    row.critical_needs = sum(1 for n in inst.needs.all() if n.critical and n.gated is None)
    row.critical_placed = sol.objective.value_of(CRITICAL)
    row.placed = sum(1 for g in sol.groups if not g.kept) + sum(1 for c in sol.cases if not c.kept)
    row.will_miss = statuses.count("WILL_MISS")
    row.at_risk = statuses.count("AT_RISK")
    row.tiers = list(sol.objective.tiers)
    row.solution_sha256 = _placements_sha256(sol)
    return row


def _placements_sha256(sol: Solution) -> str:
    placed = sol.sorted().model_dump(mode="json", include={"groups", "cases", "tutors"})
    return hashlib.sha256(json.dumps(placed, sort_keys=True).encode()).hexdigest()[:16]


def _facts(sol: Solution) -> BaselineFacts:
    unmet = tuple((u.trainee_id, u.requirement, u.critical) for u in sol.unmet
                  if u.requirement != "cbdg" and u.reason != "not_yet_due")
    return BaselineFacts(unmet_cases=unmet, taken_cases=frozenset(c.case_id for c in sol.cases))
