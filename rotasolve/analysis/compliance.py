"""Compliance for DMEs: statuses and projections per trainee and requirement, and the
per-trust, per-tutor and per-supervisor pictures (domain.md, "Dates, urgency and
compliance"). Works from an instance alone (nothing allocated yet) or with a solution."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..core import dates
from ..allocation import meeting_minutes
from ..domain import LENGTHS, Instance, Trainee, length_of, requirement_of
from ..results.solution import CasePlace, ComplianceRow, GroupPlace, Solution

STATUSES = ("COMPLETE", "IN_PROGRESS", "ALLOCATED", "NOT_YET_DUE", "WAITING", "AT_RISK", "WILL_MISS")
RAG = {"COMPLETE": "green", "IN_PROGRESS": "green", "ALLOCATED": "green", "NOT_YET_DUE": "green",
       "WAITING": "amber", "AT_RISK": "amber", "WILL_MISS": "red"}
COLLEGE_SPA = 3  # CR224: three SPA for a consultant medical psychotherapist
HIGHER_PER_PA = 5  # CR224: one PA per five higher trainees


def _empty_solution(inst: Instance) -> Solution:
    """As the workbook stands: running items only, nothing new."""
    groups = [GroupPlace(trainee_id=t.id, group_id=t.current_group, kept=True)
              for t in inst.trainees if t.current_group]
    cases = [CasePlace(case_id=c.id, trainee_id=c.current_trainee, supervisor_id=c.current_supervisor or "",
                       session_slot="", supervision_slot="", meeting_id="", kept=True)
             for c in inst.cases if c.kept]
    return Solution(scheme=inst.settings.name, status="UNKNOWN", groups=groups, cases=cases)


def statuses(inst: Instance, sol: Solution | None = None) -> list[ComplianceRow]:
    """Every trainee once per requirement, with status, due date and projected finish."""
    sol = sol or _empty_solution(inst)
    st = inst.settings
    factor = st.session_weeks_factor
    new_group = {g.trainee_id for g in sol.groups if not g.kept}
    new_case = {(c.trainee_id, inst.case[c.case_id].length): inst.case[c.case_id]
                for c in sol.cases if not c.kept and c.case_id in inst.case}
    rows: list[ComplianceRow] = []
    for t in inst.trainees:
        trust = inst.trust_of_trainee(t.id)
        for req in ("cbdg",) + tuple(requirement_of(x) for x in LENGTHS):
            due = inst.needs.due(t, req)
            status, finish, detail = _status(inst, t, req, new_group, new_case, factor)
            rows.append(ComplianceRow(trainee_id=t.id, requirement=req, status=status,
                                      projected_finish=finish, due=due, trust=trust, grade=t.grade,
                                      detail=detail, cbdga=cbdga_text(inst, t) if req == "cbdg" else None))
    return rows


def cbdga_text(inst: Instance, t: Trainee) -> str:
    """Satisfactory group assessments held against the profile's requirement, e.g. '1/2'."""
    return f"{t.cbdga_satisfactory}/{inst.profile.cbdga_required}"


def cbdga_short(inst: Instance) -> list[Trainee]:
    """Trainees whose group sessions are complete but whose CBDGAs are not."""
    return [t for t in inst.trainees
            if inst.needs.cbdg_complete(t) and t.cbdga_satisfactory < inst.profile.cbdga_required]


def _status(inst: Instance, t: Trainee, req: str, new_group, new_case, factor):
    st = inst.settings
    start = st.plan_start
    due = inst.needs.due(t, req)
    left = inst.needs.sessions_to_hold_unplaced(t, req)
    if req == "cbdg":
        if left == 0:
            return "COMPLETE", None, f"{t.cbdg_sessions_attended} sessions attended"
        if t.current_group:
            return "IN_PROGRESS", dates.finish_date(start, left, factor), f"{left} sessions to go in {t.current_group}"
        if t.id in new_group:
            return "ALLOCATED", dates.finish_date(start, left, factor), f"{left} sessions to go"
        gate = None
    else:
        length = length_of(req)
        done = t.done_modality(length)
        if done:
            return "COMPLETE", None, f"{done} {length} case done"
        kept = inst.needs.kept_case(t, length)
        if kept:
            left = max(0, kept.sessions - kept.sessions_done)
            return ("IN_PROGRESS", dates.finish_date(start, left, factor),
                    f"{kept.id} ({kept.modality}), {left} sessions to go")
        case = new_case.get((t.id, length))
        if case:
            return "ALLOCATED", dates.finish_date(start, case.sessions, factor), f"{case.id} ({case.modality})"
        gate = inst.needs.case_gate(t)
    if gate:
        return "NOT_YET_DUE", None, gate
    if inst.needs.is_critical(t, req) or dates.finish_date(start, left, factor) > due:
        return "WILL_MISS", None, "unplaced; started next period it would finish after the due date"
    at_risk_start = dates.add_weeks(start, 2 * st.period_weeks)
    if dates.finish_date(at_risk_start, left, factor) > due:
        return "AT_RISK", None, "unplaced; it becomes critical next period"
    return "WAITING", None, "unplaced, with time in hand"


