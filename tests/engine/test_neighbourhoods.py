"""Large-neighbourhood search (engine/neighbourhoods.py, engine/lns.py): a frozen scheme
holds everyone else's allocation as running items, the free trainees choose from the
plan's lists only, and an improved allocation is never worse and always checked."""

from __future__ import annotations

import time

import pytest

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.domain.choices import eligible, shortlist
from rotasolve.engine import SolveOptions
from rotasolve.engine.lns import improve
from rotasolve.engine.neighbourhoods import by_modality, by_place, freeze, thaw
from rotasolve.synthetic.generate import generate
from rotasolve.model.objective import score
from rotasolve.model.search import Budget


@pytest.fixture(scope="module")
def region():
    inst = generate(60, 3, seed=4, connected=True)
    start = greedy(inst)
    assert start is not None
    # One case and supervisor a unit: the greedy allocation chose off these lists (3 of the
    # 4 placements of the trainees set free below), as on a large region.
    return inst, start, shortlist(inst, eligible(inst), 1, cover=1)


def test_a_frozen_scheme_holds_everyone_elses_allocation(region):
    inst, start, _lists = region
    free = {t.id for t in inst.trainees[:10]}
    frozen = freeze(inst, start, free)
    held = {c.case_id: c for c in start.cases if c.trainee_id not in free}
    for case_id, place in held.items():
        c = frozen.case[case_id]
        assert c.kept and (c.current_trainee, c.current_supervisor) == (place.trainee_id, place.supervisor_id)
        assert (c.session_slot, c.supervision_slot) == (place.session_slot, place.supervision_slot)
    # The same allocation, seen from the frozen scheme, breaks no rule there and thaws back.
    assert thaw(inst, start) == start
    assert check(inst, thaw(inst, start)) == []


def test_free_trainees_choose_from_their_lists_and_nothing_frozen(region):
    inst, start, lists = region
    free = {t.id for t in inst.trainees[:40]}
    frozen = freeze(inst, start, free)
    incumbent = [(c.trainee_id, c.case_id, c.supervisor_id) for c in start.cases if c.trainee_id in free and not c.kept]
    choices = lists.for_frozen(frozen, free, incumbent)
    taken = {c.case_id for c in start.cases if c.trainee_id not in free}
    for key, cases in choices.cases.items():
        if key.kept_case:
            assert cases == (frozen.case[key.kept_case],)
            continue
        assert key.trainee_id in free
        listed = {c.id for c in lists.cases[key]} | {case for t, case, _s in incumbent if t == key.trainee_id}
        assert {c.id for c in cases} <= listed - taken
    # The allocation being improved stays one of the neighbourhood's (the shortlist alone
    # may leave out a case or supervisor the greedy allocation chose).
    for t, case, sup in incumbent:
        key = next(k for k in choices.cases if k.trainee_id == t and not k.kept_case and case in
                   {c.id for c in choices.cases[k]})
        assert sup in {s.id for s in choices.supervisors[key]}
    frozen_units = {k.trainee_id for k in choices.cases if not k.kept_case}
    assert frozen_units <= free and choices.joiners == free


def test_improving_by_neighbourhoods_is_never_worse_and_always_checked(region):
    inst, start, lists = region
    found, tiers, _spent, _clocked = improve(inst, start, lists, SolveOptions(time_limit=20, workers=2),
                                             Budget(6.0, time.monotonic() + 60), most=20)
    assert check(inst, found) == []
    # here it finds better (9, 30 against 9, 25)
    assert tiers == score(inst, found) and tiers.ordered() > score(inst, start).ordered()


def test_neighbourhoods_cover_every_trainee_and_stay_small(region):
    inst, _start, lists = region
    hoods = by_place(inst, 20)
    assert set().union(*hoods) == {t.id for t in inst.trainees}
    assert all(len(h) <= 20 for h in hoods + by_modality(lists, 20))
