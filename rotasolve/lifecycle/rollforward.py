"""The next period's scheme, from this period's and its solution (lifecycle.md, "The next
period").

A pure function of (Instance, Solution): what changes, row by row, and the report a tutor
reads. Nothing here knows about Excel; ``excel/next_workbook.py`` edits a copy of the
user's workbook with these changes, and ``RollForward.apply`` builds the next Instance in
code, so the rules can be tested without a file (and the two are tested to agree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import cast

from ..core import dates
from ..domain import LENGTHS, Case, Instance, Trainee, requirement_of
from ..results.solution import CasePlace, Solution

# Changes to a row: field name as the domain (and the workbook contract) names it -> new
# value as the domain holds it (grade an int, dates as dates, lists as tuples, None = blank).
Changes = dict[str, object]


@dataclass(frozen=True)
class GradeUp:
    trainee_id: str
    before: int
    after: int


@dataclass(frozen=True)
class FinalStatus:
    """One requirement of a trainee who has finished core training, at the period's end."""

    requirement: str
    status: str  # COMPLETE | INCOMPLETE
    detail: str


@dataclass(frozen=True)
class Finished:
    trainee_id: str
    core_end: date
    statuses: tuple[FinalStatus, ...]


@dataclass(frozen=True)
class CaseOutcome:
    """A case completed this period, or released because its trainee has left."""

    case_id: str
    trainee_id: str
    modality: str
    length: str
    sessions_held: int  # by the period's end


@dataclass(frozen=True)
class GroupDone:
    trainee_id: str
    group_id: str
    attended: int


@dataclass(frozen=True)
class GroupEnded:
    """A running group whose continuing members (with its external ones) fall below its
    min_size: it does not run (workbook.md), so their places end; they keep their
    attendance and may be placed again, in it or another group."""

    group_id: str
    trainee_ids: tuple[str, ...]
    external: int
    min_size: int


@dataclass(frozen=True)
class RollForward:
    plan_start: date  # the next period's
    previous_start: date
    sessions_held: int  # h: what every group place and case held this period
    trainees: dict[str, Changes]  # every trainee who stays -> the fields that change
    cases: dict[str, Changes]  # every case that stays and changes -> the fields that change
    removed_trainees: tuple[str, ...]
    removed_cases: tuple[str, ...]
    graded_up: tuple[GradeUp, ...] = ()
    finished: tuple[Finished, ...] = ()
    completed: tuple[CaseOutcome, ...] = ()
    group_done: tuple[GroupDone, ...] = ()
    released: tuple[CaseOutcome, ...] = ()
    groups_ended: tuple[GroupEnded, ...] = ()

    def apply(self, inst: Instance) -> Instance:
        """The next period's scheme, built in code (a fresh Instance: derived facts are
        cached per instance, so one is never copied)."""
        fields = {name: getattr(inst, name) for name in Instance.model_fields}
        fields["settings"] = inst.settings.model_copy(update={"plan_start": self.plan_start})
        fields["trainees"] = tuple(t.model_copy(update=self.trainees.get(t.id, {}))
                                   for t in inst.trainees if t.id not in self.removed_trainees)
        fields["cases"] = tuple(c.model_copy(update=self.cases.get(c.id, {}))
                                for c in inst.cases if c.id not in self.removed_cases)
        return Instance(**fields)


def sessions_held(inst: Instance) -> int:
    """h = floor(period_weeks / session_weeks_factor), exactly (1.25 is 5/4, not a float)."""
    st = inst.settings
    return math.floor(Fraction(st.period_weeks) / dates.exact(st.session_weeks_factor))


def next_start(inst: Instance) -> date:
    st = inst.settings
    return dates.add_weeks(st.plan_start, st.period_weeks)


def next_middle(inst: Instance) -> date:
    """The middle of the next period: its start + floor(7 × period_weeks / 2) days. Grades
    and leaving are judged here (lifecycle.md: the grade held for most of the period)."""
    return dates.add_weeks(next_start(inst), Fraction(inst.settings.period_weeks, 2))


