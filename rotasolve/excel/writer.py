"""Solution -> the timetable workbook of solution.md (and the compliance workbook).

Every user-supplied string goes through ``safe.put``, so a name such as
``=HYPERLINK(...)`` is stored as text, never as a formula.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from ..allocation import meeting_sizes, weekly_minutes
from ..analysis.compliance import statuses, supervisor_checks
from ..domain import Instance
from ..results.solution import Solution
from ..analysis.wording import reason_words, requirement_words
from .compliance_sheets import write_compliance_sheets
from .layout import fit_widths, printable
from ..workbook.safe import BOLD, TITLE_FONT, put, save_workbook, write_table
from .summary_sheet import summary_sheet

FILL = {
    "group": PatternFill("solid", fgColor="D9E1F2"),  # blue: case-based discussion group
    "session": PatternFill("solid", fgColor="E2EFDA"),  # green: therapy session
    "supervision": PatternFill("solid", fgColor="FFF2CC"),  # yellow: supervision
}


def _title(ws, text: str, sub: str | None = None):
    put(ws, 1, 1, text).font = TITLE_FONT
    if sub:
        put(ws, 2, 1, sub)


def write_solution(inst: Instance, sol: Solution, out: Path) -> None:
    """The timetable workbook: Summary first (what a DME reads), then the detail."""
    save_output(solution_workbook(inst, sol), out)


def solution_workbook(inst: Instance, sol: Solution) -> Workbook:
    """The timetable workbook's sheets, not yet saved (other reports add theirs first)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    rows = sol.compliance or statuses(inst, sol)
    summary_sheet(wb.create_sheet("Summary"), inst, sol, rows)
    _trainees(wb.create_sheet("Trainees"), inst, sol)
    _timetable(wb.create_sheet("Timetable"), inst, sol)
    _cases(wb.create_sheet("Cases"), inst, sol)
    _groups(wb.create_sheet("Groups"), inst, sol)
    _supervisors(wb.create_sheet("Supervisors"), inst, sol)
    write_compliance_sheets(wb, inst, sol, rows)
    _unmet(wb.create_sheet("Unmet"), inst, sol)
    if sol.manifest.replanned:  # a re-plan against the allocation in use
        _changes(wb.create_sheet("Changes"), sol)
    return wb


def save_output(wb: Workbook, out: Path) -> None:
    """Save an output workbook: printable, marked as rotasolve's, atomically."""
    printable(wb)
    wb.properties.creator = "rotasolve"
    save_workbook(wb, out)


