"""Shortlists (domain/choices.py): lists of each kind keep each unit's nearest cases and
supervisors met in person as well as by video."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from rotasolve.domain.choices import UnitKey, _covered, eligible, shortlist, shortlists
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


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), max_size=10, unique=True), min_size=1, max_size=12),
       st.integers(1, 4))
def test_each_item_is_covered_by_the_units_that_rank_it_highest(lists, cover):
    """``_covered`` reads rank by rank: the same units as every unit ranking an item,
    sorted by (rank, unit's name), first ``cover`` of them."""
    ranked = {UnitKey(f"T{i:03d}", "short"): [_Item(f"C{j}") for j in items] for i, items in enumerate(lists)}
    expected: dict[UnitKey, set[str]] = {key: set() for key in ranked}
    places: dict[str, list[tuple[int, str, UnitKey]]] = {}
    for key, items in ranked.items():
        for position, item in enumerate(items):
            places.setdefault(item.id, []).append((position, str(key), key))
    for item_id, where in places.items():
        for _position, _name, key in sorted(where)[:cover]:
            expected[key].add(item_id)
    assert _covered(ranked, cover) == expected


@dataclass(frozen=True)
class _Item:
    id: str
