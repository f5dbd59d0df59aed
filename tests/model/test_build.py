"""model/build.py: a hint completed from an allocation's decisions."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotasolve.baseline import greedy
from rotasolve.model.build import build, completed_hint, extract, hint_from
from rotasolve.synthetic.generate import generate


def _built_and_decisions():
    """A scheme's model and the decisions of its greedy allocation there."""
    inst = generate(40, 2, seed=3)
    start = greedy(inst)
    assert start is not None
    built = build(inst)
    return built, hint_from(built.vars, start)


def test_a_completed_hint_is_the_allocation_with_every_variable_set():
    built, decisions = _built_and_decisions()
    whole = completed_hint(built.model, decisions, 5.0)
    n = len(built.model.Proto().variables)
    assert len(decisions) < n and set(whole) == set(range(n))  # the rules' own variables too
    assert all(whole[i] == v for i, v in decisions.items())  # the decisions as given
    # every variable fixed where the hint says: the model holds it, and it is the allocation
    fixed = built.model.clone()
    for i, v in whole.items():
        fixed.add(fixed.get_int_var_from_proto_index(i) == v)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert extract(built.vars, lambda var: whole[var.Index()]) == extract(built.vars, lambda var: solver.value(var))


def test_a_hint_the_model_cannot_hold_is_returned_as_it_is():
    built, decisions = _built_and_decisions()
    held = next(u.held for u in built.vars.units.values() if u.kept is None and decisions[u.held.Index()] == 1)
    built.model.add(held == 0)  # the allocation is no longer one of the model's
    assert completed_hint(built.model, decisions, 5.0) == decisions
