"""Solving one independent part of a region: choose a strategy that fits the memory
budget and suits the part's size, search, and fall back to the greedy allocation when
the search finds nothing in time.

- *one model*: every choice, searched by CP-SAT, which proves its bounds (schemes up to
  a few hundred trainees);
- *guided*: one model restricted to the choices of a relaxation that places critical
  requirements alone (``guided.py``), which bounds tier 1a, the linear relaxation bounding
  tier 1b (large connected regions);
- *neighbourhoods*: the greedy allocation improved a neighbourhood at a time
  (``lns.py``), when even the relaxation's model would pass the memory budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core import stop
from ..baseline import coverage_bound, greedy, placement_bound
from ..domain import Instance
from ..domain.choices import Candidates, eligible, shortlist
from ..domain.tiers import CRITICAL, OTHERS, PATIENTS, TRAVEL_AND_LOAD, ByTier
from ..model import additions
from ..model.build import Built, build, extract, hint_from
from ..model.changes import change_cost
from ..model.objective import score
from ..model.search import Budget, Stage, search, tier_stages
from ..core.progress import Progress
from ..replan import still_there
from ..results.solution import Solution
from ..core.tuning import (
    BASE_BYTES,
    BUILD_SECONDS_PER_VARIABLE,
    BYTES_PER_VARIABLE,
    CRITICAL_EVERY_UP_TO,
    CRITICAL_SHARE,
    FEWEST_FREE,
    GUIDED_FIRST_SHARE,
    MIP_NODES_PER_SECOND,
    NEIGHBOURHOOD_VARIABLES,
    ONE_MODEL_UP_TO,
    RELAXATION_SHARE,
    RELAXED_BYTES_PER_VARIABLE,
    RELAXED_UP_TO,
    SEARCH_PER_SECOND_LARGE,
    WIDE_BUDGET_SHARE,
    WIDE_TIER_ONE_SHARE,
    WIDE_UP_TO,
)
from . import memory
from .guided import MU, critical_units, guide, with_allocation
from .lns import improve
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


@dataclass(frozen=True)
class Plan:
    strategy: str
    candidates: Candidates | None
    complete: bool = True  # the candidates are every choice (so the relaxation's bound holds)
    neighbourhood: int = 0  # trainees set free at a time, for large-neighbourhood search
    everything: Candidates | None = None  # every choice, when ``candidates`` are fewer (for the bound)
    note: str = ""


def plan(inst: Instance, budget_bytes: int, label: str = "") -> Plan:
    full = eligible(inst)
    variables = memory.variables(inst, full)
    where = f"{label}: " if label else ""
    if variables <= ONE_MODEL_UP_TO and memory.estimate(inst, full) <= budget_bytes:
        return Plan("one model", full)
    fits = int((budget_bytes - BASE_BYTES) / BYTES_PER_VARIABLE)  # a searched model's variables
    relaxed_fits = int((budget_bytes - BASE_BYTES) / RELAXED_BYTES_PER_VARIABLE)
    if variables <= min(RELAXED_UP_TO, relaxed_fits) and fits >= ONE_MODEL_UP_TO // 2:
        return Plan("guided", full, note=f"{where}{variables:,} variables: searched from where its critical "
                                          "requirements alone can go (relaxations bound the answer)")
    lists = shortlist(inst, full, 12)
    if memory.variables(inst, lists) <= min(RELAXED_UP_TO, relaxed_fits) and fits >= ONE_MODEL_UP_TO // 2:
        return Plan("guided", lists, complete=False, everything=full,
                    note=f"{where}{variables:,} variables: each trainee's case chooses from its 12 cheapest cases "
                         "and supervisors, searched from where its critical requirements alone can go "
                         "(the bounds are flows over every choice)")
    # Too large to relax whole: improved a neighbourhood at a time, each free trainee
    # choosing from the shortlist (a connected region's full lists grow with the region).
    per_trainee = max(1.0, memory.variables(inst, lists) / max(1, len(inst.trainees)))
    most = min(len(inst.trainees), int(min(NEIGHBOURHOOD_VARIABLES, fits * 0.8) / per_trainee))
    if most < FEWEST_FREE:
        return Plan("greedy", None, note=f"{where}even {FEWEST_FREE} trainees' choices would pass the memory "
                                         f"budget of {memory.gib(budget_bytes)}; the by-hand (greedy) allocation "
                                         "is used")
    return Plan("neighbourhoods", lists, complete=False, neighbourhood=most, everything=full,
                note=f"{where}one model would need about {memory.gib(memory.estimate(inst, full))}, over the "
                     f"memory budget of {memory.gib(budget_bytes)}; it is improved {most} trainees at a time, "
                     "each choosing from their 12 cheapest cases and supervisors")


def solve_part(inst: Instance, options: SolveOptions, budget: Budget, budget_bytes: int,
               progress: Callable[[Progress], None] | None = None, label: str = "") -> PartResult:
    the_plan = plan(inst, budget_bytes, label)
    notes = [the_plan.note] if the_plan.note else []
    if notes and progress:
        progress(Progress(what="note", message=notes[0]))
    # A capacity search starts from (and falls back on) the scheme as it is: the by-hand
    # allocation would otherwise use candidates nobody has bought.
    by_hand = greedy(options.additions.without_candidates(inst) if options.additions is not None else inst)
    if by_hand is None and the_plan.strategy != "one model":
        # First-fit could not arrange the running cases' slots; a small search can.
        arranged = _kept_only(inst, the_plan.candidates or eligible(inst), options, budget)
        by_hand = greedy(inst, running=arranged) if arranged is not None else None
    if stop.requested():  # stopped early: the greedy allocation as it is, no model built
        return _greedy_result(inst, by_hand, {"variables": 0, "constraints": 0}, notes, STOPPED)
    if the_plan.strategy == "one model":
        assert the_plan.candidates is not None  # only a greedy plan has none
        return _one_model(inst, the_plan.candidates, by_hand, options, budget, progress, label, None)
    if the_plan.strategy == "guided":
        result = _guided(inst, the_plan, by_hand, options, budget, budget_bytes, progress, label)
        if result is not None:
            result.notes = notes + result.notes
            return result
    start = by_hand
    if start is None:
        return PartResult("INFEASIBLE", None, None, None, {"variables": 0, "constraints": 0}, the_plan.strategy,
                          notes=notes)
    if the_plan.strategy != "neighbourhoods":
        return _greedy_result(inst, start, {"variables": 0, "constraints": 0}, notes)
    assert the_plan.candidates is not None  # only a greedy plan has none
    found, tiers, spent, clocked = improve(inst, start, the_plan.candidates, options, budget, the_plan.neighbourhood,
                                           progress, label)
    size = {"variables": memory.variables(inst, the_plan.candidates), "constraints": 0}
    bounds = flow_bounds(inst, the_plan.everything).bounds(tiers.critical)
    return PartResult("FEASIBLE", tiers, bounds, found, size, the_plan.strategy, spent, clocked, notes)


def _guided(inst: Instance, the_plan: Plan, by_hand: Solution | None, options: SolveOptions, budget: Budget,
            budget_bytes: int, progress: Callable[[Progress], None] | None, label: str) -> PartResult | None:
    where = f"{label}: " if label else ""
    assert the_plan.candidates is not None  # only a greedy plan has none
    expected = BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, the_plan.candidates)
    previous = still_there(inst, options.previous) if options.previous is not None else None
    guidance = guide(inst, the_plan.candidates, by_hand, budget.share(CRITICAL_SHARE, 0.0), options.seed,
                     options.workers, RELAXATION_SHARE * budget.wall_left(), the_plan.complete, previous,
                     _every_critical_choice(inst, the_plan, budget_bytes))
    if progress:
        relaxed = ("shortlisted: tier 1b bounded by a flow" if not the_plan.complete
                   else f"linear relaxation in {guidance.relaxation_seconds:.1f}s" if guidance.relaxation_seconds
                   else "no linear relaxation in time: tier 1b bounded by a flow")
        most = guidance.critical_bound if guidance.critical_bound is not None else "?"
        progress(Progress(what="note", message=f"{where}{relaxed}; critical placements at most {most}"))
    rest = budget.less(guidance.deterministic_seconds + guidance.set_aside + SEARCH_PER_SECOND_LARGE * expected)
    if options.additions is not None:  # the relaxations know nothing of what may be bought
        outer = Outer(None, None)
    elif the_plan.complete:
        others = others_flow_bound(inst, the_plan.candidates)  # tier 1a's bound is the relaxations'
        outer = Outer(guidance.critical_bound, lambda placed: _least(guidance.others_bound(placed), others(placed)))
    else:  # the critical relaxation's bound holds when it took every choice of its units
        flow = flow_bounds(inst, the_plan.everything)
        outer = Outer(_least(flow.critical, guidance.critical_bound), flow.others)
    # Start from the critical relaxation's placements, completed by hand where they fit.
    completed = greedy(inst, first=guidance.start, running=guidance.start) if guidance.start is not None else None
    starts = [s for s in (completed, by_hand) if s is not None]
    start = max(starts, key=lambda s: score(inst, s).ordered()) if starts else None
    every = the_plan.everything if the_plan.everything is not None else the_plan.candidates
    candidates = with_allocation(inst, guidance.candidates, every, start)  # the search is hinted with it
    wide = _every_choice_searched(inst, the_plan, options, budget_bytes)
    if wide is None:
        result = _one_model(inst, candidates, start, options, rest, progress, label, outer)
        result.status = "FEASIBLE" if result.status == "OPTIMAL" else result.status  # proven on the restriction only
    else:
        rest = rest.less(SEARCH_PER_SECOND_LARGE * BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, wide))
        result = _guided_then_wide(inst, candidates, wide, start, outer, options, rest, progress, label)
    late = guidance.late_critical_bound()
    if late is not None and result.bounds is not None:
        result.bounds.critical = _least(result.bounds.critical, late)
    result.strategy = "guided"
    result.deterministic_seconds += guidance.deterministic_seconds
    result.stopped_by_clock = result.stopped_by_clock or guidance.stopped_by_clock
    return result


def _every_choice_searched(inst: Instance, the_plan: Plan, options: SolveOptions,
                           budget_bytes: int) -> Candidates | None:
    """Every choice, where a guided part is searched among them after its guided choices
    (``WIDE_UP_TO``, and within the memory budget); else None. Not for a re-plan or a
    capacity search, whose first stage is not tier 1."""
    if not the_plan.complete or the_plan.candidates is None or options.previous is not None \
            or options.additions is not None:
        return None
    fits = memory.estimate(inst, the_plan.candidates) <= budget_bytes
    return the_plan.candidates if fits and memory.variables(inst, the_plan.candidates) <= WIDE_UP_TO else None


def _guided_then_wide(inst: Instance, guided: Candidates, every: Candidates, start: Solution | None, outer: Outer,
                      options: SolveOptions, budget: Budget, progress: Callable[[Progress], None] | None,
                      label: str) -> PartResult:
    """Tier 1 among the guided choices; then, unless the relaxations prove it there, tier
    1 again among every choice, hinted with that answer; then the later tiers, among every
    choice where that search placed more, else among the guided choices (the smaller
    model, which gets further in the time). The guided model finds the critical placements
    fast; every choice lets the others' requirements reach what the guidance left out, and
    its bounds hold for the whole part, as the relaxations' do."""
    first = _one_model(inst, guided, start, options, budget.share(GUIDED_FIRST_SHARE, 0.0), progress, label, outer,
                       tier_one_only=True)
    if first.solution is None or first.values is None or stop.requested():
        first.status = "FEASIBLE" if first.status == "OPTIMAL" else first.status
        return first
    tier_one, spent, clocked = first, first.deterministic_seconds, first.stopped_by_clock
    wide: PartResult | None = None  # tier 1 among every choice
    if not _tier_one_proven(first):
        if progress:
            progress(Progress(what="note", message=f"{label + ': ' if label else ''}tier 1 searched again among "
                                                   "every choice, from that allocation"))
        wide = _one_model(inst, every, first.solution, options, _wide(budget.less(spent), WIDE_TIER_ONE_SHARE),
                          progress, label, None, start=first.solution, tier_one_only=True, mip=False)
        spent, clocked = spent + wide.deterministic_seconds, clocked or wide.stopped_by_clock
        if wide.values is not None and wide.values.ordered()[:2] > first.values.ordered()[:2]:
            tier_one = wide
    on_every = tier_one is wide
    assert tier_one.solution is not None and tier_one.values is not None  # first's, or one placing more
    later_budget = budget.less(spent)
    later = _one_model(inst, every if on_every else guided, tier_one.solution, options,
                       _wide(later_budget, 1.0) if on_every else later_budget, progress, label,
                       None if on_every else outer, start=tier_one.solution, settled=tier_one.values, mip=False)
    later.deterministic_seconds += spent
    later.stopped_by_clock = later.stopped_by_clock or clocked
    if later.values is None:  # nothing found in the time: tier 1's answer
        later = tier_one
    assert later.values is not None
    # Tier 1's bounds: the relaxations', and the search's among every choice (for tier 1b,
    # where it placed as many critical requirements as the answer).
    placed = later.values.critical
    bounds = later.bounds if later.bounds is not None else _outer_bounds(None)
    from_every = wide.bounds if wide is not None and wide.bounds is not None and wide.values is not None else None
    bounds.critical = _least(bounds.critical, outer.critical, from_every.critical if from_every else None)
    others_every = from_every.others if from_every and wide is not None and wide.values is not None \
        and wide.values.critical == placed else None
    bounds.others = _least(bounds.others, outer.others(placed) if outer.others is not None else None, others_every)
    later.bounds = bounds
    # Every tier at its bound among every choice (the later tiers' bounds hold given tier 1,
    # and tier 1's for the part): proven.
    proven = on_every and bounds.as_list() == later.values.as_list()
    later.status = "OPTIMAL" if proven else "FEASIBLE"
    return later


