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

import threading
from functools import partial
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from ..core import stop
from ..baseline import greedy
from ..domain import Instance
from ..domain.choices import Candidates, eligible, shortlist
from ..domain.tiers import ByTier
from ..model.objective import score
from ..model.search import Budget
from ..core.progress import Progress
from ..replan import still_there
from ..results.solution import Solution
from ..core.tuning import (
    BASE_BYTES, BUILD_SECONDS_PER_VARIABLE, BYTES_PER_VARIABLE, CRITICAL_SHARE, FEWEST_FREE, FINAL_LEAST_WALL,
    FINISHING_SUBSOLVERS, GROWN_TIER_ONE_SHARE, GUIDED_FIRST_SHARE, NEIGHBOURHOOD_VARIABLES, ONE_MODEL_UP_TO,
    RELAXATION_SHARE, RELAXED_BYTES_PER_VARIABLE, RELAXED_UP_TO, SEARCH_PER_SECOND_LARGE, STAGE_SHARES,
    WIDE_BUDGET_SHARE, WIDE_TIER_ONE_SHARE, WIDE_UP_TO, WITHOUT_SLOTS_UP_TO)
from . import memory
from .critical import CriticalLinear, start_critical_linear
from .critical_units import critical_units, every_critical_choice, least
from .kept_choices import Keep, add_allocation, restricted, with_allocation
from .group_places import refilled, set_aside
from .guided import Guidance, LinearChoices, guide
from .lns import improve
from .rins import RinsLists, beside_final_search, rins_lists_of, rins_planned
from .one_model import (STOPPED, FlowsBeside, Outer, PartResult, flow_bounds, greedy_result, others_flow_bound,
                        outer_bounds, kept_only, search_one_model)
from .options import SolveOptions
from .without_slots import WithoutSlots, planned_variables

_Made = TypeVar("_Made")


@dataclass(frozen=True)
class Plan:
    strategy: str
    candidates: Candidates | None
    complete: bool = True  # the candidates are every choice (so the relaxation's bound holds)
    neighbourhood: int = 0  # trainees set free at a time, for large-neighbourhood search
    everything: Candidates | None = None  # every choice, when ``candidates`` are fewer (for the bound)
    note: str = ""

    @property
    def every_choice(self) -> Candidates | None:
        """Every choice of the part: ``everything`` where the candidates are fewer."""
        return self.everything if self.everything is not None else self.candidates


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
    every, wide = every_critical_choice(inst, the_plan.every_choice, the_plan.everything is not None,
                                        budget_bytes) if the_plan.strategy == "guided" else (None, None)
    started = start_critical_linear(inst, every, budget.share(CRITICAL_SHARE, 0.0)) if every is not None else None
    # A capacity search starts from (and falls back on) the scheme as it is: the by-hand
    # allocation would otherwise use candidates nobody has bought.
    by_hand = greedy(options.additions.without_candidates(inst) if options.additions is not None else inst)
    if by_hand is None and the_plan.strategy != "one model":
        # First-fit could not arrange the running cases' slots; a small search can.
        arranged = kept_only(inst, the_plan.candidates or eligible(inst), options, budget)
        by_hand = greedy(inst, running=arranged) if arranged is not None else None
    if stop.requested():  # stopped early: the greedy allocation as it is (HiGHS and PDLP hear the stop too)
        return greedy_result(inst, by_hand, {"variables": 0, "constraints": 0}, notes, STOPPED)
    if the_plan.strategy == "one model":
        assert the_plan.candidates is not None  # only a greedy plan has none
        return search_one_model(inst, the_plan.candidates, by_hand, options, budget, progress, label, None)
    if the_plan.strategy == "guided":
        result = _guided(inst, the_plan, by_hand, options, budget, budget_bytes, progress, label,
                         (every, wide, started))
        if result is not None:
            result.notes = notes + result.notes
            return result
    start = by_hand
    if start is None:
        return PartResult("INFEASIBLE", None, None, None, {"variables": 0, "constraints": 0}, the_plan.strategy,
                          notes=notes)
    if the_plan.strategy != "neighbourhoods":
        return greedy_result(inst, start, {"variables": 0, "constraints": 0}, notes)
    assert the_plan.candidates is not None  # only a greedy plan has none
    found, tiers, spent, clocked = improve(inst, start, the_plan.candidates, options, budget, the_plan.neighbourhood,
                                           progress, label)
    size = {"variables": memory.variables(inst, the_plan.candidates), "constraints": 0}
    bounds = flow_bounds(inst, the_plan.everything).bounds(tiers.critical)
    return PartResult("FEASIBLE", tiers, bounds, found, size, the_plan.strategy, spent, clocked, notes)


