"""One rotation, end to end: solve, check, explain, project compliance.

This is the library call behind `rotasolve solve`; it returns the single Solution
object that both the JSON and the workbook are written from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from . import __version__
from .check import check
from .compliance import statuses
from .explain import explain
from .domain import Instance
from .model.solve import Progress, SolveOptions
from .model.solve import solve as solve_model
from .solution import Solution


class InvalidSolution(RuntimeError):
    """The solver returned something the checker rejects: a defect, never shown as a result."""


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def allocate(inst: Instance, options: SolveOptions = SolveOptions(), *,
             source: str | Path | None = None,
             progress: Callable[[Progress], None] | None = None) -> Solution:
    from ortools import __version__ as ortools_version

    sol = solve_model(inst, options, progress)
    if sol.status in ("OPTIMAL", "FEASIBLE"):
        violations = check(inst, sol)
        if violations:
            raise InvalidSolution("; ".join(map(str, violations[:5])))
        sol.unmet = explain(inst, sol)
        sol.compliance = statuses(inst, sol)
    else:
        sol.compliance = statuses(inst, None)
    sol.manifest.update({
        "input_sha256": file_sha256(source) if source else None,
        "input_name": Path(source).name if source else None,
        "rotasolve": __version__,
        "ortools": ortools_version,
        "seed": options.seed,
        "workers": options.workers,
        "time_limit_deterministic_seconds": options.time_limit,
        "search": "interleaved (deterministic) parallel search",
    })
    return sol.sorted()
