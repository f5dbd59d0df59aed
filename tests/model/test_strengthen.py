"""The valid inequalities (model/strengthen.py) cut off no allocation the rules allow, and
they tighten the linear relaxation where it was loose."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations

import pytest
from conftest import case, feasible, fix, scheme, supervisor, trainee
from ortools.sat.python import cp_model
from tiny import tiny_scheme

from rotasolve.domain import Profile
from rotasolve.model import strengthen
from rotasolve.model.build import build
from rotasolve.model.expr import total
from rotasolve.model.relaxation import relax
from rotasolve.model.rules import RULE_MODULES
from rotasolve.model.strengthen import minutes_hull
from rotasolve.model.variables import build_variables
from rotasolve.synthetic.generate import generate


def _allocations_of_the_rules(inst, draws: int, seed: int):
    """Allocations of the rules alone (no inequality, no objective tier), each maximising
    random weights on holding cases and on sharing meetings (so shared meetings turn up):
    the value of each variable the rules create — the first variables of the full model
    too, in the same order — and whether a meeting is shared."""
    rng = random.Random(seed)
    for _ in range(draws):
        model = cp_model.CpModel()
        v = build_variables(inst, model)
        for rule in RULE_MODULES:
            rule.build(v)
        terms = [rng.randint(0, 5) * u.held for u in v.units.values()]
        terms += [rng.randint(0, 8) * var for u in v.units.values() for var in u.in_shared.values()]
        terms += [rng.randint(0, 2) * var for var in v.group.values()]
        model.Maximize(total(terms))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        yield ([solver.Value(var) for var in _variables(model)],
               any(solver.Value(var) for var in v.shared.values()))


def _variables(model):
    return [model.GetIntVarFromProtoIndex(i) for i in range(len(model.Proto().variables))]


def _strongest(inst):
    """The model as the critical relaxation's is built: every inequality."""
    built = build(inst, relaxation=True)
    strengthen.meetings_whole(built.vars)
    return built


def _fits_strengthened(inst, values) -> bool:
    strong = _strongest(inst)
    # The rest stay free, and so do the meetings' modalities: the rules leave a meeting
    # not held any modality (nothing reads it), which the inequalities then set to none.
    fix(strong.model, *((var, value) for var, value in zip(_variables(strong.model), values)
                        if not var.name.startswith("modality[")))
    return feasible(strong.model)


@pytest.mark.parametrize("seed", range(30))
def test_no_allocation_of_a_tiny_scheme_is_cut_off(seed):
    inst = tiny_scheme(seed)
    for values, _shared in _allocations_of_the_rules(inst, draws=3, seed=seed):
        assert _fits_strengthened(inst, values)


def _meetings_to_share(seed: int):
    """3-5 trainees and cases, and supervisors who meet up to three cases at once in one or
    two slots: shared meetings, and trainees with and without room for them."""
    rng = random.Random(seed)
    slots = ("MON-AM", "TUE-AM", "WED-AM", "THU-AM")
    n = rng.randint(3, 5)
    return scheme(
        trainees=[trainee(f"T{i}", grade=rng.choice([1, 2, 3]), base_site=rng.choice(["A", "A", "A2"]),
                          available_slots=tuple(sorted(rng.sample(slots, rng.randint(2, 4)))))
                  for i in range(n)],
        cases=[case(f"C{i}", site=rng.choice(["A", "A", "A2"]), length=rng.choice(["short", "long"]), sessions=20)
               for i in range(n)],
        supervisors=[supervisor(f"S{i}", group_size=rng.choice([2, 3]), max_trainees=rng.randint(2, 4),
                                available_slots=tuple(sorted(rng.sample(slots, rng.randint(1, 2)))),
                                supervision_pas=rng.choice([None, 0.375, 0.5]))
                     for i in range(rng.randint(1, 2))],
        profile=Profile(weekly_case_hours=rng.choice([2, 2.5, 3, 4]), case_min_grade=1),
        group_supervision_hours=rng.choice([1.5, 1.5, 0.75]))