def _guided(inst: Instance, the_plan: Plan, by_hand: Solution | None, options: SolveOptions, budget: Budget,
            budget_bytes: int, progress: Callable[[Progress], None] | None, label: str,
            critical: tuple[Candidates | None, Candidates | None, CriticalLinear | None]) -> PartResult | None:
    """``critical``: ``every_critical_choice``'s two, and their linear relaxation, started."""
    where = f"{label}: " if label else ""
    every, wide, started = critical
    assert the_plan.candidates is not None  # only a greedy plan has none
    previous = still_there(inst, options.previous) if options.previous is not None else None
    flows = _flows_beside(inst, the_plan) if options.additions is None else None
    rins_lists = _rins_lists_beside(inst, the_plan, options)
    guidance = guide(inst, the_plan.candidates, by_hand, budget.share(CRITICAL_SHARE, 0.0), options.seed,
                     options.workers, RELAXATION_SHARE * budget.wall_left(), the_plan.complete, previous, every, wide,
                     started, flows.critical if flows is not None else None)
    outer = _outer(inst, the_plan, options, guidance, flows, progress, where)
    # Start from the critical relaxation's placements, completed by hand where they fit.
    completed = greedy(inst, first=guidance.start, running=guidance.start) if guidance.start is not None else None
    starts = [s for s in (completed, by_hand) if s is not None]
    start = max(starts, key=lambda s: score(inst, s).ordered()) if starts else None
    every = the_plan.every_choice
    assert every is not None  # only a greedy plan has none
    candidates = with_allocation(inst, guidance.candidates, every, start)  # the search is hinted with it
    slotless = _without_slots(inst, the_plan, start, options, budget)
    expected = BUILD_SECONDS_PER_VARIABLE * _built_in_python(inst, the_plan, every, candidates)
    rest = budget.less(guidance.deterministic_seconds + guidance.set_aside + SEARCH_PER_SECOND_LARGE * expected)
    rest, refill = set_aside(inst, every, start, rest, options)  # the group places filled afresh, last
    final_least = BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, candidates) + FINAL_LEAST_WALL
    if budget.wall_left() < final_least:
        # Too late for the final search (a slow machine), building its model would only make
        # the run late (connected 2,000 seed 1 ended at 132 s of 120): the start is the answer.
        result = greedy_result(inst, start, {"variables": 0, "constraints": 0}, [], outer=outer,
                               why="no time left for the final search: its start is the answer")
        result.stopped_by_clock = True
    else:
        # The whole part's relaxation still running beside it (for tier 1b's bound) keeps a
        # core: searched with both, its bound came too late on a slow afternoon (connected
        # 1,000 seed 1: the flow's 348 instead of 257, in 2 of 2 runs).
        beside = replace(options, workers=options.workers - 1) \
            if guidance.late_linear is not None and options.workers > 1 else options
        guidance.wait_for_tier_one(rest.wall_left(), slotless.running if slotless is not None else lambda: False)
        search = partial(_search_guided, inst, the_plan, candidates, start, outer)
        if rins_lists is not None and start is not None:
            final = partial(search, budget_bytes=budget_bytes, label=label)
            result = beside_final_search(inst, every, rins_lists(), start, outer, final, beside, rest, final_least,
                                         progress, where)
        else:
            result = search(beside, rest, budget_bytes, progress, label, guidance.linear_choices, options)
    if refill is not None:
        result = refilled(inst, every, result, options, refill, outer, progress, label)
    if slotless is not None and result.bounds is not None and result.values is not None:
        result.bounds.others = slotless.tightened(result.values, result.bounds.others, budget.deadline)
    if result.bounds is not None:
        guidance.tighten(result.bounds, result.values, others=options.additions is None)
    result.strategy = "guided"
    result.deterministic_seconds += guidance.deterministic_seconds
    result.stopped_by_clock = result.stopped_by_clock or guidance.stopped_by_clock
    return result


def _rins_lists_beside(inst: Instance, the_plan: Plan, options: SolveOptions) -> Callable[[], RinsLists] | None:
    """RINS's lists (``rins.py``) for a shortlisted part small enough, searched for tier 1
    first, made while the critical search lets go of Python's lock (3 s on seed 7001)."""
    everything = the_plan.everything
    if everything is None or the_plan.candidates is None or not options.tier_one_first \
            or not rins_planned(inst, the_plan.candidates):
        return None
    return _beside(lambda: rins_lists_of(inst, everything))


