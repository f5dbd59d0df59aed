from conftest import case, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h3_modalities
from rotasolve.domain import Profile
from rotasolve.solution import CasePlace, Solution

PD = dict(modalities=("CBT", "PSYCHODYNAMIC"))


def test_feasible_long_case_in_the_other_modality():
    inst = scheme(trainees=[trainee(short_case_done="CBT")],
                  cases=[case("L-CBT", length="long", sessions=30),
                         case("L-PD", length="long", sessions=30, modality="PSYCHODYNAMIC")],
                  supervisors=[supervisor(**PD)])
    sol = solve(inst)
    assert [c.case_id for c in sol.cases] == ["L-PD"]
    assert check(inst, sol) == []


def test_forced_violation_same_modality_not_placed_and_caught():
    inst = scheme(trainees=[trainee(short_case_done="CBT")], cases=[case("L-CBT", length="long", sessions=30)],
                  supervisors=[supervisor()])
    sol = solve(inst)
    assert sol.cases == []
    bad = Solution(scheme="x", status="FEASIBLE", cases=[CasePlace(
        case_id="L-CBT", trainee_id="T1", supervisor_id="S1", session_slot="MON-AM",
        supervision_slot="TUE-AM", meeting_id="S1@TUE-AM")])
    assert any("both CBT" in v.message for v in check_h3_modalities(inst, bad))


def test_forced_violation_two_new_cases_differ():
    inst = scheme(trainees=[trainee()], cases=[case("S-CBT"), case("L-CBT", length="long", sessions=30)],
                  supervisors=[supervisor()], profile=Profile(weekly_case_hours=8))
    sol = solve(inst)
    assert len(sol.cases) == 1
    assert check(inst, sol) == []


def test_allowed_one_modality_when_the_school_allows_it():
    inst = scheme(trainees=[trainee(short_case_done="CBT")], cases=[case("L-CBT", length="long", sessions=30)],
                  supervisors=[supervisor()], profile=Profile(distinct_modalities=1))
    sol = solve(inst)
    assert [c.case_id for c in sol.cases] == ["L-CBT"]
    assert check(inst, sol) == []
