from conftest import bare, case, feasible, fix, group, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h6_slots
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h6_slots
from rotasolve.results.solution import CasePlace, GroupPlace, Solution


def test_feasible_session_and_supervision_in_distinct_free_slots():
    inst = scheme(trainees=[trainee(available_slots=("MON-AM", "TUE-AM"))], cases=[case()],
                  supervisors=[supervisor()])
    sol = solve(inst)
    (c,) = sol.cases
    assert {c.session_slot, c.supervision_slot} == {"MON-AM", "TUE-AM"}
    assert check(inst, sol) == []


def test_forced_violation_one_free_slot_cannot_hold_a_case():
    inst = scheme(trainees=[trainee(available_slots=("MON-AM",))], cases=[case()], supervisors=[supervisor()])
    assert solve(inst).cases == []


def test_forced_violation_double_booking_and_patient_slot_caught():
    inst = scheme(trainees=[trainee(cbdg_sessions_attended=0)], cases=[case(available_slots=("TUE-AM",))],
                  supervisors=[supervisor()], groups=[group()])
    bad = Solution(scheme="x", status="FEASIBLE", groups=[GroupPlace(trainee_id="T1", group_id="G1")],
                   cases=[CasePlace(case_id="C1", trainee_id="T1", supervisor_id="S1", session_slot="MON-AM",
                                    supervision_slot="MON-AM", meeting_id="S1@MON-AM")])
    messages = [v.message for v in check_h6_slots(inst, bad)]
    assert any("double-booked at MON-AM" in m for m in messages)
    assert any("not free to both" in m for m in messages)


def test_allowed_group_and_case_share_a_week():
    inst = scheme(trainees=[trainee(cbdg_sessions_attended=0, available_slots=("MON-AM", "TUE-AM", "WED-AM"))],
                  cases=[case()], supervisors=[supervisor()], groups=[group(slot="MON-AM")])
    sol = solve(inst)
    assert len(sol.groups) == 1 and len(sol.cases) == 1
    assert "MON-AM" not in {sol.cases[0].session_slot, sol.cases[0].supervision_slot}
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def one_unit():
    inst = scheme(trainees=[trainee("T1")], supervisors=[supervisor()],
                  cases=[case("C-MON", available_slots=("MON-AM",)), case("C-TUE", available_slots=("TUE-AM",))])
    model, v = bare(inst)
    h6_slots.build(v)
    return model, v.units[UnitKey("T1", "short")]


def test_bare_session_and_supervision_in_two_free_slots():
    model, u = one_unit()
    fix(model, (u.held, 1), (u.take["C-MON"], 1), (u.session["MON-AM"], 1), (u.meet[("S1", "TUE-AM")], 1))
    assert feasible(model)


def test_bare_forced_violation_session_and_supervision_in_one_slot_is_infeasible():
    model, u = one_unit()
    fix(model, (u.session["MON-AM"], 1), (u.meet[("S1", "MON-AM")], 1))
    assert not feasible(model)


def test_bare_forced_violation_a_session_when_the_patient_is_not_free():
    model, u = one_unit()
    fix(model, (u.held, 1), (u.take["C-MON"], 1), (u.take["C-TUE"], 0), (u.session["TUE-AM"], 1))
    assert not feasible(model)
