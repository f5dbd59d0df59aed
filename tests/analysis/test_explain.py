"""rotasolve/analysis/explain.py: why each unmet requirement is unmet (domain.md, "Explanations";
solution.md, `unmet`). One entry per requirement still needed and not placed, none for
what is placed, each with the first resource that ran out, in the order a tutor checks by
hand, and a detail naming it. Allocations are written out by hand here, so each test says
exactly what is taken; the last test solves a tiny scheme end to end."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import case, group, scheme, solve, supervisor, trainee, tutor

from rotasolve.domain import Profile
from rotasolve.analysis.explain import explain, hours
from rotasolve.results.solution import CasePlace, GroupPlace, Solution, TutorPlace

SLOTS = ("MON-AM", "TUE-AM", "WED-AM", "THU-AM")


def allocation(cases=(), groups=(), tutors=()) -> Solution:
    """A solution holding these placements: (case, trainee, supervisor, session slot,
    supervision slot), (trainee, group) and (trainee, tutor)."""
    return Solution(
        scheme="Test scheme", status="FEASIBLE",
        cases=[CasePlace(case_id=c, trainee_id=t, supervisor_id=s, session_slot=a, supervision_slot=b,
                         meeting_id=f"{s}@{b}") for c, t, s, a, b in cases],
        groups=[GroupPlace(trainee_id=t, group_id=g) for t, g in groups],
        tutors=[TutorPlace(trainee_id=t, tutor_id=u) for t, u in tutors])


def reasons(inst, sol=None) -> dict[tuple[str, str], tuple[str, str]]:
    """(trainee, requirement) -> (reason, detail), one entry each (no duplicates)."""
    found = explain(inst, sol or allocation())
    out = {(u.trainee_id, u.requirement): (u.reason, u.detail) for u in found}
    assert len(out) == len(found)
    return out


def only_case(**kw):
    return case("C1", **kw)


# ----- what gets an entry ----------------------------------------------------------------

def test_every_need_not_placed_has_one_entry_and_what_is_placed_none():
    inst = scheme(trainees=[trainee("T1", cbdg_sessions_attended=0), trainee("T2", grade=3)],
                  cases=[case("C1")], supervisors=[supervisor()], groups=[group()])
    sol = allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")], groups=[("T1", "G1")],
                     tutors=[("T1", "U1")])
    found = explain(inst, sol)
    assert sorted((u.trainee_id, u.requirement) for u in found) == [
        ("T1", "long_case"), ("T2", "long_case"), ("T2", "short_case")]
    # each entry carries its need's urgency
    assert {(u.trainee_id, u.requirement): u.critical for u in found} == {
        (n.trainee_id, n.requirement): n.critical for n in inst.needs.all()
        if (n.trainee_id, n.requirement) != ("T1", "short_case") and n.requirement != "cbdg"}


def test_a_running_case_or_a_done_one_is_no_need():
    inst = scheme(trainees=[trainee("T1", short_case_done="IPT", current_cases=("C1",))],
                  cases=[case("C1", length="long", sessions=30, current_trainee="T1", current_supervisor="S1")],
                  supervisors=[supervisor()])
    assert explain(inst, allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")])) == []


def test_not_yet_due_says_the_gate():
    inst = scheme(trainees=[trainee("T1", grade=1)], cases=[only_case()], supervisors=[supervisor()])
    assert reasons(inst) == {("T1", req): ("not_yet_due", "cases start at CT2; T1 is CT1")
                             for req in ("short_case", "long_case")}
    first = scheme(trainees=[trainee("T1", cbdg_sessions_attended=10)], cases=[only_case()],
                   supervisors=[supervisor()], groups=[group()], profile=Profile(case_requires_cbdg=True))
    why = reasons(first)
    assert why[("T1", "short_case")] == ("not_yet_due", "cases need the group first; T1 has 10 of 30 group sessions")
    assert why[("T1", "cbdg")][0] != "not_yet_due"  # the group itself is open now


# ----- a case: the resources in the order a tutor checks them ----------------------------

def test_no_case_of_that_length():
    inst = scheme(trainees=[trainee("T1")], cases=[only_case(length="long", sessions=30)], supervisors=[supervisor()])
    assert reasons(inst)[("T1", "short_case")] == (
        "no_case", "no short case open to CT2; the tutor needs to assess more")


def test_no_case_in_another_modality_than_the_other_case():
    """H3: the long case done in CBT, so the short one must be another modality."""
    inst = scheme(trainees=[trainee("T1", long_case_done="CBT")], cases=[only_case()], supervisors=[supervisor()])
    assert reasons(inst) == {("T1", "short_case"): (
        "no_case", "no short case in a modality other than CBT open to CT2; the tutor needs to assess more")}


def test_the_nearest_case_is_beyond_the_travel_limit():
    inst = scheme(trainees=[trainee("T1")], cases=[only_case(site="B")], supervisors=[supervisor(site="B")])
    assert reasons(inst)[("T1", "short_case")] == (
        "travel", "no eligible short case within 60 min; nearest is C1 (CBT) at 90 min")


def test_no_case_session_in_the_trainees_free_slots():
    inst = scheme(trainees=[trainee("T1")], cases=[only_case(available_slots=("FRI-PM",))], supervisors=[supervisor()])
    assert reasons(inst)[("T1", "short_case")] == (
        "no_slot", "no eligible short case has a session slot in T1's free slots (MON-AM, TUE-AM, WED-AM, THU-AM)")


def test_no_qualified_supervisor():
    inst = scheme(trainees=[trainee("T1")], cases=[only_case()], supervisors=[supervisor(modalities=("IPT",))])
    assert reasons(inst)[("T1", "short_case")] == (
        "no_supervisor", "no supervisor qualified in CBT within 60 min shares a free slot with T1")


def test_the_week_has_no_room_names_the_cheapest_arrangement():
    """H7: a session (1 h) and a meeting (1 h) do not fit 1.5 h of case work a week; with
    the supervisor in the other site of the trust, 30 minutes each way more."""
    inst = scheme(trainees=[trainee("T1")], cases=[only_case()], supervisors=[supervisor()],
                  profile=Profile(weekly_case_hours=1.5))
    assert reasons(inst)[("T1", "short_case")] == (
        "weekly_hours",
        "the cheapest arrangement takes 2 h a week with travel; T1 has 1 h 30 min of the 1 h 30 min left")
    farther = scheme(trainees=[trainee("T1")], cases=[only_case()], supervisors=[supervisor(site="A2")],
                     profile=Profile(weekly_case_hours=2.5))
    assert reasons(farther)[("T1", "short_case")][1].startswith("the cheapest arrangement takes 3 h a week")


def test_the_week_already_spent_on_the_other_case():
    inst = scheme(trainees=[trainee("T1")], cases=[case("C1"), case("C2", length="long", sessions=30, modality="IPT")],
                  supervisors=[supervisor(modalities=("CBT", "IPT"))], profile=Profile(weekly_case_hours=3))
    sol = allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")], tutors=[("T1", "U1")])
    assert reasons(inst, sol) == {("T1", "long_case"): (
        "weekly_hours", "the cheapest arrangement takes 2 h a week with travel; T1 has 1 h of the 3 h left")}


def test_the_trainees_free_slots_are_taken_by_their_other_case():
    """Two slots free, both used by the short case's session and supervision."""
    inst = scheme(trainees=[trainee("T1", available_slots=("MON-AM", "TUE-AM"))],
                  cases=[case("C1"), case("C2", length="long", sessions=30, modality="IPT")],
                  supervisors=[supervisor(modalities=("CBT", "IPT"))])
    sol = allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")], tutors=[("T1", "U1")])
    assert reasons(inst, sol) == {("T1", "long_case"): (
        "no_slot", "T1's free slots are taken by their group or other case this period")}


