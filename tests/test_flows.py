"""The flows' bounds count what binds: a trainee's week (slots and hours), a supervisor's
meetings (supervision PAs), and which supervisors a trainee can meet. Each bound is the
best allocation on a scheme built to show it (their soundness on many schemes, against
exhaustive search: ``test_bounds.py``)."""

from __future__ import annotations

from conftest import solve

from rotasolve.flows import coverage_bound


def _two_cases(**trainee_kw):
    from conftest import case, scheme, supervisor, trainee
    from rotasolve.domain import Profile

    weekly = trainee_kw.pop("weekly", 4)
    return scheme(trainees=[trainee("T1", grade=3, **trainee_kw)],
                  cases=[case("C1"), case("C2", length="long", modality="PDT", sessions=20)],
                  supervisors=[supervisor("S1", modalities=("CBT", "PDT"))],
                  profile=Profile(weekly_case_hours=weekly))


def test_a_trainee_holds_no_more_cases_than_the_week_has_hours_for():
    from rotasolve.flows import cases_that_fit

    roomy, full = _two_cases(), _two_cases(weekly=2)  # each case: a 1 h session and a 1 h meeting
    for inst, most in ((roomy, 2), (full, 1)):
        t = inst.trainee["T1"]
        assert cases_that_fit(inst, t, [inst.cases[:1], inst.cases[1:]]) == most
        assert coverage_bound(inst, critical_only=False) == most
        assert len(solve(inst).cases) == most  # the bound is the best allocation


def test_a_trainee_holds_no_more_cases_than_the_week_has_slots_for():
    from rotasolve.flows import cases_that_fit

    inst = _two_cases(available_slots=("MON-AM", "TUE-AM", "WED-AM"))  # a session and a meeting each
    assert cases_that_fit(inst, inst.trainee["T1"], [inst.cases[:1], inst.cases[1:]]) == 1
    assert coverage_bound(inst, critical_only=False) == 1
    assert len(solve(inst).cases) == 1


def test_a_supervisor_holds_no_more_cases_than_the_supervision_pas_have_meetings_for():
    from conftest import case, scheme, supervisor, trainee
    from rotasolve.flows import supervisor_room

    one_meeting = supervisor("S1", max_trainees=3, supervision_pas=0.25)  # 60 minutes: one individual meeting
    shared = supervisor("S1", max_trainees=3, supervision_pas=0.25, group_size=3)
    inst = scheme(trainees=[trainee(f"T{i}", grade=3) for i in range(3)],
                  cases=[case(f"C{i}") for i in range(3)], supervisors=[one_meeting])
    assert supervisor_room(inst, one_meeting) == 1
    assert supervisor_room(inst, shared) == 1  # a shared meeting takes 90 minutes: only an individual one fits
    assert supervisor_room(inst, shared.model_copy(update={"supervision_pas": 0.375})) == 3  # 90: one shared
    assert coverage_bound(inst, critical_only=False) == 1
    assert len(solve(inst).cases) == 1


def test_a_case_need_reaches_only_the_supervisors_its_trainee_can_meet():
    from conftest import case, scheme, supervisor, trainee
    from rotasolve.domain.choices import eligible

    # S2 is qualified for both cases but 90 minutes from the trainees: only S1 (one
    # place) can meet them, though the cases alone would let both be placed.
    inst = scheme(trainees=[trainee("T1", grade=3, max_travel_minutes=45), trainee("T2", grade=3,
                                                                                  max_travel_minutes=45)],
                  cases=[case("C1"), case("C2")],
                  supervisors=[supervisor("S1", max_trainees=1), supervisor("S2", site="B")])
    assert coverage_bound(inst, critical_only=False) == 1
    assert coverage_bound(inst, eligible(inst), critical_only=False) == 1
    assert len(solve(inst).cases) == 1
