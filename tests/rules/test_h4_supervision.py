from conftest import bare, case, feasible, fix, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h4_supervision
from rotasolve.domain.choices import UnitKey
from rotasolve.model.rules import h4_supervision
from rotasolve.results.solution import CasePlace, Solution


def test_feasible_case_gets_a_qualified_supervisor():
    inst = scheme(trainees=[trainee()], cases=[case()],
                  supervisors=[supervisor("S-PD", modalities=("PSYCHODYNAMIC",)), supervisor("S-CBT")])
    sol = solve(inst)
    assert [c.supervisor_id for c in sol.cases] == ["S-CBT"]
    assert check(inst, sol) == []


def test_forced_violation_kept_cases_over_capacity_is_infeasible_and_names_rows():
    inst = scheme(
        trainees=[trainee("T1", current_cases=("C1",), source_row=2),
                  trainee("T2", current_cases=("C2",), source_row=3)],
        cases=[case("C1", current_trainee="T1", current_supervisor="S2", source_row=8),
               case("C2", current_trainee="T2", current_supervisor="S2", source_row=12)],
        supervisors=[supervisor("S2", max_trainees=1, source_row=5)])
    sol = solve(inst)
    assert sol.status == "INFEASIBLE"
    assert sol.conflicts == ["Supervisors row 5 (S2): max_trainees is 1 but 2 kept cases need them "
                             "(Cases rows 8 and 12)"]


def test_forced_violation_unqualified_and_over_capacity_caught():
    inst = scheme(trainees=[trainee("T1"), trainee("T2")], cases=[case("C1"), case("C2")],
                  supervisors=[supervisor("S1", max_trainees=1, modalities=("CAT",))])
    bad = Solution(scheme="x", status="FEASIBLE", cases=[
        CasePlace(case_id="C1", trainee_id="T1", supervisor_id="S1", session_slot="MON-AM",
                  supervision_slot="TUE-AM", meeting_id="S1@TUE-AM"),
        CasePlace(case_id="C2", trainee_id="T2", supervisor_id="S1", session_slot="MON-AM",
                  supervision_slot="WED-AM", meeting_id="S1@WED-AM")])
    messages = [v.message for v in check_h4_supervision(inst, bad)]
    assert any("not qualified" in m for m in messages)
    assert any("max_trainees is 1" in m for m in messages)
    assert solve(inst).cases == []


def test_allowed_remote_supervisor_beyond_travel():
    inst = scheme(trainees=[trainee()], cases=[case()],
                  supervisors=[supervisor("S-FAR", site="B"), supervisor("S-VIDEO", site="B", remote=True)])
    sol = solve(inst)
    assert [c.supervisor_id for c in sol.cases] == ["S-VIDEO"]
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def units(n, **sup):
    inst = scheme(trainees=[trainee(f"T{i}") for i in range(n)],
                  cases=[case(f"C{i}") for i in range(n)] + [case("C-CAT", modality="CAT")],
                  supervisors=[supervisor(**sup), supervisor("S-CAT", modalities=("CAT",))])
    model, v = bare(inst)
    h4_supervision.build(v)
    return model, [v.units[UnitKey(f"T{i}", "short")] for i in range(n)]


def test_bare_a_held_case_meets_one_qualified_supervisor():
    model, (u,) = units(1)
    fix(model, (u.held, 1), (u.take["C0"], 1), (u.meet[("S1", "MON-AM")], 1))
    assert feasible(model)


def test_bare_forced_violation_an_unqualified_supervisor_is_infeasible():
    model, (u,) = units(1)
    fix(model, (u.held, 1), (u.take["C-CAT"], 1), (u.meet[("S1", "MON-AM")], 1))
    assert not feasible(model)


def test_bare_allowed_capacity_met_exactly_but_not_passed():
    model, us = units(2, max_trainees=2)
    for u, k in zip(us, ("MON-AM", "TUE-AM")):
        fix(model, (u.meet[("S1", k)], 1))
    assert feasible(model)
    model, us = units(3, max_trainees=2)
    for u, k in zip(us, ("MON-AM", "TUE-AM", "WED-AM")):
        fix(model, (u.meet[("S1", k)], 1))
    assert not feasible(model)