def test_the_tutor_has_no_pa_left():
    """H9: one PA for one trainee, and T2 holds it."""
    inst = scheme(trainees=[trainee("T1"), trainee("T2", short_case_done="IPT", long_case_done="PSYCHODYNAMIC",
                                                   current_cases=("K1",))],
                  cases=[case("C1"), case("K1", length="long", sessions=30, modality="IPT", current_trainee="T2",
                                          current_supervisor="S1")],
                  supervisors=[supervisor(modalities=("CBT", "IPT"))], tutors=[tutor(core_pas=1)],
                  profile=Profile(trainees_per_tutor_pa=1))
    sol = allocation(cases=[("K1", "T2", "S1", "MON-AM", "TUE-AM")], tutors=[("T2", "U1")])
    reason, detail = reasons(inst, sol)[("T1", "short_case")]
    assert reason == "tutor_capacity"
    assert detail == ("tutor U1 already oversees 1 trainees, the most 1 core PAs allow (1 per PA); "
                      "one more PA would cover this trainee")


def test_no_tutor_covers_the_trust():
    inst = scheme(trainees=[trainee("T1")], cases=[only_case()], supervisors=[supervisor()],
                  tutors=[tutor(trusts=("Trust B",))])
    assert reasons(inst)[("T1", "short_case")] == (
        "tutor_capacity", "no tutor covers Trust A; add the trust to a tutor's trusts")


def test_the_case_went_to_a_more_urgent_trainee_and_the_supervisor_is_full():
    inst = scheme(trainees=[trainee("T1"), trainee("T2", grade=3)], cases=[only_case()],
                  supervisors=[supervisor(max_trainees=1)])
    sol = allocation(cases=[("C1", "T2", "S1", "MON-AM", "TUE-AM")], tutors=[("T2", "U1")])
    assert reasons(inst, sol)[("T1", "short_case")] == (
        "capacity", "eligible cases went to more urgent or senior trainees: C1 (T2); supervisors at capacity: S1 (1/1)")


def test_at_most_max_cases_at_once():
    inst = scheme(trainees=[trainee("T1")], cases=[case("C1"), case("C2", length="long", sessions=30, modality="IPT")],
                  supervisors=[supervisor(modalities=("CBT", "IPT"))], profile=Profile(max_cases_per_trainee=1))
    sol = allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")], tutors=[("T1", "U1")])
    assert reasons(inst, sol) == {("T1", "long_case"): (
        "capacity", "T1 already holds 1 cases, the most at once (max_cases_per_trainee); the long case follows "
                    "when one ends")}