@pytest.mark.parametrize("seed", range(20))
def test_no_allocation_with_shared_meetings_is_cut_off(seed):
    inst = _meetings_to_share(seed)
    for values, _shared in _allocations_of_the_rules(inst, draws=3, seed=seed):
        assert _fits_strengthened(inst, values)


def test_no_allocation_of_a_connected_region_with_shared_meetings_is_cut_off():
    inst = generate(40, 2, seed=1, connected=True)
    drawn = list(_allocations_of_the_rules(inst, draws=4, seed=1))
    assert len(drawn) == 4 and any(shared for _values, shared in drawn)
    for values, _shared in drawn:
        assert _fits_strengthened(inst, values)


def _three_for_one_group_meeting(weekly_case_hours: float):
    """Three trainees, three cases and one supervisor who meets up to three cases at once,
    in one slot; a case alone takes 2 h a week (session and individual meeting), in a
    shared meeting 2 h 30 min."""
    return scheme(trainees=[trainee(f"T{i}", grade=3) for i in (1, 2, 3)],
                  cases=[case(f"C{i}") for i in (1, 2, 3)],
                  supervisors=[supervisor(available_slots=("THU-AM",), group_size=3)],
                  profile=Profile(weekly_case_hours=weekly_case_hours))


def _most_cases_relaxed(inst, strong: bool) -> float:
    built = _strongest(inst) if strong else build(inst, strong=False)
    built.model.Maximize(total(u.held for u in built.vars.units.values()))
    return relax(built.model, 10, threads=1).value


def test_trainees_without_room_for_a_shared_meeting_meet_alone():
    # 2 h a week: each case fits only with an individual meeting, and the supervisor has
    # one slot, so one case in all; the relaxation of the rules alone shares the meeting
    # in part and holds more.
    inst = _three_for_one_group_meeting(weekly_case_hours=2)
    assert _most_cases_relaxed(inst, strong=False) > 1.5
    assert _most_cases_relaxed(inst, strong=True) == pytest.approx(1.0, abs=1e-6)
    strong = build(inst, relaxation=True)
    solver = cp_model.CpSolver()
    strong.model.Maximize(total(u.held for u in strong.vars.units.values()))
    assert solver.Solve(strong.model) == cp_model.OPTIMAL and solver.ObjectiveValue() == 1


def test_trainees_with_room_still_share_the_meeting():
    inst = _three_for_one_group_meeting(weekly_case_hours=2.5)
    strong = build(inst, relaxation=True)
    strong.model.Maximize(total(u.held for u in strong.vars.units.values()))
    solver = cp_model.CpSolver()
    assert solver.Solve(strong.model) == cp_model.OPTIMAL and solver.ObjectiveValue() == 3
    assert _most_cases_relaxed(inst, strong=True) == pytest.approx(3.0, abs=1e-6)