def grade_held(core_end: date, ltft: float, day: date) -> int | None:
    """The lowest grade whose end is after ``day``; None when core training has ended."""
    for g in (1, 2, 3):
        if day < dates.grade_end(core_end, g, ltft):
            return g
    return None


def roll_forward(inst: Instance, sol: Solution) -> RollForward:
    """What the next period's workbook changes, for a solution of ``inst`` that passes
    the checker (the caller makes sure: ``lifecycle.fit``)."""
    h = sessions_held(inst)
    middle = next_middle(inst)
    leaving = {t.id: inst.needs.core_end(t) for t in inst.trainees if inst.needs.core_end(t) <= middle}
    places = {p.case_id: p for p in sol.cases}
    completed, running, released = _case_outcomes(inst, places, h, leaving)
    trainees: dict[str, Changes] = {}
    graded_up, group_done = [], []
    groups = sol.group_of()
    for t in inst.trainees:
        if t.id in leaving:
            continue
        changes, up, done = _trainee_changes(inst, t, groups.get(t.id), completed, running, middle, h)
        trainees[t.id] = changes
        graded_up += [up] if up else []
        group_done += [done] if done else []
    cases: dict[str, Changes] = {}
    for cid, p in running.items():
        if p.trainee_id not in leaving:
            cases[cid] = _running_changes(inst.case[cid], p, h)
    for outcome in released:
        cases[outcome.case_id] = {"current_trainee": None, "current_supervisor": None, "session_slot": None,
                                  "supervision_slot": None, "sessions_done": 0}
    finished = tuple(Finished(tid, end, _final_statuses(inst, inst.trainee[tid], groups.get(tid), completed,
                                                        running, h))
                     for tid, end in leaving.items())
    ended = _end_small_groups(inst, trainees)  # after attendance: who continues decides
    return RollForward(
        plan_start=next_start(inst), previous_start=inst.settings.plan_start, sessions_held=h,
        trainees=trainees, cases={k: v for k, v in cases.items() if _differs(inst.case[k], v)},
        removed_trainees=tuple(leaving), removed_cases=tuple(c.case_id for c in completed),
        graded_up=tuple(graded_up), finished=finished, completed=tuple(completed),
        group_done=tuple(group_done), released=tuple(released),
        groups_ended=ended,
    )


def _case_outcomes(inst: Instance, places: dict[str, CasePlace], h: int, leaving: dict[str, date]):
    """Cases completed this period, cases still running, and running cases released
    because their trainee has left."""
    completed: list[CaseOutcome] = []
    running: dict[str, CasePlace] = {}
    released: list[CaseOutcome] = []
    for c in inst.cases:
        p = places.get(c.id)
        if p is None:
            continue
        held = c.sessions_done + h
        if held >= c.sessions:
            completed.append(CaseOutcome(c.id, p.trainee_id, c.modality, c.length, c.sessions))
            continue
        running[c.id] = p
        if p.trainee_id in leaving:
            released.append(CaseOutcome(c.id, p.trainee_id, c.modality, c.length, held))
    return completed, running, released


def _trainee_changes(inst: Instance, t: Trainee, group_id: str | None, completed: list[CaseOutcome],
                     running: dict[str, CasePlace], middle: date, h: int):
    """The fields of a trainee who stays that change; a grade rise and a completed group
    attendance, for the report."""
    changes: Changes = {}
    core_end = inst.needs.core_end(t)
    if t.core_end is None:
        changes["core_end"] = core_end  # written out, so it never drifts with plan_start
    grade = max(t.grade, grade_held(core_end, t.ltft, middle) or 3)
    up = GradeUp(t.id, t.grade, grade) if grade != t.grade else None
    if up:
        changes["grade"] = grade
    done = None
    if group_id is not None:
        cbdg = inst.profile.cbdg_sessions
        attended = max(t.cbdg_sessions_attended, min(cbdg, t.cbdg_sessions_attended + h))
        current = group_id if attended < cbdg else None
        if attended != t.cbdg_sessions_attended:
            changes["cbdg_sessions_attended"] = attended
        if current != t.current_group:
            changes["current_group"] = current
        if attended >= cbdg > t.cbdg_sessions_attended:
            done = GroupDone(t.id, group_id, attended)
    for outcome in completed:
        if outcome.trainee_id == t.id:
            changes[f"{outcome.length}_case_done"] = outcome.modality
    still = [cid for cid in t.current_cases if cid in running]
    still += sorted(cid for cid, p in running.items() if p.trainee_id == t.id and cid not in still)
    if tuple(still) != t.current_cases:
        changes["current_cases"] = tuple(still)
    return changes, up, done


