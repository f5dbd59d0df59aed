"""Relaxation-induced neighbourhood search (RINS) with HiGHS: an allocation improved
where a linear relaxation's solution disagrees with it.

Why: on a random 1,000-trainee region (seed 7002) CP-SAT's reproducible search stopped at
559 for tier 1b where the region allows at least 620: nine of the twelve improvements
its ordinary (parallel) mode found came from its own RINS, which OR-Tools turns off in
interleaved search as not deterministic. The same neighbourhood solved by HiGHS is
deterministic: from the run's answer, 593 in 5 s and 620 in 24 s more (docs/decisions.md,
"RINS with HiGHS").

How: the variables on which the allocation and the relaxation's point agree (within
``AGREE``) are fixed; HiGHS's branch and cut searches the rest from the allocation and
stops at its first better one, so a round's answer is the same each run (HiGHS on one
thread, a fixed program). The next round fixes against the new allocation. Rounds end
when one finds nothing better (the best in its neighbourhood), when the allocation
reaches the relaxation's value (the best of the whole model), after ``rounds``, or at the
window, which the result reports (the clock, not the plan, ended it).

The relaxation's point is an interior one (HiGHS's interior-point method without
crossover, several times faster than a vertex here): every choice some optimal solution
uses is above zero in it, so the neighbourhood holds all of them, not one vertex's few.
Fixing where they agree within 0.01 left 27,000 of 104,000 variables free on seed 7002
and found 620; within 0.1, 9,800 and 562; a vertex's exact agreement, 6,000 and 609.
Where the interior point would not come in time, PDLP's point after a fixed count of
iterations guides instead (``first_order_point``): a rougher guide, but one in seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import highspy
import numpy as np
from ortools.sat.python import cp_model

from ..core import stop
from .first_order import FirstOrderBound
from .mip import exact_program_of
from .relaxation import LinearProgram, highs_of, parsed, program_of, satisfies, whole_at_most

AGREE = 0.01  # a variable within this of the relaxation's value is fixed
MIP_THREADS = 1
_NONZERO = 1e-9  # the point keeps only its variables above this (the rest are zero)
_Done = TypeVar("_Done")


@dataclass
class RinsResult:
    solution: np.ndarray | None = None  # every variable's value, better than the start's; None: none found
    rounds: int = 0
    improved: int = 0  # rounds that found a better allocation
    stopped_by_clock: bool = False  # the window, not the plan, ended the last round
    at_most: bool = False  # the allocation is at the most the point's relaxation says: the best


@dataclass(frozen=True)
class RelaxedPoint:
    """A linear relaxation's solution: its nonzero values, by variable name; and the most
    its model's objective can reach (the relaxation's value, in the program's own terms:
    before CP-SAT's offset and scaling), None where not known."""

    values: dict[str, float]
    most: float | None = None


def relaxed_point(model: cp_model.CpModel | RinsProgram, seconds: float) -> RelaxedPoint | None:
    """The solution of the model's linear relaxation (the model, or as read: ``rins_program``),
    or None when HiGHS does not finish within ``seconds`` or a stop was requested; solved
    on a thread of its own (``_in_own_thread``), with one thread (the interior-point
    method uses one)."""
    return _in_own_thread(partial(_relaxed_point, _read(model), seconds))


def first_order_point(model: cp_model.CpModel | RinsProgram, iterations: int, seconds: float) -> RelaxedPoint | None:
    """The model's linear relaxation's point after ``iterations`` of PDLP (one thread), and
    the most its row prices then allow (weak duality: a bound whether converged or not);
    None when ``seconds`` run out first.

    Why not HiGHS's optimum: RINS needs a guide, not the optimum, and waiting for the
    optimum cost the run the rounds it guides. On seed 7012 (86,000 variables, from the run's
    start 574) HiGHS's interior point took 16.4 s and its first round found 627; 800
    iterations of PDLP took 2.4 s and their first round found 634 (docs/decisions.md).

    Solved in a child process (``FirstOrderBound``): PDLP holds Python's lock while it
    runs, and RINS's second phase builds its model beside it. In the same process, seed
    7007's wider model took 8-11 s to build beside it on a slow day, 2.5 s alone, and its
    own point came too late for any round."""
    program = _read(model)
    lp = program.relaxation
    solved = FirstOrderBound(lp, iterations, max(0.1, seconds), point=True, shared=True).wait(None)
    if solved is None or solved.value is None or solved.solution is None or stop.requested():
        return None
    # in the program's own terms: the negated least of the negated gains
    return _point_of(program.names, np.clip(solved.solution, lp.lowest, lp.highest), solved.value)


def _relaxed_point(program: RinsProgram, seconds: float) -> RelaxedPoint | None:
    h = highs_of(program.relaxation, integer=False)
    for option, value in (("solver", "ipm"), ("run_crossover", "off"), ("time_limit", max(0.1, seconds))):
        h.setOptionValue(option, value)
    with stop.stoppable(h.cancelSolve):
        h.run()
    solution = h.getSolution()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal or not solution.value_valid:
        return None
    # HiGHS minimised the negated gains
    return _point_of(program.names, np.array(solution.col_value), -h.getInfo().objective_function_value)


def _point_of(names: tuple[str, ...], x: np.ndarray, most: float) -> RelaxedPoint:
    """A relaxation's solution ``x`` of a model whose variables are ``names`` as its
    nonzero values by name."""
    return RelaxedPoint({names[i]: float(x[i]) for i in np.flatnonzero(x > _NONZERO)}, most=most)


