"""The staged solve when a stage runs out of time: an answer no worse than the tutor's
greedy one, and bounds only where they are known."""

from __future__ import annotations

import json

import openpyxl
import pytest
from ortools.sat.python import cp_model

from rotasolve.baseline import greedy, tier1
from rotasolve.flows import coverage_bound
from rotasolve.check import check
from rotasolve.engine import SolveOptions, solve
from rotasolve.excel.writer import write_solution
from rotasolve.synthetic.generate import generate
from rotasolve.model import search as search_module
from rotasolve.model import portfolio


def starve(monkeypatch, calls: set[int]):
    """The solver calls numbered in `calls` (1 = stage 1) stop after presolve, with no
    solution, as a stage does on a large part with a short time limit. (On a busy machine
    the clock may have left a stage no time at all: then there is no solver to starve, and
    the stage is out of time as the test wants.)"""
    real = search_module._solver
    count = {"n": 0}

    def solver(*args, **kwargs):
        made = real(*args, **kwargs)
        count["n"] += 1
        if made is not None and count["n"] in calls:  # None: out of wall time already (a busy machine)
            made.parameters.stop_after_presolve = True
        return made
    monkeypatch.setattr(search_module, "_solver", solver)


@pytest.fixture(scope="module")
def scheme():
    # Seed 2: stage 1 proves tiers 1a and 1b in about half a second (seed 1, where it was,
    # took 2-3 s of a slow day to prove them, for the same assertions).
    return generate(40, 3, seed=2)


def test_stage_one_with_nothing_in_time_falls_back_to_the_greedy_allocation(scheme, monkeypatch):
    starve(monkeypatch, {1})
    sol = solve(scheme, SolveOptions(time_limit=3, workers=1, seed=0, mip=False))
    assert sol.status == "FEASIBLE"  # was UNKNOWN (exit 5) before the fallback
    assert check(scheme, sol) == []
    assert sol.objective.tiers[0] >= tier1(scheme, greedy(scheme))[0]
    # The starved stage proved nothing: tier 1a's bound is the max-flow bound, the rest unknown.
    assert sol.objective.bound[0] == coverage_bound(scheme) >= sol.objective.tiers[0]
    assert sol.objective.bound[1:] == [None, None, None]


def test_a_lower_stage_out_of_time_reports_its_bound_as_unknown(scheme, monkeypatch, tmp_path):
    starve(monkeypatch, {2})
    # 10 s, not 3: on a loaded machine stage 1 must still prove tiers 1a and 1b in its share
    sol = solve(scheme, SolveOptions(time_limit=10, workers=1, seed=0, mip=False))
    assert sol.status == "FEASIBLE" and check(scheme, sol) == []
    # Tiers 1a and 1b were proven together in stage 1; tiers 2 and 3 are not known.
    assert None not in sol.objective.bound[:2] and sol.objective.bound[2:] == [None, None]
    assert json.loads(sol.to_json())["objective"]["bound"][2:] == [None, None]
    write_solution(scheme, sol, tmp_path / "out.xlsx")
    summary = [str(c.value) for row in openpyxl.load_workbook(tmp_path / "out.xlsx")["Summary"].iter_rows()
               for c in row if c.value is not None]
    assert any("(bound unknown)" in text for text in summary)


# ----- when a call counts as stopped by the clock (the manifest's `deterministic`) -----

class _Call:
    """What a finished CP-SAT call reports: its limits, its wall time and its work."""

    def __init__(self, wall_limit, work_limit, wall, work):
        self.parameters = cp_model.CpSolver().parameters
        self.parameters.max_time_in_seconds = wall_limit
        if work_limit is not None:
            self.parameters.max_deterministic_time = work_limit
        self._wall, self.deterministic_time = wall, work

    def WallTime(self):  # CP-SAT's name
        return self._wall


@pytest.mark.parametrize("call, status, clocked", [
    (_Call(10, 5, 4.0, 5.01), "FEASIBLE", False),   # its planned work done
    (_Call(10, 5, 10.0, 3.0), "FEASIBLE", True),    # the wall-clock limit reached
    (_Call(10, 5, 9.8, 3.0), "FEASIBLE", True),     # cut near the limit, work not done: a busy machine
    (_Call(10, 5, 2.0, 1.0), "OPTIMAL", False),     # proven early
    (_Call(10, None, 9.8, 3.0), "FEASIBLE", False),  # wall-clock mode: no planned work to fall short of
])
def test_a_call_cut_short_of_its_planned_work_was_stopped_by_the_clock(call, status, clocked):
    assert portfolio.stopped_by_clock(call, getattr(cp_model, status)) is clocked
