"""The roll-forward rules of lifecycle.md on hand-made schemes and hand-made solutions,
with the dates worked out by hand in the comments. No Excel, no solver."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import case, group, scheme, supervisor, trainee

from rotasolve.lifecycle.rollforward import grade_held, next_middle, next_start, roll_forward, sessions_held
from rotasolve.results.solution import CasePlace, GroupPlace, Solution

# PLAN_START is 2027-02-03. 26 weeks on: 2027-08-04. The middle of that next period is
# 13 weeks (91 days) later: 2027-11-03.
NEXT = date(2027, 8, 4)
MIDDLE = date(2027, 11, 3)


def placed(case_id, trainee_id, supervisor_id="S1", session="MON-AM", meeting="TUE-AM", kept=False):
    return CasePlace(case_id=case_id, trainee_id=trainee_id, supervisor_id=supervisor_id, session_slot=session,
                     supervision_slot=meeting, meeting_id=f"{supervisor_id}@{meeting}", kept=kept)


def solution(inst, groups=(), cases=()):
    return Solution(scheme=inst.settings.name, status="OPTIMAL", groups=list(groups), cases=list(cases))


def test_dates_and_sessions_held():
    inst = scheme(trainees=[trainee()])
    assert (next_start(inst), next_middle(inst)) == (NEXT, MIDDLE)
    assert sessions_held(inst) == 20  # floor(26 / 1.25) = floor(20.8)
    assert sessions_held(scheme(trainees=[trainee()], session_weeks_factor=1.0)) == 26
    assert sessions_held(scheme(trainees=[trainee()], period_weeks=13)) == 10  # floor(10.4)
    assert sessions_held(scheme(trainees=[trainee()], period_weeks=1)) == 0
    assert roll_forward(inst, solution(inst)).plan_start == NEXT


def test_grade_is_the_one_held_mid_period_and_never_lower():
    # End of CT1 = core_end - 2 years (730 days). A CT1 year ending 30 days into the next
    # period: on its first day still CT1, in its middle CT2 -> CT2.
    ct1_end_soon = NEXT + timedelta(days=30) + timedelta(days=730)
    # Ending exactly on the middle: the middle is not before the end -> CT2; a day later -> CT1.
    on_middle = MIDDLE + timedelta(days=730)
    inst = scheme(trainees=[trainee("A", grade=1, core_end=ct1_end_soon),
                            trainee("B", grade=1, core_end=on_middle),
                            trainee("C", grade=1, core_end=on_middle + timedelta(days=1)),
                            trainee("D", grade=3, core_end=date(2031, 1, 1))])  # would be CT1: stays CT3
    roll = roll_forward(inst, solution(inst))
    assert roll.trainees["A"]["grade"] == 2 and roll.trainees["B"]["grade"] == 2
    assert "grade" not in roll.trainees["C"] and "grade" not in roll.trainees["D"]
    assert [(g.trainee_id, g.before, g.after) for g in roll.graded_up] == [("A", 1, 2), ("B", 1, 2)]
    assert grade_held(date(2030, 1, 1), 1.0, date(2030, 1, 1)) is None


def test_core_end_written_out_when_blank_and_left_alone_when_given():
    inst = scheme(trainees=[trainee("A", grade=2), trainee("B", grade=2, core_end=date(2029, 3, 1))])
    roll = roll_forward(inst, solution(inst))
    # Blank: plan_start + (4 - 2) years = 2027-02-03 + 730 days.
    assert roll.trainees["A"]["core_end"] == date(2029, 2, 2)
    assert "core_end" not in roll.trainees["B"]


def test_finishing_on_or_before_the_middle_leaves_with_final_statuses():
    inst = scheme(
        trainees=[trainee("OUT", grade=3, core_end=MIDDLE, short_case_done="CBT", current_cases=("L1",)),
                  trainee("STAY", grade=3, core_end=MIDDLE + timedelta(days=1))],
        cases=[case("L1", length="long", sessions=40, modality="PSYCHODYNAMIC", current_trainee="OUT",
                    current_supervisor="S1", sessions_done=10, session_slot="MON-AM", supervision_slot="TUE-AM")],
        supervisors=[supervisor(modalities=("PSYCHODYNAMIC",))])
    sol = solution(inst, cases=[placed("L1", "OUT", kept=True)])
    roll = roll_forward(inst, sol)
    assert roll.removed_trainees == ("OUT",) and "STAY" in roll.trainees
    finished = roll.finished[0]
    assert [(s.requirement, s.status) for s in finished.statuses] == [
        ("cbdg", "COMPLETE"), ("short_case", "COMPLETE"), ("long_case", "INCOMPLETE")]
    assert "30 of 40 sessions held; released" in finished.statuses[2].detail
    # The case they held waits for a new trainee: current_*, kept slots, sessions cleared.
    assert roll.cases["L1"] == {"current_trainee": None, "current_supervisor": None, "session_slot": None,
                                "supervision_slot": None, "sessions_done": 0}
    assert [(c.case_id, c.trainee_id, c.sessions_held) for c in roll.released] == [("L1", "OUT", 30)]
    nxt = roll.apply(inst)
    assert [t.id for t in nxt.trainees] == ["STAY"] and not nxt.case["L1"].kept


def test_group_attendance_grows_capped_and_the_place_ends_when_complete():
    inst = scheme(trainees=[trainee("NEW", grade=1, cbdg_sessions_attended=0),
                            trainee("NEARLY", grade=1, cbdg_sessions_attended=25, current_group="G1"),
                            trainee("KEPT", grade=1, cbdg_sessions_attended=5, current_group="G1")],
                  groups=[group("G1", min_size=2)])
    sol = solution(inst, groups=[GroupPlace(trainee_id="NEW", group_id="G1"),
                                 GroupPlace(trainee_id="NEARLY", group_id="G1", kept=True),
                                 GroupPlace(trainee_id="KEPT", group_id="G1", kept=True)])
    roll = roll_forward(inst, sol)
    assert roll.trainees["NEW"] == {"core_end": date(2030, 2, 2), "cbdg_sessions_attended": 20,
                                    "current_group": "G1"}
    assert roll.trainees["NEARLY"]["cbdg_sessions_attended"] == 30  # 25 + 20, capped at 30
    assert roll.trainees["NEARLY"]["current_group"] is None
    assert roll.trainees["KEPT"]["cbdg_sessions_attended"] == 25 and "current_group" not in roll.trainees["KEPT"]
    assert [(g.trainee_id, g.group_id, g.attended) for g in roll.group_done] == [("NEARLY", "G1", 30)]
    assert roll.groups_ended == ()


def test_a_running_group_below_min_size_ends_its_places():
    # Two continue, one external member: 3 < min_size 4, so the group does not run.
    inst = scheme(trainees=[trainee("A", grade=1, cbdg_sessions_attended=0, current_group="G1"),
                            trainee("B", grade=1, cbdg_sessions_attended=0),
                            trainee("C", grade=1, cbdg_sessions_attended=25, current_group="G1")],
                  groups=[group("G1", min_size=4, external_members=1)])
    sol = solution(inst, groups=[GroupPlace(trainee_id="A", group_id="G1", kept=True),
                                 GroupPlace(trainee_id="B", group_id="G1"),
                                 GroupPlace(trainee_id="C", group_id="G1", kept=True)])
    roll = roll_forward(inst, sol)
    assert [(g.group_id, g.trainee_ids) for g in roll.groups_ended] == [("G1", ("A", "B"))]
    assert roll.trainees["A"]["current_group"] is None and "current_group" not in roll.trainees["B"]
    assert roll.trainees["A"]["cbdg_sessions_attended"] == 20 == roll.trainees["B"]["cbdg_sessions_attended"]


def test_cases_complete_or_run_on_with_their_slots():
    inst = scheme(
        trainees=[trainee("T1", grade=2, current_cases=("K1",)), trainee("T2", grade=2)],
        cases=[case("S1C", sessions=16),
               case("K1", length="long", sessions=30, sessions_done=5, current_trainee="T1", current_supervisor="S1"),
               case("L2", length="long", sessions=40, modality="IPT"), case("FREE", sessions=12)],
        supervisors=[supervisor(modalities=("CBT", "IPT"))])
    sol = solution(inst, cases=[placed("S1C", "T1", session="WED-AM", meeting="THU-AM"),
                                placed("K1", "T1", kept=True),
                                placed("L2", "T2", session="MON-AM", meeting="WED-AM")])
    roll = roll_forward(inst, sol)
    # S1C: 0 + 20 >= 16, complete: removed, and the trainee's short case is done in CBT.
    assert roll.removed_cases == ("S1C",)
    assert [(c.case_id, c.trainee_id, c.modality, c.length) for c in roll.completed] == [
        ("S1C", "T1", "CBT", "short")]
    assert roll.trainees["T1"]["short_case_done"] == "CBT" and "current_cases" not in roll.trainees["T1"]
    # K1 (kept): 5 + 20 = 25 < 30 runs on, now with the slots it had this period.
    assert roll.cases["K1"] == {"current_trainee": "T1", "current_supervisor": "S1", "session_slot": "MON-AM",
                                "supervision_slot": "TUE-AM", "sessions_done": 25}
    # L2 (new): 20 < 40, so it becomes a running case of T2.
    assert roll.cases["L2"]["sessions_done"] == 20 and roll.cases["L2"]["current_trainee"] == "T2"
    assert roll.trainees["T2"]["current_cases"] == ("L2",)
    assert "FREE" not in roll.cases  # unallocated: unchanged
    nxt = roll.apply(inst)
    assert nxt.case["L2"].kept and nxt.case["L2"].session_slot == "MON-AM"
    assert nxt.trainee["T1"].short_case_done == "CBT" and "S1C" not in nxt.case