def _wide(budget: Budget, share: float) -> Budget:
    """``share`` of ``budget`` for a search among every choice, of which it plans only
    ``WIDE_BUDGET_SHARE``: CP-SAT's deterministic seconds come slower than the clock's on
    these models (about 0.5-0.6 a wall second on f61 and f70), and the whole was cut by the
    clock there."""
    if budget.deterministic is None:
        return budget
    return Budget(budget.deterministic * share * WIDE_BUDGET_SHARE, budget.deadline)


def _tier_one_proven(result: PartResult) -> bool:
    """Tier 1 (1a and 1b) at its bounds, which hold for the whole part."""
    return result.values is not None and result.bounds is not None and \
        (result.bounds.critical, result.bounds.others) == (result.values.critical, result.values.others)


def _every_critical_choice(inst: Instance, the_plan: Plan, budget_bytes: int) -> Candidates | None:
    """Every choice, for the critical relaxation of a shortlisted part, where its model
    (the critical requirements' units alone) is not too large (``CRITICAL_EVERY_UP_TO``)
    and fits the memory budget; else None."""
    if the_plan.everything is None:
        return None
    variables = memory.variables(inst, critical_units(inst, the_plan.everything))
    fits = int((budget_bytes - BASE_BYTES) / RELAXED_BYTES_PER_VARIABLE)
    return the_plan.everything if variables <= min(CRITICAL_EVERY_UP_TO, fits) else None


