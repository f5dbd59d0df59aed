from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h3_modalities
from rotasolve.domain import Profile
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h3_modalities
from rotasolve.results.solution import CasePlace, Solution

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


# ----- the rule module alone, on a bare model ---------------------------------------------


def short_and_long(profile=None):
    inst = scheme(trainees=[trainee("T1")], profile=profile,
                  cases=[case("CS-CBT"), case("CS-CAT", modality="CAT"),
                         case("CL-CBT", length="long", sessions=40)],
                  supervisors=[supervisor(modalities=("CBT", "CAT"))])
    model, v = bare(inst)
    h3_modalities.build(v)
    return model, v.units[UnitKey("T1", "short")], v.units[UnitKey("T1", "long")]


def test_bare_two_modalities_are_allowed():
    model, short, long_ = short_and_long()
    fix(model, (short.take["CS-CAT"], 1), (long_.take["CL-CBT"], 1))
    assert feasible(model)


def test_bare_forced_violation_the_same_modality_twice_is_infeasible():
    model, short, long_ = short_and_long()
    fix(model, (short.take["CS-CBT"], 1), (long_.take["CL-CBT"], 1))
    assert not feasible(model)


def test_bare_allowed_one_modality_when_the_school_asks_for_one():
    model, short, long_ = short_and_long(Profile(distinct_modalities=1))
    fix(model, (short.take["CS-CBT"], 1), (long_.take["CL-CBT"], 1))
    assert feasible(model)
