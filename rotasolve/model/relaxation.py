"""The linear relaxation of a built model, solved with HiGHS.

Two uses. Its optimum is a proven bound: no allocation scores more, so a tutor knows
how far from the best an answer on a large region can be. And its solution says which
choices matter: on a connected region of 500 trainees CP-SAT alone did not improve on
the greedy start in 30 deterministic seconds, while the same model restricted to the
choices the relaxation uses (and the greedy ones) placed 11 more critical requirements
in 22 seconds (docs/decisions.md, "Large regions").

The relaxation is read from the CP-SAT model itself (linear constraints, clauses and
implications become rows), so it states no rule a second time.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model

_INFINITY = highspy.kHighsInf


@dataclass
class Relaxation:
    value: float | None  # the optimum of the relaxation (None: not solved in time)
    values: np.ndarray | None  # variable index -> value at that optimum
    seconds: float

    def bound(self, scale: int = 1) -> int | None:
        """A proven bound on the maximised objective: the optimum rounded down, with a
        margin for the interior-point method's tolerance."""
        if self.value is None:
            return None
        return math.floor(self.value * (1 + 1e-7) + 1e-6) // scale


def relax(model: cp_model.CpModel, time_limit: float, threads: int = 2) -> Relaxation:
    """Maximise the model's objective over its linear relaxation."""
    started = time.monotonic()
    proto = model.Proto()
    h = _quiet_highs()
    h.setOptionValue("solver", "ipm")  # the interior-point method: fastest here by far
    h.setOptionValue("run_crossover", "off")
    # HiGHS keeps one thread pool per process, sized by the first run; a later run asking
    # for another size fails unless the pool is reset first.
    highspy.Highs.resetGlobalScheduler(True)
    h.setOptionValue("threads", max(1, threads))
    h.setOptionValue("time_limit", max(0.1, time_limit))
    domains = [list(v.domain) for v in proto.variables]
    n = len(domains)
    h.addVars(n, np.array([d[0] for d in domains], float), np.array([d[-1] for d in domains], float))
    costs = np.zeros(n)
    for var, coefficient in zip(proto.objective.vars, proto.objective.coeffs):
        costs[var] += coefficient
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    for constraint in proto.constraints:
        for lower, upper, row in _rows(constraint):
            h.addRow(lower, upper, len(row), np.fromiter(row, np.int32), np.fromiter(row.values(), float))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Relaxation(None, None, time.monotonic() - started)
    # CP-SAT stores a maximisation as the minimisation of its negation, scaled by -1.
    objective = proto.objective
    scale = objective.scaling_factor or 1.0
    value = scale * (h.getInfo().objective_function_value + objective.offset)
    return Relaxation(value, np.array(h.getSolution().col_value), time.monotonic() - started)


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing: its constructor writes a banner straight to
    file descriptor 1, where rotasolve's results go, so that is pointed at stderr for it."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _rows(c):
    """The rows (lower, upper, {variable: coefficient}) of one CP-SAT constraint."""
    if c.has_linear():
        # A linear constraint with an enforcement literal is only ever a running group's
        # size (H1), enforced by a running member's literal, which a normal solve fixes
        # true: the row holds unconditionally.
        domain = list(c.linear.domain)
        lower = -_INFINITY if domain[0] <= -2 ** 62 else domain[0]
        upper = _INFINITY if domain[-1] >= 2 ** 62 else domain[-1]
        row: dict[int, float] = {}
        for var, coefficient in zip(c.linear.vars, c.linear.coeffs):
            row[var] = row.get(var, 0.0) + coefficient
        yield lower, upper, row
    elif c.has_bool_or():
        # at least one of the literals, or an enforcement literal false
        yield _clause(list(c.bool_or.literals) + [-e - 1 for e in c.enforcement_literal])
    elif c.has_bool_and():
        # each enforcement literal implies every literal
        for literal in c.bool_and.literals:
            for e in c.enforcement_literal:
                yield _clause([literal, -e - 1])
    else:  # pragma: no cover - the rule modules use linear constraints and clauses only
        raise ValueError("a constraint the relaxation does not know")


def _clause(literals: list[int]):
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
