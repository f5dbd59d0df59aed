"""One rotation, end to end: solve, check, explain, project compliance.

This is the library call behind `rotasolve solve`; it returns the single Solution
object that both the JSON and the workbook are written from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ortools import __version__ as ortools_version

from .core.version import __version__
from .check import check
from .core.clock import Deadline
from .analysis.compliance import statuses
from .analysis.explain import explain
from .replan import changes
from .domain import Instance
from .engine import SolveOptions
from .engine import solve as solve_model
from .core.progress import Progress
from .results.solution import Solution
from .core.tuning import AFTER_READING, AFTER_SEARCH, LARGE_FROM


class InvalidSolution(RuntimeError):
    """The solver returned something the checker rejects: a defect, never shown as a result."""


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()



def allocate(inst: Instance, options: SolveOptions = SolveOptions(), *,
             source: str | Path | None = None, deadline: Deadline | None = None,
             progress: Callable[[Progress], None] | None = None) -> Solution:
    """Solve, check, explain, project compliance, by ``deadline`` (default: the options'
    time limit from now). The caller makes it when its run begins: the limit covers
    reading the workbook and writing the outputs too, so the search stops early enough
    for both."""
    deadline = deadline if deadline is not None else Deadline.start(options.time_limit)
    sol = solve_model(inst, options, progress, deadline=search_deadline(inst, deadline))
    return finish(inst, sol, options, source=source)


def search_deadline(inst: Instance, deadline: Deadline) -> Deadline:
    """When the search must stop for the rest of the run to end by ``deadline``: the
    time kept for what follows grows with the region, and with how slowly this machine
    read its workbook (writing one is the same kind of work, and the most of it)."""
    n = len(inst.trainees)
    reserve = max(AFTER_SEARCH[0], AFTER_SEARCH[1] * (n + max(0, n - LARGE_FROM)), AFTER_READING * deadline.reading)
    return deadline.first(max(0.5 * deadline.seconds, deadline.seconds - reserve))


def finish(inst: Instance, sol: Solution, options: SolveOptions, *, source: str | Path | None = None) -> Solution:
    """What follows the search: check (a rejected allocation is a defect, never a
    result), explain what is unmet, project compliance, and record how it was made."""
    if sol.status in ("OPTIMAL", "FEASIBLE"):
        violations = check(inst, sol)
        if violations:
            raise InvalidSolution("; ".join(map(str, violations[:5])))
        sol.unmet = explain(inst, sol)
        sol.compliance = statuses(inst, sol)
        if options.previous is not None:
            sol.changes = changes(inst, options.previous, sol)
    else:
        sol.compliance = statuses(inst, None)
    record = sol.manifest
    record.input_sha256 = file_sha256(source) if source else None
    record.input_name = Path(source).name if source else None
    record.rotasolve, record.ortools = __version__, ortools_version
    record.seed, record.workers = options.seed, options.workers
    record.time_limit_seconds = options.time_limit
    record.reproducible = options.reproducible
    record.search = "CP-SAT, interleaved parallel search" + (
        f", {options.search_budget(len(inst.trainees)):g} deterministic seconds" if options.reproducible else "")
    return sol.sorted()
