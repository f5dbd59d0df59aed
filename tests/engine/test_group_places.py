"""The group places filled afresh around a guided part's cases (engine/group_places.py and
its wiring in engine/part.py): the model keeps the answer's cases, the answer it gives
passes the checker and is kept only where it is better, and a re-plan does not run it."""

from __future__ import annotations

import time

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.domain.choices import UnitKey, eligible
from rotasolve.engine import SolveOptions, solve
from rotasolve.engine import group_places
from rotasolve.engine import part as part_module
from rotasolve.engine.one_model import PartResult, flow_bounds
from rotasolve.model.objective import score
from rotasolve.model.search import Budget
from rotasolve.results.solution import Solution
from rotasolve.synthetic.generate import generate

from .test_rins import _shortlisted


def _without_new_groups(sol: Solution) -> Solution:
    """``sol`` with no new group place, and no tutor for a trainee left holding nothing."""
    groups = [g for g in sol.groups if g.kept]
    holding = {g.trainee_id for g in groups} | {c.trainee_id for c in sol.cases}
    return sol.model_copy(update={"groups": groups, "tutors": [u for u in sol.tutors if u.trainee_id in holding]})


def _found(inst, sol: Solution) -> PartResult:
    return PartResult("FEASIBLE", score(inst, sol), None, sol, {"variables": 0, "constraints": 0}, "guided")


def test_the_model_keeps_each_given_case_its_case_and_supervisor_and_offers_no_other():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    sol = greedy(inst)
    assert sol is not None
    choices = group_places.around_cases(inst, every, sol)
    given = {UnitKey(c.trainee_id, inst.case[c.case_id].length): c for c in sol.cases if not c.kept}
    assert given and choices.joiners is None
    for key in choices.cases:
        if key.kept_case:
            assert choices.cases[key] == every.cases[key] and choices.supervisors[key] == every.supervisors[key]
        else:
            place = given[key]
            assert [c.id for c in choices.cases[key]] == [place.case_id]
            assert [s.id for s in choices.supervisors[key]] == [place.supervisor_id]
    assert set(given) <= set(choices.cases)


def test_group_places_left_empty_are_filled_and_the_answer_passes_the_checker():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    by_hand = greedy(inst)
    assert by_hand is not None
    emptied = _without_new_groups(by_hand)
    assert check(inst, emptied) == []
    found = _found(inst, emptied)
    result = group_places.refilled(inst, every, found, SolveOptions(workers=2), Budget(5.0, time.monotonic() + 60),
                                   flow_bounds(inst, every))
    assert result.solution is not None and result.values is not None and found.values is not None
    assert check(inst, result.solution) == []
    assert result.values.ordered()[:2] > found.values.ordered()[:2]
    assert any(not g.kept for g in result.solution.groups)
    # its cases are the answer's, in the answer's slots
    held = [(c.case_id, c.trainee_id, c.supervisor_id, c.session_slot, c.supervision_slot) for c in emptied.cases]
    assert sorted((c.case_id, c.trainee_id, c.supervisor_id, c.session_slot, c.supervision_slot)
                  for c in result.solution.cases) == sorted(held)


def test_an_answer_no_better_around_its_cases_is_kept_as_it_is():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    by_hand = greedy(inst)
    assert by_hand is not None
    options, outer = SolveOptions(workers=2), flow_bounds(inst, every)
    once = group_places.refilled(inst, every, _found(inst, _without_new_groups(by_hand)), options,
                                 Budget(5.0, time.monotonic() + 60), outer)
    again = group_places.refilled(inst, every, once, options, Budget(5.0, time.monotonic() + 60), outer)
    assert again is once
    proven = PartResult("OPTIMAL", once.values, None, once.solution, {}, "one model")
    assert group_places.refilled(inst, every, proven, options, Budget(5.0, time.monotonic() + 60), outer) is proven


def test_time_is_set_aside_for_it_but_not_in_a_replan():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    budget = Budget(10.0, time.monotonic() + 60)
    before, refill = group_places.set_aside(inst, every, start, budget, SolveOptions())
    assert refill is not None and refill.deadline == budget.deadline and refill.deterministic is not None
    assert before.deadline < budget.deadline and before.deterministic == budget.deterministic - refill.deterministic
    assert group_places.set_aside(inst, every, start, budget, SolveOptions(previous=start)) == (budget, None)
    assert group_places.set_aside(inst, every, None, budget, SolveOptions()) == (budget, None)


def test_a_shortlisted_parts_answer_is_refilled_last(monkeypatch):
    # 30 trainees: a shortlisted part refilled as the 60 of the RINS tests is, in a tenth of the time
    inst = generate(30, 3, seed=4, connected=True)
    _shortlisted(monkeypatch, inst)
    refills: list[tuple[PartResult, PartResult]] = []
    refilled = group_places.refilled

    def spied(inst, every, found, *more):
        result = refilled(inst, every, found, *more)
        refills.append((found, result))
        return result
    monkeypatch.setattr(part_module, "refilled", spied)
    sol = solve(inst, SolveOptions(time_limit=20, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    assert refills  # one for each guided part
    for found, result in refills:
        assert result.values is not None and found.values is not None
        assert result.values.ordered() >= found.values.ordered()


def test_bounds_hold_for_the_answer_refilled():
    """Where filling the groups places more critical requirements, tier 1b's bound is the
    part's at the new count (no higher than before)."""
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    by_hand = greedy(inst)
    assert by_hand is not None
    outer = flow_bounds(inst, every)
    emptied = _without_new_groups(by_hand)
    found = _found(inst, emptied)
    assert found.values is not None
    found.bounds = outer.bounds(found.values.critical)
    result = group_places.refilled(inst, every, found, SolveOptions(workers=2), Budget(5.0, time.monotonic() + 60),
                                   outer)
    assert result.values is not None and result.bounds is not None and found.bounds.others is not None
    assert result.bounds.critical == found.bounds.critical
    assert result.bounds.others is not None and result.bounds.others <= found.bounds.others
    assert result.values.critical <= result.bounds.critical and result.values.others <= result.bounds.others
