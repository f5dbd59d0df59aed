"""Large-neighbourhood search for a part too large to search as one model.

CP-SAT proves small and medium schemes outright, but on a connected region of several
hundred trainees one model is both large in memory and slow to improve (measured on a
connected 500-trainee region: 30 deterministic seconds did not improve on the greedy
start, where the optimum placed 13 more critical requirements). Here the region is
improved one neighbourhood at a time (``neighbourhoods.py``), each small enough for
CP-SAT to solve to optimality in seconds; a neighbourhood's answer is kept when it is
better in the tiers' strict order, so the allocation never gets worse. Neighbourhoods,
their order and their budgets are fixed in advance, so the run is reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..core import stop
from ..domain import Instance
from ..model.build import build, extract, hint_from
from ..domain.choices import Candidates
from ..domain.tiers import CRITICAL, ByTier
from ..model.objective import score
from ..model.search import Budget, search
from ..core.progress import Progress
from ..results.solution import Solution
from .neighbourhoods import by_modality, by_place, freeze, thaw
from .options import SolveOptions
from ..core.tuning import ROUNDS, SMALLEST_SHARE


def improve(inst: Instance, start: Solution, candidates: Candidates, options: SolveOptions, budget: Budget,
            most: int, progress: Callable[[Progress], None] | None = None,
            label: str = "") -> tuple[Solution, ByTier[int], float, bool]:
    """The best allocation found from ``start``, each free trainee choosing from
    ``candidates``; its tiers; deterministic seconds spent; whether the clock stopped the
    search."""
    hoods = [h for h in by_place(inst, most) + by_modality(candidates, most) if h]
    current, best = start, score(inst, start)
    spent, clocked = 0.0, False
    t0 = time.monotonic()
    planned = len(hoods) * ROUNDS
    for round_ in range(ROUNDS):
        improved = False
        for i, free in enumerate(hoods):
            left = None if budget.deterministic is None else budget.deterministic - spent
            if stop.requested():  # stopped early: the best so far
                return current, best, spent, True
            if (left is not None and left < SMALLEST_SHARE) or budget.wall_left() < 1.0:
                return current, best, spent, clocked or budget.wall_left() < 1.0
            done = round_ * len(hoods) + i
            share = None if left is None else max(SMALLEST_SHARE, left / max(1, planned - done))
            found, tiers, used, stopped = _solve_neighbourhood(inst, current, free, candidates, options,
                                                               Budget(share, budget.deadline))
            spent += used
            clocked |= stopped
            if found is not None and tiers is not None and tiers.ordered() > best.ordered():
                current, best, improved = found, tiers, True
            if progress:
                progress(Progress(what="neighbourhood", label=label, stage=done + 1, stages=planned,
                                  tier=CRITICAL.name, incumbent=best.critical, elapsed=time.monotonic() - t0,
                                  message=f"{len(free)} trainees free", done=True))
        if not improved:
            break
    return current, best, spent, clocked


def _solve_neighbourhood(inst: Instance, current: Solution, free: set[str], candidates: Candidates,
                         options: SolveOptions,
                         budget: Budget) -> tuple[Solution | None, ByTier[int] | None, float, bool]:
    frozen = freeze(inst, current, free)
    incumbent = [(c.trainee_id, c.case_id, c.supervisor_id) for c in current.cases if c.trainee_id in free]
    built = build(frozen, candidates.for_frozen(frozen, free, incumbent))
    found = search(built, budget, workers=options.workers, seed=options.seed,
                   hint=hint_from(built.vars, current))
    assignment = found.assignment
    if assignment is None:
        return None, None, found.deterministic_seconds, found.stopped_by_clock
    solved = thaw(inst, extract(built.vars, lambda var: assignment[var.Index()]))
    return solved, score(inst, solved), found.deterministic_seconds, found.stopped_by_clock
