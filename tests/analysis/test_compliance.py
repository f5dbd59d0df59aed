"""Each status on a hand-made instance whose dates are worked out by hand below."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PLAN_START, case, group, scheme, solve, supervisor, trainee

from rotasolve.core import dates
from rotasolve.analysis.compliance import statuses, tutor_checks
from rotasolve.domain.capacity import Capacity
from rotasolve.domain import Profile


def status_of(rows, trainee_id, requirement):
    return next(r for r in rows if r.trainee_id == trainee_id and r.requirement == requirement)


def test_date_arithmetic():
    assert dates.years_to_days(1) == 365 and dates.years_to_days(2) == 730
    assert dates.years_to_days(1 / 0.6) == 608  # 365.25 * 5/3 = 608.75
    assert dates.weeks_to_days(12.5) == 87
    assert dates.grade_end(date(2030, 8, 1), 3, 1.0) == date(2030, 8, 1)


def test_will_miss_ltft_ct3_with_long_case_unstarted():
    # LTFT 0.6 CT3, core_end nine months (273 days) after plan start: cases are due then.
    # An unplaced long case needs 20 sessions x 1.25 = 25 weeks = 175 days. Started at
    # the next period (plan start + 182 days) it ends on day 357 > 273: critical.
    core_end = date(2027, 11, 3)
    inst = scheme(trainees=[trainee(grade=3, ltft=0.6, core_end=core_end, short_case_done="CBT")])
    row = status_of(statuses(inst), "T1", "long_case")
    assert (row.status, row.due, row.projected_finish) == ("WILL_MISS", core_end, None)


def test_allocated_group_with_projected_finish():
    # CT2, 20 of 30 sessions: 10 x 1.25 = 12.5 weeks = 87 days from 2027-02-03 = 2027-05-01.
    # Blank core_end: 2027-02-03 + 730 days = 2029-02-02; end of CT2 = 365 days earlier.
    inst = scheme(trainees=[trainee(grade=2, cbdg_sessions_attended=20)], groups=[group()])
    sol = solve(inst)
    row = status_of(sol.compliance, "T1", "cbdg")
    assert (row.status, row.projected_finish, row.due) == ("ALLOCATED", date(2027, 5, 1), date(2028, 2, 3))


def test_cbdga_reported_against_the_requirement():
    from rotasolve.analysis.compliance import cbdga_short

    inst = scheme(trainees=[trainee("T1", cbdg_sessions_attended=30, cbdga_satisfactory=1),
                            trainee("T2", cbdg_sessions_attended=30, cbdga_satisfactory=2)])
    rows = statuses(inst)
    assert status_of(rows, "T1", "cbdg").cbdga == "1/2"
    assert status_of(rows, "T1", "short_case").cbdga is None
    assert [t.id for t in cbdga_short(inst)] == ["T1"]


def test_complete_in_progress_not_yet_due():
    inst = scheme(trainees=[trainee("T1", grade=2, cbdg_sessions_attended=30, current_cases=("C1",)),
                            trainee("T2", grade=1, cbdg_sessions_attended=5)],
                  cases=[case(current_trainee="T1", current_supervisor="S1", sessions=20, sessions_done=10)],
                  supervisors=[supervisor()])
    rows = statuses(inst)
    assert status_of(rows, "T1", "cbdg").status == "COMPLETE"
    running = status_of(rows, "T1", "short_case")
    # 10 sessions to go: 12.5 weeks = 87 days -> 2027-05-01
    assert (running.status, running.projected_finish) == ("IN_PROGRESS", date(2027, 5, 1))
    assert status_of(rows, "T2", "short_case").status == "NOT_YET_DUE"


def test_at_risk_and_waiting():
    # Short case unplaced: 12 x 1.25 = 15 weeks = 105 days.
    # AT_RISK: started at plan start + 52 weeks (364 days) it ends on day 469 > due;
    # started next period (day 182) it ends on day 287 <= due: not critical.
    # Due 400 days after plan start -> AT_RISK. Due 600 days after -> WAITING.
    at_risk = trainee("T1", grade=3, core_end=date.fromordinal(PLAN_START.toordinal() + 400))
    waiting = trainee("T2", grade=3, core_end=date.fromordinal(PLAN_START.toordinal() + 600))
    rows = statuses(scheme(trainees=[at_risk, waiting]))
    assert status_of(rows, "T1", "short_case").status == "AT_RISK"
    assert status_of(rows, "T2", "short_case").status == "WAITING"


def test_every_trainee_once_per_requirement(example_solution):
    inst, sol = example_solution
    keys = [(r.trainee_id, r.requirement) for r in sol.compliance]
    assert len(keys) == len(set(keys)) == 3 * len(inst.trainees)


@pytest.mark.parametrize("n,needed", [(0, 0), (5, 1), (6, 2), (10, 2), (11, 3)])
def test_tutor_pa_check(n, needed):
    assert Capacity(Profile(trainees_per_tutor_pa=5)).tutor_pas_needed(n) == needed
    learners = [trainee(f"T{i}", grade=1, cbdg_sessions_attended=0) for i in range(n)]
    from conftest import tutor
    inst = scheme(trainees=learners, groups=[group(max_size=20)], tutors=[tutor(core_pas=2)])
    sol = solve(inst)
    (check,) = tutor_checks(inst, sol)
    placed = min(n, 10)  # two PAs cover ten
    assert check.trainees == placed
    assert check.core_pas_needed == inst.capacity.tutor_pas_needed(placed)
    assert check.flags == []


def test_tutor_flags_shortfalls():
    from conftest import tutor
    inst = scheme(trainees=[trainee(current_group="G1", cbdg_sessions_attended=5)], groups=[group()],
                  tutors=[tutor(core_pas=0.5, higher_trainees=6, higher_pas=1, spa_pas=1)],
                  profile=Profile())
    (check,) = tutor_checks(inst)
    assert check.flags == ["core PAs short by 0.5", "higher-trainee PAs short by 1", "SPA 1 below the College's 3"]