def _one_model(inst: Instance, candidates: Candidates, by_hand: Solution | None, options: SolveOptions,
               budget: Budget, progress: Callable[[Progress], None] | None, label: str, outer: Outer | None,
               start: Solution | None = None, tier_one_only: bool = False, mip: bool = True,
               settled: ByTier[int] | None = None) -> PartResult:
    """Search one model from ``start`` (default: the greedy allocation, which is also the
    answer when the search finds none). ``outer`` holds what bounds tiers 1a and 1b from
    outside the model (relaxations of every choice) when ``candidates`` are not every
    choice; None where the model's own bounds hold. ``tier_one_only``: the tiers after
    tier 1 are not searched (scored on the allocation). ``mip``: HiGHS beside CP-SAT where
    the options ask for it and the model holds every choice. ``settled``: tier 1 is held
    at least there and only the tiers after it are searched."""
    if stop.requested():  # stopped early: where the search would start, no model built
        result = _greedy_result(inst, start or by_hand, {"variables": 0, "constraints": 0}, [], STOPPED)
        if outer is not None and outer.critical is not None and result.values is not None:
            result.bounds = outer.bounds(result.values.critical)
        return result
    built = build(inst, candidates, offer=options.additions)
    size = built.size()
    stages, forced = _stages(built, options)
    if tier_one_only and stages is not None:
        stages = [s for s in stages if set(s.tiers) <= {CRITICAL, OTHERS}]
    if settled is not None and stages is not None:
        built.model.add(built.tiers.critical.expr >= settled.critical)
        built.model.add(built.tiers.others.expr >= settled.others)
        stages = [s for s in stages if not set(s.tiers) <= {CRITICAL, OTHERS}]
    start = still_there(inst, options.previous) if options.previous is not None else (start or by_hand)
    hint = hint_from(built.vars, start) if start is not None and options.start_hint else None
    # HiGHS beside CP-SAT where the model holds every choice (its bound is then the answer's)
    nodes = MIP_NODES_PER_SECOND if mip and options.mip and outer is None else 0.0
    found = search(built, budget, workers=options.workers, seed=options.seed, hint=hint, stages=stages,
                   progress=progress, label=label, mip_nodes_per_second=nodes)
    if found.infeasible:
        return PartResult("INFEASIBLE", None, None, None, size, "one model", found.deterministic_seconds,
                          found.stopped_by_clock)
    assignment = found.assignment
    if assignment is None:
        result = _greedy_result(inst, by_hand, size, [])
        result.deterministic_seconds, result.stopped_by_clock = found.deterministic_seconds, found.stopped_by_clock
        return result
    solution = extract(built.vars, lambda var: assignment[var.Index()])
    # Tiers no stage settled are counted on the allocation itself: an auxiliary variable
    # (a supervisor's load above half) is only held at its least by its own stage.
    counted = score(inst, solution) if options.additions is None else found.values
    values: ByTier[int] = ByTier.of(_known(v) if found.bounds[kind] is not None else _known(counted[kind])
                                    for kind, v in found.values.items())
    bounds = found.bounds if outer is None else outer.bounds(_known(found.values.critical))
    if start is not None and options.additions is None and options.previous is None and not found.proven:
        kept = _never_below(inst, start, values, bounds, size, found.deterministic_seconds, found.stopped_by_clock,
                            outer)
        if kept is not None:
            return kept
    return PartResult("OPTIMAL" if found.proven else "FEASIBLE", values, bounds, solution, size,
                      "one model", found.deterministic_seconds, found.stopped_by_clock,
                      changes=forced - found.extra[CHANGES] if CHANGES in found.extra else None,
                      cheapest=ADDITIONS in found.extra and found.extra[ADDITIONS] == found.extra_bounds.get(ADDITIONS))