def _outer(inst: Instance, the_plan: Plan, options: SolveOptions, guidance: Guidance,
           flows: FlowsBeside | None, progress: Callable[[Progress], None] | None, where: str) -> Outer:
    """What bounds a guided part's tiers 1a and 1b from outside its restricted model, said
    in a progress note."""
    assert the_plan.candidates is not None  # only a greedy plan has none
    if options.additions is not None:  # the relaxations know nothing of what may be bought
        outer = Outer(None, None)
    elif the_plan.complete:
        others = others_flow_bound(inst, the_plan.candidates)  # tier 1a's bound is the relaxations'
        outer = Outer(guidance.critical_bound, lambda placed: least(guidance.others_bound(placed), others(placed)))
    else:  # the critical relaxation's bound holds when it took every choice of its units
        assert flows is not None  # started for every shortlisted part
        flow = flows.outer()
        outer = Outer(least(flow.critical, guidance.critical_bound), flow.others)
    if progress:
        relaxed = ("shortlisted: tier 1b bounded by a flow" if not the_plan.complete
                   else f"linear relaxation in {guidance.relaxation_seconds:.1f}s" if guidance.relaxation_seconds
                   else "linear relaxation still running beside the search (tier 1b's bound, if done in time)"
                   if guidance.late_linear is not None
                   else "no linear relaxation in time: tier 1b bounded by a flow")
        most = outer.critical if outer.critical is not None else "?"
        progress(Progress(what="note", message=f"{where}{relaxed}; critical placements at most {most}"))
    return outer


def _without_slots(inst: Instance, the_plan: Plan, start: Solution | None, options: SolveOptions,
                   budget: Budget) -> WithoutSlots | None:
    """Tier 1b's bound over every choice of a guided part, tighter than the flows',
    worked out beside its final searches from the count of critical placements they start
    from; not where planned too large to be solved in the run (``WITHOUT_SLOTS_UP_TO``).
    A part relaxed whole has it too: where its whole linear relaxation is not done by the
    deadline (a slow day), it is the bound (random 1,000 seed 7004: 261, the answer, in 2 s
    of HiGHS, where the flows say 271; 7016: 126 where they say 207)."""
    every = the_plan.every_choice
    if start is None or every is None or options.additions is not None or not options.tier_one_first \
            or planned_variables(inst, every) > WITHOUT_SLOTS_UP_TO:
        return None
    return WithoutSlots(inst, every, score(inst, start).critical, budget.wall_left())


def _search_guided(inst: Instance, the_plan: Plan, candidates: Candidates, start: Solution | None, outer: Outer,
                   options: SolveOptions, rest: Budget, budget_bytes: int,
                   progress: Callable[[Progress], None] | None, label: str,
                   choices: LinearChoices | None = None, every_worker: SolveOptions | None = None) -> PartResult:
    """The final search of a guided part, among the guided choices (and then among more:
    those the whole linear relaxation uses, ``choices``, and every choice, where
    ``_every_choice_searched`` says so). ``every_worker``: as ``_guided_then_wider``."""
    wide = _every_choice_searched(inst, the_plan, options, budget_bytes)
    if not options.tier_one_first:
        if choices is not None:
            choices.release()  # its choices are for tier 1's searches, which follow the guided one
        result = search_one_model(inst, candidates, start, options, rest, progress, label, outer)
        result.status = "FEASIBLE" if result.status == "OPTIMAL" else result.status  # proven on the restriction only
        return result
    if wide is not None:
        rest = rest.less(SEARCH_PER_SECOND_LARGE * BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, wide))
    every = the_plan.every_choice
    assert every is not None  # only a greedy plan has none
    return _guided_then_wider(inst, candidates, every, choices, wide, start, outer, options, rest, progress, label,
                              every_worker)


def _flows_beside(inst: Instance, the_plan: Plan) -> FlowsBeside | None:
    """A shortlisted part's bounds are flows over every choice: a few seconds of Python at
    1,000 trainees, worked out in a thread while the critical relaxation's search (which
    lets go of Python's lock) runs rather than after it (None for a part with every
    choice, which the relaxations bound)."""
    if the_plan.complete:
        return None
    return FlowsBeside(inst, the_plan.everything)


def _beside(work: Callable[[], _Made]) -> Callable[[], _Made]:
    """``work`` started on a thread of its own; returns what waits for its result."""
    made: list[_Made] = []
    worker = threading.Thread(target=lambda: made.append(work()), daemon=True)
    worker.start()

    def done() -> _Made:
        worker.join()
        return made[0]
    return done


