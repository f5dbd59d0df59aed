"""The linear relaxation of a built model, solved with HiGHS: a proven bound where
CP-SAT's own is weak, so a tutor knows how far from the best an answer on a large
region can be. (Its solution once also chose which choices a large region searches;
the critical relaxation does that better now: docs/decisions.md, "Large regions".)

The relaxation is read from the CP-SAT model itself (linear constraints, clauses and
implications become rows), so it states no rule a second time.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model, cp_model_helper

from ..core import stop

_INFINITY = highspy.kHighsInf
_Row = tuple[float, float, dict[int, float]]  # lower, upper, {variable: coefficient}
# HiGHS keeps one thread scheduler per process, which relax() resets; two relaxations
# solved at once from two threads (the guided search's two) take turns instead.
ONE_HIGHS_AT_A_TIME = threading.Lock()


@dataclass
class Relaxation:
    value: float | None  # proven: the objective is at most this (None: not solved in time)
    seconds: float
    # The relaxation's optimal solution, variable index -> value, when asked for and the
    # solver finished (not cut short by its time limit, so the same model gives the same one)
    solution: np.ndarray | None = None

    def bound(self, scale: int = 1) -> int | None:
        """The proven bound on the maximised objective, rounded down (integral objective),
        with a margin for the floating-point sums that computed it."""
        if self.value is None:
            return None
        return whole_at_most(self.value) // scale


def whole_at_most(value: float, relative: float = 1e-9) -> int:
    """The most a whole objective can reach where its relaxation says ``value``: rounded
    down, after a margin for the floating-point sums that computed it (``relative`` of
    it, and a millionth), so a value a hair below a whole number counts as that number."""
    return math.floor(value + abs(value) * relative + 1e-6)


class Cancel:
    """Ends one relaxation's run from another thread: before HiGHS starts, the run is
    skipped; while it runs, HiGHS is asked to stop (it returns within a tenth of a second,
    or up to about six while it starts a solve: ``END_WAIT``). Each request calls the
    solver's stop again, so asking until the run has ended reaches a solver that was only
    starting at the first request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requested = False
        self._highs: Callable[[], object] | None = None

    def request(self) -> None:
        with self._lock:
            self._requested = True
            if self._highs is not None:
                self._highs()

    def attach(self, cancel_solve: Callable[[], object]) -> bool:
        """Called by the run as HiGHS starts; True when already cancelled (do not run)."""
        with self._lock:
            self._highs = cancel_solve
            return self._requested


def relax(model: cp_model.CpModel, time_limit: float, threads: int = 2, solution: bool = False,
          cancel: Cancel | None = None) -> Relaxation:
    """A proven bound on the model's (maximised) objective from its linear relaxation.

    The bound is not HiGHS's optimum but what weak duality makes of the duals it returns:
    for any row prices ``y``, ``c.x = y.(A x) + (c - A'y).x`` is bounded row by row and
    column by column, since every column is bounded. So the bound holds whatever the
    solver's tolerances or status — on connected 1,000 HiGHS's interior-point method
    converged and its postsolve then reported a dual infeasibility and status "Unknown",
    where the bound from its duals was still within 1e-6 of the optimum.

    With ``solution``, the relaxation's solution too, when HiGHS finished in its time."""
    with ONE_HIGHS_AT_A_TIME:
        if stop.requested():  # stopped early: no bound rather than seconds more
            return Relaxation(None, 0.0)
        return _relax(model, time_limit, threads, solution, cancel)


def _relax(model: cp_model.CpModel, time_limit: float, threads: int, want_solution: bool,
           cancel: Cancel | None) -> Relaxation:
    started = time.monotonic()
    objective = maximised_objective(model)
    h = quiet_highs()
    h.setOptionValue("solver", "ipm")  # the interior-point method: fastest here by far
    h.setOptionValue("run_crossover", "off")  # the bound needs the duals only
    # HiGHS keeps one thread pool per process, sized by the first run; a later run asking
    # for another size fails unless the pool is reset first.
    highspy.Highs.resetGlobalScheduler(True)
    h.setOptionValue("threads", max(1, threads))
    h.setOptionValue("time_limit", max(0.1, time_limit))
    lp = linear_program(model)
    n = len(lp.costs)
    h.addVars(n, lp.lowest, lp.highest)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), lp.costs)
    h.addRows(len(lp.lower), lp.lower, lp.upper, len(lp.entries), lp.starts, lp.columns, lp.entries)
    h.HandleUserInterrupt = True  # so that cancelSolve() (a stop requested) ends the run
    if cancel is not None and cancel.attach(h.cancelSolve):
        return Relaxation(None, time.monotonic() - started)
    with stop.stoppable(h.cancelSolve):
        h.run()
    solution = h.getSolution()
    if not solution.dual_valid:
        return Relaxation(None, time.monotonic() - started)
    least = lp.least(np.array(solution.row_dual))
    finished = h.getModelStatus() != highspy.HighsModelStatus.kTimeLimit and solution.value_valid
    return Relaxation(maximum_from(least, objective), time.monotonic() - started,
                      np.array(solution.col_value) if want_solution and finished else None)


