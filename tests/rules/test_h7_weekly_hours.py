from conftest import case, scheme, solve, supervisor, trainee

from rotasolve.allocation import weekly_minutes
from rotasolve.check import check, check_h7_weekly_hours
from rotasolve.domain import Profile
from rotasolve.solution import CasePlace, Solution


def test_feasible_case_on_site_takes_two_hours():
    inst = scheme(trainees=[trainee()], cases=[case()], supervisors=[supervisor()])
    sol = solve(inst)
    assert weekly_minutes(inst, sol) == {"T1": 120}
    assert check(inst, sol) == []


def test_forced_violation_travel_uses_up_the_week():
    # Case and supervisor at A2, 30 min away: 1 + 1 + 4 x 0.5 = 4 h, over a 3 h week.
    inst = scheme(trainees=[trainee()], cases=[case(site="A2")], supervisors=[supervisor(site="A2")],
                  profile=Profile(weekly_case_hours=3))
    sol = solve(inst)
    assert sol.cases == []
    assert [u.reason for u in sol.unmet if u.requirement == "short_case"] == ["weekly_hours"]
    bad = Solution(scheme="x", status="FEASIBLE", cases=[CasePlace(
        case_id="C1", trainee_id="T1", supervisor_id="S1", session_slot="MON-AM", supervision_slot="TUE-AM",
        meeting_id="S1@TUE-AM")])
    assert any("4 h of case work" in v.message for v in check_h7_weekly_hours(inst, bad))


def test_allowed_exactly_four_hours():
    inst = scheme(trainees=[trainee()], cases=[case(site="A2")], supervisors=[supervisor(site="A2")])
    sol = solve(inst)
    assert weekly_minutes(inst, sol) == {"T1": 240}
    assert check(inst, sol) == []
