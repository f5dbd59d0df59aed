"""A stage's start, worked out by HiGHS's lead before the stage's call: the best allocation
in the neighbourhood a level's linear relaxation's interior point marks out, and that
relaxation's bound. Tier 1b's (the second level of tier 1, ``mip.lead``) and each later
tier's (``mip.level_lead``); CP-SAT is hinted with it (``search._lead``, ``_level_lead``).
Written for tier 1b, as below; on tier 2 of the apart family at 30 s it lifted the median
answer from 90.7% to 99.2-99.8% of its bound (docs/decisions.md, "HiGHS's lead on tiers 2 and 3").

Why: on schemes from a generator written apart from ours (``benchmarks/apart.py``; tier 1b
of 51-192 at 90-150 trainees) HiGHS proves tier 1a at its root in a fraction of a second,
and then spends its second level's root on presolve and rounds of cuts before a sub-MIP
finds the allocation: a01 (99 trainees) holds 97 until 12.4 s, where 102 is proven; a14
(115) holds 116 until 29.8 s (120). Cut by a 10-s run's window before its root LP, the
second level gave no bound at all (a02: 148 where 111 is the best known). The relaxation
itself is solved in 0.4-2.4 s and says 103.5 and 121 at once.

How: the second level's relaxation (tier 1a held) by HiGHS's interior-point method
without crossover, as ``rins.py``'s point: every choice some optimal solution of it uses
is above zero there. Its row prices bound tier 1b by weak duality (``LinearProgram.least``,
sound for any prices, so an interior point's approximate ones too). The variables at zero
both in the point and in the start (the first level's allocation) are fixed at zero, and
HiGHS's branch and cut solves what is left within a node limit. Fixing where they agree at
one as well (``rins.py``'s rounds) kept the start's poor tier 1b (a01: 5), and a vertex's
point instead of an interior one left too few choices (a01 88, a14 110). Measured alone
(one thread): a01 100 in 1.8 s, a14 116 in 6.5 s, a08 153 in 11.6 s (above any run's
151), a28 192 in 1.2 s (its proven optimum).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from ..core.tuning import IPM_STEP_SECONDS, SIMPLEX_STEP_SECONDS
from .relaxation import LinearProgram, highs_of, satisfies, whole_at_most

AT_ZERO = 0.01  # a variable below this in the interior point counts as zero there


@dataclass
class InteriorStart:
    solution: np.ndarray | None = None  # better than the start, checked against every row; None: none found
    bound: int | None = None  # the most the level can reach (its relaxation's, sound); None: not known
    stopped_by_clock: bool = False  # the window, not the node limit or a proof, ended a solve
    # What its HiGHS runs are charged of the search's deterministic budget (CP-SAT's unit),
    # counted from their iterations and the program's size, so that a run's budget is the
    # same on any machine (``tuning.IPM_STEP_SECONDS``, ``SIMPLEX_STEP_SECONDS``).
    work: float = 0.0


def with_row(lp: LinearProgram, columns: np.ndarray, coefficients: np.ndarray, lower: float,
             upper: float) -> LinearProgram:
    """``lp`` with one more row, ``lower <= coefficients . x[columns] <= upper``."""
    return LinearProgram(lp.costs, lp.lowest, lp.highest, np.append(lp.lower, lower), np.append(lp.upper, upper),
                         np.append(lp.starts, len(lp.columns)), np.append(lp.columns, columns),
                         np.append(lp.entries, coefficients))


def interior_start(lp: LinearProgram, gains: np.ndarray, offset: float, start: np.ndarray, nodes: int,
                 seconds: float, running: Callable[[highspy.Highs], bool]) -> InteriorStart:
    """Maximise ``gains . x + offset`` over ``lp``'s integer points from ``start`` (one of
    them) in the neighbourhood described above, within ``nodes`` branch-and-bound nodes
    and ``seconds``. ``running`` is told of each HiGHS run before it starts (to cancel it)
    and says whether to go on."""
    found = InteriorStart()
    nonzeros = len(lp.entries)
    program = LinearProgram(-gains, lp.lowest, lp.highest, lp.lower, lp.upper, lp.starts, lp.columns, lp.entries)
    n = len(gains)
    h = highs_of(program, integer=False)
    for option, value in (("solver", "ipm"), ("run_crossover", "off"), ("time_limit", max(0.1, seconds))):
        h.setOptionValue(option, value)
    if not running(h):
        return found
    ends = time.monotonic() + seconds
    h.run()
    found.work += IPM_STEP_SECONDS * nonzeros * h.getInfo().ipm_iteration_count
    point = h.getSolution()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal or not point.value_valid:
        found.stopped_by_clock = h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
        return found
    found.bound = whole_at_most(-program.least(np.array(point.row_dual)) + offset)
    x = np.array(point.col_value)
    zero = (x < AT_ZERO) & (start == 0)
    lowest, highest = lp.lowest.copy(), lp.highest.copy()
    lowest[zero] = highest[zero] = 0.0
    sub = highs_of(LinearProgram(program.costs, lowest, highest, lp.lower, lp.upper, lp.starts, lp.columns,
                               lp.entries), integer=True)
    left = ends - time.monotonic()
    for option, value in (("mip_max_nodes", nodes), ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.99),
                          ("time_limit", max(0.05, left))):
        sub.setOptionValue(option, value)
    sub.setSolution(n, np.arange(n, dtype=np.int32), start.astype(float))
    if left <= 0.05 or not running(sub):
        found.stopped_by_clock = left <= 0.05
        return found
    sub.run()
    found.work += SIMPLEX_STEP_SECONDS * nonzeros * sub.getInfo().simplex_iteration_count
    found.stopped_by_clock = sub.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    solution = sub.getSolution()
    if solution.value_valid:
        y = np.rint(np.array(solution.col_value))
        if float(gains @ y) > float(gains @ start) + 0.5 and satisfies(lp, y):
            found.solution = y.astype(np.int64)
    return found