def _built_in_python(inst: Instance, the_plan: Plan, every: Candidates, searched: Candidates) -> int:
    """The variables of the models a guided part builds in Python, planned from their sizes:
    where every choice is relaxed, the whole part's relaxation (as large as the part); where
    the choices are shortlisted, the critical relaxation's and the restricted model searched.
    (Planned from the whole shortlist, 595,000 variables on a random 1,000-trainee region,
    it left the search 0.05 deterministic seconds; the restricted model took a second.)"""
    if the_plan.complete:
        assert the_plan.candidates is not None  # only a greedy plan has none
        return memory.variables(inst, the_plan.candidates)
    return memory.variables(inst, critical_units(inst, every)) + memory.variables(inst, searched)


def _every_choice_searched(inst: Instance, the_plan: Plan, options: SolveOptions,
                           budget_bytes: int) -> Candidates | None:
    """Every choice, where a guided part is searched among them after its guided choices
    (``WIDE_UP_TO``, and within the memory budget); else None. Not for a re-plan or a
    capacity search, whose first stage is not tier 1."""
    if not the_plan.complete or the_plan.candidates is None or not options.tier_one_first:
        return None
    fits = memory.estimate(inst, the_plan.candidates) <= budget_bytes
    return the_plan.candidates if fits and memory.variables(inst, the_plan.candidates) <= WIDE_UP_TO else None


def _guided_then_wider(inst: Instance, guided: Candidates, every: Candidates, choices: LinearChoices | None,
                       wide: Candidates | None, start: Solution | None, outer: Outer, options: SolveOptions,
                       budget: Budget, progress: Callable[[Progress], None] | None, label: str,
                       every_worker: SolveOptions | None = None) -> PartResult:
    """Tier 1 among the guided choices; then, unless the relaxations prove it there, tier 1
    again from that answer among its choices and those the whole linear relaxation uses
    (``choices``), and then among every choice (``wide``), each where given; then the later
    tiers, among the choices of the search that placed the most (the smaller models get
    further in the time). The guided model finds the critical placements fast; the
    relaxation's choices and every choice let the others' requirements reach what the
    guidance left out; the search among every choice proves bounds, as the relaxations do.
    ``every_worker``: the options for the searches once the whole relaxation is done, which
    ``options`` leave a core (None: ``options``)."""
    where = f"{label}: " if label else ""
    share, subsolvers = _guided_search(choices is None and wide is None, wide is None)
    first = search_one_model(inst, guided, start, options, budget.share(share, 0.0), progress, label, outer,
                             tier_one_only=True, subsolvers=subsolvers, from_start=_from_start(subsolvers))
    if first.solution is None or first.values is None or stop.requested():
        first.status = "FEASIBLE" if first.status == "OPTIMAL" else first.status
        return first
    tier_one, searched, spent, clocked = first, guided, first.deterministic_seconds, first.stopped_by_clock
    if choices is not None and not _tier_one_proven(first):
        options = (every_worker or options) if choices.get() is not None else options  # done: its core is free
        found, grown, used, grown_clocked = _search_grown(inst, every, choices, first, options, budget.less(spent),
                                                          outer, progress, where, label)
        spent, clocked = spent + used, clocked or grown_clocked
        if found is not None and grown is not None and found.values is not None \
                and found.values.ordered()[:2] > first.values.ordered()[:2]:
            tier_one, searched = found, grown
    if choices is not None:
        choices.release()  # read above, or never to be (tier 1 proven among the guided choices)
    wide_result: PartResult | None = None  # tier 1 among every choice
    if wide is not None and not _tier_one_proven(tier_one) and not stop.requested():
        if progress:
            progress(Progress(what="note", message=f"{where}tier 1 searched again among every choice, from that "
                                                   "allocation"))
        assert tier_one.solution is not None and tier_one.values is not None  # first's, or one placing more
        wide_result = search_one_model(inst, wide, tier_one.solution, options,
                                       _wide(budget.less(spent), WIDE_TIER_ONE_SHARE), progress, label, None,
                                       start=tier_one.solution, tier_one_only=True, mip=False)
        spent, clocked = spent + wide_result.deterministic_seconds, clocked or wide_result.stopped_by_clock
        if wide_result.values is not None and wide_result.values.ordered()[:2] > tier_one.values.ordered()[:2]:
            tier_one, searched = wide_result, wide
    on_every = searched is wide
    assert tier_one.solution is not None and tier_one.values is not None  # first's, or one placing more
    later_budget = budget.less(spent)
    later = search_one_model(inst, searched, tier_one.solution, options,
                             _wide(later_budget, 1.0) if on_every else later_budget, progress, label,
                             None if on_every else outer, start=tier_one.solution, settled=tier_one.values, mip=False)
    later.deterministic_seconds += spent
    later.stopped_by_clock = later.stopped_by_clock or clocked
    if later.values is None:  # nothing found in the time: tier 1's answer
        later = tier_one
    assert later.values is not None
    later.bounds = bounds = _tier_one_bounds(later, wide_result, outer)
    # Every tier at its bound among every choice (the later tiers' bounds hold given tier 1,
    # and tier 1's for the part): proven.
    proven = on_every and bounds.as_list() == later.values.as_list()
    later.status = "OPTIMAL" if proven else "FEASIBLE"
    return later


