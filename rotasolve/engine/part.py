"""Solving one independent part of a region: plan within the memory budget, build, search,
and fall back to the greedy allocation when the search finds nothing in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..baseline import coverage_bound, greedy
from ..domain import Instance
from ..model.build import build, extract, hint_from
from ..model.candidates import Candidates, eligible
from ..model.objective import score
from ..model.search import Budget, search
from ..progress import Progress
from ..solution import Solution
from . import memory
from .lns import improve
from .options import SolveOptions

@dataclass
class PartResult:
    status: str  # OPTIMAL FEASIBLE INFEASIBLE UNKNOWN
    values: list[int]
    bounds: list[int | None]
    solution: Solution | None
    size: dict[str, int]
    strategy: str  # full, neighbourhoods, greedy
    deterministic_seconds: float = 0.0
    stopped_by_clock: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    strategy: str  # full: one model; neighbourhoods: large-neighbourhood search; greedy
    candidates: Candidates | None
    neighbourhood: int = 0  # trainees set free at a time, for large-neighbourhood search
    note: str = ""


# Above this many variables one CP-SAT model improves too slowly on a 2-core machine
# (measured: a connected 500-trainee region of 59,000 variables did not improve on the
# greedy start in 30 deterministic seconds, while 120-250-trainee regions of 5,000-14,000
# were solved or nearly so); larger parts are searched a neighbourhood at a time.
ONE_MODEL_UP_TO = 20_000
NEIGHBOURHOOD_VARIABLES = 12_000  # what one neighbourhood's free trainees may add


def plan(inst: Instance, budget_bytes: int, label: str = "") -> Plan:
    """One model if it is small enough to search well and fits the memory budget, else
    large-neighbourhood search with neighbourhoods that fit, else the greedy allocation."""
    full = eligible(inst)
    variables = memory.variables(inst, full)
    need = memory.estimate(inst, full)
    if variables <= ONE_MODEL_UP_TO and need <= budget_bytes:
        return Plan("full", full)
    where = f"{label}: " if label else ""
    per_trainee = max(1.0, variables / max(1, len(inst.trainees)))
    fits = (budget_bytes - memory.BASE_BYTES) / memory.BYTES_PER_VARIABLE  # variables the budget holds
    most = int(min(NEIGHBOURHOOD_VARIABLES, fits * 0.8) / per_trainee)
    if most < FEWEST_FREE:
        return Plan("greedy", None, note=f"{where}even a neighbourhood of {FEWEST_FREE} trainees would pass the "
                                         f"memory budget of {memory.gib(budget_bytes)}; the by-hand (greedy) "
                                         "allocation is used")
    why = (f"one model would need about {memory.gib(need)}, over the memory budget of {memory.gib(budget_bytes)}"
           if need > budget_bytes else f"one model would have about {variables:,} variables")
    return Plan("neighbourhoods", full, neighbourhood=min(most, len(inst.trainees)),
                note=f"{where}{why}; it is improved {min(most, len(inst.trainees))} trainees at a time "
                     "(large-neighbourhood search)")


FEWEST_FREE = 20  # trainees: a smaller neighbourhood rarely improves anything


def solve_part(inst: Instance, options: SolveOptions, budget: Budget, budget_bytes: int,
               progress: Callable[[Progress], None] | None = None, label: str = "") -> PartResult:
    the_plan = plan(inst, budget_bytes, label)
    notes = [the_plan.note] if the_plan.note else []
    if notes and progress:
        progress(Progress(what="note", message=notes[0]))
    by_hand = greedy(inst)
    if the_plan.strategy == "full":
        return _one_model(inst, the_plan.candidates, by_hand, options, budget, progress, label)
    start = by_hand or _kept_only(inst, options, budget)
    if start is None:
        return PartResult("INFEASIBLE", [], [], None, {"variables": 0, "constraints": 0}, the_plan.strategy,
                          notes=notes)
    if the_plan.strategy == "greedy":
        return _greedy_result(inst, start, {"variables": 0, "constraints": 0}, "greedy", notes)
    found, tiers, spent, clocked = improve(inst, start, options, budget, the_plan.neighbourhood, progress, label)
    size = {"variables": memory.variables(inst, the_plan.candidates), "constraints": 0}
    return PartResult("FEASIBLE", tiers, [None] * len(tiers), found, size, the_plan.strategy, spent, clocked, notes)


def _one_model(inst: Instance, candidates: Candidates, by_hand: Solution | None, options: SolveOptions,
               budget: Budget, progress, label: str) -> PartResult:
    built = build(inst, candidates)
    size = built.size()
    hint = hint_from(built.vars, by_hand) if by_hand is not None else None
    found = search(built, budget, workers=options.workers, seed=options.seed, hint=hint,
                   progress=progress, label=label)
    if found.infeasible:
        return PartResult("INFEASIBLE", [], [], None, size, "full", found.deterministic_seconds,
                          found.stopped_by_clock)
    if found.assignment is None:
        result = _greedy_result(inst, by_hand, size, "full", [])
        result.deterministic_seconds, result.stopped_by_clock = found.deterministic_seconds, found.stopped_by_clock
        return result
    solution = extract(built.vars, lambda var: found.assignment[var.Index()])
    return PartResult("OPTIMAL" if found.proven else "FEASIBLE", found.values, found.bounds, solution, size,
                      "full", found.deterministic_seconds, found.stopped_by_clock)


def _kept_only(inst: Instance, options: SolveOptions, budget: Budget) -> Solution | None:
    """The running items alone, their slots arranged: where to start when the by-hand
    allocation cannot even arrange them. None when they clash (the part is infeasible)."""
    built = build(inst, eligible(inst).only(set()))
    found = search(built, Budget(None if budget.deterministic is None else min(5.0, budget.deterministic),
                                 budget.deadline), workers=options.workers, seed=options.seed)
    if found.assignment is None:
        return None
    return extract(built.vars, lambda var: found.assignment[var.Index()])


def _greedy_result(inst: Instance, by_hand: Solution | None, size, strategy: str, notes: list[str]) -> PartResult:
    """The search found nothing in its time (or no model fitted): the by-hand allocation,
    which the checker accepts, rather than no answer at all."""
    if by_hand is None:
        return PartResult("UNKNOWN", [], [], None, size, strategy, notes=notes)
    notes = notes + ["no search result in time; the by-hand (greedy) allocation is used"]
    # Nothing was proven; the max-flow bound still says how many critical placements are possible.
    return PartResult("FEASIBLE", score(inst, by_hand), [coverage_bound(inst), None, None, None], by_hand, size,
                      "greedy", notes=notes)
