"""RINS beside the final search of a shortlisted part (``model/rins.py``): the guided
search's start improved on tier 1b among each unit's nearest cases and supervisors of each
kind and the start's own choices, while the final CP-SAT search runs from the same start
on the other core; the better on tier 1 is the part's answer.

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
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from ..domain import Instance
from ..domain.choices import Candidates, shortlist
from ..model.build import build, completed_hint, extract, hint_from
from ..model.objective import score
from ..model.search import Budget
from ..core.progress import Progress
from ..model.rins import improve, relaxed_point
from ..results.solution import Solution
from ..core.tuning import (
    HINT_COMPLETION_SECONDS,
    RINS_FINAL_WALL,
    RINS_LISTS_PER_UNIT,
    RINS_ROUNDS,
    RINS_UP_TO,
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


def rins_lists_of(inst: Instance, every: Candidates) -> Candidates:
    """The lists RINS searches among (with the start's own choices): each unit's
    ``RINS_LISTS_PER_UNIT`` nearest cases and supervisors met in person and as many by video."""
    return shortlist(inst, every, RINS_LISTS_PER_UNIT, by_kind=True)


def beside_final_search(inst: Instance, every: Candidates, lists: Candidates, start: Solution, outer: Outer,
                        search: Callable[..., PartResult], options: SolveOptions, rest: Budget,
                        progress: Callable[[Progress], None] | None = None, where: str = "") -> PartResult:
    """The final search on one core (``search``, given options and a budget), and RINS
    (``Rins``) from the same start on the other, both until RINS_FINAL_WALL before
    the deadline; RINS's allocation is the answer where it places more on tier 1. Its
    later tiers are as RINS left them: searched from it, they had no time left (f64's
    first round of RINS ends within a second of the deadline)."""
    until = rest.deadline - RINS_FINAL_WALL
    if progress:
        progress(Progress(what="note", message=f"{where}tier 1b improved by RINS among each trainee's nearest cases "
                                               "and supervisors, beside the final search"))
    rins = Rins(inst, every, lists, start)
    searched: list[PartResult | BaseException] = []

    def final_search() -> None:
        try:
            searched.append(search(options=replace(options, workers=max(1, options.workers - 1)),
                                   rest=Budget(rest.deterministic, until), progress=None))
        except BaseException as error:  # noqa: BLE001 - raised again below, on the caller's thread
            searched.append(error)
    worker = threading.Thread(target=final_search, name="rotasolve-final", daemon=True)
    worker.start()
    improved, clocked = rins.improved(until)
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
    return PartResult("FEASIBLE", values, outer.bounds(values.critical), improved, rins.size, "guided",
                      result.deterministic_seconds, result.stopped_by_clock,
                      result.notes + ["tier 1 from RINS beside the final search (its later tiers not searched)"])


class Rins:
    """RINS's model of a part: its lists of each kind with the start's own choices, tier
    1a held at the start's and tier 1b maximised, and the start as a value for every
    variable. Built before the final search starts beside it, which builds its own model
    in Python too (built beside it, this one took a second longer)."""

    def __init__(self, inst: Instance, every: Candidates, lists: Candidates, start: Solution) -> None:
        self.start = start
        self.built = built = build(inst, with_allocation(inst, lists, every, start))
        built.model.add(built.tiers.critical.expr >= score(inst, start).critical)
        built.model.maximize(built.tiers.others.expr)
        self.hint = completed_hint(built.model, hint_from(built.vars, start), HINT_COMPLETION_SECONDS)
        proto = built.model.Proto()
        self.size = {"variables": len(proto.variables), "constraints": len(proto.constraints)}

    def improved(self, until: float) -> tuple[Solution | None, bool]:
        """The start improved on tier 1b until ``until`` (a ``time.monotonic()``), in at
        most ``RINS_ROUNDS`` rounds. Returns the better allocation (None: none found) and
        whether the clock, not the plan, ended it."""
        built = self.built
        point = relaxed_point(built.model, until - time.monotonic())
        if point is None:
            return None, True
        rins = improve(built.model, self.hint, point, until - time.monotonic(), RINS_ROUNDS)
        if rins.solution is None:
            return None, rins.stopped_by_clock
        values = rins.solution
        improved = extract(built.vars, lambda var: int(values[var.Index()]))
        improved.status = self.start.status
        return improved, rins.stopped_by_clock
