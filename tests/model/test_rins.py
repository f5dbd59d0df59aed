"""RINS with HiGHS (model/rins.py): it improves from the allocation it is given, never
returns a worse or invalid one."""

from __future__ import annotations

import pytest

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.model.build import build, completed_hint, extract, hint_from
from rotasolve.model.objective import score
from rotasolve.model.rins import RelaxedPoint, improve, relaxed_point
from rotasolve.synthetic.generate import generate


def _scheme_model_and_start(seed: int):
    inst = generate(40, 2, seed=seed)
    start = greedy(inst)
    assert start is not None
    built = build(inst)
    built.model.add(built.tiers.critical.expr >= score(inst, start).critical)
    built.model.maximize(built.tiers.others.expr)
    return inst, built, start, completed_hint(built.model, hint_from(built.vars, start), 5.0)


def _point(model) -> RelaxedPoint:
    point = relaxed_point(model, 30.0)
    assert point is not None
    return point


@pytest.mark.parametrize("seed", [1, 5, 7])  # schemes where the greedy allocation can be bettered
def test_rins_returns_a_better_allocation_that_passes_the_checker(seed):
    inst, built, start, hint = _scheme_model_and_start(seed)
    found = improve(built.model, hint, _point(built.model), 30.0, 3)
    assert found.improved >= 1 and not found.stopped_by_clock
    assert found.rounds == found.improved + 1  # the last round found nothing better: it ended the search
    assert found.solution is not None
    values = found.solution
    better = extract(built.vars, lambda var: int(values[var.Index()]))
    assert check(inst, better) == []
    before, after = score(inst, start), score(inst, better)
    assert after.critical >= before.critical  # tier 1a held
    assert after.others > before.others  # and tier 1b better


def test_a_start_that_is_not_complete_is_left_alone():
    _inst, built, _start, hint = _scheme_model_and_start(1)
    partial = dict(list(hint.items())[:-1])
    found = improve(built.model, partial, _point(built.model), 30.0, 3)
    assert found.solution is None and found.rounds == 0
