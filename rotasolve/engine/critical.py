"""The critical relaxation of a large part: only its critical requirements may be placed,
and groups need no minimum size (``guided.py`` says why it guides the search). Its
linear relaxation bounds tier 1a and chooses the cases and supervisors its CP-SAT
search may use; that search's allocation is where the part's search starts.

Also what both relaxations share: the least of several bounds, and the choices a
relaxation's solution uses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from ..core import stop
from ..domain import Instance
from ..domain.choices import Candidates
from ..domain.tiers import ByTier
from ..model.build import Built, build, extract, hint_from
from ..model.first_order import FirstOrderBound
from ..model.relaxation import Background, Cancel, Relaxation, relax
from ..model.search import Budget, SearchResult, search
from ..results.solution import Solution
from . import memory
from .critical_units import critical_relaxation, critical_units, used
from .kept_choices import add_allocation, restricted, with_allocation
from ..core.tuning import (BUILD_SECONDS_PER_VARIABLE, CRITICAL_GAP, CRITICAL_SEARCH_LEAST, CRITICAL_SEARCH_WALL,
                           CRITICAL_SUBSOLVERS, CRITICAL_WAIT_MOST, CRITICAL_WIDE_LEAST, CRITICAL_WIDE_LOAD,
                           FIRST_ORDER_ITERATIONS, LATE_SHARE, RELAXATION_SECONDS_PER_VARIABLE,
                           SEARCH_PER_SECOND_LARGE, SHORTLISTED_CRITICAL_SUBSOLVERS)

POLL = 0.1  # seconds between looks at a relaxation and the search run while it is waited for


def search_critical(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int,
                    workers: int, alone: bool, out: dict[str, Any], shortlist: Candidates | None = None,
                    wide: Candidates | None = None, bound_is_global: bool = False,
                    started: CriticalLinear | None = None) -> None:
    """The critical relaxation into ``out``: the bound from its linear relaxation, then
    its allocation searched by CP-SAT among the choices that relaxation uses, the greedy
    allocation's and each unit's cheapest (every choice of ``full``, when the relaxation
    gave none; the ``shortlist``'s, where there is one); then, with time to spare, among
    ``wide`` (``_wider``). ``alone``: no linear relaxation of the whole part runs beside
    it, which would hide this one's time. ``bound_is_global``: ``full`` holds every choice
    of the critical requirements' units, so its relaxation's bound holds for the part.
    ``started``: its linear relaxation, started already (``start_critical_linear``)."""
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
    among_shortlist = with_allocation(inst, critical_units(relaxed, shortlist), full, by_hand) \
        if shortlist is not None else None
    meanwhile = (lambda: Meanwhile(relaxed, among_shortlist, _searched(budget, out["set_aside"]), seed, workers - 1,
                                   subsolvers)) if among_shortlist is not None and workers > 1 else None
    linear, relaxation_model = _linear_of(relaxed, candidates, budget, shortlist is not None, alone, out, meanwhile,
                                          started)
    fallback: Meanwhile | None = out.pop("meanwhile", None)
    if fallback is not None and linear.solution is not None:
        fallback.cancel()  # the relaxation's choices guide the search: its answer is not needed
    set_aside = out["set_aside"]
    if out["skipped"]:  # not waited for: nothing to set aside from the searches after it
        out["set_aside"] = 0.0
    out["bound"] = linear.bound()
    # Cut short by the clock, the relaxation chooses nothing: the search takes every
    # choice (the shortlist's, where there is one), and its answer then depends on the clock.
    out["clocked"] = linear.solution is None and not out["skipped"]
    if stop.requested():
        return
    if linear.solution is None and among_shortlist is not None:
        candidates = among_shortlist
    if linear.solution is not None:
        assert relaxation_model is not None  # a relaxation solved was built
        keep = used(relaxation_model.vars, linear.solution)
        add_allocation(inst, keep, by_hand)
        candidates = restricted(inst, candidates, keep)
    if fallback is not None and linear.solution is None:
        built, result = fallback.result()  # the search below, done while the relaxation was waited for
        _found(inst, relaxed, built, result, fallback.budget, wide, out["bound"] if bound_is_global else None, seed,
               workers, out)
        return
    built = build(relaxed, candidates)  # with no other requirement placeable, tier 1 is 1a alone
    searched = _searched(budget, set_aside)
    # A relaxation left running beside it (for its bound alone) takes one of the cores:
    # searched with both, f64's came too late (the flow's 219 against its 212).
    beside = workers - 1 if out["late"] is not None and workers > 1 else workers
    result = _critical_search(built, searched, out["bound"], seed, beside, subsolvers=subsolvers)
    _found(inst, relaxed, built, result, searched, wide, out["bound"] if bound_is_global else None, seed, workers, out)


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
               out: dict[str, Any], meanwhile: Callable[[], Meanwhile] | None = None,
               started: CriticalLinear | None = None) -> tuple[Relaxation, Built | None]:
    """The critical relaxation's linear relaxation (for a shortlisted part, ``started``
    or started now, then waited for by ``_critical_linear``, with ``meanwhile``) and its
    model; the time planned for it in ``out["set_aside"]``: taken from the search's
    budget only when nothing beside it takes longer (the whole part's relaxation, about
    three times its size); planned from the model's size alone, so the budget stays
    reproducible."""
    if shortlisted and budget.deterministic is not None:
        started = started if started is not None else _started(relaxed, candidates, budget)
        out["set_aside"] = RELAXATION_SECONDS_PER_VARIABLE * started.variables if alone else 0.0
        if started.background is None:  # not solved, or not waited for: bounded by PDLP beside the search
            out["skipped"] = True
            seconds = LATE_SHARE * budget.wall_left()
            if started.built is not None:
                model = started.built.model
                out["late"] = FirstOrderBound(lambda: model, FIRST_ORDER_ITERATIONS, seconds)
            else:  # built in PDLP's process
                out["late"] = FirstOrderBound(partial(_critical_model, started.relaxed, started.candidates),
                                              FIRST_ORDER_ITERATIONS, seconds, apart=True)
            return Relaxation(None, 0.0), None
        return _critical_linear(started, budget, out, meanwhile), started.built
    built = _maximising_critical(relaxed, candidates)
    out["set_aside"] = RELAXATION_SECONDS_PER_VARIABLE * len(built.model.Proto().variables) if alone else 0.0
    return relax(built.model, max(1.0, budget.wall_left() / 2), threads=1, solution=True), built


@dataclass
class CriticalLinear:
    """A shortlisted part's critical relaxation and its linear relaxation, started
    (``_started``): solved by HiGHS in the ``background``; None there when planned too
    slow for that (its bound is then PDLP's, beside the search: ``_linear_of``)."""

    relaxed: Instance
    candidates: Candidates
    variables: int  # the model's (as planned, where it is not built)
    built: Built | None  # None: not built, planned far too slow to solve
    background: Background | None


def start_critical_linear(inst: Instance, every: Candidates, budget: Budget) -> CriticalLinear | None:
    """A shortlisted part's critical relaxation among ``every`` choice of its units, its
    linear relaxation started (``_started``); None when the budget is the clock's alone or
    HiGHS would not solve it in the run (``_not_solved``): it is then dealt with when the
    search asks.

    Started before the part's greedy allocation (``part.solve_part``), which it does not
    need: it is the slowest step before the search, and HiGHS lets go of Python's lock
    while the greedy allocation, the flows and the lists are worked out beside it (on a
    slow day, seed 7002's started at 18 s of a 60 s run, after 8 s of that Python work).
    Not PDLP's model, which is built on a thread of its own: beside the greedy allocation,
    both took twice as long (seed 7001: the greedy allocation 14.5 s instead of 6)."""
    if budget.deterministic is None:
        return None
    relaxed = critical_relaxation(inst)
    started = _started(relaxed, critical_units(relaxed, every), budget)
    return started if started.built is not None else None


def _started(relaxed: Instance, candidates: Candidates, budget: Budget) -> CriticalLinear:
    """The critical relaxation (``relaxed``, among ``candidates``): its linear relaxation
    started in HiGHS, unless planned from its size to take far longer than it is waited
    for (``_critical_linear`` says why)."""
    planned = memory.variables(relaxed, candidates)
    if _not_solved(planned, budget, True):
        # Planned from its size, HiGHS would not solve it in the run (random 1,000-trainee
        # region, seed 7001: 236,000 variables, 61 s): it is built on a thread of its own
        # beside the search, and bounded by a first-order method in a process of its own
        # (``FirstOrderBound``: 358.2 there after 8 s), for its bound alone.
        return CriticalLinear(relaxed, candidates, planned, None, None)
    built = _maximising_critical(relaxed, candidates)
    variables = len(built.model.Proto().variables)
    if RELAXATION_SECONDS_PER_VARIABLE * variables > CRITICAL_WAIT_MOST * _shortlisted_wait(budget):
        # Not waited for (the plan's choice, not the clock's): bounded beside the search by
        # PDLP, not HiGHS: f64's gives 212.1 after 800 iterations (5.4 s on one thread),
        # where HiGHS took 24-28 s, and its 212 came too late for the answer (the flow's
        # 219) in 2 of 4 runs on one afternoon.
        return CriticalLinear(relaxed, candidates, variables, built, None)
    return CriticalLinear(relaxed, candidates, variables, built, Background(built.model,
                                                                              LATE_SHARE * budget.wall_left()))


def _critical_model(relaxed: Instance, candidates: Candidates) -> cp_model.CpModel:
    """The critical relaxation's model for its linear relaxation (built in PDLP's process)."""
    return _maximising_critical(relaxed, candidates).model


def _maximising_critical(relaxed: Instance, candidates: Candidates) -> Built:
    """The critical relaxation's model, for its linear relaxation: critical placements
    maximised."""
    built = build(relaxed, candidates, relaxation=True)
    built.model.maximize(built.tiers.critical.expr)
    return built


def _wider(relaxed: Instance, wide: Candidates | None, budget: Budget, bound: int | None, seed: int, workers: int,
           out: dict[str, Any]) -> None:
    """The critical relaxation searched again among every choice of its units (``wide``),
    hinted with the allocation found among the guided ones, when that search ended with
    at least CRITICAL_WIDE_LEAST deterministic seconds of its budget to spare after
    building the wider model (planned from its size, CRITICAL_WIDE_LOAD), and no
    relaxation left running beside it. Its allocation replaces the guided
    one where it places more, and CP-SAT's bound on it holds for the whole part, as the
    relaxation's does. On a random 2,000-trainee region (seed 7003) the guided choices
    gave 60 critical placements, proven there in a hundredth of a second of a budget of
    25, while the linear relaxation of the shortlist said at most 62 and the flow over
    every choice 67; among every choice (383,000 variables, 13 s to build) CP-SAT places
    61 and proves 61 within 6 deterministic seconds. ``bound``: proven for the whole part."""
    result: SearchResult = out["result"]
    if wide is None or budget.deterministic is None or result.values.critical is None or stop.requested():
        return
    if out["late"] is not None:
        # Its relaxation over every choice is still running beside, on one of the two
        # cores, for its bound: searched beside it, f64's came too late (219, the flow's,
        # against its 212).
        return
    placed = result.values.critical
    if bound is not None and placed >= bound - int(CRITICAL_GAP * bound):
        return  # within the gap already
    seconds_per_variable = CRITICAL_WIDE_LOAD * BUILD_SECONDS_PER_VARIABLE
    building = SEARCH_PER_SECOND_LARGE * seconds_per_variable * memory.variables(relaxed, wide)
    left = budget.deterministic - result.deterministic_seconds - building
    if left < CRITICAL_WIDE_LEAST:
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
                     subsolvers: tuple[str, ...] = CRITICAL_SUBSOLVERS, cancel: Cancel | None = None) -> SearchResult:
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
                  gap=gap, at_most=bound, light=True, hint=hint, cancel=cancel)