@dataclass(frozen=True)
class RinsProgram:
    """A model as RINS reads it: its variables' names, in order; its linear relaxation,
    which its point is solved on; and its rows stated exactly, for the rounds (the same
    program, None where the model has a row no linear program states exactly)."""

    names: tuple[str, ...]
    relaxation: LinearProgram
    lp: LinearProgram | None


def rins_program(model: cp_model.CpModel) -> RinsProgram:
    """The model read for RINS, once for its point and its rounds (2 s on a slow day for
    the wider lists' model, 0.9 s on a fast one; each read it before, in turn)."""
    proto = parsed(model)
    relaxation = program_of(proto)
    return RinsProgram(tuple(v.name for v in proto.variables), relaxation, exact_program_of(proto, relaxation))


def _read(model: cp_model.CpModel | RinsProgram) -> RinsProgram:
    return model if isinstance(model, RinsProgram) else rins_program(model)


def improve(model: cp_model.CpModel | RinsProgram, start: Mapping[int, int], point: RelaxedPoint, window: float,
            rounds: int, agree: tuple[float, ...] = (AGREE,)) -> RinsResult:
    """The model's objective (a maximum) improved from ``start`` (a value for every
    variable) in rounds of RINS against ``point`` (``relaxed_point``, of this model or
    of one with other choices: matched by variable name; a variable the point lacks is
    taken as zero in it), fixing the variables within each of ``agree`` of it in turn
    (up to ``rounds`` rounds each; the next tolerance once a round finds nothing). The
    model is read once for all of them (``rins_program``, unless given read).

    A point of this model says how far any allocation can go (``RelaxedPoint.most``);
    rounds end there, where one more could only prove nothing better exists (seed 7002's
    nearest lists: 599.73, their third round from 599 spent 3-5 s finding nothing). A point
    of another model says nothing of this one's: pass it without ``most``."""
    deadline = time.monotonic() + window
    program = _read(model)
    lp, names = program.lp, program.names
    result = RinsResult()
    if lp is None or len(start) < len(names):
        return result
    relaxed = np.array([point.values.get(name, 0.0) for name in names])
    best = np.array([start[i] for i in range(len(names))], dtype=float)
    if not satisfies(lp, best):
        return result
    # the objective is whole, so an allocation at the relaxation's value rounded down is
    # the best; the margin is wider than a vertex's, an interior point's value being only
    # within HiGHS's optimality tolerance (too wide: a round more, never one too few)
    best_possible = whole_at_most(point.most, relative=1e-6) if point.most is not None else math.inf
    for tolerance in agree:
        best = _rounds(lp, relaxed, best, tolerance, rounds, deadline, best_possible, result)
        if result.stopped_by_clock or result.at_most:
            break
    return result


def _rounds(lp: LinearProgram, relaxed: np.ndarray, best: np.ndarray, agree: float, rounds: int, deadline: float,
            best_possible: float, result: RinsResult) -> np.ndarray:
    """Up to ``rounds`` rounds from ``best`` fixing within ``agree`` of ``relaxed``,
    counted into ``result``; the best allocation they reach."""
    gains = -lp.costs  # CP-SAT minimises the negated maximum
    for _ in range(rounds):
        if stop.requested():
            break
        result.at_most = float(gains @ best) >= best_possible
        if result.at_most:
            break
        left = deadline - time.monotonic()
        if left <= 0.05:
            result.stopped_by_clock = True
            break
        fixed = np.abs(relaxed - best) < agree
        lowest, highest = lp.lowest.copy(), lp.highest.copy()
        lowest[fixed] = highest[fixed] = best[fixed]
        found, clocked = _in_own_thread(partial(_first_better, lp, gains, lowest, highest, best, left))
        result.rounds += 1
        result.stopped_by_clock = clocked
        if found is None:
            break
        best = found
        result.improved += 1
        result.solution = best.astype(np.int64)
    return best


def _first_better(lp: LinearProgram, gains: np.ndarray, lowest: np.ndarray, highest: np.ndarray, start: np.ndarray,
                  seconds: float) -> tuple[np.ndarray | None, bool]:
    """HiGHS's first allocation better than ``start`` within the bounds, checked against
    every row, and whether the clock ended the search."""
    n = len(gains)
    h = highs_of(LinearProgram(-gains, lowest, highest, lp.lower, lp.upper, lp.starts, lp.columns, lp.entries),
                 integer=True, threads=MIP_THREADS)  # HiGHS minimises
    for option, value in (("mip_rel_gap", 0.0), ("mip_abs_gap", 0.99), ("time_limit", max(0.1, seconds))):
        h.setOptionValue(option, value)
    h.setSolution(n, np.arange(n, dtype=np.int32), start)
    beaten = float(gains @ start) + 0.5

    def on_better(event: highspy.highs.HighsCallbackEvent) -> None:  # HiGHS minimises the negated gains
        if -event.data_out.objective_function_value >= beaten:
            h.cancelSolve()

    h.cbMipImprovingSolution.subscribe(on_better)
    with stop.stoppable(h.cancelSolve):
        h.run()
    clocked = h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    solution = h.getSolution()
    if not solution.value_valid:
        return None, clocked
    x = np.rint(np.array(solution.col_value))
    if float(gains @ x) < beaten or not satisfies(lp, x):
        return None, clocked
    return x, clocked


def _in_own_thread(work: Callable[[], _Done]) -> _Done:
    """``work`` on a new thread, waited for: HiGHS's scheduler is one per thread, sized by
    its first run there, and this thread's may have been sized otherwise (or be in use by
    a relaxation still running on it)."""
    out: list[_Done] = []
    thread = threading.Thread(target=lambda: out.append(work()), name="rotasolve-rins", daemon=True)
    thread.start()
    thread.join()
    return out[0]
