from conftest import bare, feasible, fix, group, scheme, solve, trainee

from rotasolve.check import check, check_h1_groups
from rotasolve.model.rules import h1_groups
from rotasolve.results.solution import GroupPlace, Solution


def needs_group(id, **kw):
    return trainee(id, grade=1, cbdg_sessions_attended=0, **kw)


def test_feasible_trainees_join_a_group_in_a_free_slot():
    inst = scheme(trainees=[needs_group("T1"), needs_group("T2")], groups=[group(min_size=2)])
    sol = solve(inst)
    assert sol.status == "OPTIMAL"
    assert {(g.trainee_id, g.group_id) for g in sol.groups} == {("T1", "G1"), ("T2", "G1")}
    assert check(inst, sol) == []


def test_forced_violation_group_too_small_takes_no_one_and_checker_catches_it():
    inst = scheme(trainees=[needs_group("T1"), needs_group("T2")], groups=[group(min_size=4)])
    sol = solve(inst)
    assert sol.groups == []
    assert {u.reason for u in sol.unmet if u.requirement == "cbdg"} == {"group_too_small"}
    bad = Solution(scheme="x", status="FEASIBLE", groups=[GroupPlace(trainee_id="T1", group_id="G1"),
                                                          GroupPlace(trainee_id="T2", group_id="G1")])
    assert any("must have 4-10" in v.message for v in check_h1_groups(inst, bad))


def test_forced_violation_slot_and_double_membership_caught():
    inst = scheme(trainees=[needs_group("T1", available_slots=("TUE-AM", "WED-AM"))],
                  groups=[group("G1"), group("G2", slot="TUE-AM")])
    bad = Solution(scheme="x", status="FEASIBLE", groups=[GroupPlace(trainee_id="T1", group_id="G1"),
                                                          GroupPlace(trainee_id="T1", group_id="G2")])
    messages = [v.message for v in check_h1_groups(inst, bad)]
    assert any("in 2 groups" in m for m in messages)
    assert any("not one of their available slots" in m for m in messages)


def test_allowed_online_group_beyond_travel():
    # B is 90 minutes from A: the site group is out of reach, the online one is not.
    inst = scheme(trainees=[needs_group("T1")],
                  groups=[group("G-SITE", site="B"), group("G-ONLINE", site="B", online=True)])
    sol = solve(inst)
    assert [(g.trainee_id, g.group_id) for g in sol.groups] == [("T1", "G-ONLINE")]
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def test_bare_two_members_make_a_group_of_two():
    inst = scheme(trainees=[needs_group("T1"), needs_group("T2")], groups=[group(min_size=2)])
    model, v = bare(inst)
    h1_groups.build(v)
    fix(model, (v.group[("T1", "G1")], 1), (v.group[("T2", "G1")], 1))
    assert feasible(model)


def test_bare_forced_violation_one_member_of_a_group_of_two_is_infeasible():
    inst = scheme(trainees=[needs_group("T1"), needs_group("T2")], groups=[group(min_size=2)])
    model, v = bare(inst)
    h1_groups.build(v)
    fix(model, (v.group[("T1", "G1")], 1), (v.group[("T2", "G1")], 0))
    assert not feasible(model)


def test_bare_allowed_external_members_bring_a_group_to_its_minimum():
    inst = scheme(trainees=[needs_group("T1")], groups=[group(min_size=3, external_members=2)])
    model, v = bare(inst)
    h1_groups.build(v)
    fix(model, (v.group[("T1", "G1")], 1))
    assert feasible(model)
