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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core import stop
from ..domain import SENIORITY_WEIGHT, Instance
from ..domain.tiers import ByTier
from ..domain.choices import Candidates
from ..model.build import Built, build
from ..model.first_order import FirstOrderBound
from ..model.search import Budget, SearchResult
from ..results.solution import Solution
from . import memory
from ..model.relaxation import Background, Relaxation
from .critical import CriticalLinear, search_critical
from .critical_units import least, used
from .kept_choices import Keep, add_allocation, restricted
from ..core.tuning import (CRITICAL_GAP, LATE_LINEAR_PATIENCE, LATE_SHARE, LINEAR_KEPT, PATIENCE_POLL,
                           RELAXATION_SECONDS_PER_VARIABLE)

MU = max(SENIORITY_WEIGHT.values())  # a critical placement's worth in tier-1b points, for the bound


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
    # guiding the search (a shortlisted part's): its bound, if it comes by the deadline;
    # HiGHS's (Background), or PDLP's (FirstOrderBound) where the model was not built.
    late: FirstOrderBound | Background | None = None
    # The whole part's linear relaxation, likewise, when not done by the search's start.
    late_linear: Background | None = None
    deadline: float = float("inf")  # the part's: relaxations left running are waited for until then at most
    # The cases and supervisors the whole part's linear relaxation uses, once it is done
    # (``LinearChoices``); None where it is not solved.
    linear_choices: LinearChoices | None = None
    # How long tier 1's searches wait for the whole part's linear relaxation still running
    # (``wait_for_tier_one``); it is read once more at the end.
    patience: Patience = field(default_factory=lambda: Patience(float("inf")))

    def wait_for_tier_one(self, seconds: float, holding: Callable[[], bool] = lambda: False) -> None:
        """Tier 1's searches, with ``seconds`` of wall time left, wait for the whole part's
        linear relaxation still running (its bound, to know tier 1 proven; its choices, to
        search tier 1 again among them) for LATE_LINEAR_PATIENCE of them, and past that
        while ``holding`` (``Patience``), not until the part's deadline: the later tiers then
        search beside it, and its bound is read again at the end (``tighten``). Waited for
        to the deadline, it left random 1,000 seed 7016 (227,656 variables, tier 1 searched
        in 0.65 s) 23-26 s idle, for a relaxation that never came in 60 s, and its later
        tiers no time at all ("no search result in time")."""
        self.patience = Patience(time.monotonic() + LATE_LINEAR_PATIENCE * max(0.0, seconds), holding)
        if self.linear_choices is not None:
            self.linear_choices.patience = self.patience

    def late_critical_bound(self) -> int | None:
        """The bound on tier 1a of the relaxations left running, once they are done
        (waiting at most until the part's deadline), or None."""
        linear = self._linear_bound(self.deadline)
        bounds = [b for b in (self.late.bound(self.deadline) if self.late is not None else None,
                              None if linear is None else linear // MU) if b is not None]
        return min(bounds) if bounds else None

    def others_bound(self, critical_placed: int) -> int | None:
        """Proven: no allocation placing at least ``critical_placed`` critical
        requirements scores more on tier 1b. (The linear relaxation still running is
        waited for, until ``patience`` or the part's deadline, the sooner.)"""
        linear = self._linear_bound(self.deadline, self.patience)
        return None if linear is None else linear - MU * critical_placed

    def tighten(self, bounds: ByTier[int | None], values: ByTier[int] | None, others: bool) -> None:
        """The answer's ``bounds``, once every search has ended, tightened by the
        relaxations still running (waited for until the part's deadline at most): tier 1a's,
        and, where ``others``, tier 1b's; neither where already at the answer's."""
        if values is None or bounds.critical is None or bounds.critical > values.critical:
            bounds.critical = least(bounds.critical, self.late_critical_bound())
        if others and values is not None and (bounds.others is None or bounds.others > values.others):
            linear = self._linear_bound(self.deadline)
            if linear is not None:
                bounds.others = least(bounds.others, linear - MU * values.critical)

    def _linear_bound(self, deadline: float, patience: Patience | None = None) -> int | None:
        if self.linear_bound is None and self.late_linear is not None:
            relaxed = (patience or Patience(deadline)).wait(self.late_linear, deadline)
            if relaxed is not None:  # done: its bound (None if it has none) is read once
                self.linear_bound, self.late_linear = relaxed.bound(), None
        return self.linear_bound


@dataclass(frozen=True)
class Patience:
    """How long tier 1's searches wait for the whole part's linear relaxation still
    running: until ``until``, and past it while ``holding()`` says so — the relaxation
    without slots still solving, whose tier-1b bound is worth more than the later tiers'
    time. While the search waits its child has the idle core; with the later tiers
    searching beside the whole relaxation it had none, and random 1,000 seed 7004's bound
    stayed the flows' 274 (its own, 264, not done by the deadline) in the 2 runs of 2 that
    ended in time."""

    until: float
    holding: Callable[[], bool] = lambda: False

    def wait(self, late: Background, deadline: float) -> Relaxation | None:
        """``late``'s result, waiting for it so long (until ``deadline`` at most); None if not done."""
        while True:
            now = time.monotonic()
            end = deadline if self.holding() else min(deadline, self.until)
            relaxed = late.wait(max(0.0, min(end, now + PATIENCE_POLL) - now))
            if relaxed is not None or time.monotonic() >= end:
                return relaxed


class LinearChoices:
    """The cases and supervisors each unit takes in the whole part's linear relaxation
    (above ``LINEAR_KEPT``), read from its solution once HiGHS is done.

    Why: a guided part's final search holds the choices that place the *critical*
    requirements, and among them tier 1b stops short. On a random 930-trainee scheme
    (family f70) the guided choices gave (140, 409) and every choice, searched from there,
    no better, where the optimum is (140, 445); the guided answer's choices with those the
    whole relaxation uses gave (140, 444) in 11 deterministic seconds (a 300-trainee region
    of seed 7002's knobs: 167 -> 173 of an optimum 174). Kept in the guided model from the
    start, they had only made it larger (docs/decisions.md); searched after it, from its
    answer, they are what the others' requirements need."""

    def __init__(self, built: Built, background: Background, deadline: float) -> None:
        self._built: Built | None = built
        self._background = background
        self._deadline = deadline
        self.patience = Patience(float("inf"))  # how long it is waited for, the deadline at most
        self._keep: Keep | None = None
        self.clocked = False  # the clock, not the plan, left it without a solution

    def release(self) -> None:
        """Lets go of the relaxation's Python model where nothing will read its choices
        (tier 1 proven among the guided ones, a re-plan, a capacity search): its variables
        and tier expressions otherwise lived through the later tiers' search. HiGHS keeps
        what it has read, so a bound still to come still comes."""
        self._built = None

    def get(self) -> Keep | None:
        """Its choices, waiting for it as ``patience`` says, until the part's deadline at most;
        None when it has no solution by then (the clock cut it: ``clocked``) or a stop was
        requested."""
        if self._built is None:
            return self._keep
        built, self._built = self._built, None  # its model is not needed after this
        if stop.requested():
            return None
        relaxed = self.patience.wait(self._background, self._deadline)
        if relaxed is None or relaxed.solution is None:
            self.clocked = not stop.requested()
            return None
        self._keep = used(built.vars, relaxed.solution, LINEAR_KEPT)
        return self._keep


def guide(inst: Instance, full: Candidates, by_hand: Solution | None, budget: Budget, seed: int, workers: int,
          relaxation_limit: float, bound_is_global: bool, previous: Solution | None = None,
          every: Candidates | None = None, wide: Candidates | None = None,
          started: CriticalLinear | None = None, outside: Callable[[], int | None] | None = None) -> Guidance:
    """Both relaxations, side by side; the choices to search. The linear relaxation is
    solved only when its bound holds for the whole part (``bound_is_global``). ``every``:
    every choice, where ``full`` is a shortlist; the critical relaxation then takes every
    choice of the critical requirements' units, and its bound holds for the whole part.
    ``wide``: every choice of the critical requirements' units, searched again from the
    critical relaxation's allocation when its search ends with time to spare (None: not).
    ``started``: the critical relaxation's linear relaxation, started before (``every``'s).
    ``outside``: waits for a bound on the part's critical placements from outside (the
    flows'), which the critical search is told."""
    critical: dict[str, Any] = {}
    source = every if every is not None else full
    bound_is_global_critical = bound_is_global or every is not None
    shortlist = full if every is not None else None
    worker = threading.Thread(target=search_critical, args=(inst, source, by_hand, budget, seed, workers,
                                                      not bound_is_global, critical, shortlist,
                                                      wide, bound_is_global_critical, started, outside))
    worker.start()  # CP-SAT and HiGHS both let go of Python's lock while they solve
    linear_bound, seconds, late_linear, choices = None, None, None, None
    # Started wherever it is planned to be done by the part's deadline, not only by the
    # critical relaxation's end (``relaxation_limit``): not done then, it goes on beside the
    # search. Random connected 1,000 seeds 7004 and 7006 (229,000 and 213,000 variables,
    # planned 27 and 26 s against a wait of 26) were left with the flows' bound, 271 and
    # 192, where HiGHS proves 261 and 187 (the answers) in 21 and 3 s.
    planned = RELAXATION_SECONDS_PER_VARIABLE * memory.variables(inst, full)
    if bound_is_global and planned <= LATE_SHARE * budget.wall_left():
        linear_bound, seconds, late_linear, choices = _linear(inst, full, relaxation_limit, budget, worker)
    worker.join()
    found: SearchResult = critical["result"]
    start = critical.get("solution")
    keep: Keep = {key: (set(), set()) for key in full.cases}
    for sol in (by_hand, start, previous):
        add_allocation(inst, keep, sol)
    bounds = [critical["bound"], linear_bound // MU if linear_bound is not None else None]
    if critical["clocked"] and critical["searched_every"]:  # CP-SAT's own bound holds too
        bounds.append(found.bounds.critical)
    bounds = [b for b in bounds if b is not None]
    critical_bound = min(bounds) if bounds and bound_is_global_critical else None
    critical_bound = least(critical_bound, critical["wide_bound"])  # it searched every choice
    late = critical["late"]
    if late is not None and late.wait(0) is None and _within_gap(found.values.critical,
                                        least(critical_bound, outside() if outside is not None else None)):
        # The bound still to come could tighten tier 1a's by CRITICAL_GAP at most: its core
        # goes to the searches after it. Seed 7007 on a slow day: HiGHS ran from 13 s to the
        # end of the run, never done, beside every search, where the flows' 164 bounded the
        # critical search's 163.
        late.cancel()
        late = None
    return Guidance(restricted(inst, full, keep, source), critical_bound, linear_bound, start,
                    found.deterministic_seconds, seconds, critical["set_aside"],
                    found.stopped_by_clock or critical["clocked"], late, late_linear, budget.deadline, choices)


def _within_gap(placed: int | None, bound: int | None) -> bool:
    """``placed`` critical requirements are within CRITICAL_GAP of ``bound``."""
    return placed is not None and bound is not None and bound - placed <= int(CRITICAL_GAP * bound)


def _linear(inst: Instance, full: Candidates, limit: float, budget: Budget, beside: threading.Thread
            ) -> tuple[int | None, float | None, Background | None, LinearChoices | None]:
    """The linear relaxation's bound on MU x 1a + 1b and the seconds it took, waiting for
    it while the critical relaxation (``beside``) runs, ``limit`` seconds at most; not done
    by then, it goes on beside the search until the part's deadline (returned third); and
    the choices its solution uses, read when the final search asks (fourth). (None, None,
    None, None) when a stop was requested. The guided search does not wait for it: on a
    connected 1,000-trainee region the search waited 11 s for it after the critical
    relaxation was done, and it was done 3 s after the search had started."""
    if stop.requested():
        return None, None, None, None
    built = build(inst, full, relaxation=True)
    built.model.maximize(MU * built.tiers.critical.expr + built.tiers.others.expr)
    background = Background(built.model, LATE_SHARE * budget.wall_left(), solution=True)
    choices = LinearChoices(built, background, budget.deadline)
    beside.join(limit)
    relaxed = background.wait(0)
    if relaxed is None:
        return None, None, background, choices
    return relaxed.bound(), relaxed.seconds, None, choices
