"""Searching one model of a part: CP-SAT (and HiGHS beside it where the model holds every
choice) over the tiers in their order, from a start; the answer never below that start;
its bounds the model's own, or those from outside it (relaxations of every choice) where
the model holds only some choices. What a part's search answers (``PartResult``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..baseline import greedy
from ..core import stop
from ..flows import coverage_bound, placement_bound
from ..domain import Instance
from ..domain.choices import Candidates
from ..domain.tiers import CRITICAL, OTHERS, PATIENTS, TRAVEL_AND_LOAD, ByTier
from ..model import additions
from ..model.build import Built, build, completed_hint, extract, hint_from
from ..model.changes import change_cost
from ..model.objective import score
from ..model.search import Budget, Stage, search, tier_stages
from ..core.progress import Progress
from ..replan import still_there
from ..results.solution import Solution
from ..core.tuning import HINT_COMPLETION_SECONDS, MIP_NODES_PER_SECOND
from .guided import MU
from .options import SolveOptions


@dataclass
class PartResult:
    status: str  # OPTIMAL FEASIBLE INFEASIBLE UNKNOWN
    values: ByTier[int] | None  # None: no allocation
    bounds: ByTier[int | None] | None
    solution: Solution | None
    size: dict[str, int]
    strategy: str  # one model, guided, neighbourhoods, greedy
    deterministic_seconds: float = 0.0
    stopped_by_clock: bool = False
    notes: list[str] = field(default_factory=list)
    changes: int | None = None  # a re-plan's cost of changes (lifecycle.md), when there is a previous allocation
    cheapest: bool = False  # a capacity search: the additions' cost is proven least



def search_one_model(inst: Instance, candidates: Candidates, by_hand: Solution | None, options: SolveOptions,
                     budget: Budget, progress: Callable[[Progress], None] | None, label: str, outer: Outer | None,
                     start: Solution | None = None, tier_one_only: bool = False, mip: bool = True,
                     settled: ByTier[int] | None = None, subsolvers: tuple[str, ...] = (),
                     from_start: bool = False) -> PartResult:
    """Search one model from ``start`` (default: the greedy allocation, which is also the
    answer when the search finds none). ``outer`` holds what bounds tiers 1a and 1b from
    outside the model (relaxations of every choice) when ``candidates`` are not every
    choice; None where the model's own bounds hold. ``tier_one_only``: the tiers after
    tier 1 are not searched (scored on the allocation). ``mip``: HiGHS beside CP-SAT where
    the options ask for it and the model holds every choice. ``settled``: tier 1 is held
    at least there and only the tiers after it are searched. ``from_start``: tier 1a is
    held at least at ``start``'s (the answer being improved places that many, so nothing
    placing fewer is better), and the search is hinted with every variable of ``start``
    (``completed_hint``), not its decisions alone."""
    if stop.requested():  # stopped early: where the search would start, no model built
        return greedy_result(inst, start or by_hand, {"variables": 0, "constraints": 0}, [], STOPPED, outer)
    built = build(inst, candidates, offer=options.additions)
    size = built.size()
    stages, forced = stages_for(built, options)
    if tier_one_only and stages is not None:
        stages = [s for s in stages if set(s.tiers) <= {CRITICAL, OTHERS}]
    if settled is not None and stages is not None:
        built.model.add(built.tiers.critical.expr >= settled.critical)
        built.model.add(built.tiers.others.expr >= settled.others)
        stages = [s for s in stages if not set(s.tiers) <= {CRITICAL, OTHERS}]
    start = still_there(inst, options.previous) if options.previous is not None else (start or by_hand)
    hint = _hint(built, inst, start, options, from_start)
    # HiGHS beside CP-SAT where the model holds every choice (its bound is then the answer's)
    nodes = MIP_NODES_PER_SECOND if mip and options.mip and outer is None else 0.0
    found = search(built, budget, workers=options.workers, seed=options.seed, hint=hint, stages=stages,
                   progress=progress, label=label, mip_nodes_per_second=nodes, subsolvers=subsolvers, lead=True)
    if found.infeasible and from_start:  # the start not whole in the model: it is the answer
        return greedy_result(inst, start, size, [], HELD_START, outer)
    if found.infeasible:
        return PartResult("INFEASIBLE", None, None, None, size, "one model", found.deterministic_seconds,
                          found.stopped_by_clock)
    assignment = found.assignment
    if assignment is None:
        result = greedy_result(inst, by_hand, size, [], outer=outer)
        result.deterministic_seconds, result.stopped_by_clock = found.deterministic_seconds, found.stopped_by_clock
        return result
    solution = extract(built.vars, lambda var: assignment[var.Index()])
    # Tiers no stage settled are counted on the allocation itself: an auxiliary variable
    # (a supervisor's load above half) is only held at its least by its own stage.
    counted = score(inst, solution) if options.additions is None else found.values
    values: ByTier[int] = ByTier.of(known(v) if found.bounds[kind] is not None else known(counted[kind])
                                    for kind, v in found.values.items())
    if not found.proven and options.tier_one_first and outer is None:
        solution, values, found.bounds = filled_in(inst, solution, values, found.bounds)
    bounds = found.bounds if outer is None else outer.bounds(values.critical)
    if start is not None and options.tier_one_first and not found.proven:
        kept = never_below(inst, start, values, bounds, size, found.deterministic_seconds, found.stopped_by_clock,
                           outer)
        if kept is not None:
            return kept
    return PartResult("OPTIMAL" if found.proven else "FEASIBLE", values, bounds, solution, size,
                      "one model", found.deterministic_seconds, found.stopped_by_clock,
                      changes=forced - found.extra[CHANGES] if CHANGES in found.extra else None,
                      cheapest=ADDITIONS in found.extra and found.extra[ADDITIONS] == found.extra_bounds.get(ADDITIONS))


def _hint(built: Built, inst: Instance, start: Solution | None, options: SolveOptions,
          from_start: bool) -> dict[int, int] | None:
    """The search's hint: ``start``'s decisions; ``from_start``, every variable of it, and
    the model held at its critical placements (a constraint added to it)."""
    if from_start and start is not None:
        built.model.add(built.tiers.critical.expr >= score(inst, start).critical)
    hint = hint_from(built.vars, start) if start is not None and options.start_hint else None
    if from_start and hint is not None:  # improving ``start``: from the whole of it
        hint = completed_hint(built.model, hint, HINT_COMPLETION_SECONDS)
    return hint


def filled_in(inst: Instance, solution: Solution, values: ByTier[int], bounds: ByTier[int | None]
              ) -> tuple[Solution, ByTier[int], ByTier[int | None]]:
    """An unproven answer with whatever else still fits placed by first-fit (``baseline.greedy``
    keeps every placement of ``solution`` and books the rest after it), where that places more;
    the later tiers' bounds, proven for the answer's tier 1, are then unknown. Why: where
    HiGHS proves tier 1a and its second level (tier 1b) is cut before its first allocation,
    the call's answer is the first level's allocation, which places the critical
    requirements and almost nothing else. On the apart family at 10 s, five schemes of
    90-150 trainees answered tier 1b 2-10 where the best known is 151-190."""
    if (bounds.critical, bounds.others) == (values.critical, values.others):  # tier 1 proven: nothing fits more
        return solution, values, bounds
    filled = greedy(inst, first=solution, running=solution)
    if filled is None:
        return solution, values, bounds
    more = score(inst, filled)
    if (more.critical, more.others) <= (values.critical, values.others):  # tier 1 alone: the rest is searched
        return solution, values, bounds
    kept = outer_bounds(bounds.critical)
    kept.others = bounds.others
    return filled, more, kept


def never_below(inst: Instance, start: Solution, values: ByTier[int], bounds: ByTier[int | None],
                size: dict[str, int], spent: float, clocked: bool, outer: Outer | None) -> PartResult | None:
    """The search's start (the greedy allocation, or the critical relaxation's completed)
    when the search ended below it, else None. A search hinted with a start it cannot use
    whole (on a 940-trainee region cut by the clock: 81 critical placements where its
    greedy start had 152) must not make the answer worse than doing it by hand."""
    theirs = score(inst, start)
    if theirs.ordered() <= values.ordered():
        return None
    # The bounds of the tiers below 1a were proven given the search's own higher tiers;
    # bounds from outside the model hold for any number of critical placements.
    kept: ByTier[int | None] = outer_bounds(bounds.critical)
    if outer is not None:
        kept = outer.bounds(theirs.critical)
    elif theirs.critical == values.critical:
        kept.others = bounds.others
    return PartResult("FEASIBLE", theirs, kept, start, size, "one model", spent, clocked,
                      notes=["the search ended below where it started; its start (checked like any other) is used"])


CHANGES = "changes to the allocation in use"
ADDITIONS = "critical placed, then the additions' cost"


def stages_for(built: Built, options: SolveOptions) -> tuple[list[Stage] | None, int]:
    """The tiers in their order; for a re-plan, fewest changes first (or just after
    critical placements, with critical_first); for a capacity search, the cheapest
    additions just after critical placements. Also the changes no allocation avoids."""
    if options.additions is not None:
        # Critical placements and then the cost as one exact weighted sum (no cost saving
        # outweighs a placement): searched apart, the cost stage started from whatever the
        # first had bought and on a 120-trainee scheme stayed at twice the least cost.
        t = built.tiers
        cost, most = additions.cost(built.vars)
        return [Stage(ADDITIONS, (most + 1) * t.critical.expr - cost, (CRITICAL,), most + 1, share=0.4),
                Stage("others placed (by seniority)", t.others.expr, (OTHERS,), share=0.4),
                Stage("waiting and preferences", t.patients.expr, (PATIENTS,), share=0.1),
                Stage("travel and load", t.travel_and_load.expr, (TRAVEL_AND_LOAD,), share=0.1)], 0
    t = built.tiers
    critical = Stage("critical placed", t.critical.expr, (CRITICAL,), share=0.3)
    others = Stage("others placed (by seniority)", t.others.expr, (OTHERS,), share=0.3)
    stages = tier_stages(built)  # tier 1 (1a and 1b as one weighted sum), tier 2, tier 3
    if options.tier_one == "staged":
        stages = [critical, others] + stages[1:]
    if options.previous is None:
        return stages, 0
    cost, forced = change_cost(built.vars, still_there(built.vars.inst, options.previous))
    fewest = Stage(CHANGES, -cost, share=0.3)
    if not options.critical_first:
        return [fewest] + stages, forced
    return [critical, fewest, others] + stages[-2:], forced



STOPPED = "stopped early before this part's search: where it would have started is used"
HELD_START = "the search held at its start's critical placements found no allocation: its start is used"


def greedy_result(inst: Instance, by_hand: Solution | None, size: dict[str, int], notes: list[str],
                  why: str = "no search result in time; the by-hand (greedy) allocation is used",
                  outer: Outer | None = None) -> PartResult:
    """The search found nothing in its time (or no model fitted, or it was stopped early):
    the by-hand allocation, which the checker accepts, rather than no answer at all. Its
    bounds are ``outer``'s where known (tier 1b's too), else the max-flow bound on tier 1a."""
    if by_hand is None:
        return PartResult("UNKNOWN", None, None, None, size, "greedy", notes=notes)
    notes = notes + [why]
    values = score(inst, by_hand)
    # Nothing was proven; the max-flow bound still says how many critical placements are
    # possible. (Computed again, over a 1,000-trainee region's every choice, it took 10 s
    # after the deadline: the bounds from outside the model are those same flows.)
    bounds = outer.bounds(values.critical) if outer is not None and outer.critical is not None \
        else outer_bounds(coverage_bound(inst))
    return PartResult("FEASIBLE", values, bounds, by_hand, size, "greedy", notes=notes)


def known(value: int | None) -> int:
    """A tier's value once the search has an allocation: every tier has one then (a tier
    no stage reached is scored on the allocation, ``search._score_the_rest``)."""
    assert value is not None
    return value


def outer_bounds(critical: int | None) -> ByTier[int | None]:
    """Bounds known from outside a model: tier 1a's alone."""
    bounds: ByTier[int | None] = ByTier.filled(None)
    bounds.critical = critical
    return bounds


