"""A large part searched as one model, guided by the critical relaxation and bounded by
the linear one, the two solved side by side.

On a connected region of hundreds of trainees, one CP-SAT model with every choice is
slow to improve (measured: 30 deterministic seconds did not improve on the greedy start
of a 500-trainee region, while the optimum placed 13 more critical requirements). So,
at the same time on the two cores:

- the *critical relaxation*: only the critical requirements may be placed and groups
  need no minimum size. Every allocation is one of its allocations with some placements
  taken away, so a bound on its critical placements holds for every allocation. First
  its own linear relaxation (HiGHS, about 5 s at 1,000 trainees): that bound, and the
  choices it uses. Then CP-SAT searches it among those choices only (with the greedy
  allocation's and each unit's cheapest). Its allocation is where the search starts, and
  its choices are kept. Searched among every choice, as before, it found no allocation in
  its budget on connected 1,000 seed 2 (296 critical requirements: the search then
  placed 144, the fallback bound said 251); restricted, 159 of a proven 159 within 6
  seconds, and on seed 1 160 against 161 (the optimum is 160);
- the *linear relaxation* of the whole model (``model.relaxation``, HiGHS, one thread),
  for the bound on tier 1b (below).

The model searched at the end holds the choices of the critical relaxation's allocation,
of the greedy one (and of the allocation in use, for a re-plan), and each unit's
cheapest cases. The linear relaxation's choices used to be kept too (relaxation-enforced
neighbourhood search): once the critical relaxation had the time to find the most
critical placements, they only made the model larger and the answer worse — on a
connected 1,000-trainee region (160, 252) without them, (158, 223) keeping every choice
it used above 0.01 and (160, 247) above 0.3; on a 500-trainee one (85, 108) either way,
with 8,000 variables instead of 12,500 and every tier proven on the restriction.

Tier 1b's bound. The linear relaxation maximises ``MU x 1a + 1b``, a Lagrangian
relaxation of "tier 1a at least what the search placed": every allocation has
``1b + MU x 1a <= LP``, so one placing ``v`` critical requirements has ``1b <= LP - MU x v``,
whatever ``v`` the search ends with — no second relaxation after the search. With ``MU``
the largest seniority weight this equals the relaxation of tier 1b with ``1a >= v`` added
as a row (measured on connected regions: 97, 123 and 267 at 250, 500 and 1,000 trainees,
both ways; ``MU`` 2 or 4 gives 100.5/139 and 98/272: a critical placement displaces at most
about one CT3 placement).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from ..core import stop
from ..domain import SENIORITY_WEIGHT, Instance
from ..domain.choices import Candidates, UnitKey, qualified
from ..domain.tiers import ByTier
from ..model.build import Built, build, extract, hint_from
from ..model.expr import Values
from ..model.relaxation import Relaxation, relax
from ..model.search import Budget, SearchResult, search
from ..model.variables import Variables
from ..results.solution import Solution
from . import memory
from ..core.tuning import (BUILD_SECONDS_PER_VARIABLE, CHEAPEST_KEPT, CRITICAL_GAP, CRITICAL_SEARCH_LEAST,
                           CRITICAL_SUBSOLVERS, CRITICAL_WAIT_MOST, CRITICAL_WIDE_LEAST, CRITICAL_WIDE_LOAD, LATE_SHARE,
                           RELAXATION_SECONDS_PER_VARIABLE, SEARCH_PER_SECOND_LARGE, USED)

MU = max(SENIORITY_WEIGHT.values())  # a critical placement's worth in tier-1b points, for the bound
Keep = dict[UnitKey, tuple[set[str], set[str]]]  # per unit: the case ids and supervisor ids kept


@dataclass
class Guidance:
    candidates: Candidates  # the choices to search
    critical_bound: int | None  # proven: no allocation places more critical requirements
    linear_bound: int | None  # proven: no allocation scores more than this on MU x 1a + 1b
    start: Solution | None  # the critical relaxation's allocation, to search from
    deterministic_seconds: float
    relaxation_seconds: float | None
    set_aside: float  # seconds planned for the critical relaxation's linear relaxation
    stopped_by_clock: bool  # the clock, not the budget, chose the starting allocation
    # The critical relaxation's linear relaxation, still running when it was cut from
    # guiding the search (a shortlisted part's): its bound, if it comes by the deadline.
    late: _Background | None = None
    # The whole part's linear relaxation, likewise, when not done by the search's start.
    late_linear: _Background | None = None
    deadline: float = float("inf")  # the part's: relaxations left running are waited for until then at most

    def late_critical_bound(self) -> int | None:
        """The bound on tier 1a of the relaxations left running, once they are done
        (waiting at most until the part's deadline), or None."""
        linear = self._linear_bound()
        bounds = [b for b in (self.late.bound(self.deadline) if self.late is not None else None,
                              None if linear is None else linear // MU) if b is not None]
        return min(bounds) if bounds else None

    def others_bound(self, critical_placed: int) -> int | None:
        """Proven: no allocation placing at least ``critical_placed`` critical
        requirements scores more on tier 1b. (The linear relaxation still running is
        waited for, until the part's deadline at most.)"""
        linear = self._linear_bound()
        return None if linear is None else linear - MU * critical_placed

    def _linear_bound(self) -> int | None:
        if self.linear_bound is None and self.late_linear is not None:
            self.linear_bound, self.late_linear = self.late_linear.bound(self.deadline), None
        return self.linear_bound


def guide(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int, workers: int,
          relaxation_limit: float, bound_is_global: bool, previous: Solution | None = None,
          every: Candidates | None = None, wide: Candidates | None = None) -> Guidance:
    """Both relaxations, side by side; the choices to search. The linear relaxation is
    solved only when its bound holds for the whole part (``bound_is_global``). ``every``:
    every choice, where ``full`` is a shortlist; the critical relaxation then takes every
    choice of the critical requirements' units, and its bound holds for the whole part.
    ``wide``: every choice of the critical requirements' units, searched again from the
    critical relaxation's allocation when its search ends with time to spare (None: not)."""
    critical: dict[str, Any] = {}
    source = every if every is not None else full
    bound_is_global_critical = bound_is_global or every is not None
    shortlist = full if every is not None else None
    worker = threading.Thread(target=_critical, args=(inst, source, by_hand, budget, seed, workers,
                                                      not bound_is_global, critical, shortlist,
                                                      wide, bound_is_global_critical))
    worker.start()  # CP-SAT and HiGHS both let go of Python's lock while they solve
    linear_bound, seconds, late_linear = None, None, None
    if bound_is_global and RELAXATION_SECONDS_PER_VARIABLE * memory.variables(inst, full) <= relaxation_limit:
        linear_bound, seconds, late_linear = _linear(inst, full, relaxation_limit, budget, worker)
    worker.join()
    found: SearchResult = critical["result"]
    start = critical.get("solution")
    keep: Keep = {key: (set(), set()) for key in full.cases}
    for sol in (by_hand, start, previous):
        _add_allocation(inst, keep, sol)
    bounds = [critical["bound"], linear_bound // MU if linear_bound is not None else None]
    if critical["clocked"] and critical["searched_every"]:  # CP-SAT's own bound holds too
        bounds.append(found.bounds.critical)
    bounds = [b for b in bounds if b is not None]
    critical_bound = min(bounds) if bounds and bound_is_global_critical else None
    critical_bound = least(critical_bound, critical["wide_bound"])  # it searched every choice
    return Guidance(_restricted(inst, full, keep, source), critical_bound, linear_bound, start,
                    found.deterministic_seconds, seconds, critical["set_aside"],
                    found.stopped_by_clock or critical["clocked"], critical["late"], late_linear, budget.deadline)


def _linear(inst: Instance, full: Candidates, limit: float, budget: Budget,
            beside: threading.Thread) -> tuple[int | None, float | None, _Background | None]:
    """The linear relaxation's bound on MU x 1a + 1b and the seconds it took, waiting for
    it while the critical relaxation (``beside``) runs, ``limit`` seconds at most; not done
    by then, it goes on beside the search until the part's deadline, for its bound alone
    (returned third). (None, None, None) when a stop was requested. Only its bound is used,
    so the search does not wait for it: on a connected 1,000-trainee region the search
    waited 11 s for it after the critical relaxation was done, and it was done 3 s after
    the search had started."""
    if stop.requested():
        return None, None, None
    built = build(inst, full, relaxation=True)
    built.model.maximize(MU * built.tiers.critical.expr + built.tiers.others.expr)
    background = _Background(built.model, LATE_SHARE * budget.wall_left(), solution=False)
    beside.join(limit)
    relaxed = background.wait(0)
    if relaxed is None:
        return None, None, background
    return relaxed.bound(), relaxed.seconds, None


def _critical(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int,
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
    built = build(relaxed, candidates, relaxation=True)
    # Its time is taken from the search's budget only when nothing beside it takes longer
    # (the whole part's relaxation, about three times its size); planned from the model's
    # size alone, so the budget stays reproducible.
    variables = len(built.model.Proto().variables)
    out["set_aside"] = set_aside = RELAXATION_SECONDS_PER_VARIABLE * variables if alone else 0.0
    built.model.maximize(built.tiers.critical.expr)
    linear = _critical_linear(built.model, budget, shortlist is not None, out)
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
        keep = _used(built.vars, linear.solution)
        _add_allocation(inst, keep, by_hand)
        candidates = _restricted(inst, candidates, keep)
    built = build(relaxed, candidates)  # with no other requirement placeable, tier 1 is 1a alone
    # Its relaxation's time is set aside from its own budget too, but never all of it: on a
    # connected 2,000-trainee region (262,000 variables, 31 s set aside from a share of 30)
    # the search was left 0.05 s and placed 282 critical requirements, where it reaches
    # 320 in 12 s and 325 in 22 (the relaxation's bound is 326).
    searched = budget if budget.deterministic is None else \
        Budget(max(budget.deterministic - set_aside, CRITICAL_SEARCH_LEAST * budget.deterministic), budget.deadline)
    # A relaxation left running beside it (for its bound alone) takes one of the cores:
    # searched with both, f64's came too late (the flow's 219 against its 212).
    beside = workers - 1 if out["late"] is not None and workers > 1 else workers
    out["result"] = result = _critical_search(built, searched, out["bound"], seed, beside)
    if result.assignment is not None:
        out["solution"] = _allocation(inst, built, result.assignment)
        _wider(relaxed, wide, searched, out["bound"] if bound_is_global else None, seed, workers, out)


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
                     hint: dict[int, int] | None = None) -> SearchResult:
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
    # Two searches in turns: CP-SAT's default, with its linear relaxation, and core-based
    # search, which works up from unsatisfiable subsets of the placements. On connected
    # 1,000 each alone reached the restricted model's optimum with some seeds and not
    # others (seed 1: 160 in 2 of 6 runs by default, 5 of 6 core-based; seed 2: 159 in 2
    # of 4 and 2 of 4); the two together, in 12 of 12 (seeds 0-5 on both regions).
    return search(built, budget, workers=workers, seed=seed, stages=1, subsolvers=CRITICAL_SUBSOLVERS,
                  gap=gap, at_most=bound, light=True, hint=hint)


class _Background:
    """A linear relaxation solved in a thread of its own, ``time_limit`` wall seconds at
    most (HiGHS lets go of Python's lock while it solves)."""

    def __init__(self, model: cp_model.CpModel, time_limit: float, solution: bool = True) -> None:
        self._result: list[Relaxation] = []
        self._thread = threading.Thread(target=lambda: self._result.append(relax(model, time_limit, threads=1,
                                                                                 solution=solution)), daemon=True)
        self._thread.start()

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
    shortlisted part at most the search's share of it, and, when cut there, left running
    for its bound alone (``out["late"]``)."""
    limit = max(1.0, budget.wall_left() / 2)
    if not shortlisted or budget.deterministic is None:
        return relax(model, limit, threads=1, solution=True)
    # Every choice of a shortlisted part: its relaxation is the larger and the slower (a
    # 980-trainee region, f64: 24 s for 98,000 variables, where a random 2,000-trainee one
    # took 6 s for 163,000); it guides the search only if done within the search's share, so
    # that a slow one costs no more time than planned. Cut there, its solution would come
    # too late to guide the search; left running beside it, its bound may still come in
    # time for the answer (f64: bound 212 against the flow's 219).
    limit = min(limit, max(1.0, budget.deterministic))
    # Planned from its size, one expected to take far longer than that is not waited for
    # (the plan's choice, not the clock's), and not solved at all where it would not end in
    # half the time left: it would only slow the searches beside it. (Random 1,000-trainee
    # region, seed 7001: 236,000 variables, about 28 s planned against a wait of 15; not
    # done after 34 s, and the final search was left nothing. The size is a rough guide:
    # 98,000 variables took 24 s on f64, 262,000 took 21 s on connected 2,000 seed 2, where
    # its solution guides the critical search to 311; so only a plan of more than
    # CRITICAL_WAIT_MOST times the wait is not waited for.)
    expected = RELAXATION_SECONDS_PER_VARIABLE * len(model.Proto().variables)
    if expected > CRITICAL_WAIT_MOST * limit:
        out["skipped"] = True
        if expected > budget.wall_left() / 2:
            return Relaxation(None, 0.0)
        out["late"] = _Background(model, LATE_SHARE * budget.wall_left())
        return Relaxation(None, 0.0)
    background = _Background(model, LATE_SHARE * budget.wall_left())
    linear = background.wait(limit)
    if linear is not None:
        return linear
    out["late"] = background
    return Relaxation(None, limit)


def critical_units(inst: Instance, full: Candidates) -> Candidates:
    """The choices of the units that hold critical requirements (and of running ones):
    all the critical relaxation may place."""
    needed = {(n.trainee_id, n.requirement) for n in inst.needs.all() if n.critical and not n.gated}
    keys = [k for k in full.cases if k.kept_case or (k.trainee_id, f"{k.length}_case") in needed]
    return Candidates(cases={k: full.cases[k] for k in keys}, supervisors={k: full.supervisors[k] for k in keys},
                      joiners={t for t, r in needed if r == "cbdg"})


def _used(v: Variables, values: Values, least: float = USED) -> Keep:
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


def _add_allocation(inst: Instance, keep: Keep, sol: Solution | None) -> None:
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


def _restricted(inst: Instance, full: Candidates, keep: Keep, source: Candidates | None = None) -> Candidates:
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

