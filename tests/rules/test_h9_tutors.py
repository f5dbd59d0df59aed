from conftest import bare, feasible, fix, group, scheme, solve, trainee, tutor

from rotasolve.check import check, check_h9_tutors
from rotasolve.domain import Profile
from rotasolve.model.rules import h9_tutors
from rotasolve.results.solution import GroupPlace, Solution, TutorPlace


def learners(n):
    return [trainee(f"T{i}", grade=1, cbdg_sessions_attended=0) for i in range(n)]


def test_feasible_every_placed_trainee_has_one_tutor():
    inst = scheme(trainees=learners(3), groups=[group()])
    sol = solve(inst)
    assert {u.trainee_id for u in sol.tutors} == {g.trainee_id for g in sol.groups} == {"T0", "T1", "T2"}
    assert check(inst, sol) == []


def test_forced_violation_tutor_pas_cap_placements():
    inst = scheme(trainees=learners(6), groups=[group()], tutors=[tutor(core_pas=1)])
    sol = solve(inst)
    assert len(sol.groups) == 5
    assert [u.reason for u in sol.unmet if u.requirement == "cbdg"] == ["tutor_capacity"]
    bad = Solution(scheme="x", status="FEASIBLE",
                   groups=[GroupPlace(trainee_id=f"T{i}", group_id="G1") for i in range(6)],
                   tutors=[TutorPlace(trainee_id=f"T{i}", tutor_id="U1") for i in range(6)])
    assert any("needing 2 PAs" in v.message for v in check_h9_tutors(inst, bad))


def test_forced_violation_no_tutor_for_the_trust():
    inst = scheme(trainees=learners(1), groups=[group()], tutors=[tutor(trusts=("Trust B",))])
    sol = solve(inst)
    assert sol.groups == []
    assert "no tutor covers Trust A" in next(u.detail for u in sol.unmet if u.requirement == "cbdg")


def test_allowed_five_trainees_on_one_pa():
    inst = scheme(trainees=learners(5), groups=[group()], tutors=[tutor(core_pas=1)])
    sol = solve(inst)
    assert len(sol.groups) == 5
    assert check(inst, sol) == []


# ----- the rule module alone, on a bare model ---------------------------------------------


def one_group(n, core_pas):
    inst = scheme(trainees=learners(n), groups=[group(max_size=20)], tutors=[tutor(core_pas=core_pas)],
                  profile=Profile(trainees_per_tutor_pa=5))
    model, v = bare(inst)
    h9_tutors.build(v)
    return model, v


def test_bare_a_member_is_overseen_by_one_tutor():
    model, v = one_group(1, 1)
    fix(model, (v.group[("T0", "G1")], 1))
    assert feasible(model)
    fix(model, (v.tutor[("T0", "U1")], 0))
    assert not feasible(model)


def test_bare_forced_violation_six_trainees_on_one_pa():
    model, v = one_group(6, 1)
    for i in range(6):
        fix(model, (v.group[(f"T{i}", "G1")], 1))
    assert not feasible(model)


def test_bare_allowed_five_trainees_on_one_pa():
    model, v = one_group(5, 1)
    for i in range(5):
        fix(model, (v.group[(f"T{i}", "G1")], 1))
    assert feasible(model)