def _whole_meetings(alone: int, shared: int, cap: int, most_shared: int | None) -> list[tuple[int, int]]:
    top = cap // shared if most_shared is None else min(most_shared, cap // shared)
    return [(a, b) for b in range(top + 1) for a in range((cap - shared * b) // alone + 1)]


def _most_on_rows(rows, weights) -> Fraction:
    """The most ``weights`` . (a, b) over a, b >= 0 and the rows: the best corner of the
    polygon, found among every crossing of two of its lines."""
    lines = [*rows, (-1, 0, 0), (0, -1, 0)]
    best = None
    for (p1, q1, r1), (p2, q2, r2) in combinations(lines, 2):
        det = p1 * q2 - p2 * q1
        if det == 0:
            continue
        a, b = Fraction(r1 * q2 - r2 * q1, det), Fraction(p1 * r2 - p2 * r1, det)
        if all(p * a + q * b <= r for p, q, r in lines):
            value = weights[0] * a + weights[1] * b
            best = value if best is None else max(best, value)
    assert best is not None
    return best


@pytest.mark.parametrize("alone,shared,cap,most_shared", [
    (60, 90, 120, None), (60, 90, 240, None), (60, 90, 300, None), (60, 90, 360, None), (60, 90, 100, None),
    (60, 90, 50, None), (60, 90, 240, 0), (45, 90, 330, None), (60, 75, 410, None), (60, 90, 360, 2)])
def test_minutes_hull_is_the_hull_of_the_whole_meetings(alone, shared, cap, most_shared):
    rows = minutes_hull(alone, shared, cap, most_shared)
    whole = _whole_meetings(alone, shared, cap, most_shared)
    assert all(p * a + q * b <= r for a, b in whole for p, q, r in rows)  # no whole point cut off
    for weights in [(1, 0), (0, 1), (1, 1), (1, 2), (1, 3), (2, 3), (3, 1), (1, -1), (-1, 1)]:
        # nothing outside the hull either: in every direction the rows reach no further
        assert _most_on_rows(rows, weights) == max(weights[0] * a + weights[1] * b for a, b in whole)


def _capped_supervisor_in_two_slots():
    """One supervisor with 120 minutes a week (0.5 PA) who may meet three cases at once,
    on Monday or Tuesday morning; two trainees free on Monday, two on Tuesday. A shared
    meeting takes 90 minutes and one alone 60, so two cases at most: two meetings alone,
    or one shared."""
    free = {"T1": "MON-AM", "T2": "MON-AM", "T3": "TUE-AM", "T4": "TUE-AM"}
    return scheme(trainees=[trainee(tid, grade=3, available_slots=(slot, "WED-AM")) for tid, slot in free.items()],
                  cases=[case(f"C{i}") for i in (1, 2, 3, 4)],
                  supervisors=[supervisor(available_slots=("MON-AM", "TUE-AM"), group_size=3, max_trainees=4,
                                          supervision_pas=0.5)],
                  profile=Profile(weekly_case_hours=2.5))


def test_a_supervisors_week_holds_whole_meetings(monkeypatch):
    inst = _capped_supervisor_in_two_slots()
    assert inst.minutes.supervisor_limit(inst.supervisors[0]) == 120
    strong = _strongest(inst)
    strong.model.Maximize(total(u.held for u in strong.vars.units.values()))
    solver = cp_model.CpSolver()
    assert solver.Solve(strong.model) == cp_model.OPTIMAL and solver.ObjectiveValue() == 2
    assert _most_cases_relaxed(inst, strong=True) == pytest.approx(2.0, abs=1e-6)
    # without the hull's rows the relaxation shares Monday's meeting and holds part of
    # Tuesday's besides
    monkeypatch.setattr(strengthen, "_supervision_minutes", lambda v: None)
    assert _most_cases_relaxed(inst, strong=True) > 2.1


def test_a_meeting_not_held_is_of_no_modality(monkeypatch):
    inst = scheme(trainees=[trainee("T1", grade=3), trainee("T2", grade=3)],
                  cases=[case("C1"), case("C2", modality="PSYCHODYNAMIC")],
                  supervisors=[supervisor(available_slots=("MON-AM",), group_size=2,
                                          modalities=("CBT", "PSYCHODYNAMIC"))],
                  profile=Profile(weekly_case_hours=2.5))

    def most_modalities_of_a_closed_meeting() -> float:
        built = _strongest(inst)
        v = built.vars
        assert list(v.meeting_modality) == [("S1", "MON-AM")]
        built.model.add(v.opened[("S1", "MON-AM")] == 0)
        built.model.Maximize(total(var for chosen in v.meeting_modality.values() for var in chosen.values()))
        return relax(built.model, 10, threads=1).value

    assert most_modalities_of_a_closed_meeting() == pytest.approx(0.0, abs=1e-6)
    monkeypatch.setattr(strengthen, "_meeting_modalities", lambda v: None)
    assert most_modalities_of_a_closed_meeting() == pytest.approx(1.0, abs=1e-6)
