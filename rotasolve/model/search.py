"""Running CP-SAT on a built model: the tiers in strict order, each with its proven bound.

Tier 1a (critical placements) and tier 1b (other placements, by seniority) are solved as
one exact weighted sum, ``W × 1a + 1b`` with ``W`` one more than the most 1b can be, so
no 1b gain can ever outweigh one critical placement. Solving them as two stages, the
second hinted with the first's answer, trapped the search: stage 1a stops at the first
allocation that places every critical requirement it can, whatever its 1b, and stage 1b
then searched near it (on an LTFT-heavy scheme it stayed at 130 where 168 was possible).
Tiers 2 and 3 follow as stages, each holding the tiers above at their values, hinted
with the previous stage's allocation (which satisfies the new constraint by construction).

Time: each CP-SAT call gets a share of the part's deterministic budget (reproducible:
the same model, seed and budget give the same answer on any machine) and never runs past
the wall-clock deadline; a call stopped by the clock is reported so the run can say it
is not reproducible.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from .. import stop
from ..progress import Progress
from .build import Built

STAGE_SHARES = (0.6, 0.25, 0.15)  # of a part's budget: tier 1, tier 2, tier 3
LIGHT_PRESOLVE_ABOVE = 60_000  # variables; see _solver()


@dataclass(frozen=True)
class Budget:
    """What one search may spend: deterministic seconds (None: only the clock) and a
    wall-clock deadline (time.monotonic())."""

    deterministic: float | None
    deadline: float

    def share(self, fraction: float, spent_deterministic: float) -> "Budget":
        if self.deterministic is None:
            return self
        return Budget(max(0.05, (self.deterministic - spent_deterministic) * fraction), self.deadline)

    def less(self, deterministic: float) -> "Budget":
        """This budget with ``deterministic`` seconds set aside for other work."""
        if self.deterministic is None:
            return self
        return Budget(max(0.05, self.deterministic - deterministic), self.deadline)

    def wall_left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class SearchResult:
    values: list[int]  # tiers 1a, 1b, 2, 3
    bounds: list[int | None]
    proven: bool  # every tier proven optimal
    assignment: dict[int, int] | None  # variable index -> value, None when nothing was found
    deterministic_seconds: float = 0.0
    stopped_by_clock: bool = False
    infeasible: bool = False
    extra: dict[str, int] = field(default_factory=dict)  # values of stages outside the tiers
    extra_bounds: dict[str, int] = field(default_factory=dict)  # and their proven bounds


def stopped_by_clock(solver: cp_model.CpSolver, status) -> bool:
    """Whether the clock, not the search's own work, ended a call. A call ends proven, or
    when its deterministic budget is spent, or at the wall-clock limit; so one that is
    neither proven nor out of budget was stopped by the clock. (Its wall time alone did not
    say: on a busy machine a call cut at the deadline passed the test of 99% of its wall
    limit, and the run claimed to be reproducible when an idle machine gave another answer.)"""
    p = solver.parameters
    if solver.WallTime() >= p.max_time_in_seconds * 0.99:
        return True
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or not math.isfinite(p.max_deterministic_time):
        return False
    return solver.deterministic_time < p.max_deterministic_time * 0.99


def _solver(workers: int, seed: int, budget: Budget, n_variables: int,
            subsolvers: tuple[str, ...] = ()) -> cp_model.CpSolver | None:
    wall = budget.wall_left()
    if wall <= 0.01:
        return None
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, workers)
    p.random_seed = seed
    p.max_time_in_seconds = wall
    p.catch_sigint_signal = False  # Ctrl-C is the caller's: it stops the search through rotasolve.stop
    # Interleaved search (CP-SAT's deterministic parallel mode) in both modes: with 2
    # workers it runs a whole portfolio in turns, where the ordinary parallel mode runs just
    # two; on a 120-trainee region that mode had not proven tier 1 after 58 s, which the
    # interleaved one proves in 2-6 s.
    p.interleave_search = True
    if budget.deterministic is not None:
        p.max_deterministic_time = max(0.05, budget.deterministic)
    p.subsolvers.extend(subsolvers)  # none: CP-SAT's own portfolio
    if n_variables > LIGHT_PRESOLVE_ABOVE:
        # On large models probing and symmetry detection cost seconds before any
        # solution; on small ones they pay for themselves.
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
    return solver


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Each better solution as a progress event; tier 1's weighted sum is shown as what it
    counts: critical placements (against their bound) and the others."""

    def __init__(self, report: Callable[[Progress], None], event: Progress, t0: float, stage: "Stage"):
        super().__init__()
        self._report, self._event, self._t0, self._stage = report, event, t0, stage

    def on_solution_callback(self) -> None:
        self._report(_event(self._event, round(self.ObjectiveValue()), math.floor(self.BestObjectiveBound() + 1e-6),
                            self._stage, time.monotonic() - self._t0))


