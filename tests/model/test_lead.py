"""HiGHS's lead on tier 1 (model/mip.py ``lead``, model/search.py ``_lead``): its
allocation passes the checker with tier 1a at its optimum and its bound is never below the
best allocation; a search led by it reaches the exhaustive optimum; a call that found
nothing as good takes the lead's allocation, and no call's bound is above the lead's."""

from __future__ import annotations

import time

import numpy as np
import pytest
from tiny import brute_force, tiny_scheme

from rotasolve.check import check
from rotasolve.domain.choices import eligible
from rotasolve.model.build import build, extract
from rotasolve.model.mip import exact_program, lead
from rotasolve.model.objective import score
from rotasolve.model.portfolio import CallResult
from rotasolve.model.search import Ahead, Budget, _at_least_the_lead, _proven_by_the_lead, search, tier_stages
from rotasolve.synthetic.generate import generate


@pytest.mark.parametrize("seed", [1, 5, 7])
def test_the_leads_allocation_places_the_most_critical_and_passes_the_checker(seed):
    inst = generate(40, 2, seed=seed)
    built = build(inst, eligible(inst))
    stage = tier_stages(built)[0]
    built.model.maximize(stage.expr)
    program = exact_program(built.model)
    assert program is not None
    levels = (built.tiers.critical.expr, built.tiers.others.expr)
    ahead = lead(built.model, levels, stage.weight, 1_000, 60.0, program)
    assert ahead is not None and not ahead.stopped_by_clock
    solution = ahead.solution
    allocation = extract(built.vars, lambda var: int(solution[var.Index()]))
    assert check(inst, allocation) == []
    proven = search(build(inst, eligible(inst)), Budget(30.0, time.monotonic() + 120), workers=2, stages=1,
                    mip_nodes_per_second=100.0)
    # tier 1 proven (the tiers after it are scored, not searched: ``stages=1``)
    assert (proven.values.critical, proven.values.others) == (proven.bounds.critical, proven.bounds.others)
    scored = score(inst, allocation)
    assert (scored.critical, scored.others) == (ahead.critical, ahead.others)
    assert ahead.critical == proven.values.critical
    assert ahead.bound is not None and ahead.others <= proven.values.others <= ahead.bound


@pytest.mark.parametrize("seed", range(0, 40, 6))
def test_a_search_led_by_highs_reaches_the_exhaustive_optimum(seed):
    inst = tiny_scheme(seed)
    best = brute_force(inst)
    if best is None:
        return
    built = build(inst, eligible(inst))
    found = search(built, Budget(10.0, time.monotonic() + 60), workers=2, stages=1, mip_nodes_per_second=20.0,
                   lead=True)
    tier_one = (found.values.critical, found.values.others)
    assert tier_one == (found.bounds.critical, found.bounds.others) == best
    assignment = found.assignment
    assert assignment is not None
    allocation = extract(built.vars, lambda var: assignment[var.Index()])
    assert check(inst, allocation) == [] and score(inst, allocation).ordered()[:2] == best


def test_a_call_that_found_nothing_as_good_takes_the_leads_allocation():
    ahead = Ahead(value=35, bound=37, solution=np.array([1, 0]), stopped_by_clock=False)
    nothing = _at_least_the_lead(CallResult(False), ahead)
    assert nothing.found and nothing.value == 35 and nothing.bound == 37 and not nothing.proven
    assert nothing.assignment is ahead.solution and nothing.by == "HiGHS"
    worse = _at_least_the_lead(CallResult(True, value=34, bound=40, assignment=np.array([0, 1])), ahead)
    assert worse.value == 35 and worse.assignment is ahead.solution and worse.bound == 37
    better = _at_least_the_lead(CallResult(True, value=36, bound=40, assignment=np.array([0, 1])), ahead)
    assert better.value == 36 and better.bound == 37 and not better.proven and better.by == "CP-SAT"
    best = _at_least_the_lead(CallResult(True, value=37, bound=40, assignment=np.array([0, 1])), ahead)
    assert best.proven  # the call reached the lead's bound
    clocked = _at_least_the_lead(CallResult(True, value=36, bound=36), Ahead(35, 37, np.array([1, 0]), True))
    assert clocked.stopped_by_clock and clocked.proven


def test_a_lead_that_reached_its_bound_is_the_stages_answer_unless_a_member_is_left():
    proven = Ahead(value=37, bound=37, solution=np.array([1, 0]), stopped_by_clock=False)
    got = _proven_by_the_lead(proven, None)
    assert got is not None and got.found and got.proven and got.value == got.bound == 37 and got.by == "HiGHS"
    assert _proven_by_the_lead(Ahead(36, 37, np.array([1, 0]), False), None) is None
    assert _proven_by_the_lead(None, None) is None
