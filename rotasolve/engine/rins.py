"""RINS beside the final search of a shortlisted part (``model/rins.py``): the guided
search's start improved on tier 1b among each unit's nearest cases and supervisors of each
kind and the start's own choices, then among wider lists from that answer; on the other
core the wider lists' relaxation is solved for that second phase, then the final CP-SAT
search runs from the same start; the better on tier 1 is the part's answer.

Why other lists: the shortlist a large region is searched on ranks cases and supervisors
by their cost in the trainee's week, where met by video costs nothing; its lists filled
with the region's video supervisors and its relaxation said 575 for tier 1b on seed 7002,
where every choice's says 625. The final CP-SAT search from the guided start ended at 557
to 559 whatever its lists (12 cheapest, or 6 or 8 of each kind). RINS needs only a
relaxation, and searches where the start and it disagree.

Why the start's own choices in the relaxation: the start is completed by hand among every
choice, and half its other placements lay outside any list; a relaxation without them has
no say there, and RINS from it found 575 on seed 7002 and 395 on f64 where with them it
found 595 and 403 (docs/decisions.md). So the relaxation is solved once the start is
known, and the final search runs beside it on the other core, its answer kept where RINS
does no better or not in time.

Why a second phase among wider lists: the nearest lists' relaxation caps what RINS can
reach among them, and a relaxation of the wider lists takes twice as long, too long to
wait for before the first round. Solved on the other core while the first phase runs, it
is ready as that phase's neighbourhoods are exhausted (``Wider``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..core import stop
from ..domain import Instance
from ..domain.choices import Candidates, shortlists
from ..model.build import build, completed_hint, extract, hint_from
from ..model.objective import score
from ..model.search import Budget
from ..core.progress import Progress
from ..model.rins import AGREE, RelaxedPoint, RinsProgram, first_order_point, improve, relaxed_point, rins_program
from ..results.solution import Solution
from ..core.tuning import (
    BUILD_SECONDS_PER_VARIABLE,
    HINT_COMPLETION_SECONDS,
    INTERIOR_SECONDS_PER_VARIABLE,
    RINS_FINAL_WALL,
    RINS_FIRST_ORDER_ITERATIONS,
    RINS_INTERIOR_SECONDS_PER_VARIABLE,
    RINS_LISTS_PER_UNIT,
    RINS_ROUNDS,
    RINS_ROUNDS_LEAST,
    RINS_UP_TO,
    RINS_WIDER_AGREE,
    RINS_WIDER_PER_UNIT,
    RINS_WIDER_UP_TO,
    SEARCH_PER_SECOND_LARGE,
)
from . import memory
from .kept_choices import with_allocation
from .one_model import Outer, PartResult
from .options import SolveOptions


def rins_planned(inst: Instance, searched: Candidates) -> bool:
    """RINS is planned for a shortlisted part whose searched lists have at most
    ``RINS_UP_TO`` variables (its relaxation and rounds fit the time of a 1,000-trainee
    region's run; a 2,000-trainee one's lists are about twice as large)."""
    return memory.variables(inst, searched) <= RINS_UP_TO


@dataclass(frozen=True)
class RinsLists:
    """The lists RINS searches among (with the start's own choices): each unit's
    ``RINS_LISTS_PER_UNIT`` nearest cases and supervisors met in person and as many by
    video, and the wider lists of ``RINS_WIDER_PER_UNIT`` a kind its second phase
    searches (None where they pass ``RINS_WIDER_UP_TO`` variables). The nearest are
    within the wider: both rank alike, so the first phase's answer is among the second's
    choices."""

    nearest: Candidates
    wider: Candidates | None


def rins_lists_of(inst: Instance, every: Candidates) -> RinsLists:
    nearest, wider = shortlists(inst, every, (RINS_LISTS_PER_UNIT, RINS_WIDER_PER_UNIT), by_kind=True)
    return RinsLists(nearest, wider if memory.variables(inst, wider) <= RINS_WIDER_UP_TO else None)


def beside_final_search(inst: Instance, every: Candidates, lists: RinsLists, start: Solution, outer: Outer,
                        search: Callable[..., PartResult], options: SolveOptions, rest: Budget, final_least: float,
                        progress: Callable[[Progress], None] | None = None, where: str = "") -> PartResult:
    """RINS (``Rins``) from the start on one core, among the nearest lists and then among
    the wider ones from its answer; on the other, the wider lists' relaxation for that
    second phase (``Wider``), then the final search (``search``, given options and a
    budget) from the same start, which keeps ``final_least`` seconds for itself whatever
    the relaxation (it is cut there). Both end RINS_FINAL_WALL before the deadline; RINS's
    allocation is the answer where it places more on tier 1. Its later tiers are as RINS
    left them: searched from it, they had no time left (f64's first round of RINS ends
    within a second of the deadline)."""
    until = rest.deadline - RINS_FINAL_WALL
    if progress:
        progress(Progress(what="note", message=f"{where}tier 1b improved by RINS among each trainee's nearest cases "
                                               "and supervisors, then among more, beside the final search"))
    rins = Rins(inst, every, lists.nearest, start)
    wider = Wider(inst, every, lists.wider, start, until - final_least) if lists.wider is not None else None
    final_budget = Budget((rest.less(wider.planned_deterministic) if wider else rest).deterministic, until)
    searched: list[PartResult | BaseException] = []

    def final_search() -> None:
        try:
            if wider is not None:
                wider.relax(after=rins.read)  # first: the final search rarely wins where RINS runs
            searched.append(search(options=replace(options, workers=max(1, options.workers - 1)),
                                   rest=final_budget, progress=None))
        except BaseException as error:  # noqa: BLE001 - raised again below, on the caller's thread
            searched.append(error)
    worker = threading.Thread(target=final_search, name="rotasolve-final", daemon=True)
    worker.start()
    try:
        improved, clocked = rins.improved(until)
    finally:
        rins.read.set()  # read, or never to be: the wider phase waits no longer
    size = rins.size
    # Not where the window ended the first phase (a round then would only overrun it); where
    # the clock only chose PDLP's point the window may hold it (seed 7007 on a slow day: the
    # first phase done 4 s before the end, the wider lists' relaxation ready).
    if wider is not None and not rins.out_of_time:
        further, wider_clocked = wider.improved(improved or start, until)
        clocked = clocked or wider_clocked
        if further is not None:
            improved, size = further, wider.size
    worker.join()
    result = searched[0]
    if isinstance(result, BaseException):
        raise result
    result.stopped_by_clock = result.stopped_by_clock or clocked
    if improved is None:
        return result
    values = score(inst, improved)
    if progress:
        progress(Progress(what="note", message=f"{where}RINS placed {values.critical} critical and "
                                               f"{values.others} weighted other requirements"))
    if result.values is not None and values.ordered()[:2] <= result.values.ordered()[:2]:
        return result
    return PartResult("FEASIBLE", values, outer.bounds(values.critical), improved, size, "guided",
                      result.deterministic_seconds, result.stopped_by_clock,
                      result.notes + ["tier 1 from RINS beside the final search (its later tiers not searched)"])


@dataclass(frozen=True)
class Ready:
    """What RINS's rounds need before the first: the allocation they start from, as a
    value for every variable, and the model as they read it."""

    hint: dict[int, int]
    program: RinsProgram


class Rins:
    """RINS's model of a part: its lists of each kind with the start's own choices, tier
    1a held at the start's and tier 1b maximised, and (``hinted``) the start as a value
    for every variable. Built before the final search starts beside it, which builds its
    own model in Python too (built beside it, this one took a second longer). Not hinted
    where the rounds start from another allocation (the second phase's: the first's answer,
    ``Wider``)."""

    def __init__(self, inst: Instance, every: Candidates, lists: Candidates, start: Solution,
                 hinted: bool = True) -> None:
        self.start = start
        self.built = built = build(inst, with_allocation(inst, lists, every, start))
        built.model.add(built.tiers.critical.expr >= score(inst, start).critical)
        built.model.maximize(built.tiers.others.expr)
        self.hint = self.hint_of(start) if hinted else None
        self.out_of_time = False  # the window, not the plan, ended ``improved``'s rounds (or left no point)
        proto = built.model.Proto()
        self.size = {"variables": len(proto.variables), "constraints": len(proto.constraints)}
        self._program: RinsProgram | None = None
        self._reading = threading.Lock()
        self.read = threading.Event()  # its program is read (``program``)

    @property
    def program(self) -> RinsProgram:
        """The model as RINS reads it, read once for its point and its rounds (``Wider``
        asks from two threads at once: the second waits for the first's reading)."""
        with self._reading:
            try:
                if self._program is None:
                    self._program = rins_program(self.built.model)
                return self._program
            finally:
                self.read.set()

    def hint_of(self, allocation: Solution) -> dict[int, int]:
        """A value for every variable: ``allocation``'s, completed."""
        return completed_hint(self.built.model, hint_from(self.built.vars, allocation), HINT_COMPLETION_SECONDS)

    def ready(self, start: Solution | None = None) -> Ready:
        """The rounds' start (``start``, default the model's own) and the model read."""
        hint = self.hint if start is None and self.hint is not None \
            else self.hint_of(start if start is not None else self.start)
        return Ready(hint, self.program)

    def improved(self, until: float, point: RelaxedPoint | None = None, start: Solution | None = None,
                 agree: tuple[float, ...] = (AGREE,), ready: Ready | None = None) -> tuple[Solution | None, bool]:
        """``start`` (default: the model's own) improved on tier 1b until ``until`` (a
        ``time.monotonic()``) against ``point`` (default: this model's relaxation, solved
        now), in at most ``RINS_ROUNDS`` rounds fixing the variables within each of
        ``agree`` of it in turn. ``ready``: ``self.ready(start)``, where made before.
        Returns the better allocation (None: none found) and whether the clock, not the
        plan, ended it or chose its point (``out_of_time``: the window ended it)."""
        built = self.built
        clocked = False
        if point is None:
            point, clocked = self.relaxed(until)
        if point is None:
            self.out_of_time = True
            return None, True
        ready = ready or self.ready(start)
        rins = improve(ready.program, ready.hint, point, until - time.monotonic(), RINS_ROUNDS, agree)
        self.out_of_time = rins.stopped_by_clock
        if rins.solution is None:
            return None, rins.stopped_by_clock or clocked
        values = rins.solution
        improved = extract(built.vars, lambda var: int(values[var.Index()]))
        improved.status = self.start.status
        return improved, rins.stopped_by_clock or clocked

    def relaxed(self, until: float) -> tuple[RelaxedPoint | None, bool]:
        """This model's relaxation's point, and whether the clock chose it: HiGHS's
        interior point where the window left holds its planned time and rounds after it
        (``RINS_INTERIOR_SECONDS_PER_VARIABLE``, ``RINS_ROUNDS_LEAST``); otherwise PDLP's
        after ``RINS_FIRST_ORDER_ITERATIONS``.

        Why: RINS's rounds need a guide, and the interior point is the better one where it
        comes in time (f64: 402 where PDLP's point gave 394). Where it does not, the run
        ended with no round at all: seed 7012's took 16-21 s of a window of 15 and its
        answer stayed the start's 574; from PDLP's point (2.5-4.3 s) a round finds 620-625
        (docs/decisions.md)."""
        return self.point_within(until, RINS_ROUNDS_LEAST)

    def point_within(self, until: float, rounds_after: float) -> tuple[RelaxedPoint | None, bool]:
        """``relaxed``, the window to hold ``rounds_after`` seconds of rounds after the
        interior point (the second phase's rounds have the final search's least time after
        its point: 0)."""
        # Chosen before the model is read, as when each point read it itself (the same
        # choice); the point then has the window the reading left.
        planned = RINS_INTERIOR_SECONDS_PER_VARIABLE * self.size["variables"] + rounds_after
        interior = until - time.monotonic() >= planned
        program = self.program  # read once, for the rounds too
        left = until - time.monotonic()
        if interior:
            return relaxed_point(program, left), False
        return first_order_point(program, RINS_FIRST_ORDER_ITERATIONS, left), True


class Wider:
    """RINS's second phase: its model among the wider lists, built with the start's
    choices and relaxed (``relax``, on the final search's thread before it searches, cut
    at ``until``); ``improved`` waits for that relaxation and improves the first phase's
    answer against it. Why: among the nearest lists RINS's relaxation caps tier 1b (seed
    7002: 599 from 572, the neighbourhood then exhausted, where the bound is 631); the
    wider lists' model is a third larger and its relaxation twice as long, too long before
    the first round, and from the first phase's 599 their rounds reached 610 (fixing
    within 0.02 of the point) and then 620 (within 0.01), docs/decisions.md.

    Its first round waits for the relaxation only: the first phase's answer as a value for
    every variable, and the model read for the rounds, are made while it is solved (the
    first phase is mostly done first; on a fast day at seed 7002, 1.4 s of a round of
    9-10 s that had 8.6-11.4)."""

    def __init__(self, inst: Instance, every: Candidates, lists: Candidates, start: Solution, until: float) -> None:
        self._made = (inst, every, lists, start)
        self._until = until
        self._built = threading.Event()
        self._done = threading.Event()
        self.rins: Rins | None = None
        self.point: RelaxedPoint | None = None
        # the tolerances its rounds fix within, in turn (the interior point's; PDLP's: AGREE)
        self.agree: tuple[float, ...] = RINS_WIDER_AGREE
        self.point_by_clock = False  # the clock chose PDLP's point (as ``Rins.relaxed`` says)
        # What it takes from the final search's core, planned from its lists' size.
        seconds = (BUILD_SECONDS_PER_VARIABLE + INTERIOR_SECONDS_PER_VARIABLE) * memory.variables(inst, lists)
        self.planned_deterministic = SEARCH_PER_SECOND_LARGE * seconds

    @property
    def size(self) -> dict[str, int]:
        return self.rins.size if self.rins is not None else {"variables": 0, "constraints": 0}

    def relax(self, after: threading.Event | None = None) -> None:
        """Its model built and relaxed, once ``after`` is set (or the window is over): the
        first phase's model read (``Rins.read``). Both hold Python's lock, and the first
        phase's point waits on its reading (seed 7012 on a slow day: 2.7 s beside this
        model's building, 1.1-1.4 s before it)."""
        try:
            if after is not None:
                after.wait(max(0.0, self._until - time.monotonic()))
            if not stop.requested() and time.monotonic() < self._until:
                self.rins = Rins(*self._made, hinted=False)  # its rounds start from the first phase's answer
                self._built.set()
                # The interior point where the window surely holds it, as the first phase
                # plans; else PDLP's rougher point, in seconds, its rounds within AGREE.
                # Seed 7007 on a slow day: planned at a usual day's rate, the interior
                # point was cut at 10 s and at 18 s, and the phase had nothing to search from.
                self.point, self.point_by_clock = self.rins.point_within(self._until, 0.0)
                if self.point_by_clock:
                    self.agree = (AGREE,)
        finally:
            self._built.set()
            self._done.set()

    def improved(self, first: Solution, until: float) -> tuple[Solution | None, bool]:
        """``first`` (the first phase's answer, or the start) improved among the wider
        lists; None where its relaxation was not done in time (clocked) or nothing better
        was found."""
        if not self._built.wait(max(0.0, until - time.monotonic())) or self.rins is None:
            return None, True
        ready = self.rins.ready(first)  # while its relaxation is solved
        done = self._done.wait(max(0.0, until - time.monotonic()))
        if not done or self.point is None:
            return None, True
        found, clocked = self.rins.improved(until, self.point, first, self.agree, ready)
        return found, clocked or self.point_by_clock