class Meanwhile:
    """The critical search a shortlisted part falls back on when its critical relaxation's
    linear relaxation is cut at its wait (among the shortlist's choices, no bound known,
    one core fewer: exactly the search ``search_critical`` would run after the wait), run
    during the wait on the core the relaxation leaves idle; cancelled when the relaxation
    is done in time and guides the search instead.

    Why: HiGHS solves on one core, and the other idled through the wait. On f64 (980
    trainees) the relaxation is cut there in every run (15 s of 24-28), and the search
    after it took 8 s more, which RINS then lacked (docs/decisions.md)."""

    def __init__(self, relaxed: Instance, candidates: Candidates, budget: Budget, seed: int, workers: int,
                 subsolvers: tuple[str, ...]) -> None:
        self.budget = budget
        self._cancel = Cancel()
        self._found: list[tuple[Built, SearchResult] | BaseException] = []

        def run() -> None:
            try:
                built = build(relaxed, candidates)
                self._found.append((built, _critical_search(built, budget, None, seed, workers,
                                                            subsolvers=subsolvers, cancel=self._cancel)))
            except BaseException as error:  # noqa: BLE001 - raised again by result(), on the caller's thread
                self._found.append(error)
        self._thread = threading.Thread(target=run, name="rotasolve-critical", daemon=True)
        self._thread.start()

    def done_within(self, seconds: float) -> bool:
        """Whether it has ended, waiting ``seconds`` at most."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def result(self) -> tuple[Built, SearchResult]:
        """Its model and answer, once it has ended."""
        self._thread.join()
        found = self._found[0]
        if isinstance(found, BaseException):
            raise found
        return found

    def cancel(self) -> None:
        """Ends it, waiting until it has (CP-SAT hears a stop only once started)."""
        while self._thread.is_alive():
            self._cancel.request()
            self._thread.join(0.05)


def _critical_linear(started: CriticalLinear, budget: Budget, out: dict[str, Any],
                     meanwhile: Callable[[], Meanwhile] | None = None) -> Relaxation:
    """A shortlisted part's critical relaxation's linear relaxation, started, waited for at
    most the search's share of the wall time left (``_shortlisted_wait``), from now;
    cut there, it is bounded by PDLP beside the search, for its bound alone
    (``out["late"]``). While it is waited for, ``meanwhile`` starts the search that follows
    if it is cut (``out["meanwhile"]``).

    Why only so long: every choice of a shortlisted part makes its relaxation the larger
    and the slower (a 980-trainee region, f64: 24 s for 98,000 variables, where a random
    2,000-trainee one took 6 s for 163,000); it guides the search only if done within the
    search's share, so that a slow one costs no more time than planned. Cut there, its
    solution would come too late to guide the search; its bound may still come in time
    for the answer. (The size is a rough guide: 98,000 variables took 24 s on f64, 262,000
    took 21 s on connected 2,000 seed 2, where its solution guides the critical search to
    311; so only a plan of more than CRITICAL_WAIT_MOST times the wait is not waited for,
    ``_started``.)"""
    assert started.background is not None and started.built is not None  # a relaxation waited for is solved
    background, model = started.background, started.built.model
    limit = _shortlisted_wait(budget)
    waited_until = time.monotonic() + limit
    late = None
    if meanwhile is not None:
        out["meanwhile"] = fallback = meanwhile()
        while background.wait(POLL) is None and time.monotonic() < waited_until and late is None:
            if fallback.done_within(0):
                # The search done, its core bounds the relaxation by PDLP in case HiGHS is
                # cut (ended if not): started at the cut, f64's ran beside RINS's relaxation.
                late = FirstOrderBound(lambda: model, FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left())
    linear = background.wait(max(0.0, waited_until - time.monotonic()))
    if linear is not None:
        if late is not None:
            late.cancel()
        return linear
    # Not done in its wait, HiGHS is ended and PDLP bounds it instead, for a fixed number
    # of iterations: left running for its bound alone, it took a core from the searches
    # for as long as it ran (f64: 34 s, beside the whole final search, and then no bound
    # at all), where PDLP takes about 5 s for 212.1 there.
    background.cancel()
    out["late"] = late or FirstOrderBound(lambda: model, FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left())
    return Relaxation(None, limit)


def _shortlisted_wait(budget: Budget) -> float:
    """How long a shortlisted part's critical relaxation is waited for: half the wall time
    left, and at most the search's share."""
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