def _running_changes(c: Case, p: CasePlace, h: int) -> Changes:
    return {"current_trainee": p.trainee_id, "current_supervisor": p.supervisor_id,
            "session_slot": p.session_slot, "supervision_slot": p.supervision_slot,
            "sessions_done": c.sessions_done + h}


def _differs(c: Case, changes: Changes) -> bool:
    return any(getattr(c, k) != v for k, v in changes.items())


def _final_statuses(inst: Instance, t: Trainee, group_id: str | None, completed: list[CaseOutcome],
                    running: dict[str, CasePlace], h: int) -> tuple[FinalStatus, ...]:
    """Each requirement as it stands at the end of the period, when the trainee leaves."""
    out = []
    cbdg = inst.profile.cbdg_sessions
    attended = t.cbdg_sessions_attended + (h if group_id else 0)
    cbdga = f"CBDGA {t.cbdga_satisfactory}/{inst.profile.cbdga_required}"
    if attended >= cbdg:
        shown = max(cbdg, t.cbdg_sessions_attended)  # capped, as the workbook would record it
        out.append(FinalStatus("cbdg", "COMPLETE", f"{shown} group sessions attended; {cbdga}"))
    else:
        out.append(FinalStatus("cbdg", "INCOMPLETE", f"{attended} of {cbdg} group sessions attended; {cbdga}"))
    for length in LENGTHS:
        req = requirement_of(length)
        done = t.done_modality(length)
        now = next((o for o in completed if o.trainee_id == t.id and o.length == length), None)
        held = next((inst.case[cid] for cid, p in running.items()
                     if p.trainee_id == t.id and inst.case[cid].length == length), None)
        if done:
            out.append(FinalStatus(req, "COMPLETE", f"{done} {length} case done before this period"))
        elif now:
            out.append(FinalStatus(req, "COMPLETE", f"{now.case_id} ({now.modality}) completed this period"))
        elif held:
            out.append(FinalStatus(req, "INCOMPLETE", f"{held.id} ({held.modality}): {held.sessions_done + h} "
                                                      f"of {held.sessions} sessions held; released"))
        else:
            out.append(FinalStatus(req, "INCOMPLETE", f"no {length} case"))
    return tuple(out)


def _end_small_groups(inst: Instance, trainees: dict[str, Changes]) -> tuple[GroupEnded, ...]:
    """End the places in running groups whose continuing members, with the external ones,
    fall below min_size. Kept, such a group would make the next solve fail (H1: a running
    group stays within its sizes); ended, its members are free to be placed again, and
    the solver may rebuild the group with new members if it can. ``trainees`` is updated."""
    members: dict[str, list[str]] = {}
    for t in inst.trainees:
        if t.id in trainees:
            group_id = cast("str | None", trainees[t.id].get("current_group", t.current_group))
            if group_id is not None:
                members.setdefault(group_id, []).append(t.id)
    out = []
    for g in inst.groups:
        ids = members.get(g.id, [])
        if ids and len(ids) + g.external_members < g.min_size:
            out.append(GroupEnded(g.id, tuple(ids), g.external_members, g.min_size))
            for tid in ids:
                trainees[tid]["current_group"] = None
                if inst.trainee[tid].current_group is None:
                    del trainees[tid]["current_group"]
    return tuple(out)
