"""Tier 1b's start for HiGHS's second level (model/interior_start.py): a better allocation
that passes the checker with tier 1a held; a bound never below the best allocation;
nothing run once cancelled."""

from __future__ import annotations

import math

import numpy as np
import pytest
from ortools.sat.python import cp_model, cp_model_helper
from tiny import brute_force, tiny_scheme

from rotasolve.check import check
from rotasolve.domain.choices import eligible
from rotasolve.model.build import build, extract
from rotasolve.model.mip import exact_program
from rotasolve.model.objective import score
from rotasolve.model.interior_start import InteriorStart, interior_start, with_row
from rotasolve.model.relaxation import satisfies
from rotasolve.synthetic.generate import generate


def _second_level(inst):
    """The second level's program (tier 1a held at its optimum), tier 1b's gains and
    offset, and a poor start: tier 1a at its optimum, tier 1b at its least."""
    built = build(inst, eligible(inst))
    critical, others = built.tiers.critical.expr, built.tiers.others.expr
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    built.model.maximize(critical)
    assert solver.solve(built.model) == cp_model.OPTIMAL
    most_critical = round(solver.objective_value)
    lp = exact_program(built.model)
    assert lp is not None
    built.model.add(critical >= most_critical)
    built.model.minimize(others)
    assert solver.solve(built.model) == cp_model.OPTIMAL
    start = np.array(solver.response_proto.solution, dtype=np.int64)
    first, second = cp_model_helper.FlatIntExpr(critical), cp_model_helper.FlatIntExpr(others)
    columns = np.array([v.index for v in first.vars], dtype=np.int32)
    held = with_row(lp, columns, np.array(list(first.coeffs), dtype=float), most_critical - first.offset - 0.5,
                    math.inf)
    gains = np.zeros(len(lp.costs))
    for var, coefficient in zip(second.vars, second.coeffs):
        gains[var.index] += coefficient
    return built, held, gains, second.offset, start, most_critical


@pytest.mark.parametrize("seed", [1, 5, 7])
def test_a_better_allocation_that_passes_the_checker_with_tier_1a_held(seed):
    inst = generate(40, 2, seed=seed)
    built, held, gains, offset, start, most_critical = _second_level(inst)
    found = interior_start(held, gains, offset, start, nodes=1_000, seconds=60.0, running=lambda h: True)
    assert found.solution is not None and not found.stopped_by_clock
    assert satisfies(held, found.solution.astype(float))
    values = found.solution
    allocation = extract(built.vars, lambda var: int(values[var.Index()]))
    assert check(inst, allocation) == []
    scored = score(inst, allocation)
    assert scored.critical == most_critical
    assert scored.others == round(gains @ found.solution + offset) > round(gains @ start + offset)
    assert found.bound is not None and found.bound >= scored.others


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_the_bound_is_never_below_the_exhaustive_optimum(seed):
    inst = tiny_scheme(seed)
    best = brute_force(inst)
    if best is None:
        return
    _built, held, gains, offset, start, most_critical = _second_level(inst)
    assert most_critical == best[0]
    found = interior_start(held, gains, offset, start, nodes=1_000, seconds=60.0, running=lambda h: True)
    assert found.bound is not None and found.bound >= best[1]
    reached = round(gains @ (found.solution if found.solution is not None else start) + offset)
    assert reached <= best[1]


def test_nothing_is_run_once_cancelled():
    inst = generate(40, 2, seed=1)
    _built, held, gains, offset, start, _most = _second_level(inst)
    runs = []
    found = interior_start(held, gains, offset, start, nodes=1_000, seconds=60.0,
                         running=lambda h: runs.append(h) is not None)
    assert len(runs) == 1 and found == InteriorStart()