def _guided_search(last: bool, none_wider: bool) -> tuple[float, tuple[str, ...]]:
    """The guided choices' search of tier 1: its share of the budget, and CP-SAT's searches.
    The last search of tier 1 among restricted choices finishes it with cuts
    (FINISHING_SUBSOLVERS); one with more choices to come searches with CP-SAT's whole
    portfolio, which finds the critical placements the others only start from. Without a
    search among every choice after it, it takes tier 1's share of one search of every
    tier, as before there was a search after it: at GUIDED_FIRST_SHARE, connected 1,000
    seed 1 (164,000 variables) ended at (160, 245) where it had reached (160, 252)."""
    share = STAGE_SHARES[0] if none_wider else GUIDED_FIRST_SHARE
    return share, FINISHING_SUBSOLVERS if last else ()


def _from_start(subsolvers: tuple[str, ...]) -> bool:
    """Finishing with cuts alone, a search starts from the whole of its start, held at its
    critical placements (``search_one_model``'s ``from_start``): hinted with its decisions
    alone it lost them (random 1,000 seed 7002 at 60 s: (268, 547) found from a start of
    (273, 557))."""
    return subsolvers == FINISHING_SUBSOLVERS


def _search_grown(inst: Instance, every: Candidates, choices: LinearChoices, first: PartResult,
                  options: SolveOptions, budget: Budget, outer: Outer, progress: Callable[[Progress], None] | None,
                  where: str, label: str) -> tuple[PartResult | None, Candidates | None, float, bool]:
    """Tier 1 among ``first``'s choices and those the whole linear relaxation uses (with
    each unit's cheapest cases), from ``first``'s answer, finished with cuts: its result
    and the choices searched (None, None where the relaxation has no solution or a stop
    was requested), the deterministic seconds spent (building included, as planned) and
    whether the clock chose."""
    assert first.solution is not None
    used = choices.get()
    if used is None or stop.requested():
        return None, None, 0.0, choices.clocked
    keep: Keep = {key: (set(cases), set(supervisors)) for key, (cases, supervisors) in used.items()}
    add_allocation(inst, keep, first.solution)
    grown = with_allocation(inst, restricted(inst, every, keep), every, first.solution)
    if progress:
        progress(Progress(what="note", message=f"{where}tier 1 searched again among the choices the linear "
                                               "relaxation uses, from that allocation"))
    building = SEARCH_PER_SECOND_LARGE * BUILD_SECONDS_PER_VARIABLE * memory.variables(inst, grown)
    found = search_one_model(inst, grown, first.solution, options,
                             budget.less(building).share(GROWN_TIER_ONE_SHARE, 0.0), progress, label, outer,
                             start=first.solution, tier_one_only=True, mip=False, subsolvers=FINISHING_SUBSOLVERS,
                             from_start=True)
    return found, grown, building + found.deterministic_seconds, choices.clocked or found.stopped_by_clock


def _tier_one_bounds(later: PartResult, wide: PartResult | None, outer: Outer) -> ByTier[int | None]:
    """Tier 1's bounds for the part: the relaxations', and the search's among every choice
    (``wide``; for tier 1b, where it placed as many critical requirements as the answer)."""
    assert later.values is not None
    placed = later.values.critical
    bounds = later.bounds if later.bounds is not None else outer_bounds(None)
    from_every = wide.bounds if wide is not None and wide.bounds is not None and wide.values is not None else None
    bounds.critical = least(bounds.critical, outer.critical, from_every.critical if from_every else None)
    others_every = from_every.others if from_every is not None and wide is not None and wide.values is not None \
        and wide.values.critical == placed else None
    bounds.others = least(bounds.others, outer.others(placed) if outer.others is not None else None, others_every)
    return bounds


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