def maximised_objective(model: cp_model.CpModel) -> cp_model_helper.CpObjectiveProto:
    """The model's objective, which must be a maximum (a relaxation bounds it from above)."""
    objective: cp_model_helper.CpObjectiveProto = model.Proto().objective
    if (objective.scaling_factor or 1.0) > 0:
        raise ValueError("a relaxation bounds a maximised objective")  # CP-SAT negates a maximum
    return objective


def maximum_from(least: float, objective: cp_model_helper.CpObjectiveProto) -> float:
    """The bound on a maximised objective from the least its program (CP-SAT minimises
    the negated maximum, offset and scaled) can be."""
    return maximum_of(least, objective.offset, objective.scaling_factor)


def maximum_of(least: float, offset: float, scaling_factor: float) -> float:
    """``maximum_from``, the objective given by its offset and scaling factor."""
    return -(least + offset) * abs(scaling_factor or 1.0)


@dataclass
class LinearProgram:
    """minimise costs.x subject to lower <= A x <= upper, lowest <= x <= highest, with A
    by rows (``starts``, ``columns``, ``entries``)."""

    costs: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    starts: np.ndarray
    columns: np.ndarray
    entries: np.ndarray

    def least(self, prices: np.ndarray) -> float:
        """Weak duality: no x in the bounds scores less than this, for any row prices."""
        # a price may only press on a finite side of its row
        prices = np.where(np.isinf(self.lower), np.minimum(prices, 0.0), prices)
        prices = np.where(np.isinf(self.upper), np.maximum(prices, 0.0), prices)
        rows = np.repeat(np.arange(len(self.lower)), np.diff(np.append(self.starts, len(self.columns))))
        reduced = self.costs - np.bincount(self.columns, weights=prices[rows] * self.entries,
                                           minlength=len(self.costs))
        by_rows = np.where(prices > 0, prices * np.where(np.isinf(self.lower), 0.0, self.lower),
                           prices * np.where(np.isinf(self.upper), 0.0, self.upper))
        by_columns = np.minimum(reduced * self.lowest, reduced * self.highest)
        return float(by_rows.sum() + by_columns.sum())


def linear_program(model: cp_model.CpModel) -> LinearProgram:
    """The relaxation of a CP-SAT model: its linear constraints, clauses and implications
    as rows; a row of one variable as that column's bounds."""
    return program_of(parsed(model))


def program_of(proto: cp_model_pb2.CpModelProto) -> LinearProgram:
    """``linear_program`` of a model already read out (``parsed``)."""
    domains = [list(v.domain) for v in proto.variables]
    n = len(domains)
    lowest = np.array([d[0] for d in domains], float)
    highest = np.array([d[-1] for d in domains], float)
    costs = np.zeros(n)
    for var, coefficient in zip(proto.objective.vars, proto.objective.coeffs):
        costs[var] += coefficient
    lower: list[float] = []
    upper: list[float] = []
    starts: list[int] = [0]
    columns: list[int] = []
    entries: list[float] = []
    for constraint in proto.constraints:
        for low, high, row in _rows(constraint):
            if len(row) == 1 and not constraint.enforcement_literal:
                # one variable: a bound on its column, not a row (equality rows fixing
                # variables slow the interior-point method down)
                (var, coefficient), = row.items()
                if coefficient:
                    low, high = sorted((low / coefficient, high / coefficient))
                    lowest[var], highest[var] = max(lowest[var], low), min(highest[var], high)
                    continue
            lower.append(low)
            upper.append(high)
            columns.extend(row)
            entries.extend(row.values())
            starts.append(len(columns))
    return LinearProgram(costs, lowest, highest, np.array(lower, float), np.array(upper, float),
                          np.array(starts[:-1], np.int32), np.array(columns, np.int32),
                          np.array(entries, float))


