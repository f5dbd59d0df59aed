"""Lists of choices (domain/choices.py): shortlists of each kind keep each unit's nearest
cases and supervisors met in person as well as by video; lists without the supervisors
whose running cases fill them lose nothing an allocation could use."""

from __future__ import annotations

from collections import Counter

import pytest
from ortools.sat.python import cp_model

from rotasolve.domain.choices import eligible, qualified, shortlist, shortlists, without_full_supervisors
from rotasolve.engine.guided import MU
from rotasolve.model.build import build
from rotasolve.synthetic.generate import generate


def test_lists_of_each_kind_keep_the_supervisors_met_in_person_that_lists_ranked_together_leave_out():
    inst = generate(60, 3, seed=4, connected=True)
    assert any(s.remote for s in inst.supervisors) and any(not s.remote for s in inst.supervisors)
    full = eligible(inst)
    together, by_kind = shortlist(inst, full, 2), shortlist(inst, full, 2, by_kind=True)
    mins = inst.minutes
    units = [key for key in full.cases if key.kept_case is None]
    assert units
    for key in units:
        t = inst.trainee[key.trainee_id]
        every = {s.id for s in full.supervisors[key]}
        listed = {s.id for s in by_kind.supervisors[key]}
        assert listed <= every and {c.id for c in by_kind.cases[key]} <= {c.id for c in full.cases[key]}
        for remote in (False, True):
            of_kind = [s for s in full.supervisors[key] if s.remote == remote]
            assert len(listed & {s.id for s in of_kind}) >= min(2, len(of_kind))
            if of_kind:  # the nearest of the kind is listed (ties aside)
                nearest = min(mins.supervision_travel(t, s) for s in of_kind)
                assert any(mins.supervision_travel(t, s) == nearest for s in by_kind.supervisors[key]
                           if s.remote == remote)
    in_person = sum(1 for key in units for s in by_kind.supervisors[key] if not s.remote)
    assert in_person > sum(1 for key in units for s in together.supervisors[key] if not s.remote)


def test_lists_of_several_sizes_ranked_once_are_each_the_shortlist_of_that_size():
    inst = generate(60, 3, seed=4, connected=True)
    full = eligible(inst)
    for by_kind in (False, True):
        several = shortlists(inst, full, (1, 3), by_kind=by_kind)
        for per_unit, listed in zip((1, 3), several, strict=True):
            alone = shortlist(inst, full, per_unit, by_kind=by_kind)
            assert listed.cases == alone.cases and listed.supervisors == alone.supervisors
        assert several[0].cases != several[1].cases  # the sizes differ, so the lists do


def _full_supervisors(inst) -> set[str]:
    running = Counter(c.current_supervisor for c in inst.cases if c.kept and c.current_supervisor)
    return {s.id for s in inst.supervisors if inst.capacity.supervisor_cases(s) <= running[s.id]}


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_lists_lose_only_the_supervisors_whose_running_cases_fill_them(seed):
    inst = generate(40, 2, seed=seed, connected=True)
    full = _full_supervisors(inst)
    every = eligible(inst)
    listed = without_full_supervisors(inst, every)
    assert full and listed.size() < every.size()
    for key, cases in every.cases.items():
        if key.kept_case:  # a running case keeps every choice it had
            assert listed.cases[key] == cases and listed.supervisors[key] == every.supervisors[key]
            continue
        left = [s for s in every.supervisors[key] if s.id not in full]
        kept_cases = [c for c in cases if any(qualified(s, c) for s in left)]
        if not left or not kept_cases:
            assert key not in listed.cases
            continue
        assert [s.id for s in listed.supervisors[key]] == [s.id for s in left]
        assert [c.id for c in listed.cases[key]] == [c.id for c in kept_cases]


def _best(inst, choices) -> int:
    built = build(inst, choices)
    built.model.maximize(MU * built.tiers.critical.expr + built.tiers.others.expr)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", [2, 5])
def test_lists_without_full_supervisors_lose_no_placement(seed):
    inst = generate(30, 2, seed=seed, connected=True)
    assert _full_supervisors(inst)
    every = eligible(inst)
    assert _best(inst, without_full_supervisors(inst, every)) == _best(inst, every)
