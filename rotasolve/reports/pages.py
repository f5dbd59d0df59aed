"""What the result pages show, gathered from a solution: the headline, compliance per
trust, each trust's DME section, the unmet requirements with reasons, the timetables, a
trainee's own page. The HTML report (``html.py``) and the local web app render these same
contexts with the same templates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..analysis.compliance import STATUSES, per_trust, statuses, tutor_checks
from ..domain import Instance
from ..results.solution import ComplianceRow, Solution
from ..analysis.wording import (
    SOLVE_STATUS_WORDS, compliance_headline, headline, manifest_lines, reason_words, requirement_words,
)
from .charts import status_bars

URGENT = ("WILL_MISS", "AT_RISK", "WAITING")


@dataclass
class Cell:
    text: str = ""
    kind: str = ""  # group, session, supervision: the colour of a timetable cell
    note: str = ""  # shown on hover: a group's members


@dataclass
class Grid:
    title: str
    key: str
    slots: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)


def scheme_line(inst: Instance) -> str:
    st = inst.settings
    return f"Period from {st.plan_start:%-d %B %Y} for {st.period_weeks} weeks"


def trust_sections(inst: Instance, sol: Solution | None, rows: list[ComplianceRow]) -> list[dict]:
    """Per trust: its counts, and who is not placed and why, most urgent first (the DME page)."""
    names = {t.id: t.name for t in inst.trainees}
    why = {(u.trainee_id, u.requirement): (reason_words(u.reason), u.detail) for u in (sol.unmet if sol else [])}
    out = []
    for trust, counts in per_trust(rows).items():
        risk = sorted((r for r in rows if r.trust == trust and r.status in URGENT),
                      key=lambda r: (-STATUSES.index(r.status), r.due, r.trainee_id))
        out.append({"trust": trust, "counts": counts, "total": sum(counts.values()),
                    "risk": [{"row": r, "name": names.get(r.trainee_id, ""),
                              "requirement": requirement_words(r.requirement),
                              "reason": why.get((r.trainee_id, r.requirement), ("", r.detail))[0],
                              "detail": why.get((r.trainee_id, r.requirement), ("", r.detail))[1]} for r in risk]})
    return out


def unmet_rows(inst: Instance, sol: Solution) -> list[dict]:
    """Every unmet requirement with its reason, critical first; not-yet-due ones last."""
    order = sorted(sol.unmet, key=lambda u: (u.reason == "not_yet_due", not u.critical, u.trainee_id,
                                             u.requirement))
    return [{"u": u, "name": inst.trainee[u.trainee_id].name, "grade": f"CT{inst.trainee[u.trainee_id].grade}",
             "trust": inst.trust_of_trainee(u.trainee_id), "requirement": requirement_words(u.requirement),
             "reason": reason_words(u.reason)} for u in order if u.trainee_id in inst.trainee]


def timetables(inst: Instance, sol: Solution) -> list[Grid]:
    """Trainees, supervisors and groups by weekly slot."""
    slots = list(inst.slot_ids)
    trainee: dict[str, dict[str, Cell]] = defaultdict(dict)
    for g in sol.groups:
        trainee[g.trainee_id][inst.group[g.group_id].slot] = Cell(f"Group {g.group_id}", "group")
    meetings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in sol.cases:
        if c.session_slot:
            trainee[c.trainee_id][c.session_slot] = Cell(f"Session {c.case_id}", "session")
        if c.supervision_slot:
            trainee[c.trainee_id][c.supervision_slot] = Cell(f"Supervision {c.supervisor_id}", "supervision")
            meetings[(c.supervisor_id, c.supervision_slot)].append(c.case_id)
    members: dict[str, list[str]] = defaultdict(list)
    for g in sol.groups:
        members[g.group_id].append(g.trainee_id)
    grids = [Grid("Trainees", "trainee", slots), Grid("Supervisors", "supervisor", slots),
             Grid("Groups", "group", slots)]
    grids[0].rows = [(t.id, [trainee[t.id].get(k, Cell()) for k in slots]) for t in inst.trainees]
    grids[1].rows = [(s.id, [Cell(", ".join(sorted(meetings[(s.id, k)])), "supervision") if meetings.get((s.id, k))
                             else Cell() for k in slots]) for s in inst.supervisors]
    grids[2].rows = [(g.id, [Cell(f"{len(members[g.id])} trainees", "group", ", ".join(sorted(members[g.id])))
                             if k == g.slot else Cell() for k in slots]) for g in inst.groups]
    return grids


def solution_context(inst: Instance, sol: Solution) -> dict:
    rows = sol.compliance or statuses(inst, sol)
    counts = per_trust(rows)
    return {"title": f"{inst.settings.name} — psychotherapy allocation", "scheme_line": scheme_line(inst),
            "headline": headline(inst, sol), "status": sol.status, "status_words": SOLVE_STATUS_WORDS[sol.status],
            "tiers": sol.objective.describe(), "chart": status_bars(counts) if counts else "",
            "trusts": trust_sections(inst, sol, rows), "unmet": unmet_rows(inst, sol),
            "grids": timetables(inst, sol), "manifest": manifest_lines(sol.manifest),
            "conflicts": sol.conflicts, "changes": sol.changes, "statuses": STATUSES}


def compliance_context(inst: Instance, sol: Solution | None) -> dict:
    rows = sol.compliance if sol and sol.compliance else statuses(inst, sol)
    counts = per_trust(rows)
    return {"title": f"{inst.settings.name} — psychotherapy compliance", "scheme_line": scheme_line(inst),
            "headline": compliance_headline(rows, sol is not None), "chart": status_bars(counts) if counts else "",
            "trusts": trust_sections(inst, sol, rows), "tutors": tutor_checks(inst, sol), "statuses": STATUSES}


def trainee_context(inst: Instance, sol: Solution, trainee_id: str) -> dict:
    """One trainee's page: what they have, what they need, and why anything is unmet."""
    t = inst.trainee[trainee_id]
    rows = [r for r in (sol.compliance or statuses(inst, sol)) if r.trainee_id == trainee_id]
    unmet = {u.requirement: u for u in sol.unmet if u.trainee_id == trainee_id}
    cases = [{"c": c, "case": inst.case.get(c.case_id)} for c in sol.cases if c.trainee_id == trainee_id]
    group = next((g for g in sol.groups if g.trainee_id == trainee_id), None)
    tutor = next((u.tutor_id for u in sol.tutors if u.trainee_id == trainee_id), "")
    grid = timetables(inst, sol)[0]
    own = Grid("Week", "trainee", grid.slots, [r for r in grid.rows if r[0] == trainee_id])
    return {"title": f"{t.id} {t.name}".strip(), "trainee": t, "trust": inst.trust_of_trainee(t.id),
            "scheme_line": scheme_line(inst), "group": group, "group_item": inst.group.get(group.group_id)
            if group else None, "cases": cases, "tutor": tutor, "grid": own,
            "needs": [{"row": r, "requirement": requirement_words(r.requirement), "unmet": unmet.get(r.requirement),
                       "reason": reason_words(unmet[r.requirement].reason) if r.requirement in unmet else ""}
                      for r in rows]}
