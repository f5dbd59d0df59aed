from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h2_case_eligibility
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h2_case_eligibility
from rotasolve.results.solution import CasePlace, Solution


def place(case_id, trainee_id, **kw):
    base = dict(case_id=case_id, trainee_id=trainee_id, supervisor_id="S1", session_slot="MON-AM",
                supervision_slot="TUE-AM", meeting_id="S1@TUE-AM")
    base.update(kw)
    return CasePlace(**base)


def test_feasible_ct2_gets_a_short_case():
    inst = scheme(trainees=[trainee()], cases=[case()], supervisors=[supervisor()])
    sol = solve(inst)
    assert [(c.case_id, c.trainee_id) for c in sol.cases] == [("C1", "T1")]
    assert check(inst, sol) == []


def test_forced_violation_grade_below_case_minimum_is_not_placed_and_caught():
    inst = scheme(trainees=[trainee(grade=2)], cases=[case(min_grade=3)], supervisors=[supervisor()])
    sol = solve(inst)
    assert sol.cases == []
    bad = Solution(scheme="x", status="FEASIBLE", cases=[place("C1", "T1")])
    assert any("below the grade" in v.message for v in check_h2_case_eligibility(inst, bad))


def test_forced_violation_one_case_two_trainees_caught():
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case()], supervisors=[supervisor()])
    sol = solve(inst)
    assert len(sol.cases) == 1
    bad = Solution(scheme="x", status="FEASIBLE", cases=[place("C1", "T1"), place("C1", "T2")])
    assert any("given to 2 trainees" in v.message for v in check_h2_case_eligibility(inst, bad))


def test_forced_violation_ct1_not_yet_due():
    inst = scheme(trainees=[trainee(grade=1)], cases=[case()], supervisors=[supervisor()])
    sol = solve(inst)
    assert sol.cases == []
    assert {u.reason for u in sol.unmet} == {"not_yet_due"}


def test_allowed_remote_case_beyond_travel():
    inst = scheme(trainees=[trainee()], cases=[case(site="B", remote_ok=True), case("C2", site="B")],
                  supervisors=[supervisor()])
    sol = solve(inst)
    assert [c.case_id for c in sol.cases] == ["C1"]
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def two_trainees_one_case():
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case("C1")], supervisors=[supervisor()])
    model, v = bare(inst)
    h2_case_eligibility.build(v)
    return model, v.units[UnitKey("T1", "short")], v.units[UnitKey("T2", "short")]


def test_bare_a_held_case_is_one_case():
    model, u1, _u2 = two_trainees_one_case()
    fix(model, (u1.held, 1), (u1.take["C1"], 1))
    assert feasible(model)


def test_bare_forced_violation_one_case_to_two_trainees_is_infeasible():
    model, u1, u2 = two_trainees_one_case()
    fix(model, (u1.take["C1"], 1), (u2.take["C1"], 1))
    assert not feasible(model)


def test_bare_forced_violation_held_with_no_case_is_infeasible():
    model, u1, _u2 = two_trainees_one_case()
    fix(model, (u1.held, 1), (u1.take["C1"], 0))
    assert not feasible(model)
