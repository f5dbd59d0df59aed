"""The solve engine: a scheme or a whole region in, one checked-ready allocation out.

A region is split into independent parts (``domain.parts``); every tier is a sum over
parts, so the best of the whole is the sum of the parts' bests. Each part gets a share
of the search budget and of the memory budget by its trainees. A region of
SIDE_BY_SIDE_FROM trainees or more that splits into parts is solved with one process per
worker (``lanes``); otherwise the parts are solved in turn, time a part leaves unused
passing on to the next.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core import stop, tuning
from ..core.clock import Deadline
from ..domain import Instance
from ..domain.parts import split
from ..model.conflicts import explain_conflicts
from ..domain.tiers import CRITICAL, TIER_NAMES, TIER_ORDER, ByTier
from ..model.search import Budget
from ..core.progress import Progress
from ..results.solution import ModelSize, Objective, RunRecord, Solution
from . import lanes, memory
from .options import SolveOptions
from .one_model import PartResult
from .part import solve_part


STOPPED_NOTE = "stopped early by the user: the best allocation found by then, checked like any other"


def solve(inst: Instance, options: SolveOptions = SolveOptions(),
          progress: Callable[[Progress], None] | None = None, deadline: Deadline | None = None) -> Solution:
    """Solve a scheme (or a region of several) by ``deadline`` (default: the options'
    time limit from now). Kept-item conflicts come back as status INFEASIBLE with
    ``conflicts`` filled in; nothing found in time as UNKNOWN."""
    deadline = deadline if deadline is not None else Deadline.start(options.time_limit)
    parts = split(inst)
    budget_bytes = options.memory if options.memory is not None else memory.default_budget()
    processes = min(options.workers, len(parts))
    if processes >= 2 and len(inst.trainees) >= tuning.SIDE_BY_SIDE_FROM:
        results = lanes.solve_side_by_side(parts, options, processes, deadline, budget_bytes, progress)
    else:
        results = solve_in_turn(parts, options, options.search_budget(len(inst.trainees)), deadline, budget_bytes,
                                progress)
    return _combine(inst, options, parts, results, deadline)


def solve_in_turn(parts: list[Instance], options: SolveOptions, search_budget: float | None, deadline: Deadline,
                  budget_bytes: int, progress: Callable[[Progress], None] | None = None,
                  labels: list[str] | None = None) -> list[PartResult]:
    """One after another, each with a share of the budget by its trainees; search time a
    part leaves unused passes on to the next. Stops at a part with no solution."""
    weights = [len(p.trainees) for p in parts]
    results: list[PartResult] = []
    spent = 0.0
    for i, part in enumerate(parts):
        share = weights[i] / max(1, sum(weights[i:]))
        det = None if search_budget is None else max(0.05, (search_budget - spent) * share)
        label = (labels[i] if labels else f"part {i + 1}/{len(parts)}") if len(parts) > 1 else ""
        budget = Budget(det, deadline.at)
        res = solve_part(part, options, budget, int(budget_bytes * weights[i] / max(weights)), progress, label)
        spent += res.deterministic_seconds
        results.append(res)
        if progress and len(parts) > 1:
            progress(Progress(what="part", label=label, stage=i + 1, stages=len(parts), done=True,
                              incumbent=res.values.critical if res.values is not None else None,
                              bound=res.bounds.critical if res.bounds is not None else None, tier=CRITICAL.name))
        if res.status in ("INFEASIBLE", "UNKNOWN"):
            break
    return results


def _combine(inst: Instance, options: SolveOptions, parts: list[Instance], results: list[PartResult],
             deadline: Deadline) -> Solution:
    size = ModelSize(variables=sum(r.size["variables"] for r in results),
                     constraints=sum(r.size["constraints"] for r in results), parts=len(parts))
    clocked = any(r.stopped_by_clock for r in results)
    stopped = stop.requested()
    record = RunRecord(model=size, strategy=sorted({r.strategy for r in results}),
                       deterministic=options.reproducible and not clocked and not stopped,
                       notes=[n for r in results for n in r.notes] + ([STOPPED_NOTE] if stopped else []))
    if stopped:
        record.stopped_early = True
    if options.previous is not None:
        record.change_cost = lanes.sum_or_none([r.changes for r in results])
    if options.additions is not None:  # a capacity search: is every part's cost of additions proven least?
        record.cheapest_proven = bool(results) and all(r.cheapest for r in results)
    # Files carry CP-SAT's deterministic seconds, not the clock, so that the same input,
    # seed and limit give the same bytes; the CLI reports wall time on the terminal.
    seconds = round(sum(r.deterministic_seconds for r in results), 3)
    name = inst.settings.name
    if any(r.status == "INFEASIBLE" for r in results):
        wall = max(5.0, deadline.left())
        return Solution(scheme=name, status="INFEASIBLE", solve_seconds=seconds,
                        conflicts=explain_conflicts(inst, seed=options.seed, time_limit=wall), manifest=record)
    if not results or any(r.status == "UNKNOWN" for r in results) or len(results) < len(parts):
        return Solution(scheme=name, status="UNKNOWN", solve_seconds=seconds, manifest=record)
    values = [r.values for r in results if r.values is not None]
    bounds = [r.bounds for r in results if r.bounds is not None]
    total_bounds = ByTier.of(lanes.sum_or_none([b[kind] for b in bounds]) if len(bounds) == len(results) else None
                             for kind in TIER_ORDER)
    found: list[Solution] = []
    for r in results:
        assert r.solution is not None  # no part is INFEASIBLE or UNKNOWN here
        found.append(r.solution)
    return Solution(
        scheme=name, status="OPTIMAL" if all(r.status == "OPTIMAL" for r in results) and not stopped else "FEASIBLE",
        objective=Objective(tiers=[sum(v[kind] for v in values) for kind in TIER_ORDER], bound=total_bounds.as_list(),
                            names=TIER_NAMES),
        groups=[g for s in found for g in s.groups],
        cases=[c for s in found for c in s.cases],
        tutors=[u for s in found for u in s.tutors],
        solve_seconds=seconds, manifest=record,
    )