def write_compliance_workbook(inst: Instance, sol: Solution | None, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    rows = (sol.compliance if sol and sol.compliance else statuses(inst, sol))
    write_compliance_sheets(wb, inst, sol, rows)
    save_output(wb, out)


# ----- sheets ------------------------------------------------------------------------

def _trainees(ws, inst: Instance, sol: Solution):
    groups = sol.group_of()
    cases = sol.cases_of()
    hours = weekly_minutes(inst, sol)
    tutors = {u.trainee_id: u.tutor_id for u in sol.tutors}
    rows = []
    for t in inst.trainees:
        mine = sorted(cases.get(t.id, []), key=lambda c: c.case_id)
        desc = [f"{c.case_id} {inst.case[c.case_id].modality} {inst.case[c.case_id].length}"
                + (" (running)" if c.kept else "") for c in mine]
        rows.append([t.id, t.name, f"CT{t.grade}", inst.trust_of_trainee(t.id), t.base_site, t.ltft,
                     groups.get(t.id, ""), "; ".join(desc),
                     ", ".join(c.supervisor_id for c in mine),
                     ", ".join(f"{c.session_slot}/{c.supervision_slot}" for c in mine),
                     round(hours.get(t.id, 0) / 60, 2), tutors.get(t.id, "")])
    write_table(ws, ["trainee_id", "name", "grade", "trust", "base_site", "ltft", "group", "cases",
                     "supervisors", "session/supervision slots", "weekly case hours (with travel)", "tutor"], rows)


def _timetable(ws, inst: Instance, sol: Solution):
    slots = list(inst.slot_ids)
    grid: defaultdict[str, dict[str, str]] = defaultdict(dict)
    kinds: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for g in sol.groups:
        slot = inst.group[g.group_id].slot
        grid[g.trainee_id][slot] = f"Group {g.group_id}"
        kinds[g.trainee_id][slot] = "group"
    for c in sol.cases:
        grid[c.trainee_id][c.session_slot] = f"Session {c.case_id}"
        kinds[c.trainee_id][c.session_slot] = "session"
        grid[c.trainee_id][c.supervision_slot] = f"Supervision {c.supervisor_id}"
        kinds[c.trainee_id][c.supervision_slot] = "supervision"
    put(ws, 1, 1, "Trainees by slot — blue: group, green: session, yellow: supervision").font = BOLD
    r = write_table(ws, ["trainee_id", *slots],
                    [[t.id] + [grid[t.id].get(k, "") for k in slots] for t in inst.trainees],
                    start_row=2, filters=False, freeze=False)
    for i, t in enumerate(inst.trainees, start=3):
        for j, k in enumerate(slots, start=2):
            if k in kinds[t.id]:
                ws.cell(row=i, column=j).fill = FILL[kinds[t.id][k]]
    ws.freeze_panes = "B3"
    ws.print_title_rows = "2:2"  # the slots, on every printed page
    r += 2
    put(ws, r, 1, "Supervisors by slot (cases in each weekly meeting)").font = BOLD
    meetings = defaultdict(list)
    for c in sol.cases:
        meetings[(c.supervisor_id, c.supervision_slot)].append(c.case_id)
    sup_rows = [[s.id] + [", ".join(sorted(meetings.get((s.id, k), []))) for k in slots] for s in inst.supervisors]
    start = r + 1
    r = write_table(ws, ["supervisor_id", *slots], sup_rows, start_row=start, filters=False, freeze=False)
    for i, s in enumerate(inst.supervisors, start=start + 1):
        for j, k in enumerate(slots, start=2):
            if meetings.get((s.id, k)):
                ws.cell(row=i, column=j).fill = FILL["supervision"]
    r += 2
    put(ws, r, 1, "Groups by slot (members)").font = BOLD
    members = defaultdict(list)
    for g in sol.groups:
        members[g.group_id].append(g.trainee_id)
    grp_rows = [[g.id] + [(f"{len(members[g.id])} trainees" if k == g.slot else "") for k in slots]
                for g in inst.groups]
    start = r + 1
    write_table(ws, ["group_id", *slots], grp_rows, start_row=start, filters=False, freeze=False)
    for i, group in enumerate(inst.groups, start=start + 1):
        ws.cell(row=i, column=2 + slots.index(group.slot)).fill = FILL["group"]
    fit_widths(ws, range(1, len(slots) + 2), first_row=2)


def _cases(ws, inst: Instance, sol: Solution):
    placed = {c.case_id: c for c in sol.cases}
    size = meeting_sizes(sol)
    rows = []
    for c in inst.cases:
        p = placed.get(c.id)
        rows.append([c.id, c.site, c.modality, c.length, c.sessions, c.referred, inst.needs.wait_days(c) // 7,
                     p.trainee_id if p else "", p.supervisor_id if p else "",
                     p.session_slot if p else "", p.supervision_slot if p else "",
                     ("group" if size[(p.supervisor_id, p.supervision_slot)] > 1 else "individual") if p else "",
                     ("running" if p.kept else "new") if p else "waiting"])
    write_table(ws, ["case_id", "site", "modality", "length", "sessions", "referred", "weeks waiting",
                     "trainee", "supervisor", "session slot", "supervision slot", "supervision", "state"], rows)


def _groups(ws, inst: Instance, sol: Solution):
    kept = Counter(g.group_id for g in sol.groups if g.kept)
    new = Counter(g.group_id for g in sol.groups if not g.kept)
    rows = []
    for g in inst.groups:
        size = kept[g.id] + new[g.id] + g.external_members
        rows.append([g.id, g.site, g.slot, g.facilitator, "yes" if g.online else "no", kept[g.id], new[g.id],
                     g.external_members, size, g.min_size, g.max_size,
                     "runs" if kept[g.id] + new[g.id] else "no core trainees"])
    write_table(ws, ["group_id", "site", "slot", "facilitator", "online", "running members", "new members",
                     "external members", "size", "min_size", "max_size", "state"], rows)


def _supervisors(ws, inst: Instance, sol: Solution):
    rows = []
    for s in supervisor_checks(inst, sol):
        sup = inst.supervisor[s.supervisor_id]
        rows.append([s.supervisor_id, s.name, ", ".join(sup.modalities), sup.site, s.cases, s.max_trainees,
                     sup.group_size, round(s.meeting_hours, 2),
                     "" if s.pa_hours_available is None else round(s.pa_hours_available, 2),
                     "; ".join(s.flags) or "ok"])
    write_table(ws, ["supervisor_id", "name", "modalities", "site", "cases", "max_trainees", "group_size",
                     "meeting hours a week", "hours in supervision PAs", "check"], rows)


def _unmet(ws, inst: Instance, sol: Solution):
    if sol.conflicts:
        _title(ws, "The running items conflict; nothing was allocated")
        write_table(ws, ["conflict"], [[c] for c in sol.conflicts], start_row=3, filters=False, freeze=False)
        ws.column_dimensions["A"].width = 120
        for row in ws.iter_rows(min_row=4):
            wrapped = copy(row[0].alignment)  # openpyxl's way; its StyleProxy.copy is deprecated
            wrapped.wrap_text = True
            row[0].alignment = wrapped
        return
    rows = [[u.trainee_id, inst.trainee[u.trainee_id].name, f"CT{inst.trainee[u.trainee_id].grade}",
             inst.trust_of_trainee(u.trainee_id), requirement_words(u.requirement), "yes" if u.critical else "",
             reason_words(u.reason), u.detail, u.reason]
            for u in sorted(sol.unmet, key=lambda u: (not u.critical, u.trainee_id, u.requirement))]
    write_table(ws, ["trainee_id", "name", "grade", "trust", "requirement", "critical", "reason", "detail",
                     "reason code"], rows, widths={"detail": 70})


def _changes(ws, sol: Solution):
    """A re-plan's changes to the allocation in use, and why each was needed."""
    if not sol.changes:
        _title(ws, "No changes: the allocation in use is kept as it was, and only added to")
        return
    rows = [[c.trainee_id, c.kind, c.item_id, c.before, c.after, c.why] for c in sol.changes]
    write_table(ws, ["trainee_id", "what", "item", "before", "after", "why"], rows, widths={"why": 70})
