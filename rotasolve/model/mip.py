"""The same model as a mixed-integer program, solved by HiGHS beside CP-SAT.

Why: on schemes CP-SAT had never been tuned on, its bound on tier 1 stayed far from the
optimum (a 120-trainee scheme: 1b bound 135 against an optimum of 129 after 40 s, with
every CP-SAT setting tried), while HiGHS's branch and cut proved the optimum at its root
node in about half a minute of one thread. CP-SAT finds good allocations fast; HiGHS
proves bounds. So tier 1 is searched by both at once (``search.py`` says how their
answers are combined without losing reproducibility).

The program is read from the CP-SAT model itself, as the linear relaxation is
(``relaxation.linear_program``): every constraint is linear or a clause, every variable
an integer, so the MIP is the model, exactly — no rule is stated a second time. A model
it cannot state exactly (a domain with holes, a linear constraint switched by a literal
that is not fixed) gets no MIP member.

HiGHS on one thread is deterministic: the same program and node limit give the same
answer whenever the clock does not stop it first. The node limit is the member's
reproducible budget; the wall-clock window only guards the deadline, and a member the
window stopped is reported as such (``MipResult.stopped_by_clock``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model, cp_model_helper

from ..core import stop
from .expr import flat_value
from .interior_start import InteriorStart, interior_start, with_row
from .relaxation import ONE_HIGHS_AT_A_TIME, LinearProgram, highs_of, parsed, program_of, satisfies, whole_at_most
from ..core.tuning import END_WAIT, MIP_GRACE, MIP_PRESOLVE, MIP_SECOND_LEVEL_PRESOLVE, TURN_POLL



@dataclass
class MipResult:
    """What the member found. ``value`` and ``bound`` are of the maximised objective."""

    proven: bool = False  # optimal (or the program has no solution: ``value`` None)
    value: int | None = None
    bound: int | None = None
    solution: np.ndarray | None = None  # a value per CP-SAT variable, checked against every row
    stopped_by_clock: bool = False  # the window, not a proof or the node limit, ended it
    seconds: float = 0.0


@dataclass(frozen=True)
class Lead:
    """What HiGHS works out before tier 1's call (``lead``): tier 1a's optimum, proven; the
    best allocation near the second level's relaxed point (``interior_start``), which places
    that many; and tier 1b's relaxation bound (None: not known)."""

    critical: int
    others: int  # tier 1b of ``solution``
    solution: np.ndarray  # a value per CP-SAT variable, checked against every row
    bound: int | None
    stopped_by_clock: bool = False


def lead(model: cp_model.CpModel, levels: tuple[cp_model.LinearExpr, ...], weight: int, nodes: int,
         window: float, program: LinearProgram) -> Lead | None:
    """HiGHS's first level and tier 1b's start (``interior_start``) for a model maximising
    ``weight`` x the first of ``levels`` + the second (its ``program``), within ``nodes``
    per solve and ``window`` seconds; None where tier 1a is not proven or no better start
    was found. It does not wait for HiGHS's turn: it runs beside the tier's own member."""
    member = MipMember(model, nodes, window, levels=levels, weight=weight, lead_only=True, program=program,
                       queued=False)
    member.start()
    member.wait(window + MIP_GRACE)
    member.end()
    return member.lead


def level_lead(model: cp_model.CpModel, level: cp_model.LinearExpr, start: np.ndarray, nodes: int,
               window: float) -> InteriorStart | None:
    """A start for a stage after tier 1's (tier 2, tier 3): the best allocation near the
    relaxed point of ``level`` over the model as it stands (the tiers above it held), from
    ``start`` (``interior_start``), within ``nodes`` and ``window`` seconds; None where
    the model cannot be stated exactly or ``start`` is not one of its allocations. On
    HiGHS's own thread, waited for (a stop the user asked for cancels it).

    Why: on the apart family CP-SAT, hinted with tier 1's allocation, left tier 2 far from
    its optimum (a02: 2,047 where HiGHS proves 3,111; a03: 1,800 against 2,429), while
    that relaxation is close to it (3,136 and 2,430.5)."""
    lp = exact_program(model)
    # the start must be an allocation of the model as it stands: the lead's answer falls back
    # to it, and a hint from outside the search (a re-plan's, the greedy's) may not be one
    if lp is None or stop.requested() or not satisfies(lp, start.astype(float)):
        return None
    flat = cp_model_helper.FlatIntExpr(level)
    gains = _costs(flat, len(lp.costs))
    running: list[highspy.Highs] = []
    cancelled = threading.Event()

    def told(h: highspy.Highs) -> bool:
        running[:] = [h]
        return not cancelled.is_set()

    def cancel() -> None:
        cancelled.set()
        for h in running:
            h.cancelSolve()

    found: list[InteriorStart] = []
    thread = threading.Thread(target=lambda: found.append(interior_start(lp, gains, flat.offset, start, nodes,
                                                                         window, told)),
                              name="rotasolve-lead", daemon=True)
    with stop.stoppable(cancel):
        thread.start()
        thread.join()
    return found[0] if found else None


