"""model/search.py: a stage told a proven bound on its value, and one stopped within a gap."""

from __future__ import annotations

from types import SimpleNamespace

from ortools.sat.python import cp_model

from rotasolve.domain.tiers import CRITICAL
from rotasolve.model import portfolio
from rotasolve.model.build import build
from rotasolve.model.search import Budget, Stage, search
from rotasolve.synthetic.generate import generate


def _critical_stage(built) -> list[Stage]:
    return [Stage("critical placed", built.tiers.critical.expr, (CRITICAL,), share=1.0)]


def test_a_bound_given_to_the_search_caps_its_value_and_its_bound():
    """``at_most`` is the objective's own domain: the search can reach it, not pass it, and
    reports it as its bound (the sign and offset of CP-SAT's negated maximum are right)."""
    inst = generate(40, 2, 1)

    def solved(at_most=None):
        built = build(inst)
        return search(built, Budget(10.0, 1e12), workers=1, stages=_critical_stage(built), at_most=at_most)
    free = solved()
    best = free.values.critical
    assert best is not None and best >= 2 and free.bounds.critical == best
    capped = solved(at_most=best - 1)
    assert capped.values.critical == best - 1 == capped.bounds.critical
    told = solved(at_most=best)
    assert told.values.critical == best == told.bounds.critical


def test_a_call_stopped_within_its_gap_is_not_called_proven():
    """CP-SAT says OPTIMAL for a search stopped by its gap limit; the value below the bound
    says otherwise."""
    def solver(value: float, bound: float):
        return SimpleNamespace(ObjectiveValue=lambda: value, BestObjectiveBound=lambda: bound,
                               response_proto=SimpleNamespace(solution=[1, 0]), deterministic_time=0.5)
    within_gap = portfolio._alone(solver(145, 146), cp_model.OPTIMAL, None)
    assert within_gap.found and (within_gap.value, within_gap.bound) == (145, 146) and not within_gap.proven
    assert portfolio._alone(solver(146, 146), cp_model.OPTIMAL, None).proven
