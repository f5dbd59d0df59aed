from conftest import bare, case, feasible, fix, group, scheme, solve, supervisor, trainee

from rotasolve.check import check, check_h10_kept
from rotasolve.model.rules import h10_kept
from rotasolve.results.solution import Solution

KEPT = dict(current_trainee="T1", current_supervisor="S1", sessions_done=5)


def test_feasible_running_case_and_group_are_kept():
    inst = scheme(trainees=[trainee(current_cases=("C1",), cbdg_sessions_attended=10, current_group="G1")],
                  cases=[case(**KEPT), case("C2")], supervisors=[supervisor()], groups=[group()])
    sol = solve(inst)
    assert [(c.case_id, c.supervisor_id, c.kept) for c in sol.cases] == [("C1", "S1", True)]
    assert [(g.group_id, g.kept) for g in sol.groups] == [("G1", True)]
    assert check(inst, sol) == []


def test_forced_violation_unqualified_kept_supervisor_is_infeasible():
    inst = scheme(trainees=[trainee(current_cases=("C1",))], cases=[case(**KEPT, source_row=7)],
                  supervisors=[supervisor(modalities=("CAT",), source_row=4)])
    sol = solve(inst)
    assert sol.status == "INFEASIBLE"
    assert sol.conflicts == ["Cases row 7 (C1): kept supervisor S1 (Supervisors row 4) is not qualified in CBT"]


def test_forced_violation_no_common_slot_found_by_assumptions():
    # Every rule holds row by row; only together do they clash: the trainee's one free
    # slot cannot hold both the session and the supervision.
    inst = scheme(trainees=[trainee(current_cases=("C1",), available_slots=("MON-AM",))],
                  cases=[case(**KEPT, source_row=9)], supervisors=[supervisor()])
    sol = solve(inst)
    assert sol.status == "INFEASIBLE"
    assert "Cases row 9 (C1, running with T1)" in sol.conflicts[0]


def test_conflicts_of_a_scheme_built_in_code_name_items_by_id_not_row_none():
    """A scheme generated, changed by a scenario or carried to the next period has no
    Excel rows: its conflicts name the sheet and the id ("row None" before)."""
    code = dict(source_row=None)
    inst = scheme(trainees=[trainee(current_cases=("C1",), **code)], cases=[case(**KEPT, **code)],
                  supervisors=[supervisor(modalities=("CAT",), **code)])
    assert solve(inst).conflicts == ["Cases C1: kept supervisor S1 is not qualified in CBT"]
    inst = scheme(trainees=[trainee(current_cases=("C1",), available_slots=("MON-AM",), **code)],
                  cases=[case(**KEPT, **code)], supervisors=[supervisor(**code)])
    conflicts = solve(inst).conflicts
    assert "Cases C1 (running with T1)" in conflicts[0] and "None" not in " ".join(conflicts)


def test_forced_violation_dropped_kept_case_caught():
    inst = scheme(trainees=[trainee(current_cases=("C1",))], cases=[case(**KEPT)], supervisors=[supervisor()])
    empty = Solution(scheme="x", status="FEASIBLE")
    assert any("not kept" in v.message for v in check_h10_kept(inst, empty))


def test_allowed_running_case_without_supervisor_gets_one():
    inst = scheme(trainees=[trainee(current_cases=("C1",))], cases=[case(current_trainee="T1")],
                  supervisors=[supervisor("S-CAT", modalities=("CAT",)), supervisor("S-CBT")])
    sol = solve(inst)
    assert [(c.case_id, c.supervisor_id, c.kept) for c in sol.cases] == [("C1", "S-CBT", True)]
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def running():
    inst = scheme(trainees=[trainee(current_cases=("C1",), cbdg_sessions_attended=10, current_group="G1")],
                  cases=[case(**KEPT)], supervisors=[supervisor()], groups=[group()])
    model, v = bare(inst)
    h10_kept.build(v)
    return model, v


def test_bare_running_items_are_held():
    model, v = running()
    fix(model, (v.kept_case["C1"], 1), (v.kept_member["T1"], 1))
    assert feasible(model)


def test_bare_forced_violation_dropping_a_running_case_is_infeasible():
    model, v = running()
    fix(model, (v.kept_case["C1"], 0))
    assert not feasible(model)


def test_bare_allowed_running_items_as_assumptions_for_the_conflict_finder():
    inst = scheme(trainees=[trainee(current_cases=("C1",))], cases=[case(**KEPT)], supervisors=[supervisor()])
    from ortools.sat.python import cp_model

    from rotasolve.model.variables import build_variables
    model = cp_model.CpModel()
    v = build_variables(inst, model, kept_as_assumptions=True)
    h10_kept.build(v)
    fix(model, (v.kept_case["C1"], 0))
    assert feasible(model)  # the literal is left free, to be passed as an assumption
