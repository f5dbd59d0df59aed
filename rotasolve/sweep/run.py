"""A sweep: every scenario on every workbook, each an independent job on an engine.

Jobs are submitted baseline first. A scenario that adds supervisors places them by the
same workbook's baseline (``domain/new_supervisors.py``), so it is submitted when that
baseline is back; every other job is submitted at once. The rows are put in scenario
and workbook order whatever order the jobs finish in, and every job is reproducible
(``SolveOptions(reproducible=True, workers=1, seed)``), so the report is the same on
any engine and any number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from ortools import __version__ as ortools_version

from ..core import stop
from ..core.version import __version__
from ..domain.scenario import BASELINE, Scenario, baseline
from ..engine import SolveOptions
from ..engine.memory import default_budget
from ..core.tuning import SEARCH_PER_SECOND
from .jobs import Job, JobResult, WorkbookData, failed, not_run
from ..results.sweep import SweepRecord, SweepReport, WorkbookInfo, totals

# A job's wall-clock limit: this many times --time-limit, plus seconds (see solve_options).
CLOCK = (3, 10)


class Engine(Protocol):
    """Where jobs run: the local pool or Ray (``pool.py``, ``ray_engine.py``)."""

    def describe(self) -> str: ...
    def submit(self, job: Job) -> object: ...
    def wait(self, handles: list) -> list: ...
    def result(self, handle: object, job: Job) -> JobResult: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Done:
    """One job finished, for a progress display."""

    result: JobResult
    done: int
    total: int


def with_baseline(scenarios: list[Scenario]) -> list[Scenario]:
    """The baseline (no overrides) first, then the others in their order."""
    return [baseline()] + [s for s in scenarios if not (s.is_baseline and s.name.casefold() == BASELINE)]


def solve_options(time_limit: float, seed: int) -> SolveOptions:
    """What every job solves with: one CP-SAT worker (the engine runs jobs side by side)
    and the deterministic search work `rotasolve solve --time-limit` gives a scheme
    (SEARCH_PER_SECOND of the limit in deterministic seconds), so that a job gives the same result wherever it runs. The
    clock stops a job only at CLOCK x the limit: a busy node or a shared machine runs
    deterministic seconds slower than wall seconds, and a strict clock would then cut a
    search short and change its result. The memory budget is this machine's default,
    fixed here, so that a node with more or less memory does not choose another way of
    solving a large scheme (a neighbourhood at a time)."""
    return SolveOptions(time_limit=CLOCK[0] * time_limit + CLOCK[1], search_seconds=SEARCH_PER_SECOND * time_limit,
                        workers=1, seed=seed, reproducible=True, memory=default_budget())


def sweep(scenarios: list[Scenario], workbooks: list[WorkbookData], engine: Engine, *,
          time_limit: float = 60.0, seed: int = 0,
          progress: Callable[[Done], None] | None = None) -> SweepReport:
    """Every scenario (after the baseline) on every workbook; a row each."""
    scenarios = with_baseline(scenarios)
    options = solve_options(time_limit, seed)
    jobs = [Job(i, w, s, workbooks[w], options, time_limit) for i, s in enumerate(scenarios)
            for w in range(len(workbooks))]
    waiting = {w: [j for j in jobs if j.workbook_index == w and j.scenario.needs_baseline]
               for w in range(len(workbooks))}
    total = len(jobs)
    results: dict[tuple[int, int], JobResult] = {}
    pending = {engine.submit(j): j for j in jobs if not j.scenario.needs_baseline}

    def finish(result: JobResult) -> None:
        results[(result.scenario_index, result.workbook_index)] = result
        if progress:
            progress(Done(result, len(results), total))

    while pending:
        for handle in engine.wait(list(pending)):
            job = pending.pop(handle)
            result = engine.result(handle, job)
            finish(result)
            if job.scenario_index != 0:
                continue
            for dependent in waiting.pop(job.workbook_index):
                if stop.requested():  # stopped early: what has not started does not start
                    finish(not_run(dependent))
                elif result.facts is None:
                    finish(failed(dependent, "new supervisors go where the baseline left demand unmet, and "
                                             f"this workbook's baseline has no solution ({result.row.status})"))
                else:
                    ready = replace(dependent, facts=result.facts)
                    pending[engine.submit(ready)] = ready
    return _report(scenarios, workbooks, results, engine, options, time_limit)


def _report(scenarios: list[Scenario], workbooks: list[WorkbookData], results: dict[tuple[int, int], JobResult],
            engine: Engine, options: SolveOptions, time_limit: float) -> SweepReport:
    # No wall time here: the same sweep gives the same report (the command prints it).
    rows = [results[(i, w)].row for i in range(len(scenarios)) for w in range(len(workbooks))]
    schemes: dict[int, str] = {}
    for (_, w), r in sorted(results.items()):
        if r.row.scheme and w not in schemes:
            schemes[w] = r.row.scheme
    versions = sorted({r.versions for r in results.values()})
    manifest = SweepRecord(
        engine=engine.describe(), jobs=len(rows), failed=sum(not r.solved for r in rows),
        time_limit_seconds=time_limit, search_deterministic_seconds=options.search_budget(),
        clock_limit_seconds=options.time_limit, seed=options.seed, solver_workers_per_job=1,
        reproducible=options.reproducible, rotasolve=__version__, ortools=ortools_version,
        versions_in_jobs=[{"rotasolve": a, "ortools": b} for a, b in versions])
    if stop.requested():
        manifest.stopped_early = True
        manifest.not_run = sum(r.status == "NOT_RUN" for r in rows)
        manifest.reproducible = False
    return SweepReport(
        scenarios=totals(rows, [(s.name, s.overrides()) for s in scenarios]),
        workbooks=[WorkbookInfo(workbook=wb.label, sha256=wb.sha256, scheme=schemes.get(w))
                   for w, wb in enumerate(workbooks)],
        rows=rows, manifest=manifest)