def exact_program(model: cp_model.CpModel) -> LinearProgram | None:
    """The model as a program whose integer points are exactly the model's solutions;
    None where it cannot be stated so."""
    return exact_program_of(parsed(model))


def exact_program_of(proto: cp_model_pb2.CpModelProto, lp: LinearProgram | None = None) -> LinearProgram | None:
    """``exact_program`` of a model already read out (``relaxation.parsed``); ``lp``: its
    ``program_of``, where already made (the program is the same, checked exact here)."""
    if any(len(var.domain) > 2 for var in proto.variables):
        return None  # a domain with holes
    if any(c.WhichOneof("constraint") not in ("linear", "bool_or", "bool_and") for c in proto.constraints):
        return None
    # single-variable rows are its columns' bounds, so a literal fixed by one shows there
    lp = lp if lp is not None else program_of(proto)
    for c in proto.constraints:
        if c.HasField("linear"):
            for e in c.enforcement_literal:
                var, true = (e, 1.0) if e >= 0 else (-e - 1, 0.0)
                if not lp.lowest[var] == lp.highest[var] == true:
                    return None  # switched by a literal that may be false
    return lp


class MipMember:
    """HiGHS solving a built model's current objective (a maximum) on its own thread."""

    def __init__(self, model: cp_model.CpModel, nodes: int, window: float,
                 on_proven: Callable[[int], None] | None = None, levels: tuple[cp_model.LinearExpr, ...] = (),
                 weight: int = 1, lead_only: bool = False,
                 program: LinearProgram | None = None, queued: bool = True) -> None:
        self._model = model
        # Maximise the model's objective; or, with ``levels`` (tier 1a, tier 1b) and
        # ``weight`` (more than tier 1b can be), weight x 1a + 1b as two solves, 1a then
        # 1b holding it, which HiGHS proved in 12 s where the weighted sum took 22 (its
        # incumbent, not its bound, came late).
        self._levels = [cp_model_helper.FlatIntExpr(e) for e in levels]
        self._weight = weight
        # ``lead_only``: the first level and tier 1b's start alone, kept in ``lead``
        self._lead_only = lead_only
        self.lead: Lead | None = None
        # ``program``: the model's, read already (the model may change once the member
        # runs); ``queued``: waits for HiGHS's turn (ONE_HIGHS_AT_A_TIME), which a lead
        # beside its own member does not.
        self._program, self._queued = program, queued
        self._started: float | None = None
        self._nodes, self._window = nodes, window
        self._on_proven = on_proven  # called from HiGHS's thread with the proven value
        self._cancel = threading.Event()
        self._highs: highspy.Highs | None = None
        self._thread: threading.Thread | None = None
        self.result = MipResult()
        self.started = threading.Event()  # it has HiGHS's turn (``_turn``)
        self.done = threading.Event()

    @staticmethod
    def possible(model: cp_model.CpModel) -> bool:
        return exact_program(model) is not None

    def tell(self, on_proven: Callable[[int], None]) -> None:
        """Call ``on_proven`` with the value HiGHS proves, or has proven already."""
        self._on_proven = on_proven
        if self.result.proven and self.result.value is not None:
            on_proven(self.result.value)

    def window_left(self) -> float:
        """Of the member's wall-clock window, what is left (all of it before it starts)."""
        return self._window - (time.monotonic() - self._started) if self._started is not None else self._window

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="rotasolve-mip", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        highs = self._highs
        if highs is not None:
            highs.cancelSolve()  # within a tenth of a second; its MIP callback came a second late

    def end(self) -> None:
        """Cancel, and wait for HiGHS to return: a process that exits while HiGHS still
        runs on a thread of its is killed by C++'s terminate (seen in a part's process).
        Not after a stop the user asked for: HiGHS's presolve does not hear a cancel, and a
        sweep job stopped in its tier-1b presolve returned 10-12 s after Ctrl-C (two jobs
        side by side, a 250-trainee region). The run then goes on with what it has, and
        the process's exit waits for HiGHS (``stop`` waits for every registered stopper)."""
        self.cancel()
        if not stop.requested():
            self.done.wait(END_WAIT)

    def wait(self, seconds: float) -> MipResult:
        """HiGHS's result once it returns, or what it had after ``seconds``; MIP_GRACE
        seconds at most after a stop the user asked for (``end``)."""
        ends = time.monotonic() + max(0.0, seconds)
        stopping = False
        while not self.done.is_set() and (now := time.monotonic()) < ends:
            if not stopping and stop.requested():
                stopping, ends = True, min(ends, now + MIP_GRACE)
            self.done.wait(min(TURN_POLL, ends - now))
        return self.result

    def _run(self) -> None:
        try:
            with stop.stoppable(self.cancel):
                if self._turn():
                    try:
                        self.started.set()
                        if not stop.requested():
                            self._solve()
                    finally:
                        if self._queued:
                            ONE_HIGHS_AT_A_TIME.release()
        finally:
            self.done.set()

    def _turn(self) -> bool:
        """Waits for HiGHS's turn; False where cancelled first. A relaxation can hold it
        for tens of seconds (the whole part's, left running beside a large part's final
        searches): a member waiting behind it used to hold its call's ``end`` too, and a
        random 1,000-trainee region's run (seed 7004) ended at 67 s of 60."""
        if not self._queued:
            return not self._cancel.is_set()
        while not ONE_HIGHS_AT_A_TIME.acquire(timeout=TURN_POLL):
            if self._cancel.is_set():
                return False
        return True

    def _solve(self) -> None:
        started = time.monotonic()
        lp = self._program if self._program is not None else exact_program(self._model)
        if lp is None or self._cancel.is_set():
            return
        h = highs_of(lp, integer=True)  # each level sets its own costs (``_level``)
        highspy.Highs.resetGlobalScheduler(True)
        for option, value in (("mip_max_nodes", self._nodes), ("mip_rel_gap", 0.0),
                              # the objective is integral: a gap under one is none
                              ("mip_abs_gap", 0.99), ("presolve", MIP_PRESOLVE)):
            h.setOptionValue(option, value)
        self._highs = h
        if self._levels:
            result = self._lexicographic(h, lp, started)
        else:
            objective = self._model.Proto().objective
            costs = -lp.costs  # CP-SAT minimises the negated maximum
            result = self._level(h, lp, costs, -objective.offset, abs(objective.scaling_factor or 1.0), started)
        if result is None:
            return
        result.seconds = time.monotonic() - started
        self.result = result
        if result.proven and result.value is not None and self._on_proven is not None:
            self._on_proven(result.value)

    def _lexicographic(self, h: highspy.Highs, lp: LinearProgram, started: float) -> MipResult | None:
        first_flat, second_flat = self._levels
        first = self._level(h, lp, _costs(first_flat, len(lp.costs)), first_flat.offset, 1.0, started)
        if first is None or first.value is None or not first.proven:
            if first is not None:  # in the weighted sum's terms; tier 1b is less than the weight
                if first.bound is not None:
                    first.bound = self._weight * first.bound + self._weight - 1
                if first.value is not None:
                    assert first.solution is not None  # a value comes with its allocation
                    first.value = self._weight * first.value + flat_value(second_flat, first.solution)
                first.proven = False
            return first
        columns = np.array([v.index for v in first_flat.vars], dtype=np.int32)
        coefficients = np.array(list(first_flat.coeffs), dtype=float)
        held = first.value - first_flat.offset - 0.5  # tier 1a at least the first level's
        assert first.solution is not None  # proven with a value: it comes with its allocation
        gains = _costs(second_flat, len(lp.costs))
        if self._lead_only:
            self._lead(lp, (columns, coefficients, held), gains, first, started)
            return None
        h.addRow(held, highspy.kHighsInf, len(columns), columns, coefficients)
        # The first level's allocation starts the second (it meets the new row, tier 1a
        # kept), so HiGHS prunes against its tier 1b from the first node instead of
        # searching for an incumbent of its own first.
        n = len(lp.costs)
        h.setSolution(n, np.arange(n, dtype=np.int32), first.solution.astype(float))
        h.setOptionValue("presolve", MIP_SECOND_LEVEL_PRESOLVE)
        second = self._level(h, lp, gains, second_flat.offset, 1.0, started)
        if second is None:  # cancelled before it started: the first level's allocation stands
            second = MipResult(stopped_by_clock=True)
        if second.value is None:  # no better allocation than the first level's
            second.solution, second.value = first.solution, flat_value(second_flat, first.solution)
        second.value += self._weight * first.value
        # Tier 1a is proven; tier 1b is below the weight whatever the second level proved.
        second.bound = self._weight * first.value + (self._weight - 1 if second.bound is None else max(second.bound, 0))
        second.stopped_by_clock = second.stopped_by_clock or first.stopped_by_clock
        second.proven = second.proven and not second.stopped_by_clock
        return second

    def _lead(self, lp: LinearProgram, held: tuple[np.ndarray, np.ndarray, float], gains: np.ndarray,
              first: MipResult, started: float) -> None:
        """``lead``: tier 1b's start (``interior_start``) from the first level's allocation,
        the program held at tier 1a's optimum (``held``: its columns, coefficients and
        least value); kept where it betters the first level's."""
        assert first.solution is not None and first.value is not None  # proven: a value and its allocation
        columns, coefficients, least = held
        offset = self._levels[1].offset
        left = self._window - (time.monotonic() - started)
        guide = interior_start(with_row(lp, columns, coefficients, least, math.inf), gains, offset, first.solution,
                             self._nodes, left, self._running)
        if guide.solution is not None:
            self.lead = Lead(first.value, flat_value(self._levels[1], guide.solution), guide.solution, guide.bound,
                             first.stopped_by_clock or guide.stopped_by_clock)

    def _running(self, h: highspy.Highs) -> bool:
        """``h`` is the run a cancel ends from now; False where cancelled already."""
        self._highs = h
        return not self._cancel.is_set()

    def _level(self, h: highspy.Highs, lp: LinearProgram, gains: np.ndarray, offset: float, scale: float,
               started: float) -> MipResult | None:
        """Maximise ``gains . x + offset`` (times ``scale``) within the window left."""
        left = self._window - (time.monotonic() - started)
        if self._cancel.is_set():
            return None
        if left <= 0.05:
            return MipResult(stopped_by_clock=True)
        h.setOptionValue("time_limit", left)
        n = len(gains)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), -gains)  # HiGHS minimises
        h.solve()
        status = h.getModelStatus()
        # Cancelled (CP-SAT's call ended first) or cut by the window: what HiGHS found by
        # then is still sound, its allocation checked below and its bound proven. Dropping
        # it lost a proven tier 1a: on a 149-trainee scheme (f59, 10 s) HiGHS had 43
        # critical placements, proven, when the call ended in its second level, and the
        # answer was CP-SAT's 37 (one run in three).
        cut = status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt,
                         highspy.HighsModelStatus.kHighsInterrupt)  # type: ignore[attr-defined]  # not in highspy's stub
        result = MipResult(stopped_by_clock=cut)
        if status == highspy.HighsModelStatus.kInfeasible:
            result.proven = True
            return result
        info = h.getInfo()
        if math.isfinite(info.mip_dual_bound):
            result.bound = whole_at_most((-info.mip_dual_bound + offset) * scale, relative=0.0)
        solution = h.getSolution()
        if solution.value_valid:
            x = np.rint(np.array(solution.col_value))
            if satisfies(lp, x):
                result.solution = x.astype(np.int64)
                result.value = round((float(gains @ x) + offset) * scale)
        # Proven only where the allocation itself reaches HiGHS's bound: after presolve,
        # HiGHS 1.16 once misjudged a start's value and stopped "optimal" on it
        # (benchmarks/reference.py), and the value here is counted from the allocation.
        result.proven = status == highspy.HighsModelStatus.kOptimal and result.value is not None \
            and (result.bound is None or result.value >= result.bound)
        if result.proven:
            result.bound = result.value
        return result


def _costs(flat: cp_model_helper.FlatIntExpr, n: int) -> np.ndarray:
    gains = np.zeros(n)
    for var, coefficient in zip(flat.vars, flat.coeffs):
        gains[var.index] += coefficient
    return gains
