from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h5_meetings
from rotasolve.domain import Profile
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h5_meetings
from rotasolve.results.solution import CasePlace, Solution

SLOTS = ("MON-AM", "TUE-AM", "WED-AM", "THU-AM")


def three(**sup):
    return scheme(trainees=[trainee(f"T{i}") for i in (1, 2, 3)], cases=[case(f"C{i}") for i in (1, 2, 3)],
                  supervisors=[supervisor(available_slots=("THU-AM",), **sup)])


def test_feasible_group_supervision_shares_one_meeting():
    inst = three(group_size=3)
    sol = solve(inst)
    assert len(sol.cases) == 3
    assert {c.meeting_id for c in sol.cases} == {"S1@THU-AM"}
    assert check(inst, sol) == []


def test_forced_violation_individual_supervisor_with_one_slot_takes_one():
    inst = three(group_size=1)
    sol = solve(inst)
    assert len(sol.cases) == 1
    assert check(inst, sol) == []


def test_forced_violation_oversized_or_mixed_meeting_caught():
    inst = scheme(trainees=[trainee("T1"), trainee("T2")],
                  cases=[case("C1"), case("C2", modality="CAT")],
                  supervisors=[supervisor(modalities=("CBT", "CAT"), group_size=1)])
    bad = Solution(scheme="x", status="FEASIBLE", cases=[
        CasePlace(case_id=c, trainee_id=t, supervisor_id="S1", session_slot="MON-AM",
                  supervision_slot="TUE-AM", meeting_id="S1@TUE-AM") for c, t in (("C1", "T1"), ("C2", "T2"))])
    messages = [v.message for v in check_h5_meetings(inst, bad)]
    assert any("group_size is 1" in m for m in messages)
    assert any("mixes modalities" in m for m in messages)


def test_allowed_supervision_pas_fit_exactly():
    # 0.25 PA x 4 h = 1 h: exactly one individual meeting a week, not two.
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case("C1"), case("C2")],
                  supervisors=[supervisor(supervision_pas=0.25)])
    sol = solve(inst)
    assert len(sol.cases) == 1
    assert check(inst, sol) == []
    # 0.375 PA = 1.5 h: one shared meeting holds both.
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case("C1"), case("C2")],
                  supervisors=[supervisor(supervision_pas=0.375, group_size=2)],
                  profile=Profile(weekly_case_hours=4))
    sol = solve(inst)
    assert len(sol.cases) == 2 and len({c.meeting_id for c in sol.cases}) == 1
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def meeting_of_two(group_size, modality="CBT", **sup):
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case("C1"), case("C2", modality=modality)],
                  supervisors=[supervisor(modalities=("CBT", "CAT"), group_size=group_size, **sup)])
    model, v = bare(inst)
    h5_meetings.build(v)
    u1, u2 = v.units[UnitKey("T1", "short")], v.units[UnitKey("T2", "short")]
    fix(model, (u1.take["C1"], 1), (u2.take["C2"], 1))
    return model, v, u1, u2


def test_bare_two_cases_share_a_group_meeting():
    model, v, u1, u2 = meeting_of_two(2)
    fix(model, (u1.meet[("S1", "THU-AM")], 1), (u2.meet[("S1", "THU-AM")], 1))
    fix(model, (v.shared[("S1", "THU-AM")], 1), (u1.in_shared[("S1", "THU-AM")], 1))
    assert feasible(model)


def test_bare_forced_violation_two_in_an_individual_meeting_or_of_two_modalities():
    model, _v, u1, u2 = meeting_of_two(1)
    fix(model, (u1.meet[("S1", "THU-AM")], 1), (u2.meet[("S1", "THU-AM")], 1))
    assert not feasible(model)
    model, _v, u1, u2 = meeting_of_two(2, modality="CAT")
    fix(model, (u1.meet[("S1", "THU-AM")], 1), (u2.meet[("S1", "THU-AM")], 1))
    assert not feasible(model)


def test_bare_allowed_supervision_pas_hold_exactly_one_meeting():
    # 0.25 PA x 4 h = 1 h: one individual meeting a week, not two
    model, _v, u1, u2 = meeting_of_two(1, supervision_pas=0.25)
    fix(model, (u1.meet[("S1", "MON-AM")], 1))
    assert feasible(model)
    fix(model, (u2.meet[("S1", "TUE-AM")], 1))
    assert not feasible(model)