# ----- summaries ---------------------------------------------------------------------

def per_trust(rows: list[ComplianceRow]) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for r in rows:
        out.setdefault(r.trust, Counter())[r.status] += 1
    return dict(sorted(out.items()))


def per_trust_grade(rows: list[ComplianceRow]) -> dict[tuple[str, int], Counter]:
    out: dict[tuple[str, int], Counter] = {}
    for r in rows:
        out.setdefault((r.trust, r.grade), Counter())[r.status] += 1
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class TutorCheck:
    tutor_id: str
    name: str
    trusts: tuple[str, ...]
    trainees: int
    core_pas_needed: int
    core_pas: float
    higher_trainees: int
    higher_pas_needed: int
    higher_pas: float
    spa_pas: float | None

    @property
    def flags(self) -> list[str]:
        out = []
        if self.core_pas_needed > self.core_pas:
            out.append(f"core PAs short by {self.core_pas_needed - self.core_pas:g}")
        if self.higher_pas_needed > self.higher_pas:
            out.append(f"higher-trainee PAs short by {self.higher_pas_needed - self.higher_pas:g}")
        if self.spa_pas is not None and self.spa_pas < COLLEGE_SPA:
            out.append(f"SPA {self.spa_pas:g} below the College's {COLLEGE_SPA}")
        return out


def tutor_checks(inst: Instance, sol: Solution | None = None) -> list[TutorCheck]:
    if sol is not None and sol.tutors:
        load = Counter(u.tutor_id for u in sol.tutors)
    else:  # before solving: trainees with running items, shared out over covering tutors
        load = Counter()
        for t in inst.trainees:
            if t.current_group or inst.kept_cases_of[t.id]:
                tutors = inst.eligibility.tutors_for(t.id)
                if tutors:
                    load[min(tutors, key=lambda u: load[u.id] / max(1, inst.capacity.tutor_trainees(u))).id] += 1
    out = []
    for u in inst.tutors:
        n = load[u.id]
        out.append(TutorCheck(
            tutor_id=u.id, name=u.name, trusts=u.trusts, trainees=n,
            core_pas_needed=inst.capacity.tutor_pas_needed(n), core_pas=u.core_pas,
            higher_trainees=u.higher_trainees, higher_pas_needed=math.ceil(u.higher_trainees / HIGHER_PER_PA),
            higher_pas=u.higher_pas, spa_pas=u.spa_pas,
        ))
    return out


@dataclass(frozen=True)
class SupervisorCheck:
    supervisor_id: str
    name: str
    cases: int
    max_trainees: int
    meeting_hours: float
    pa_hours_available: float | None

    @property
    def flags(self) -> list[str]:
        out = []
        if self.cases > self.max_trainees:
            out.append("over max_trainees")
        if self.pa_hours_available is not None and self.meeting_hours > self.pa_hours_available + 1e-9:
            out.append("meetings exceed supervision PAs")
        return out


def supervisor_checks(inst: Instance, sol: Solution | None) -> list[SupervisorCheck]:
    sol = sol or _empty_solution(inst)
    load = Counter(c.supervisor_id for c in sol.cases)
    minutes = meeting_minutes(inst, sol) if all(c.supervision_slot for c in sol.cases) else {}
    return [SupervisorCheck(
        supervisor_id=s.id, name=s.name, cases=load[s.id], max_trainees=inst.capacity.supervisor_cases(s),
        meeting_hours=minutes.get(s.id, 0) / 60,
        pa_hours_available=None if s.supervision_pas is None else s.supervision_pas * inst.settings.pa_hours,
    ) for s in inst.supervisors]


def at_risk(rows: list[ComplianceRow]) -> list[ComplianceRow]:
    return [r for r in rows if r.status in ("AT_RISK", "WILL_MISS")]


__all__ = ["statuses", "per_trust", "per_trust_grade", "tutor_checks", "supervisor_checks",
           "TutorCheck", "SupervisorCheck", "STATUSES", "RAG"]