def _never_below(inst: Instance, start: Solution, values: ByTier[int], bounds: ByTier[int | None],
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
    kept: ByTier[int | None] = _outer_bounds(bounds.critical)
    if outer is not None:
        kept = outer.bounds(theirs.critical)
    elif theirs.critical == values.critical:
        kept.others = bounds.others
    return PartResult("FEASIBLE", theirs, kept, start, size, "one model", spent, clocked,
                      notes=["the search ended below where it started; its start (checked like any other) is used"])


CHANGES = "changes to the allocation in use"
ADDITIONS = "critical placed, then the additions' cost"


def _stages(built: Built, options: SolveOptions) -> tuple[list[Stage] | None, int]:
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


def _kept_only(inst: Instance, candidates: Candidates, options: SolveOptions, budget: Budget) -> Solution | None:
    """The running items alone, their slots arranged: where to start when the by-hand
    allocation cannot even arrange them. None when they clash (the part is infeasible)."""
    built = build(inst, candidates.only(set()))
    found = search(built, Budget(None if budget.deterministic is None else min(5.0, budget.deterministic),
                                 budget.deadline), workers=options.workers, seed=options.seed)
    assignment = found.assignment
    if assignment is None:
        return None
    return extract(built.vars, lambda var: assignment[var.Index()])


STOPPED = "stopped early before this part's search: where it would have started is used"


def _greedy_result(inst: Instance, by_hand: Solution | None, size: dict[str, int], notes: list[str],
                   why: str = "no search result in time; the by-hand (greedy) allocation is used") -> PartResult:
    """The search found nothing in its time (or no model fitted, or it was stopped early):
    the by-hand allocation, which the checker accepts, rather than no answer at all."""
    if by_hand is None:
        return PartResult("UNKNOWN", None, None, None, size, "greedy", notes=notes)
    notes = notes + [why]
    # Nothing was proven; the max-flow bound still says how many critical placements are possible.
    return PartResult("FEASIBLE", score(inst, by_hand), _outer_bounds(coverage_bound(inst)), by_hand, size,
                      "greedy", notes=notes)


def _known(value: int | None) -> int:
    """A tier's value once the search has an allocation: every tier has one then (a tier
    no stage reached is scored on the allocation, ``search._score_the_rest``)."""
    assert value is not None
    return value


def _outer_bounds(critical: int | None) -> ByTier[int | None]:
    """Bounds known from outside a model: tier 1a's alone."""
    bounds: ByTier[int | None] = ByTier.filled(None)
    bounds.critical = critical
    return bounds


def flow_bounds(inst: Instance, everything: Candidates | None) -> Outer:
    """Tier 1a's max-flow bound, and tier 1b's from the best-paying flow of the same
    network (``baseline.placement_bound``): sound at any size, and under a second on a
    1,000-trainee region, where the model's linear relaxation is too large to solve."""
    return Outer(coverage_bound(inst, everything), others_flow_bound(inst, everything))


def others_flow_bound(inst: Instance, everything: Candidates | None) -> Callable[[int], int]:
    """Tier 1b's flow bound as a function of the critical requirements placed."""
    both = placement_bound(inst, everything, critical_worth=MU)  # MU x 1a + 1b
    others = placement_bound(inst, everything)  # 1b alone, whatever 1a
    return lambda placed: min(others, both - MU * placed)


def _least(*bounds: int | None) -> int | None:
    known = [b for b in bounds if b is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class Outer:
    """What bounds tiers 1a and 1b from outside a restricted model (relaxations of every
    choice): tier 1a's bound, and tier 1b's as a function of the critical requirements
    placed; None where unknown."""

    critical: int | None
    others: Callable[[int], int | None] | None

    def bounds(self, critical_placed: int) -> ByTier[int | None]:
        bounds = _outer_bounds(self.critical)
        bounds.others = self.others(critical_placed) if self.others is not None else None
        return bounds

