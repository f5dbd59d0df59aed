"""A large part's answer with its group places filled afresh around its cases: the last
step of a guided part's search.

Why: on a region of 1,000 trainees the final searches look for cases, and the group
places they leave are the start's, filled by hand. A group place freed by moving one
trainee to another group (where their week has the slot) can take a trainee the first
group suited and the second did not; such chains are what a search of 200,000 variables
does not find in its time, and what a model of the groups settles in two deterministic
seconds. On a random connected region with scarce supervisors (seed 7005), the answer's
cases kept as they were, its group places went from 247 to 263 and tier 1b from 284 to
300; on seed 7004, tier 1b from 255 to 261, its bound (docs/decisions.md).

The model is the engine's own (``model/build.py``), every rule in it, over fewer
choices: each case the answer gives is held as it gives it (case, supervisor and slots),
no other new case is offered, and every trainee may join any group they are eligible
for. (With the cases' slots left free, CP-SAT reached 257 of seed 7004's 261 in 4
deterministic seconds; held, with CP-SAT's LP searches and HiGHS's MIP beside them,
261 in 1.4.) The search starts from the answer, tier 1a held there; what it finds is
kept only where it is better, tier by tier.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core import stop
from ..core.progress import Progress
from ..domain import Instance
from ..domain.choices import Candidates, UnitKey
from ..domain.tiers import ByTier
from ..core.tuning import (BUILD_SECONDS_PER_VARIABLE, GROUP_PLACES_SECONDS, GROUP_PLACES_SUBSOLVERS,
                           GROUP_PLACES_WALL, MIP_NODES_PER_SECOND)
from ..model.build import build, extract, hint_from
from ..model.objective import score
from ..model.search import Budget, search
from ..results.solution import Solution
from . import memory
from .critical_units import least
from .one_model import Outer, PartResult
from .options import SolveOptions


def around_cases(inst: Instance, every: Candidates, sol: Solution) -> Candidates:
    """The choices of the group places' model: ``sol``'s own case and supervisor for each
    case it gives (from ``every``), each running case as in ``every``, no other new case,
    and every trainee free to join a group."""
    given = {UnitKey(c.trainee_id, inst.case[c.case_id].length): c for c in sol.cases if not c.kept}
    out = Candidates(joiners=None)
    for key, cases in every.cases.items():
        if key.kept_case:
            out.cases[key], out.supervisors[key] = cases, every.supervisors[key]
            continue
        place = given.get(key)
        if place is None:
            continue
        out.cases[key] = tuple(c for c in cases if c.id == place.case_id)
        out.supervisors[key] = tuple(s for s in every.supervisors[key] if s.id == place.supervisor_id)
    return out


def set_aside(inst: Instance, every: Candidates, start: Solution | None, budget: Budget,
              options: SolveOptions) -> tuple[Budget, Budget | None]:
    """``budget`` less what filling the group places afresh will take (planned from the
    size of its model around ``start``'s cases), and that (None: not done). Not for a
    re-plan or a capacity search, whose first stage is not tier 1."""
    if start is None or not options.tier_one_first:
        return budget, None
    wall = GROUP_PLACES_WALL + BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, around_cases(inst, every, start))
    before = budget.less(GROUP_PLACES_SECONDS)
    return Budget(before.deterministic, budget.deadline - wall), Budget(
        None if budget.deterministic is None else GROUP_PLACES_SECONDS, budget.deadline)


def refilled(inst: Instance, every: Candidates, found: PartResult, options: SolveOptions, budget: Budget,
             outer: Outer, progress: Callable[[Progress], None] | None = None, label: str = "") -> PartResult:
    """``found`` with its group places filled afresh around its cases, where that scores
    better (tier by tier); else ``found``. ``outer`` bounds tiers 1a and 1b for the part."""
    sol = found.solution
    if sol is None or found.values is None or found.status == "OPTIMAL" or stop.requested() \
            or budget.wall_left() < GROUP_PLACES_WALL / 2:
        return found
    built = build(inst, around_cases(inst, every, sol))
    hint = hint_from(built.vars, sol)
    for u in built.vars.units.values():  # each case as the answer gives it, its slots too
        for var in (u.held, *u.take.values(), *u.session.values(), *u.meet.values()):
            built.model.add(var == hint[var.Index()])
    built.model.add(built.tiers.critical.expr >= found.values.critical)
    searched = search(built, budget, workers=options.workers, seed=options.seed, hint=hint, stages=1,
                      subsolvers=GROUP_PLACES_SUBSOLVERS,
                      mip_nodes_per_second=MIP_NODES_PER_SECOND if options.mip else 0.0)
    assignment = searched.assignment
    if assignment is None:
        return found
    refill = extract(built.vars, lambda var: assignment[var.Index()])
    values = score(inst, refill)
    if values.ordered() <= found.values.ordered():
        return found
    if progress:
        where = f"{label}: " if label else ""
        progress(Progress(what="note", message=f"{where}group places filled afresh around the cases: "
                                               f"{values.critical} critical and {values.others} weighted other "
                                               "requirements placed"))
    bounds = None if found.bounds is None else ByTier.of(found.bounds.as_list())
    if bounds is not None and values.critical > found.values.critical and outer.others is not None:
        # Tier 1b's bound at the new tier 1a: the most tier 1b given more critical
        # placements is no more than given fewer, so the old bound holds as well.
        bounds.others = least(bounds.others, outer.others(values.critical))
    refill.status = sol.status
    return PartResult(found.status, values, bounds, refill, found.size, found.strategy,
                      found.deterministic_seconds + searched.deterministic_seconds,
                      found.stopped_by_clock or searched.stopped_by_clock,
                      found.notes + ["group places filled afresh around the cases"])
