"""The two statements of the hard rules agree: the domain's facts (which the model, the
greedy baseline, the explanations and the conflict finder use) and the checker (the
executable spec, written apart from them). On generated schemes, each fact is held
against the checker's verdict on an allocation of one placement."""

from __future__ import annotations

import random

import pytest

from rotasolve.check import (
    check_h1_groups, check_h2_case_eligibility, check_h3_modalities, check_h4_supervision, check_h5_meetings,
    check_h6_slots, check_h7_weekly_hours, check_h8_cases_at_once, check_h9_tutors,
)
from rotasolve.domain import Instance, Profile
from rotasolve.synthetic.generate import generate
from rotasolve.results.solution import CasePlace, GroupPlace, Solution, TutorPlace

SCHEMES = [(40, 3, 1, False), (40, 3, 2, True), (60, 2, 3, False), (30, 4, 4, True)]


@pytest.fixture(scope="module", params=SCHEMES, ids=lambda p: f"{p[0]}/{p[1]}/{p[2]}{'c' if p[3] else ''}")
def inst(request):
    n, k, seed, connected = request.param
    return generate(n, k, seed, connected=connected)


def running(inst: Instance, trainee_id: str) -> list[CasePlace]:
    """The trainee's running cases, in any arrangement (their own rules are not at stake)."""
    return [CasePlace(case_id=c.id, trainee_id=trainee_id, supervisor_id=c.current_supervisor or "S?",
                      session_slot="?", supervision_slot="?", meeting_id="", kept=True)
            for c in inst.kept_cases_of[trainee_id]]


def messages(violations, *ids) -> list[str]:
    return [v.message for v in violations if all(i in v.message for i in ids)]


def test_who_may_join_which_group(inst):
    for t in inst.trainees:
        for g in inst.groups:
            sol = Solution(scheme="x", status="FEASIBLE", groups=[GroupPlace(trainee_id=t.id, group_id=g.id)])
            per_trainee = messages(check_h1_groups(inst, sol), t.id)
            assert inst.eligibility.can_join_group(t, g) == (not per_trainee), (t.id, g.id, per_trainee)


def test_who_may_take_which_case(inst):
    rng = random.Random(0)
    for t in inst.trainees:
        for c in rng.sample(inst.cases, min(12, len(inst.cases))):
            if c.kept:
                continue
            common = sorted(set(t.available_slots) & set(c.available_slots))
            place = CasePlace(case_id=c.id, trainee_id=t.id, supervisor_id="S?",
                              session_slot=common[0] if common else c.available_slots[0], supervision_slot="-",
                              meeting_id="", kept=False)
            sol = Solution(scheme="x", status="FEASIBLE", cases=[place] + running(inst, t.id))
            found = (messages(check_h2_case_eligibility(inst, sol), c.id)
                     + messages(check_h3_modalities(inst, sol), t.id)
                     + messages(check_h6_slots(inst, sol), c.id, "session")
                     + messages(check_h8_cases_at_once(inst, sol), t.id))
            assert inst.eligibility.can_take_case(t, c) == (not found), (t.id, c.id, found)


def test_who_may_supervise_which_new_case(inst):
    rng = random.Random(1)
    for t in rng.sample(inst.trainees, min(10, len(inst.trainees))):
        for c in (c for c in inst.cases if not c.kept):
            for s in inst.supervisors:
                place = CasePlace(case_id=c.id, trainee_id=t.id, supervisor_id=s.id, session_slot="-",
                                  supervision_slot="-", meeting_id="", kept=False)
                sol = Solution(scheme="x", status="FEASIBLE", cases=[place])
                found = messages(check_h4_supervision(inst, sol), s.id)
                allowed = inst.eligibility.can_supervise(s, c, t) or (s.max_trainees < 1 and not found)
                assert allowed == (not found), (t.id, c.id, s.id, found)


def test_a_cases_week_and_a_supervisors_meeting_hours(inst):
    rng = random.Random(2)
    for _ in range(200):
        t, c, s = rng.choice(inst.trainees), rng.choice(inst.cases), rng.choice(inst.supervisors)
        minutes = inst.minutes.case_week(t, c, s)
        for limit, over in ((minutes, False), (minutes - 1, True)):
            profile = Profile(**{**inst.profile.model_dump(), "weekly_case_hours": limit / 60})
            one = _with(inst, profile=profile)
            place = CasePlace(case_id=c.id, trainee_id=t.id, supervisor_id=s.id, session_slot="a",
                              supervision_slot="b", meeting_id="m", kept=False)
            found = check_h7_weekly_hours(one, Solution(scheme="x", status="FEASIBLE", cases=[place]))
            assert bool(found) == over, (t.id, c.id, s.id, minutes, found)
    for s in inst.supervisors:
        limit = inst.minutes.supervisor_limit(s)
        if limit is None:
            continue
        meetings = limit // inst.minutes.meeting(shared=False)  # individual meetings that fit
        cases = [CasePlace(case_id=f"C{i}", trainee_id=f"T{i}", supervisor_id=s.id, session_slot="a",
                           supervision_slot=f"slot{i}", meeting_id=f"m{i}") for i in range(meetings + 1)]
        fits = Solution(scheme="x", status="FEASIBLE", cases=cases[:meetings])
        over = Solution(scheme="x", status="FEASIBLE", cases=cases)
        assert not messages(check_h5_meetings(inst, fits), "PAs allow")
        assert messages(check_h5_meetings(inst, over), "PAs allow")


def test_how_many_trainees_a_tutor_may_oversee(inst):
    for u in inst.tutors:
        most = inst.capacity.tutor_trainees(u)
        trainees = [t for t in inst.trainees if inst.trust_of_trainee(t.id) in u.trusts]
        for n, over in ((min(most, len(trainees)), False), (most + 1, True)):
            if n > len(trainees):
                continue
            links = [TutorPlace(trainee_id=t.id, tutor_id=u.id) for t in trainees[:n]]
            found = messages(check_h9_tutors(inst, Solution(scheme="x", status="FEASIBLE", tutors=links)), u.id,
                             "needing")
            assert bool(found) == over, (u.id, n, most, found)


def _with(inst: Instance, **changes) -> Instance:
    fields = {name: getattr(inst, name) for name in Instance.model_fields}
    fields.update(changes)
    return Instance(**fields)
