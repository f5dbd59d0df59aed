from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h8_cases_at_once
from rotasolve.domain import Profile
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h8_cases_at_once
from rotasolve.results.solution import CasePlace, Solution

BOTH = [case("S1"), case("L1", length="long", sessions=30, modality="PSYCHODYNAMIC")]
SUPS = [supervisor(modalities=("CBT", "PSYCHODYNAMIC"))]


def test_feasible_two_cases_in_parallel():
    inst = scheme(trainees=[trainee()], cases=BOTH, supervisors=SUPS, profile=Profile(weekly_case_hours=6))
    sol = solve(inst)
    assert len(sol.cases) == 2
    assert check(inst, sol) == []


def test_forced_violation_one_case_at_a_time():
    inst = scheme(trainees=[trainee()], cases=BOTH, supervisors=SUPS,
                  profile=Profile(weekly_case_hours=6, max_cases_per_trainee=1))
    sol = solve(inst)
    assert len(sol.cases) == 1
    bad = Solution(scheme="x", status="FEASIBLE", cases=[
        CasePlace(case_id=c, trainee_id="T1", supervisor_id="S1", session_slot=s, supervision_slot=m,
                  meeting_id=f"S1@{m}") for c, s, m in (("S1", "MON-AM", "TUE-AM"), ("L1", "WED-AM", "THU-AM"))])
    assert any("the most is 1" in v.message for v in check_h8_cases_at_once(inst, bad))


def test_allowed_running_case_plus_a_new_one():
    inst = scheme(trainees=[trainee(current_cases=("L1",))],
                  cases=[BOTH[0], BOTH[1].model_copy(update={"current_trainee": "T1", "current_supervisor": "S1"})],
                  supervisors=SUPS, profile=Profile(weekly_case_hours=6))
    sol = solve(inst)
    assert sorted((c.case_id, c.kept) for c in sol.cases) == [("L1", True), ("S1", False)]
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def short_and_long(most):
    inst = scheme(trainees=[trainee("T1")], profile=Profile(max_cases_per_trainee=most),
                  cases=[case("CS"), case("CL", length="long", sessions=40)], supervisors=[supervisor()])
    model, v = bare(inst)
    h8_cases_at_once.build(v)
    return model, v.units[UnitKey("T1", "short")], v.units[UnitKey("T1", "long")]


def test_bare_one_case_at_a_time():
    model, short, _long = short_and_long(1)
    fix(model, (short.held, 1))
    assert feasible(model)


def test_bare_forced_violation_two_cases_when_one_is_the_most():
    model, short, long_ = short_and_long(1)
    fix(model, (short.held, 1), (long_.held, 1))
    assert not feasible(model)


def test_bare_allowed_two_cases_when_two_is_the_most():
    model, short, long_ = short_and_long(2)
    fix(model, (short.held, 1), (long_.held, 1))
    assert feasible(model)