def flow_bounds(inst: Instance, everything: Candidates | None) -> Outer:
    """Tier 1a's max-flow bound, and tier 1b's from the best-paying flow of the same
    network (``flows.placement_bound``): sound at any size, and under a second on a
    1,000-trainee region, where the model's linear relaxation is too large to solve."""
    return Outer(coverage_bound(inst, everything), others_flow_bound(inst, everything))


class FlowsBeside:
    """``flow_bounds`` worked out on a thread of its own (a few seconds of Python at 1,000
    trainees, beside searches and relaxations that let go of Python's lock): tier 1a's
    max-flow first, which the critical search is told (``critical``), then tier 1b's flows
    (``outer``)."""

    def __init__(self, inst: Instance, everything: Candidates | None) -> None:
        self._critical: list[int | None] = []
        self._outer: list[Outer] = []
        self._critical_done = threading.Event()

        def work() -> None:
            try:
                self._critical.append(coverage_bound(inst, everything))
            finally:
                self._critical_done.set()
            self._outer.append(Outer(self._critical[0], others_flow_bound(inst, everything)))
        self._thread = threading.Thread(target=work, name="rotasolve-flows", daemon=True)
        self._thread.start()

    def critical(self) -> int | None:
        """Tier 1a's max-flow bound, waited for."""
        self._critical_done.wait()
        return self._critical[0] if self._critical else None

    def outer(self) -> Outer:
        """Both flows' bounds, waited for."""
        self._thread.join()
        return self._outer[0]


