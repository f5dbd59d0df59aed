"""The critical relaxation of a large part: only its critical requirements may be placed,
and groups need no minimum size (``guided.py`` says why it guides the search). Its
linear relaxation bounds tier 1a and chooses the cases and supervisors its CP-SAT
search may use; that search's allocation is where the part's search starts.

Also what both relaxations share: the least of several bounds, and the choices a
relaxation's solution uses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from ..core import stop
from ..domain import Instance
from ..domain.choices import Candidates
from ..domain.tiers import ByTier
from ..model import strengthen
from ..model.build import Built, build, extract, hint_from
from ..model.first_order import FirstOrderBound
from ..model.relaxation import Background, Relaxation, relax
from ..model.search import Budget, SearchResult, search
from ..results.solution import Solution
from . import memory
from .critical_units import critical_relaxation, critical_units, least, used
from .kept_choices import Keep, add_allocation, add_choices, restricted, with_allocation
from ..core.tuning import (BUILD_SECONDS_PER_VARIABLE, CRITICAL_GAP, CRITICAL_SEARCH_LEAST, CRITICAL_SEARCH_WALL,
                           CRITICAL_SUBSOLVERS, CRITICAL_WAIT_MOST, CRITICAL_WIDE_LEAST, CRITICAL_WIDE_LOAD,
                           FIRST_ORDER_ITERATIONS, FIRST_ORDER_SECONDS_PER_VARIABLE, LATE_SHARE, POINT_USED,
                           RELAXATION_SECONDS_PER_VARIABLE, SEARCH_PER_SECOND_LARGE, SHORTLISTED_CRITICAL_SUBSOLVERS)


def search_critical(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int,
                    workers: int, alone: bool, out: dict[str, Any], shortlist: Candidates | None = None,
                    wide: Candidates | None = None, bound_is_global: bool = False,
                    started: CriticalLinear | None = None, outside: Callable[[], int | None] | None = None) -> None:
    """The critical relaxation into ``out``: the bound from its linear relaxation, then
    its allocation searched by CP-SAT among the choices that relaxation uses, the greedy
    allocation's and each unit's cheapest (every choice of ``full``, when the relaxation
    gave none; the ``shortlist``'s, where there is one); then, with time to spare, among
    ``wide`` (``_wider``). ``alone``: no linear relaxation of the whole part runs beside
    it, which would hide this one's time. ``bound_is_global``: ``full`` holds every choice
    of the critical requirements' units, so its relaxation's bound holds for the part.
    ``started``: its linear relaxation, started already (``start_critical_linear``).
    ``outside``: waits for a bound on the part's critical placements from outside it (the
    flows'), which the search is told too."""
    out.update(bound=None, clocked=True, skipped=False, set_aside=0.0, searched_every=shortlist is None, late=None,
               wide_bound=None,
               result=SearchResult(values=ByTier.filled(None), bounds=ByTier.filled(None), proven=False,
                                   assignment=None))
    if stop.requested():  # stopped early: nothing to build; the search starts from the greedy allocation
        return
    relaxed = started.relaxed if started is not None else critical_relaxation(inst)
    candidates = started.candidates if started is not None else critical_units(relaxed, full)
    # Alone is a shortlisted part's: no whole relaxation waits on this search's wall time.
    subsolvers = SHORTLISTED_CRITICAL_SUBSOLVERS if alone else CRITICAL_SUBSOLVERS
    linear, relaxation_model = _linear_of(relaxed, candidates, budget, shortlist is not None, alone, out, started)
    set_aside = out["set_aside"]
    if out["skipped"]:  # not waited for: nothing to set aside from the searches after it
        out["set_aside"] = 0.0
    out["bound"] = linear.bound()
    # Cut short by the clock, the relaxation chooses nothing: the search takes every
    # choice (the shortlist's, where there is one), and its answer then depends on the clock.
    out["clocked"] = linear.solution is None and not out["skipped"]
    if stop.requested():
        return
    if linear.solution is None and shortlist is not None:
        candidates = with_allocation(inst, critical_units(relaxed, shortlist), full, by_hand)
    if linear.solution is not None:
        assert relaxation_model is not None  # a relaxation solved was built
        if shortlist is None:  # HiGHS's optimum: a choice it does not use is near 0
            keep = used(relaxation_model.vars, linear.solution)
        else:
            keep = _pointed(relaxation_model, linear.solution, critical_units(relaxed, shortlist))
        add_allocation(inst, keep, by_hand)
        candidates = restricted(inst, candidates, keep)
    built = build(relaxed, candidates)  # with no other requirement placeable, tier 1 is 1a alone
    searched = _searched(budget, set_aside)
    # The least bound known, so that the search stops once within CRITICAL_GAP of it. Seed
    # 7007: PDLP's bound 166, the flows' 164; told 166, it placed 163 after 8 of its 16 s
    # and spent the rest proving, the final search's time on a slow day. Waited for, not
    # read if done, so that the search is the same on any machine.
    from_outside = outside() if outside is not None else None
    most = least(out["bound"], from_outside)
    # Every worker, even with HiGHS solving beside it for a bound (``_critical_linear``):
    # the plan's choice, so the answer is the same however fast HiGHS is.
    result = _critical_search(built, searched, most, seed, workers, subsolvers=subsolvers)
    _found(inst, relaxed, built, result, searched, wide, most if bound_is_global else from_outside, seed, workers,
           out)


def _pointed(relaxation_model: Built, point: np.ndarray, shortlisted: Candidates) -> Keep:
    """The choices a shortlisted part's critical search keeps: those PDLP's point uses
    above POINT_USED, and the shortlist's. Its point after a fixed number of iterations
    is not an optimum: above USED (HiGHS's threshold) it kept 79,000 variables on seed
    7018 and the search, 5 deterministic seconds, placed 81 critical requirements, where
    the shortlist alone places 338 and the two together 342 (of a bound of 343). Neither
    alone is enough: above POINT_USED alone, seed 7015 placed 129 (the shortlist 135);
    the shortlist alone, seed 7002 197 and seed 7005 63 (the point 273 and 100). Together,
    on seeds 7002, 7005, 7007, 7015, 7018 and f64, as many as either or more
    (docs/decisions.md)."""
    keep = used(relaxation_model.vars, point, POINT_USED)
    add_choices(keep, shortlisted)
    return keep


def _searched(budget: Budget, set_aside: float) -> Budget:
    """The critical search's budget: the critical relaxation's, less the time set aside for
    its linear relaxation, but never all of it (on a connected 2,000-trainee region, 31 s
    set aside from a share of 30 left the search 0.05 s and 282 critical placements, where
    it reaches 320 in 12 s and 325 in 22; the relaxation's bound is 326); and at most
    CRITICAL_SEARCH_WALL of the wall time left, so it never takes the final search's time
    where the clock runs slow (connected 2,000 seed 1 on a slow afternoon: its 15
    deterministic seconds ended at 98.8 s of the part's 99, and the run at 121 s)."""
    if budget.deterministic is None:
        return budget
    return Budget(max(budget.deterministic - set_aside, CRITICAL_SEARCH_LEAST * budget.deterministic),
                  min(budget.deadline, time.monotonic() + CRITICAL_SEARCH_WALL * budget.wall_left()))


def _found(inst: Instance, relaxed: Instance, built: Built, result: SearchResult, searched: Budget,
           wide: Candidates | None, bound: int | None, seed: int, workers: int, out: dict[str, Any]) -> None:
    """The critical search's answer (of ``searched``) into ``out``, then searched again among
    ``wide`` (``_wider``)."""
    out["result"] = result
    if result.assignment is not None:
        out["solution"] = _allocation(inst, built, result.assignment)
        _wider(relaxed, wide, searched, bound, seed, workers, out)


def _linear_of(relaxed: Instance, candidates: Candidates, budget: Budget, shortlisted: bool, alone: bool,
               out: dict[str, Any], started: CriticalLinear | None = None) -> tuple[Relaxation, Built | None]:
    """The critical relaxation's linear relaxation (for a shortlisted part, PDLP's point,
    ``started`` or started now, then waited for by ``_critical_linear``) and its model;
    the time planned for it in ``out["set_aside"]``: taken from the search's budget only
    when nothing beside it takes longer (the whole part's relaxation, about three times
    its size); planned from the model's size alone, so the budget stays reproducible."""
    if shortlisted and budget.deterministic is not None:
        started = started if started is not None else _started(relaxed, candidates, budget)
        if started.point is None:  # not built: bounded by PDLP beside the search, built in its process
            out["skipped"] = True
            out["late"] = FirstOrderBound(partial(_critical_model, started.relaxed, started.candidates),
                                          FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left(), apart=True)
            return Relaxation(None, 0.0), None
        out["set_aside"] = FIRST_ORDER_SECONDS_PER_VARIABLE * started.variables if alone else 0.0
        return _critical_linear(started, budget, out), started.built
    built = _maximising_critical(relaxed, candidates)
    out["set_aside"] = RELAXATION_SECONDS_PER_VARIABLE * len(built.model.Proto().variables) if alone else 0.0
    return relax(built.model, max(1.0, budget.wall_left() / 2), threads=1, solution=True), built


@dataclass
class CriticalLinear:
    """A shortlisted part's critical relaxation and its linear relaxation, started
    (``_started``): PDLP's ``point`` guides its search, HiGHS in the ``background``
    bounds it (None there when planned too slow for the run); neither when the model is
    not built (its bound is then PDLP's alone, beside the search: ``_linear_of``)."""

    relaxed: Instance
    candidates: Candidates
    variables: int  # the model's (as planned, where it is not built)
    built: Built | None  # None: not built, planned far too slow to solve
    background: Background | None
    point: FirstOrderBound | None = None


def start_critical_linear(inst: Instance, every: Candidates, budget: Budget) -> CriticalLinear | None:
    """A shortlisted part's critical relaxation among ``every`` choice of its units, its
    linear relaxation started (``_started``); None when the budget is the clock's alone or
    HiGHS would not solve it in the run (``_not_solved``): it is then dealt with when the
    search asks.

    Started before the part's greedy allocation (``part.solve_part``), which it does not
    need: it is the slowest step before the search, and PDLP (in a process of its own)
    and HiGHS leave Python's lock to the greedy allocation, the flows and the lists
    worked out beside them (on a slow day, seed 7002's started at 18 s of a 60 s run,
    after 8 s of that Python work). Not a model too large to solve in the run, whose
    building would take Python's lock from that work: beside the greedy allocation, both
    took twice as long (seed 7001: the greedy allocation 14.5 s instead of 6)."""
    if budget.deterministic is None:
        return None
    relaxed = critical_relaxation(inst)
    started = _started(relaxed, critical_units(relaxed, every), budget)
    return started if started.built is not None else None


def _started(relaxed: Instance, candidates: Candidates, budget: Budget) -> CriticalLinear:
    """The critical relaxation (``relaxed``, among ``candidates``): its linear relaxation
    started in PDLP, for the point that guides the search, and in HiGHS, for a tighter
    bound, unless planned from its size to take far longer than the search's share
    (``_critical_linear`` says why)."""
    planned = memory.variables(relaxed, candidates)
    if _not_solved(planned, budget, True):
        # Planned from its size, HiGHS would not solve it in the run (random 1,000-trainee
        # region, seed 7001: 236,000 variables, 61 s): it is built on a thread of its own
        # beside the search, and bounded by a first-order method in a process of its own
        # (``FirstOrderBound``: 358.2 there after 8 s), for its bound alone.
        return CriticalLinear(relaxed, candidates, planned, None, None)
    seconds = LATE_SHARE * budget.wall_left()
    # PDLP's point after a fixed number of iterations guides the search, not HiGHS's
    # optimum: as good a guide (seed 7002: 274 critical placements against 273, connected
    # 2,000 seed 2 312 against 311), 3-4 times sooner (8 s against 28 and 19 against 73 on
    # one slow day), and the same on any machine. HiGHS's optimum guided only when done
    # within its wait; cut there, the search fell back on the shortlist, whose choices
    # place far fewer (197, 220 and 199 where the guided searches place 274, 334 and 312).
    # Its process builds the model again (the same, so the same indices): converted here,
    # on a thread beside the greedy allocation, both took Python's lock (f64, a slow day:
    # 9 s before PDLP started, the greedy allocation 19 s).
    # Started before HiGHS's model is built here: the search waits for the point, and the
    # two builds, each taking Python's lock of its own process, overlap on two cores (seed
    # 7007 on a slow day: the point came at 33 s, 18 s after the process started at 15 s,
    # when the build here ended; started first, at 26-29 s).
    point = FirstOrderBound(partial(_critical_model, relaxed, candidates), FIRST_ORDER_ITERATIONS, seconds,
                            apart=True, point=True)
    # HiGHS only bounds here, with the meetings' rows (seed 7005: 101, where 106 without
    # them); PDLP's point, which guides, is of the model without them, built in its own
    # process (the same variables): with them there too, seed 7002's tier 1b was 606, not 612.
    built = _maximising_critical(relaxed, candidates, meetings_whole=True)
    variables = len(built.model.Proto().variables)
    if RELAXATION_SECONDS_PER_VARIABLE * variables > CRITICAL_WAIT_MOST * _shortlisted_wait(budget):
        # HiGHS planned far slower than the search's share (the plan's choice, not the
        # clock's): PDLP's bound alone (f64's is 212.1 after 800 iterations, HiGHS's 212).
        return CriticalLinear(relaxed, candidates, variables, built, None, point)
    # HiGHS for its tighter bound (seed 7002: 275 where PDLP's is 280), read at the end; at
    # the lowest priority, so that the search and PDLP's point have the cores first (seed
    # 7012 on a slow day: unfinished when cancelled after 31 s, it had stretched the
    # search's 3.2 deterministic seconds to 13.9 s of wall time; 10.4 s at the lowest).
    background = Background(built.model, seconds, solution=False, lowest=True)
    return CriticalLinear(relaxed, candidates, variables, built, background, point)


def _critical_model(relaxed: Instance, candidates: Candidates) -> cp_model.CpModel:
    """The critical relaxation's model for its linear relaxation (built in PDLP's process)."""
    return _maximising_critical(relaxed, candidates).model


def _maximising_critical(relaxed: Instance, candidates: Candidates, meetings_whole: bool = False) -> Built:
    """The critical relaxation's model, for its linear relaxation: critical placements
    maximised; with ``meetings_whole``, the meetings' rows too (which add no variable)."""
    built = build(relaxed, candidates, relaxation=True)
    if meetings_whole:
        strengthen.meetings_whole(built.vars)
    built.model.maximize(built.tiers.critical.expr)
    return built


def _wider(relaxed: Instance, wide: Candidates | None, budget: Budget, bound: int | None, seed: int, workers: int,
           out: dict[str, Any]) -> None:
    """The critical relaxation searched again among every choice of its units (``wide``),
    hinted with the allocation found among the guided ones, when that search ended with
    at least CRITICAL_WIDE_LEAST deterministic seconds of its budget to spare after
    building the wider model (planned from its size, CRITICAL_WIDE_LOAD). Its allocation replaces the guided
    one where it places more, and CP-SAT's bound on it holds for the whole part, as the
    relaxation's does. On a random 2,000-trainee region (seed 7003) the guided choices
    gave 60 critical placements, proven there in a hundredth of a second of a budget of
    25, while the linear relaxation of the shortlist said at most 62 and the flow over
    every choice 67; among every choice (383,000 variables, 13 s to build) CP-SAT places
    61 and proves 61 within 6 deterministic seconds. ``bound``: proven for the whole part."""
    result: SearchResult = out["result"]
    if wide is None or budget.deterministic is None or result.values.critical is None or stop.requested():
        return
    placed = result.values.critical
    if bound is not None and placed >= bound - int(CRITICAL_GAP * bound):
        return  # within the gap already
    seconds_per_variable = CRITICAL_WIDE_LOAD * BUILD_SECONDS_PER_VARIABLE
    building = SEARCH_PER_SECOND_LARGE * seconds_per_variable * memory.variables(relaxed, wide)
    left = budget.deterministic - result.deterministic_seconds - building
    if left < CRITICAL_WIDE_LEAST:
        return
    if budget.wall_left() < seconds_per_variable * memory.variables(relaxed, wide) + CRITICAL_WIDE_LEAST:
        # The clock's choice (a slow machine): built anyway, connected 2,000 seed 2's wider
        # model took 9 s past its search's end and the run ended at 133 s of 120.
        result.stopped_by_clock = True
        return
    out["set_aside"] += building  # planned, so the searches after it plan the same
    built = build(relaxed, wide)
    found = _critical_search(built, Budget(left, budget.deadline), bound, seed, workers,
                             hint_from(built.vars, out["solution"]))
    found.stopped_by_clock = found.stopped_by_clock or result.stopped_by_clock
    if found.assignment is not None:
        out["wide_bound"] = found.bounds.critical
    if found.assignment is None or found.values.critical is None or found.values.critical <= placed:
        result.deterministic_seconds += found.deterministic_seconds
        result.stopped_by_clock = found.stopped_by_clock
        return
    found.deterministic_seconds += result.deterministic_seconds
    out["result"], out["solution"] = found, _allocation(relaxed, built, found.assignment)


def _allocation(inst: Instance, built: Built, assignment: dict[int, int]) -> Solution:
    """The allocation a search's assignment of ``built`` makes, named for ``inst``'s scheme."""
    sol = extract(built.vars, lambda var: assignment[var.Index()])
    return sol.model_copy(update={"scheme": inst.settings.name})


def _critical_search(built: Built, budget: Budget, bound: int | None, seed: int, workers: int,
                     hint: dict[int, int] | None = None,
                     subsolvers: tuple[str, ...] = CRITICAL_SUBSOLVERS) -> SearchResult:
    """CP-SAT on the critical relaxation (from ``hint``, where given). Once within CRITICAL_GAP of its bound (CP-SAT's,
    told the relaxation's, so at most 1% of it), it stops: what is left is mostly its
    proof, which guides nothing (on a connected 1,000-trainee region, 145 of a bound of
    146 reached after 7 of its 24 seconds).

    Its presolve is light (no probing, no symmetry detection) at any size: on a random
    1,000-trainee region (seed 7002, 40,000 variables restricted) the full presolve took 6
    of its 7.5 deterministic seconds and it found no allocation at all; light, it places
    273 of a bound of 275 in 7.6. It is not hinted with the greedy allocation (its critical
    placements, which the model can hold): that reached 273 in 5.4 deterministic seconds on
    the same region, but connected 2,000-trainee regions stayed near the greedy start, 273
    and 301 critical placements where unhinted they reach 311 and 332."""
    gap = int(CRITICAL_GAP * bound) if bound is not None else 0
    # By default two searches in turns: CP-SAT's default, with its linear relaxation, and
    # core-based search, which works up from unsatisfiable subsets of the placements. On
    # connected 1,000 each alone reached the restricted model's optimum with some seeds and
    # not others (seed 1: 160 in 2 of 6 runs by default, 5 of 6 core-based; seed 2: 159 in
    # 2 of 4 and 2 of 4); the two together, in 12 of 12 (seeds 0-5 on both regions). A
    # shortlisted part's first search takes its cuts alone (SHORTLISTED_CRITICAL_SUBSOLVERS).
    return search(built, budget, workers=workers, seed=seed, stages=1, subsolvers=subsolvers,
                  gap=gap, at_most=bound, light=True, hint=hint)


def _critical_linear(started: CriticalLinear, budget: Budget, out: dict[str, Any]) -> Relaxation:
    """A shortlisted part's critical relaxation's linear relaxation as PDLP's point (with
    PDLP's bound), waited for at most half the wall time left; HiGHS, solving beside it
    where planned, is left running for its bound alone, read at the end (``out["late"]``).
    Cut at its wait (a machine far slower than planned for), PDLP gives no point and the
    search falls back on the shortlist's choices, the clock having decided. PDLP's
    iterations are fixed, so what it guides is the same on any machine; HiGHS's bound
    comes when it comes (f64: 24-28 s, seed 7002 13 s, on an idle machine)."""
    assert started.point is not None  # a point waited for was started
    # Waited for past the search's share where the clock runs slow: cut, the search falls
    # back on the shortlist alone, which places as many or fewer (``_pointed``: seed 7002
    # 197 where the point and the shortlist place 274, seed 7005 63 against 100).
    limit = max(_shortlisted_wait(budget), budget.wall_left() / 2)
    out["late"] = started.background
    linear = started.point.wait(limit)
    if linear is None or linear.solution is None:
        started.point.cancel()
        return Relaxation(None, limit)
    return linear


def _shortlisted_wait(budget: Budget) -> float:
    """How long a shortlisted part's critical relaxation is planned to take at most (to
    choose what is started): half the wall time left, and at most the search's share."""
    limit = max(1.0, budget.wall_left() / 2)
    return limit if budget.deterministic is None else min(limit, max(1.0, budget.deterministic))


def _not_solved(variables: int, budget: Budget, shortlisted: bool) -> bool:
    """A shortlisted part's critical relaxation of ``variables`` (as ``memory`` counts
    them, a few % above the model's) planned to take far longer than it is waited for and
    more than half the wall time left: it would only slow the searches beside it."""
    if not shortlisted or budget.deterministic is None:
        return False
    expected = RELAXATION_SECONDS_PER_VARIABLE * variables
    return expected > CRITICAL_WAIT_MOST * _shortlisted_wait(budget) and expected > budget.wall_left() / 2
