"""The critical relaxation of a large part: only its critical requirements may be placed,
and groups need no minimum size (``guided.py`` says why it guides the search). Its
linear relaxation bounds tier 1a and chooses the cases and supervisors its CP-SAT
search may use; that search's allocation is where the part's search starts.

Also what both relaxations share: a linear relaxation solved in a thread of its own
(``Background``), the least of several bounds, and the choices an allocation keeps
possible in a restricted model.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ortools.sat.python import cp_model

from ..core import stop
from ..domain import Instance
from ..domain.choices import Candidates, UnitKey, qualified
from ..domain.tiers import ByTier
from ..model.build import Built, build, extract, hint_from
from ..model.expr import Values
from ..model.first_order import FirstOrderBound
from ..model.relaxation import Cancel, Relaxation, relax
from ..model.search import Budget, SearchResult, search
from ..model.variables import Variables
from ..results.solution import Solution
from . import memory
from ..core.tuning import (BASE_BYTES, BUILD_SECONDS_PER_VARIABLE, CHEAPEST_KEPT, CRITICAL_EVERY_UP_TO, CRITICAL_GAP,
                           CRITICAL_SEARCH_LEAST, CRITICAL_SEARCH_WALL, CRITICAL_SUBSOLVERS, CRITICAL_WAIT_MOST,
                           CRITICAL_WIDE_LEAST, CRITICAL_WIDE_LOAD, CRITICAL_WIDE_UP_TO, FIRST_ORDER_ITERATIONS,
                           LATE_SHARE, RELAXATION_SECONDS_PER_VARIABLE, RELAXED_BYTES_PER_VARIABLE,
                           SEARCH_PER_SECOND_LARGE, SHORTLISTED_CRITICAL_SUBSOLVERS, USED)

Keep = dict[UnitKey, tuple[set[str], set[str]]]  # per unit: the case ids and supervisor ids kept


def search_critical(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int,
                    workers: int, alone: bool, out: dict[str, Any], shortlist: Candidates | None = None,
                    wide: Candidates | None = None, bound_is_global: bool = False) -> None:
    """The critical relaxation into ``out``: the bound from its linear relaxation, then
    its allocation searched by CP-SAT among the choices that relaxation uses, the greedy
    allocation's and each unit's cheapest (every choice of ``full``, when the relaxation
    gave none; the ``shortlist``'s, where there is one); then, with time to spare, among
    ``wide`` (``_wider``). ``alone``: no linear relaxation of the whole part runs beside
    it, which would hide this one's time. ``bound_is_global``: ``full`` holds every choice
    of the critical requirements' units, so its relaxation's bound holds for the part."""
    out.update(bound=None, clocked=True, skipped=False, set_aside=0.0, searched_every=shortlist is None, late=None,
               wide_bound=None,
               result=SearchResult(values=ByTier.filled(None), bounds=ByTier.filled(None), proven=False,
                                   assignment=None))
    if stop.requested():  # stopped early: nothing to build; the search starts from the greedy allocation
        return
    relaxed = critical_relaxation(inst)
    candidates = critical_units(relaxed, full)
    linear, relaxation_model = _linear_of(relaxed, candidates, budget, shortlist is not None, alone, out)
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
        keep = used(relaxation_model.vars, linear.solution)
        add_allocation(inst, keep, by_hand)
        candidates = restricted(inst, candidates, keep)
    built = build(relaxed, candidates)  # with no other requirement placeable, tier 1 is 1a alone
    # Its relaxation's time is set aside from its own budget too, but never all of it: on a
    # connected 2,000-trainee region (262,000 variables, 31 s set aside from a share of 30)
    # the search was left 0.05 s and placed 282 critical requirements, where it reaches
    # 320 in 12 s and 325 in 22 (the relaxation's bound is 326).
    # Nor may it take the final search's wall time where the clock runs slow: at most
    # CRITICAL_SEARCH_WALL of what is left (connected 2,000 seed 1 on a slow afternoon: its
    # 15 deterministic seconds ended at 98.8 s of the part's 99, and the run at 121 s).
    searched = budget if budget.deterministic is None else \
        Budget(max(budget.deterministic - set_aside, CRITICAL_SEARCH_LEAST * budget.deterministic),
               min(budget.deadline, time.monotonic() + CRITICAL_SEARCH_WALL * budget.wall_left()))
    # A relaxation left running beside it (for its bound alone) takes one of the cores:
    # searched with both, f64's came too late (the flow's 219 against its 212).
    beside = workers - 1 if out["late"] is not None and workers > 1 else workers
    # Alone is a shortlisted part's: no whole relaxation waits on this search's wall time.
    subsolvers = SHORTLISTED_CRITICAL_SUBSOLVERS if alone else CRITICAL_SUBSOLVERS
    out["result"] = result = _critical_search(built, searched, out["bound"], seed, beside, subsolvers=subsolvers)
    if result.assignment is not None:
        out["solution"] = _allocation(inst, built, result.assignment)
        _wider(relaxed, wide, searched, out["bound"] if bound_is_global else None, seed, workers, out)


def _linear_of(relaxed: Instance, candidates: Candidates, budget: Budget, shortlisted: bool, alone: bool,
               out: dict[str, Any]) -> tuple[Relaxation, Built | None]:
    """The critical relaxation's linear relaxation (``_critical_linear``) and its model;
    the time planned for it in ``out["set_aside"]``."""
    planned = memory.variables(relaxed, candidates)
    if _not_solved(planned, budget, shortlisted):
        # Planned from its size, HiGHS would not solve it in the run (random 1,000-trainee
        # region, seed 7001: 236,000 variables, 61 s): it is built on a thread of its own
        # beside the search, and bounded by a first-order method in a process of its own
        # (``FirstOrderBound``: 358.2 there after 8 s), for its bound alone. Its planned
        # time still shapes the search's budget, as below.
        out["skipped"] = True
        out["set_aside"] = RELAXATION_SECONDS_PER_VARIABLE * planned if alone else 0.0
        out["late"] = FirstOrderBound(lambda: _maximising_critical(relaxed, candidates).model,
                                      FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left())
        return Relaxation(None, 0.0), None
    built = _maximising_critical(relaxed, candidates)
    # Its time is taken from the search's budget only when nothing beside it takes longer
    # (the whole part's relaxation, about three times its size); planned from the model's
    # size alone, so the budget stays reproducible.
    variables = len(built.model.Proto().variables)
    out["set_aside"] = RELAXATION_SECONDS_PER_VARIABLE * variables if alone else 0.0
    return _critical_linear(built.model, budget, shortlisted, out), built


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


def least(*bounds: int | None) -> int | None:
    """The least of the bounds known (None: none is)."""
    known = [b for b in bounds if b is not None]
    return min(known) if known else None


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


class Background:
    """A linear relaxation solved in a thread of its own, ``time_limit`` wall seconds at
    most (HiGHS lets go of Python's lock while it solves)."""

    def __init__(self, model: cp_model.CpModel, time_limit: float, solution: bool = True) -> None:
        self._result: list[Relaxation] = []
        self._cancel = Cancel()
        self._thread = threading.Thread(target=lambda: self._result.append(relax(
            model, time_limit, threads=1, solution=solution, cancel=self._cancel)), daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Ends it: it returns no bound (unless already done), and gives back its core."""
        self._cancel.request()

    def wait(self, seconds: float | None) -> Relaxation | None:
        """Its result, waiting ``seconds`` at most (None: until it ends); None if not done."""
        self._thread.join(seconds)
        return self._result[0] if self._result else None

    def bound(self, deadline: float) -> int | None:
        """Its bound, once it has ended, waiting until ``deadline`` (the part's) at most; None
        if it has none by then. (Its own time limit is planned to end it before; reading the
        model into HiGHS is not counted in it, and beside the final search it can run late:
        waited for until it ended, a connected 1,000-trainee region's run ended at 62 s of
        60.)"""
        relaxed = self.wait(max(0.0, deadline - time.monotonic()))
        return relaxed.bound() if relaxed is not None else None


def _critical_linear(model: cp_model.CpModel, budget: Budget, shortlisted: bool, out: dict[str, Any]) -> Relaxation:
    """The critical relaxation's linear relaxation, in half the wall time left; for a
    shortlisted part at most the search's share of it, and, when cut there, bounded by
    PDLP beside the search, for its bound alone (``out["late"]``)."""
    limit = max(1.0, budget.wall_left() / 2)
    if not shortlisted or budget.deterministic is None:
        return relax(model, limit, threads=1, solution=True)
    # Every choice of a shortlisted part: its relaxation is the larger and the slower (a
    # 980-trainee region, f64: 24 s for 98,000 variables, where a random 2,000-trainee one
    # took 6 s for 163,000); it guides the search only if done within the search's share, so
    # that a slow one costs no more time than planned. Cut there, its solution would come
    # too late to guide the search; its bound may still come in time for the answer.
    limit = _shortlisted_wait(budget)
    # Planned from its size, one expected to take far longer than that is not waited for
    # (the plan's choice, not the clock's), and not solved at all where it would not end in
    # half the time left (``_not_solved``, before it is built): it would only slow the
    # searches beside it. (Random 1,000-trainee region, seed 7001: 236,000 variables, about
    # 28 s planned against a wait of 15; not done after 34 s, and the final search was left
    # nothing. The size is a rough guide: 98,000 variables took 24 s on f64, 262,000 took
    # 21 s on connected 2,000 seed 2, where its solution guides the critical search to 311;
    # so only a plan of more than CRITICAL_WAIT_MOST times the wait is not waited for.)
    expected = RELAXATION_SECONDS_PER_VARIABLE * len(model.Proto().variables)
    if expected > CRITICAL_WAIT_MOST * limit:
        # Not waited for, it is bounded beside the search by PDLP (``FirstOrderBound``),
        # not HiGHS: f64's gives 212.1 after 800 iterations (5.4 s on one thread), where
        # HiGHS took 24-28 s, and its 212 came too late for the answer (the flow's 219) in
        # 2 of 4 runs on one afternoon.
        out["skipped"] = True
        out["late"] = FirstOrderBound(lambda: model, FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left())
        return Relaxation(None, 0.0)
    background = Background(model, LATE_SHARE * budget.wall_left())
    linear = background.wait(limit)
    if linear is not None:
        return linear
    # Not done in its wait, HiGHS is ended and PDLP bounds it instead, for a fixed number
    # of iterations: left running for its bound alone, it took a core from the searches
    # for as long as it ran (f64: 34 s, beside the whole final search, and then no bound
    # at all), where PDLP takes about 5 s for 212.1 there.
    background.cancel()
    out["late"] = FirstOrderBound(lambda: model, FIRST_ORDER_ITERATIONS, LATE_SHARE * budget.wall_left())
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


def critical_units(inst: Instance, full: Candidates) -> Candidates:
    """The choices of the units that hold critical requirements (and of running ones):
    all the critical relaxation may place."""
    needed = {(n.trainee_id, n.requirement) for n in inst.needs.all() if n.critical and not n.gated}
    keys = [k for k in full.cases if k.kept_case or (k.trainee_id, f"{k.length}_case") in needed]
    return Candidates(cases={k: full.cases[k] for k in keys}, supervisors={k: full.supervisors[k] for k in keys},
                      joiners={t for t, r in needed if r == "cbdg"})


def used(v: Variables, values: Values, least: float = USED) -> Keep:
    """The cases and supervisors each new unit takes above ``least`` in a relaxation's
    solution."""
    keep: Keep = {key: (set(), set()) for key in v.candidates.cases}
    for key, unit in v.units.items():
        keep[key][0].update(cid for cid, var in unit.take.items() if values[var.Index()] > least)
        keep[key][1].update(sid for (sid, _slot), var in unit.meet.items() if values[var.Index()] > least)
    return keep


def critical_relaxation(inst: Instance) -> Instance:
    """``inst`` with no group minimum: with only critical requirements placeable, a group
    could otherwise fall short of members the full problem would bring."""
    fields = {name: getattr(inst, name) for name in Instance.model_fields}
    fields["groups"] = tuple(g.model_copy(update={"min_size": 0}) for g in inst.groups)
    return Instance(**fields)


def add_allocation(inst: Instance, keep: Keep, sol: Solution | None) -> None:
    """An allocation's choices stay possible, so the search can start from it."""
    if sol is None:
        return
    for c in sol.cases:
        key = UnitKey(c.trainee_id, inst.case[c.case_id].length, c.case_id if c.kept else None)
        if key in keep:
            keep[key][0].add(c.case_id)
            keep[key][1].add(c.supervisor_id)


def with_allocation(inst: Instance, candidates: Candidates, every: Candidates, sol: Solution | None) -> Candidates:
    """``candidates`` with each case and supervisor ``sol`` chooses added from ``every``,
    so that a search hinted with ``sol`` can start from all of it. The search's start is
    completed by hand (``greedy``), and the hand reaches past a restriction: on a
    940-trainee region (f65) the start placed 152 critical requirements, and the search
    hinted with it, whose model held only part of it, ended at 116."""
    if sol is None:
        return candidates
    out = Candidates(cases=dict(candidates.cases), supervisors=dict(candidates.supervisors),
                     joiners=candidates.joiners)
    for c in sol.cases:
        key = UnitKey(c.trainee_id, inst.case[c.case_id].length, c.case_id if c.kept else None)
        if key not in out.cases:
            continue
        if all(case.id != c.case_id for case in out.cases[key]):
            out.cases[key] += tuple(case for case in every.cases.get(key, ()) if case.id == c.case_id)
        if all(s.id != c.supervisor_id for s in out.supervisors[key]):
            out.supervisors[key] += tuple(s for s in every.supervisors.get(key, ()) if s.id == c.supervisor_id)
    return out


def restricted(inst: Instance, full: Candidates, keep: Keep, source: Candidates | None = None) -> Candidates:
    """The units of ``full``, each keeping the cases and supervisors of ``keep`` (taken
    from ``source``'s lists, which may be longer than ``full``'s) and its cheapest cases."""
    mins = inst.minutes
    source = source if source is not None else full
    out = Candidates(joiners=full.joiners)
    for key, cases in full.cases.items():
        if key.kept_case:
            out.cases[key], out.supervisors[key] = cases, full.supervisors[key]
            continue
        t = inst.trainee[key.trainee_id]
        wanted_cases, wanted_sups = keep[key]
        by_cost = sorted(cases, key=lambda c: (mins.case_before_supervisor(t, c), c.id))
        cheapest = {c.id for c in by_cost[:CHEAPEST_KEPT]}
        every_case = source.cases.get(key, cases)
        every_supervisor = source.supervisors.get(key, full.supervisors[key])
        chosen = [c for c in every_case if c.id in wanted_cases or c.id in cheapest]
        sups = [s for s in every_supervisor if s.id in wanted_sups]
        for c in chosen:  # every kept case keeps a supervisor who can supervise it, the nearest
            if not any(qualified(s, c) for s in sups):
                options = [s for s in every_supervisor if qualified(s, c)]
                sups.append(min(options, key=lambda s: (mins.supervision_travel(t, s), s.id)))
        out.cases[key] = tuple(chosen)
        kept = {s.id for s in sups}  # by id: pydantic's == is slow on long lists
        out.supervisors[key] = tuple(s for s in every_supervisor if s.id in kept)
    return out


def every_critical_choice(inst: Instance, every: Candidates | None, shortlisted: bool,
                          budget_bytes: int) -> tuple[Candidates | None, Candidates | None]:
    """Every choice of the critical requirements' units: for the critical relaxation of a
    shortlisted part, where its model is not too large (``CRITICAL_EVERY_UP_TO``); and to
    search it among once more with time to spare (``critical._wider``, ``CRITICAL_WIDE_UP_TO``),
    in any guided part; each None where too large or over the memory budget. ``every``:
    the part's every choice (None: none); ``shortlisted``: its searched choices are fewer."""
    if every is None:
        return None, None
    units = critical_units(inst, every)
    variables = memory.variables(inst, units)
    fits = int((budget_bytes - BASE_BYTES) / RELAXED_BYTES_PER_VARIABLE)
    relaxed = every if shortlisted and variables <= min(CRITICAL_EVERY_UP_TO, fits) else None
    return relaxed, units if variables <= min(CRITICAL_WIDE_UP_TO, fits) else None