def others_flow_bound(inst: Instance, everything: Candidates | None) -> Callable[[int], int]:
    """Tier 1b's flow bound as a function of the critical requirements placed."""
    both = placement_bound(inst, everything, critical_worth=MU)  # MU x 1a + 1b
    others = placement_bound(inst, everything)  # 1b alone, whatever 1a
    return lambda placed: min(others, both - MU * placed)


@dataclass(frozen=True)
class Outer:
    """What bounds tiers 1a and 1b from outside a restricted model (relaxations of every
    choice): tier 1a's bound, and tier 1b's as a function of the critical requirements
    placed; None where unknown."""

    critical: int | None
    others: Callable[[int], int | None] | None

    def bounds(self, critical_placed: int) -> ByTier[int | None]:
        bounds = outer_bounds(self.critical)
        bounds.others = self.others(critical_placed) if self.others is not None else None
        return bounds


def kept_only(inst: Instance, candidates: Candidates, options: SolveOptions, budget: Budget) -> Solution | None:
    """The running items alone, their slots arranged: where to start when the by-hand
    allocation cannot even arrange them. None when they clash (the part is infeasible)."""
    built = build(inst, candidates.only(set()))
    found = search(built, Budget(None if budget.deterministic is None else min(5.0, budget.deterministic),
                                 budget.deadline), workers=options.workers, seed=options.seed)
    assignment = found.assignment
    if assignment is None:
        return None
    return extract(built.vars, lambda var: assignment[var.Index()])
