"""One CP-SAT call, with HiGHS's MIP of the same model beside it where asked (tier 1).

CP-SAT finds good allocations fast and HiGHS proves bounds (``mip.py``): together they
prove tier 1 where either alone often could not. Racing them naively would make the
answer depend on which finished first, and a tutor who solves again must get the same
allocation. So the answer is a function of what each does within its own reproducible
budget (CP-SAT's deterministic seconds, HiGHS's node limit), never of the race:

- CP-SAT proves the optimum: its allocation.
- HiGHS proves the optimum ``V``: CP-SAT's first allocation worth ``V``, if its search
  reaches ``V`` within its budget (it is stopped as soon as both are known, which changes
  nothing: no later allocation can be better); otherwise HiGHS's allocation.
- Neither proves: the better allocation (CP-SAT's on a tie) and the lower bound.

The work charged to the call is likewise deterministic: where the answer is CP-SAT's
first allocation worth the optimum, the deterministic seconds at which it found it
(not the moment it was stopped). A HiGHS member stopped by its wall-clock window, not
by a proof or its node limit, makes the call's result depend on the machine; its
allocation and bound are used all the same (both are sound), and the call is reported as
stopped by the clock, as a CP-SAT call cut by the deadline is.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ..core import stop
from .mip import MipMember, MipResult
from .relaxation import whole_at_most
from ..core.tuning import HEARTBEAT_SECONDS, MIP_GRACE



@dataclass
class CallResult:
    found: bool  # an allocation (or the model is infeasible: ``infeasible``)
    infeasible: bool = False
    value: int = 0
    bound: int = 0
    proven: bool = False
    assignment: np.ndarray | None = None  # a value per variable
    deterministic_seconds: float = 0.0
    stopped_by_clock: bool = False
    by: str = "CP-SAT"  # whose allocation: CP-SAT or HiGHS


def stopped_by_clock(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus) -> bool:
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


class _Tracker(cp_model.CpSolverSolutionCallback):
    """Each improving allocation's value and the deterministic seconds it came at;
    progress; and the stop once a proven optimum from HiGHS is reached."""

    def __init__(self, solver: cp_model.CpSolver, report: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        self._solver, self._report = solver, report
        self._lock = threading.Lock()
        self.best: int | None = None
        self.best_at = 0.0
        self.optimum: int | None = None  # proven elsewhere
        self.last: tuple[int, int] | None = None  # the latest value and bound reported
        self.certified = False

    def on_solution_callback(self) -> None:
        value = round(self.ObjectiveValue())
        with self._lock:
            if self.best is None or value > self.best:
                self.best, self.best_at = value, self.DeterministicTime()
            self._stop_if_certified()
            self.last = (value, whole_at_most(self.BestObjectiveBound(), relative=0.0))
            if self._report is not None:
                self._report(*self.last)

    def heartbeat(self, finished: threading.Event) -> None:
        """The latest news again every second while the call runs, so that a page showing
        progress hears from the search at least once a second (a stage can go seconds
        without a better allocation)."""
        while not finished.wait(HEARTBEAT_SECONDS):
            with self._lock:
                if self.last is not None and self._report is not None:
                    self._report(*self.last)

    def proven_elsewhere(self, optimum: int) -> None:
        """HiGHS proved ``optimum`` (called from its thread)."""
        with self._lock:
            self.optimum = optimum
            self._stop_if_certified()

    def _stop_if_certified(self) -> None:
        if self.optimum is not None and self.best is not None and self.best >= self.optimum and not self.certified:
            self.certified = True
            self._solver.StopSearch()


def call(solver: cp_model.CpSolver, model: cp_model.CpModel, *, mip_nodes: int = 0, mip_window: float = 0.0,
         mip_levels: tuple[cp_model.LinearExpr, ...] = (), mip_weight: int = 1, mip_member: MipMember | None = None,
         report: Callable[[int, int], None] | None = None) -> CallResult:
    """Maximise the model's objective with ``solver``; with ``mip_nodes``, HiGHS's MIP
    beside it (node limit per solve, and ``mip_window`` wall seconds at most), solving the
    objective as ``mip_weight`` x the first of ``mip_levels`` + the second, one after the
    other, where given; ``mip_member``: that member, started already (its own window)."""
    tracker = _Tracker(solver, report)
    member = mip_member
    if member is None and mip_nodes > 0 and MipMember.possible(model):
        member = MipMember(model, mip_nodes, mip_window, levels=mip_levels, weight=mip_weight)
        member.start()
    if member is not None:
        member.tell(tracker.proven_elsewhere)
        mip_window = member.window_left()
    window_ends = time.monotonic() + mip_window
    finished = threading.Event()
    if report is not None:
        threading.Thread(target=tracker.heartbeat, args=(finished,), daemon=True).start()
    try:
        with stop.stoppable(solver.StopSearch):
            status = solver.Solve(model, tracker)
    finally:
        finished.set()
    # A call stopped once CP-SAT reached HiGHS's proven optimum was not stopped by the clock.
    clocked = status != cp_model.OPTIMAL and not tracker.certified and stopped_by_clock(solver, status)
    if status == cp_model.INFEASIBLE:
        if member is not None:
            member.end()
        return CallResult(False, infeasible=True, deterministic_seconds=solver.deterministic_time)
    if member is None or (tracker.best is None and status == cp_model.OPTIMAL):
        if member is not None:
            member.end()
        result = _alone(solver, status, tracker)
    elif status == cp_model.OPTIMAL or tracker.certified:
        member.end()
        assert tracker.best is not None  # certified, or optimal with an allocation seen
        result = CallResult(True, value=tracker.best, bound=tracker.best, proven=True,
                            assignment=_final_allocation(solver), deterministic_seconds=tracker.best_at)
    else:
        # HiGHS stops itself at the window's end (its own time limit): a moment's grace;
        # none for a member still waiting its turn behind another HiGHS run
        mip = member.wait(window_ends - time.monotonic() + MIP_GRACE if member.started.is_set() else 0.0)
        if not member.done.is_set():
            # Past its window: cancelled, HiGHS still says what it had found (``mip.py``),
            # which is combined as below, the call reported as stopped by the clock.
            member.end()
            result = _combined(solver, status, tracker, member.result) if member.done.is_set() \
                else _alone(solver, status, tracker)
            clocked = True
        else:
            # Stopped by its window, HiGHS's allocation and bound are still sound, and the
            # call is reported as stopped by the clock either way. On a 149-trainee scheme
            # (f59, 30 s) HiGHS cut by its window had the optimum, (43, 82), with tier 1b's
            # bound at 84; CP-SAT's search had stayed at 37 critical placements (10 s).
            result = _combined(solver, status, tracker, mip)
            clocked = clocked or mip.stopped_by_clock
    result.stopped_by_clock = result.stopped_by_clock or clocked
    return result


def _alone(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, tracker: _Tracker) -> CallResult:
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CallResult(False, deterministic_seconds=solver.deterministic_time)
    value, bound = round(solver.ObjectiveValue()), whole_at_most(solver.BestObjectiveBound(), relative=0.0)
    # OPTIMAL is also CP-SAT's status for a search stopped within its gap limit
    return CallResult(True, value=value, bound=bound, proven=status == cp_model.OPTIMAL and value >= bound,
                      assignment=_final_allocation(solver),
                      deterministic_seconds=solver.deterministic_time)


def _final_allocation(solver: cp_model.CpSolver) -> np.ndarray:
    """CP-SAT's allocation as its response gives it, not as a callback saw it: with two
    workers in interleaved search, two allocations of the same value can reach the callback
    in either order (the order threads finish in a batch), while the response keeps the one
    the deterministic search registered first. Taking the callback's copy made one run in
    eight give a different allocation of the same tiers."""
    return np.array(solver.response_proto.solution, dtype=np.int64)


def _combined(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, tracker: _Tracker,
              mip: MipResult) -> CallResult:
    """CP-SAT spent its budget unproven; HiGHS finished (a proof or its node limit)."""
    ours = _alone(solver, status, tracker)
    if mip.proven and mip.value is not None:
        if ours.found and ours.value >= mip.value:
            return CallResult(True, value=ours.value, bound=ours.value, proven=True, assignment=ours.assignment,
                              deterministic_seconds=tracker.best_at)
        return CallResult(True, value=mip.value, bound=mip.value, proven=True, assignment=mip.solution,
                          deterministic_seconds=ours.deterministic_seconds, by="HiGHS")
    if mip.value is not None and (not ours.found or mip.value > ours.value):
        bound = mip.bound if not ours.found or mip.bound is None else min(mip.bound, ours.bound)
        return CallResult(True, value=mip.value, bound=bound if bound is not None else ours.bound,
                          proven=bound == mip.value, assignment=mip.solution,
                          deterministic_seconds=ours.deterministic_seconds, by="HiGHS")
    if ours.found and mip.bound is not None and mip.bound < ours.bound:
        ours.bound = max(mip.bound, ours.value)
        ours.proven = ours.bound == ours.value
    return ours
