from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.allocation import weekly_minutes
from rotasolve.check import check, check_h7_weekly_hours
from rotasolve.domain import Profile
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h7_weekly_hours
from rotasolve.results.solution import CasePlace, Solution


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


# ----- the rule module alone, on a bare model ---------------------------------------------


def two_cases(weekly_case_hours, case_site="A"):
    inst = scheme(trainees=[trainee("T1")], profile=Profile(weekly_case_hours=weekly_case_hours),
                  cases=[case("CS", site=case_site), case("CL", length="long", sessions=40)],
                  supervisors=[supervisor()])
    model, v = bare(inst)
    h7_weekly_hours.build(v)
    short, long_ = v.units[UnitKey("T1", "short")], v.units[UnitKey("T1", "long")]
    fix(model, (short.take["CS"], 1), (long_.take["CL"], 1), (short.held, 1), (long_.held, 1))
    fix(model, (short.meet[("S1", "MON-AM")], 1), (long_.meet[("S1", "TUE-AM")], 1))
    return model


def test_bare_two_cases_on_site_fit_four_hours():
    assert feasible(two_cases(4))  # 2 x (1 h session + 1 h supervision), no travel


def test_bare_forced_violation_travel_takes_the_week_past_its_hours():
    assert not feasible(two_cases(4, case_site="A2"))  # + 2 x 30 min to A2


def test_bare_allowed_exactly_the_weekly_hours():
    assert feasible(two_cases(5, case_site="A2"))  # 4 h + 1 h of travel = 5 h