def test_many_names_are_cut_short():
    inst = scheme(trainees=[trainee("T0")] + [trainee(f"T{i}", grade=3) for i in range(1, 7)],
                  cases=[case(f"C{i}") for i in range(1, 7)], supervisors=[supervisor(max_trainees=10)],
                  tutors=[tutor(core_pas=4)])
    sol = allocation(cases=[(f"C{i}", f"T{i}", "S1", "MON-AM", "TUE-AM") for i in range(1, 7)],
                     tutors=[(f"T{i}", "U1") for i in range(1, 7)])
    assert reasons(inst, sol)[("T0", "short_case")] == (
        "capacity", "eligible cases went to more urgent or senior trainees: C1 (T1), C2 (T2), C3 (T3), C4 (T4) "
                    "and 2 more")


# ----- a group ---------------------------------------------------------------------------

def needs_a_group(**kw):
    return trainee("T1", cbdg_sessions_attended=0, short_case_done="CBT", long_case_done="IPT", **kw)


def test_no_group_in_the_scheme():
    assert reasons(scheme(trainees=[needs_a_group()])) == {("T1", "cbdg"): (
        "no_slot", "the scheme has no case-based discussion groups; add one in Groups")}


def test_no_group_meets_in_a_free_slot():
    inst = scheme(trainees=[needs_a_group()], groups=[group(slot="FRI-PM"), group("G2", slot="FRI-AM")])
    assert reasons(inst)[("T1", "cbdg")] == (
        "no_slot", "no group meets in T1's free slots (MON-AM, TUE-AM, WED-AM, THU-AM); groups meet at FRI-AM, FRI-PM")


def test_the_group_is_too_far_unless_online():
    far = scheme(trainees=[needs_a_group()], groups=[group(site="B")])
    assert reasons(far)[("T1", "cbdg")] == (
        "travel", "groups in free slots are beyond the 60-minute limit (G1 90 min)")
    online = scheme(trainees=[needs_a_group()], groups=[group(site="B", online=True, min_size=3)])
    assert reasons(online)[("T1", "cbdg")][0] == "group_too_small"


def test_the_group_slot_is_taken_by_case_work():
    inst = scheme(trainees=[trainee("T1", cbdg_sessions_attended=0, long_case_done="IPT")], cases=[only_case()],
                  supervisors=[supervisor()], groups=[group(slot="MON-AM")])
    sol = allocation(cases=[("C1", "T1", "S1", "MON-AM", "TUE-AM")], tutors=[("T1", "U1")])
    assert reasons(inst, sol) == {("T1", "cbdg"): (
        "no_slot", "T1's case work this period uses the slots of the reachable groups (G1)")}


def test_a_full_group_and_one_that_does_not_run():
    full = scheme(trainees=[needs_a_group(), trainee("T2", cbdg_sessions_attended=0, grade=1)],
                  groups=[group(max_size=2, external_members=1)])
    sol = allocation(groups=[("T2", "G1")], tutors=[("T2", "U1")])
    assert reasons(full, sol)[("T1", "cbdg")] == ("capacity", "reachable groups are full: G1 (2/2)")
    empty = scheme(trainees=[needs_a_group()], groups=[group(min_size=4)])
    assert reasons(empty)[("T1", "cbdg")] == (
        "group_too_small", "reachable groups do not run: G1 needs 4 members, too few trainees can attend MON-AM")


# ----- words and an end-to-end solve ----------------------------------------------------

@pytest.mark.parametrize("minutes, words", [(80, "1 h 20 min"), (120, "2 h"), (40, "40 min"), (0, "0 min")])
def test_hours_as_a_tutor_says_them(minutes, words):
    assert hours(minutes) == words


def test_a_solved_tiny_scheme_explains_who_took_the_one_case():
    """One short case, two CT3s who need it by the end of the period (both critical) and a
    CT2 with time: the case goes to a CT3, the other two are told who has it."""
    finishing = dict(grade=3, core_end=date(2027, 9, 1), long_case_done="IPT")
    inst = scheme(trainees=[trainee("T1", **finishing), trainee("T2", **finishing),
                            trainee("T3", long_case_done="IPT")],
                  cases=[only_case()], supervisors=[supervisor(max_trainees=1)])
    sol = solve(inst, time_limit=5)
    assert sol.status == "OPTIMAL" and len(sol.cases) == 1
    holder = sol.cases[0].trainee_id
    assert holder in ("T1", "T2")
    assert sol.unmet == explain(inst, sol)  # what the pipeline reports is explain's word
    why = {u.trainee_id: u for u in sol.unmet}
    assert set(why) == {"T1", "T2", "T3"} - {holder}
    for u in why.values():
        assert u.requirement == "short_case" and u.reason == "capacity"
        assert u.detail == (f"eligible cases went to more urgent or senior trainees: C1 ({holder}); "
                            "supervisors at capacity: S1 (1/1)")
    assert {u.trainee_id: u.critical for u in why.values()} == {t: t != "T3" for t in why}
