"""A linear relaxation's bound from a first-order method (PDLP, OR-Tools' primal-dual
hybrid gradient), solved in a process of its own.

Why: on the largest relaxations HiGHS's interior-point method is too slow to be of use
in a run. The critical relaxation over every choice of a random 1,000-trainee region
(seed 7001: 236,000 variables, 1.85 million entries) took HiGHS 61 s for its bound of
358; PDLP gives 359.6 after 400 iterations (4.6 s) and 358.2 after 800 (8.4 s), on one
thread. (Not everywhere: on seed 7002 HiGHS's 13 s reach 275.7 where 800 iterations
reach 280.5, so it is used where HiGHS would not be solved at all.)

The bound is weak duality again (``LinearProgram.least``): whatever row prices PDLP
ends with bound the relaxation, converged or not.

Why a process: PDLP holds Python's lock while it runs (measured: a Python thread beside
it got 5-36 turns a second instead of thousands), which would stall the search's
callbacks. The child is a fresh interpreter (``python -m rotasolve.model.first_order``),
as ``engine/part_worker`` is, in a session of its own so that Ctrl-C reaches only the
parent, which kills it; the program goes over a pipe as arrays.

Reproducible: it stops after a fixed number of iterations (planned by the caller), not
at a time; a run that its time limit cuts short gives no bound at all.

The same child solves with HiGHS instead (``highs``: its interior-point method, one
thread), for a model small enough for it but built and solved beside a search: in a
thread of the parent, HiGHS held the one-HiGHS-at-a-time lock that the search's own
relaxations wait on, and building the model took Python's lock from the search's
callbacks (engine/without_slots.py: runs ended 5-15 s past their limit).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.linear_solver import linear_solver_pb2
from ortools.pdlp import solve_log_pb2, solvers_pb2
from ortools.pdlp.python import pdlp
from ortools.sat.python import cp_model

from ..core import stop
from .relaxation import (LinearProgram, Relaxation, linear_program, lowest_priority, maximised_objective, maximum_of,
                         relax)


class FirstOrderBound:
    """The (maximised) objective's bound from PDLP's prices after ``iterations`` (with
    ``point``, PDLP's point then too, as the relaxation's solution: it guides a shortlisted
    part's critical search), solved in a child process that is given ``seconds`` at most.
    Started at once, on a thread of its own that first builds the model (``build``):
    building and reading out a large model is Python's work, which then overlaps a CP-SAT
    search that lets go of Python's lock.

    ``apart``: the model is built in the child instead (``build`` is then pickled: a
    module's function, or a partial of one). Built in the parent, a model not yet built
    takes Python's lock from whatever Python work runs beside it: seed 7001's critical
    relaxation (236,000 variables) took 31 s to build on a slow day, beside the completion
    of the search's start, the checks and the writing of the workbook, which all ran late.

    ``build`` may be the program itself, read before (a bound and a point then in its
    own terms, a minimum negated: no objective offset or scaling).

    ``shared``: the child stays in the parent's session at the lowest priority, as
    ``highs``'s does (below): RINS's point, which the parent's Python work beside it must
    not wait on. In a session of its own, or at the parent's priority, it took the cores
    from the relaxation without slots beside it, whose bound on seed 7007 then came after
    the deadline (the flows' 151 for 113).

    ``highs``: solved by HiGHS (``relaxation.relax``, one thread, within ``seconds``)
    instead of PDLP (``iterations`` is then not read); built in the child (``apart``), at
    the lowest priority."""

    def __init__(self, build: Callable[[], cp_model.CpModel] | LinearProgram, iterations: int, seconds: float,
                 apart: bool = False, point: bool = False, highs: bool = False, shared: bool = False) -> None:
        if highs and not apart:
            raise ValueError("HiGHS solves the model in the child: it must be built there (apart)")
        if apart and isinstance(build, LinearProgram):
            raise ValueError("a program already read is sent as it is, not built in the child (apart)")
        self._started = time.monotonic()
        self._result: list[Relaxation | None] = []
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # between starting the child and cancel()
        self._cancelled = False
        # Pickled here, on the caller's thread: its instance's caches fill as the caller goes
        # on using it, and pickled on the thread beside it, they changed size as they were read.
        self._apart = pickle.dumps(build, protocol=pickle.HIGHEST_PROTOCOL) if apart else None
        self._point = point
        self._highs = highs
        self._shared = shared or highs
        self._thread = threading.Thread(target=self._run, args=(build, iterations, seconds),
                                        name="rotasolve-first-order", daemon=True)
        self._thread.start()

    def _run(self, build: Callable[[], cp_model.CpModel] | LinearProgram, iterations: int, seconds: float) -> None:
        relaxed: Relaxation | None = None
        try:
            job = {"build": self._apart} if self._apart is not None \
                else {"program": build, "objective": (0.0, 1.0)} if isinstance(build, LinearProgram) \
                else _program_of(build())
            relaxed = self._solve(job, iterations, seconds)
        finally:
            self._result.append(relaxed)

    def _solve(self, job: dict[str, Any], iterations: int, seconds: float) -> Relaxation | None:
        """The bound from the child given ``job``: the model's program and objective, or
        what builds the model."""
        sent = pickle.dumps(job | {"iterations": iterations, "point": self._point, "highs": self._highs,
                                   "seconds": max(0.0, seconds - (time.monotonic() - self._started))},
                            protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if stop.requested() or self._cancelled:
                return None
            # Out of the terminal's process group, so Ctrl-C reaches the parent alone (which
            # ends it). A child at the lowest priority stays in the parent's session: where
            # the system schedules sessions as groups (Linux's autogroup, on here), a session
            # of its own took a whole core of two from RINS whatever its priority (seed 7002,
            # the relaxation without slots at 199 of 200 ticks, RINS's two threads sharing
            # the other core), and priority counts within a group only.
            apart_from: dict[str, Any] = {"process_group": 0} if self._shared else {"start_new_session": True}
            try:
                self._child = child = subprocess.Popen([sys.executable, "-m", "rotasolve.model.first_order"],
                                                       env=stop.child_environment(),
                                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                       stderr=subprocess.DEVNULL, **apart_from)
            except OSError:  # pragma: no cover - no process could be started: no bound, as if too slow
                return None
            if self._shared:
                # beside a search with a core for each worker (at the same priority, f64's
                # final search gave no result and its answer fell from 402 to 366)
                lowest_priority(child.pid)
        with stop.stoppable(child.kill, kill=child.kill):
            out, _ = child.communicate(sent)
        found: tuple[float, np.ndarray | None] | None = pickle.loads(out) if child.returncode == 0 else None
        if found is None:
            return None
        return Relaxation(found[0], time.monotonic() - self._started, found[1])

    def cancel(self) -> None:
        """Ends it without a bound (nobody will read it), its child killed or never started."""
        with self._lock:
            self._cancelled = True
            if self._child is not None:
                self._child.kill()

    def running(self) -> bool:
        """Not yet done (nor cancelled and ended)."""
        return self._thread.is_alive()

    def wait(self, seconds: float | None) -> Relaxation | None:
        """Its bound as a relaxation's, waiting ``seconds`` at most (None: until it ends);
        None if not done by then, or done without a bound."""
        self._thread.join(seconds)
        return self._result[0] if self._result else None

    def bound(self, deadline: float) -> int | None:
        """Its bound, waiting until ``deadline`` at most; None if it has none by then (the
        child is then ended: nobody will read it)."""
        relaxed = self.wait(max(0.0, deadline - time.monotonic()))
        if self._thread.is_alive() and self._child is not None:
            self._child.kill()
        return relaxed.bound() if relaxed is not None else None


def least_after(lp: LinearProgram, iterations: int, seconds: float) -> tuple[float, np.ndarray] | None:
    """The least ``lp``'s objective can be (it is minimised), from PDLP's prices after
    ``iterations``, and its point then; None when ``seconds`` ran out first."""
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.termination_criteria.iteration_limit = iterations
    params.termination_criteria.time_sec_limit = seconds
    params.num_threads = 1
    result = pdlp.primal_dual_hybrid_gradient(pdlp.qp_from_mpmodel_proto(_mp_model(lp), True), params)
    if result.solve_log.termination_reason == solve_log_pb2.TERMINATION_REASON_TIME_LIMIT:
        return None
    return lp.least(np.array(result.dual_solution)), np.array(result.primal_solution)


def _mp_model(lp: LinearProgram) -> linear_solver_pb2.MPModelProto:
    """``lp`` as OR-Tools' linear model (PDLP reads its matrix from that, or from SciPy)."""
    mp = linear_solver_pb2.MPModelProto()
    for low, high, cost in zip(lp.lowest.tolist(), lp.highest.tolist(), lp.costs.tolist()):
        variable = mp.variable.add()
        variable.lower_bound, variable.upper_bound, variable.objective_coefficient = low, high, cost
    ends = np.append(lp.starts, len(lp.columns)).tolist()
    columns, entries = lp.columns.tolist(), lp.entries.tolist()
    for i, (low, high) in enumerate(zip(lp.lower.tolist(), lp.upper.tolist())):
        row = mp.constraint.add()
        row.lower_bound, row.upper_bound = low, high
        row.var_index.extend(columns[ends[i]:ends[i + 1]])
        row.coefficient.extend(entries[ends[i]:ends[i + 1]])
    return mp


def _program_of(model: cp_model.CpModel) -> dict[str, Any]:
    """A model's program and its objective's offset and scaling, for the child."""
    objective = maximised_objective(model)
    return {"program": linear_program(model), "objective": (objective.offset, objective.scaling_factor)}


def main() -> None:
    started = time.monotonic()
    job = pickle.load(sys.stdin.buffer)
    found: tuple[float, np.ndarray | None] | None
    if job["highs"]:
        relaxed = relax(pickle.loads(job["build"])(), max(0.1, job["seconds"] - (time.monotonic() - started)),
                        threads=1)
        found = None if relaxed.value is None else (relaxed.value, None)
        pickle.dump(found, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return
    if "build" in job:  # built here, apart from the parent's Python work
        job |= _program_of(pickle.loads(job["build"])())
    solved = least_after(job["program"], job["iterations"], max(0.0, job["seconds"] - (time.monotonic() - started)))
    found = None if solved is None else (maximum_of(solved[0], *job["objective"]), solved[1] if job["point"] else None)
    pickle.dump(found, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