def _event(event: Progress, value: int, bound: int, stage: "Stage", elapsed: float, done: bool = False) -> Progress:
    weight = stage.weight
    if weight <= 1:
        return event.update(incumbent=value, bound=bound, elapsed=elapsed, done=done)
    if len(stage.tiers) == 2:
        return event.update(incumbent=value // weight, bound=bound // weight, elapsed=elapsed, done=done,
                            message=f"others {value % weight}")
    first = -(-value // weight)  # weight x tier - penalty: the tier, and the penalty below one weight
    return event.update(incumbent=first, bound=-(-bound // weight), elapsed=elapsed, done=done,
                        message=f"penalty {weight * first - value}")


@dataclass(frozen=True)
class Stage:
    """One CP-SAT solve: maximise ``expr``, then hold it at the value found.

    ``tiers`` says which of the objective's tiers the stage settles: ``(0, 1)`` for
    ``weight x tier 1a + tier 1b``, ``(i,)`` for one tier, ``()`` for something outside
    the tiers (the changes of a re-plan), reported under ``name`` in ``SearchResult.extra``.
    ``(i,)`` with a weight above 1 is ``weight x tier i - penalty``, the penalty between 0
    and weight - 1 (the additions of a capacity search): the tier first, then the least
    penalty, settled at once; minus the penalty is reported under ``name``.
    """

    name: str
    expr: object
    tiers: tuple[int, ...] = ()
    weight: int = 1
    share: float = 0.2  # of the search budget left when the stage starts, in proportion


def tier_stages(built: Built) -> list[Stage]:
    """The tiers of domain.md in their order: 1a and 1b as one exact weighted sum, then 2, then 3."""
    tiers = built.tiers
    weight = tiers[1].most + 1
    return [Stage("critical placed (others by seniority)", weight * tiers[0].expr + tiers[1].expr, (0, 1), weight,
                  STAGE_SHARES[0]),
            Stage("waiting and preferences", tiers[2].expr, (2,), share=STAGE_SHARES[1]),
            Stage("travel and load", tiers[3].expr, (3,), share=STAGE_SHARES[2])]


def search(built: Built, budget: Budget, *, workers: int = 2, seed: int = 0,
           hint: dict[int, int] | None = None, stages: list[Stage] | int | None = None,
           progress: Callable[[Progress], None] | None = None, label: str = "",
           subsolvers: tuple[str, ...] = ()) -> SearchResult:
    """Maximise the stages of ``built`` in order within ``budget`` (default: the tiers;
    a number: the first that many of them); ``subsolvers``: CP-SAT's to run, in turns."""
    model, tiers = built.model, built.tiers
    if stages is None or isinstance(stages, int):
        stages = tier_stages(built)[:stages]
    n_variables = len(model.Proto().variables)
    t0 = time.monotonic()
    result = SearchResult(values=[None] * len(tiers), bounds=[None] * len(tiers), proven=True, assignment=None)
    spent, last = 0.0, None
    for i, stage in enumerate(stages):
        share = stage.share / sum(s.share for s in stages[i:])
        solver = _solver(workers, seed, budget.share(share, spent), n_variables, subsolvers)
        if solver is None or stop.requested():  # out of time, or stopped early: keep what was found
            result.stopped_by_clock = True
            break
        model.ClearObjective()
        model.Maximize(stage.expr)
        model.ClearHints()
        for index, value in (hint or {}).items():
            model.AddHint(model.GetIntVarFromProtoIndex(index), value)
        event = Progress(what="tier", label=label, stage=i + 1, stages=len(stages), tier=stage.name)
        callback = _Reporter(progress, event, t0, stage) if progress else None
        with stop.stoppable(solver.StopSearch):
            status = solver.Solve(model, callback)
        spent += solver.deterministic_time
        if stopped_by_clock(solver, status):
            result.stopped_by_clock = True
        if status == cp_model.INFEASIBLE and i == 0:
            result.infeasible = True
            return result
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result.proven = False
            break
        value = round(solver.ObjectiveValue())
        bound = math.floor(solver.BestObjectiveBound() + 1e-6)
        result.proven = result.proven and status == cp_model.OPTIMAL
        _settle(model, tiers, stage, value, bound, result)
        hint = {j: solver.Value(model.GetIntVarFromProtoIndex(j)) for j in range(n_variables)}
        result.assignment, last = hint, solver
        if progress:
            progress(_event(event, value, bound, stage, time.monotonic() - t0, done=True))
    result.deterministic_seconds = spent
    if last is not None:
        _score_the_rest(built, result, last)
    return result


def _settle(model, tiers, stage: Stage, value: int, bound: int, result: SearchResult) -> None:
    """Record a stage's value and bound, and hold it there for the stages that follow."""
    if len(stage.tiers) == 2:
        first, second = stage.tiers
        v1a, v1b = divmod(value, stage.weight)
        result.values[first], result.values[second] = v1a, v1b
        result.bounds[first] = min(tiers[first].most, bound // stage.weight)
        result.bounds[second] = min(tiers[second].most, bound - stage.weight * v1a)
        model.Add(tiers[first].expr >= v1a)
        model.Add(tiers[second].expr >= v1b)
        return
    if stage.tiers and stage.weight > 1:  # weight x tier - penalty
        i, weight = stage.tiers[0], stage.weight
        tier, most = -(-value // weight), -(-bound // weight)
        result.values[i], result.bounds[i] = tier, min(tiers[i].most, most)
        result.extra[stage.name] = value - weight * tier
        if most == tier:  # the penalty's bound holds only once the tier is settled
            result.extra_bounds[stage.name] = bound - weight * tier
    elif stage.tiers:
        result.values[stage.tiers[0]], result.bounds[stage.tiers[0]] = value, bound
    else:
        result.extra[stage.name], result.extra_bounds[stage.name] = value, bound
    model.Add(stage.expr >= value)


def _score_the_rest(built: Built, result: SearchResult, last: cp_model.CpSolver) -> None:
    """Tiers no stage reached (out of time, or not asked for) are scored on the last
    allocation, with their bounds unknown."""
    for i, tier in enumerate(built.tiers):
        if result.values[i] is None:
            result.values[i] = round(last.Value(tier.expr))
            result.proven = False
