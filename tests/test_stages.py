"""The staged solve when a stage runs out of time: an answer no worse than the tutor's
greedy one, and bounds only where they are known."""

from __future__ import annotations

import json

import openpyxl
import pytest

from rotasolve.baseline import greedy, tier1
from rotasolve.check import check
from rotasolve.domain import length_of
from rotasolve.excel.writer import write_solution
from rotasolve.generate import generate
from rotasolve.model import solve as solve_module
from rotasolve.model.solve import SolveOptions, solve


def starve(monkeypatch, calls: set[int]):
    """The solver calls numbered in `calls` (1 = stage 1) stop after presolve, with no
    solution, as a stage does on a large part with a short time limit."""
    real = solve_module._parameters
    count = {"n": 0}

    def parameters(*args, **kwargs):
        solver = real(*args, **kwargs)
        count["n"] += 1
        if count["n"] in calls:
            solver.parameters.stop_after_presolve = True
        return solver
    monkeypatch.setattr(solve_module, "_parameters", parameters)


@pytest.fixture(scope="module")
def scheme():
    return generate(40, 3, seed=1)


def test_stage_one_with_nothing_in_time_falls_back_to_the_greedy_allocation(scheme, monkeypatch):
    starve(monkeypatch, {1})
    sol = solve(scheme, SolveOptions(time_limit=3, workers=1, seed=0))
    assert sol.status == "FEASIBLE"  # was UNKNOWN (exit 5) before the fallback
    assert check(scheme, sol) == []
    assert sol.objective.tiers[0] >= tier1(scheme, greedy(scheme))[0]
    # The bound is the count of critical placements possible, not the starved stage's.
    assert sol.objective.bound[0] >= sol.objective.tiers[0]
    assert sol.objective.bound[0] == sum(1 for t in scheme.trainees for n in scheme.needs.of(t.id)
                                         if n.critical and not n.gated and _placeable(scheme, t, n))


def _placeable(inst, t, need):
    if need.requirement == "cbdg":
        return any(inst.eligibility.can_join_group(t, g) for g in inst.groups)
    length = length_of(need.requirement)
    return any(c.length == length and inst.eligibility.can_take_case(t, c) and inst.eligibility.pair_supervisors(t, c)
               for c in inst.cases)


def test_a_lower_stage_out_of_time_reports_its_bound_as_unknown(scheme, monkeypatch, tmp_path):
    starve(monkeypatch, {2})
    sol = solve(scheme, SolveOptions(time_limit=3, workers=1, seed=0))
    assert sol.status == "FEASIBLE" and check(scheme, sol) == []
    assert sol.objective.bound[0] is not None and sol.objective.bound[1:] == [None, None, None]
    assert json.loads(sol.to_json())["objective"]["bound"][1:] == [None, None, None]
    write_solution(scheme, sol, tmp_path / "out.xlsx")
    summary = [str(c.value) for row in openpyxl.load_workbook(tmp_path / "out.xlsx")["Summary"].iter_rows()
               for c in row if c.value is not None]
    assert any("(bound unknown)" in text for text in summary)