def parsed(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """A copy of the model as protocol buffers read it. Each field of OR-Tools' own model
    object is a call into C++ from Python: reading a 236,000-variable model's domains and
    rows that way took 4 s, where writing it out and reading it back takes 0.3 s and its
    fields then read in under 1 s."""
    with tempfile.TemporaryDirectory(prefix="rotasolve-") as folder:
        path = os.path.join(folder, "model.pb")
        if not model.export_to_file(path):  # pragma: no cover - a full disk
            raise OSError(f"could not write the model to {path}")
        read = cp_model_pb2.CpModelProto()
        with open(path, "rb") as f:
            read.ParseFromString(f.read())
        return read


# One HiGHS made at a time (``quiet_highs``): made on two threads at once (HiGHS's lead
# beside its call's member, model/search.py), the second saved file descriptor 1 while the
# first had pointed it at the null device, and restored it there: a part worker's pickled
# result then went nowhere ("Ran out of input", once in a clean clone's slow run).
_QUIETING = threading.Lock()


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing: its constructor writes a banner ("Running
    HiGHS ... Copyright ...") straight to file descriptor 1, where rotasolve's results go,
    so that is pointed at the null device for it (on stderr it was the last line a user saw
    of an interrupted run, and not rotasolve's to print)."""
    with _QUIETING:
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
    h.setOptionValue("output_flag", False)
    return h


def highs_of(lp: LinearProgram, integer: bool, threads: int = 1) -> highspy.Highs:
    """A quiet HiGHS holding ``lp`` (its costs minimised), every column an integer where
    ``integer``, on ``threads`` threads; its ``cancelSolve()`` ends a run."""
    n = len(lp.costs)
    h = quiet_highs()
    h.setOptionValue("threads", threads)
    h.addVars(n, lp.lowest, lp.highest)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), lp.costs)
    h.addRows(len(lp.lower), lp.lower, lp.upper, len(lp.entries), lp.starts, lp.columns, lp.entries)
    if integer:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    h.HandleUserInterrupt = True  # so that cancelSolve() ends a run
    return h


def _rows(c: cp_model_pb2.ConstraintProto) -> Iterator[_Row]:
    """The rows (lower, upper, {variable: coefficient}) of one CP-SAT constraint."""
    kind = c.WhichOneof("constraint")
    if kind == "linear":
        # A linear constraint with an enforcement literal is only ever a running group's
        # size (H1), enforced by a running member's literal, which a normal solve fixes
        # true: the row holds unconditionally.
        domain = c.linear.domain
        lower = -_INFINITY if domain[0] <= -2 ** 62 else domain[0]
        upper = _INFINITY if domain[-1] >= 2 ** 62 else domain[-1]
        variables = list(c.linear.vars)
        if len(set(variables)) == len(variables):  # as the rules state them: each variable once
            yield lower, upper, dict(zip(variables, map(float, c.linear.coeffs)))
            return
        row: dict[int, float] = {}
        for var, coefficient in zip(variables, c.linear.coeffs):
            row[var] = row.get(var, 0.0) + coefficient
        yield lower, upper, row
    elif kind == "bool_or":
        # at least one of the literals, or an enforcement literal false
        yield _clause(list(c.bool_or.literals) + [-e - 1 for e in c.enforcement_literal])
    elif kind == "bool_and":
        # each enforcement literal implies every literal
        for literal in c.bool_and.literals:
            for e in c.enforcement_literal:
                yield _clause([literal, -e - 1])
    else:  # pragma: no cover - the rule modules use linear constraints and clauses only
        raise ValueError("a constraint the relaxation does not know")


def _clause(literals: list[int]) -> _Row:
    """sum of literals >= 1, a negated literal ~x being 1 - x."""
    row: dict[int, float] = {}
    constant = 0.0
    for literal in literals:
        if literal >= 0:
            row[literal] = row.get(literal, 0.0) + 1.0
        else:
            row[-literal - 1] = row.get(-literal - 1, 0.0) - 1.0
            constant += 1.0
    return 1.0 - constant, _INFINITY, row


def lowest_priority(pid: int | None = None) -> None:
    """The child process ``pid``, or (None) the calling thread, at the lowest priority: it
    takes the cores the searches beside it leave, not theirs. A thread only on Linux, where
    its priority is its own (elsewhere a thread's id is no process's). Where the system
    has no priorities or refuses, it runs as it is."""
    if pid is None and not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid if pid is not None else threading.get_native_id(), 19)
    except (AttributeError, OSError):  # pragma: no cover - not on this system
        pass


class Background:
    """A linear relaxation solved in a thread of its own, ``time_limit`` wall seconds at
    most (HiGHS lets go of Python's lock while it solves); ``lowest``: that thread at the
    lowest priority (Linux gives each thread its own), taking only the cores the rest of
    the run leaves idle, where its bound is worth less than the searches beside it."""

    def __init__(self, model: cp_model.CpModel, time_limit: float, solution: bool = True,
                 lowest: bool = False) -> None:
        self._result: list[Relaxation] = []
        self._cancel = Cancel()

        def solve() -> None:
            if lowest:
                lowest_priority()
            self._result.append(relax(model, time_limit, threads=1, solution=solution, cancel=self._cancel))
        self._thread = threading.Thread(target=solve, daemon=True)
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


def satisfies(lp: LinearProgram, x: np.ndarray) -> bool:
    """Whether an integer point lies within every bound and row, exactly (HiGHS's own
    answer is only within its tolerances)."""
    if np.any(x < lp.lowest) or np.any(x > lp.highest):
        return False
    rows = np.repeat(np.arange(len(lp.lower)), np.diff(np.append(lp.starts, len(lp.columns))))
    activity = np.bincount(rows, weights=lp.entries * x[lp.columns], minlength=len(lp.lower))
    return bool(np.all(activity >= lp.lower - 1e-9) and np.all(activity <= lp.upper + 1e-9))
