"""Solution -> the timetable workbook of solution.md (and the compliance workbook).

Every user-supplied string goes through ``safe.put``, so a name such as
``=HYPERLINK(...)`` is stored as text, never as a formula.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from ..allocation import meeting_sizes, weekly_minutes
from ..compliance import (
    RAG, STATUSES, per_trust, per_trust_grade, statuses, supervisor_checks, tutor_checks,
)
from ..domain import Instance
from ..solution import Solution
from .safe import BOLD, TITLE_FONT, put, save_workbook, write_table

FILL = {
    "group": PatternFill("solid", fgColor="D9E1F2"),  # blue: case-based discussion group
    "session": PatternFill("solid", fgColor="E2EFDA"),  # green: therapy session
    "supervision": PatternFill("solid", fgColor="FFF2CC"),  # yellow: supervision
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}


def _status_fill(ws, row: int, col: int, status: str):
    ws.cell(row=row, column=col).fill = FILL[RAG[status]]


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
    wb.remove(wb.active)
    rows = sol.compliance or statuses(inst, sol)
    _summary(wb.create_sheet("Summary"), inst, sol, rows)
    _trainees(wb.create_sheet("Trainees"), inst, sol)
    _timetable(wb.create_sheet("Timetable"), inst, sol)
    _cases(wb.create_sheet("Cases"), inst, sol)
    _groups(wb.create_sheet("Groups"), inst, sol)
    _supervisors(wb.create_sheet("Supervisors"), inst, sol)
    write_compliance_sheets(wb, inst, sol, rows)
    _unmet(wb.create_sheet("Unmet"), inst, sol)
    if "change_cost" in sol.manifest:  # a re-plan against the allocation in use
        _changes(wb.create_sheet("Changes"), sol)
    return wb


def save_output(wb: Workbook, out: Path) -> None:
    """Save an output workbook: printable, marked as rotasolve's, atomically."""
    _printable(wb)
    wb.properties.creator = "rotasolve"
    save_workbook(wb, out)


def _printable(wb) -> None:
    """Every sheet prints landscape, one page wide, with its header row repeated."""
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_compliance_workbook(inst: Instance, sol: Solution | None, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    rows = (sol.compliance if sol and sol.compliance else statuses(inst, sol))
    write_compliance_sheets(wb, inst, sol, rows)
    save_output(wb, out)


# ----- sheets ------------------------------------------------------------------------

def _summary(ws, inst: Instance, sol: Solution, rows):
    _title(ws, f"{inst.settings.name} — psychotherapy allocation",
           f"Period from {inst.settings.plan_start} for {inst.settings.period_weeks} weeks")
    status_text = {"OPTIMAL": "OPTIMAL (proven best)", "FEASIBLE": "FEASIBLE (not proven best; see bounds)",
                   "INFEASIBLE": "INFEASIBLE (running items conflict; see Unmet)",
                   "UNKNOWN": "UNKNOWN (no solution in time)"}[sol.status]
    if sol.manifest.get("stopped_early"):
        status_text += "; stopped early by the user: the best allocation found by then"
    facts = [("Scheme", inst.settings.name), ("Plan start", inst.settings.plan_start),
             ("Status", status_text), ("Solve time (deterministic s)", sol.solve_seconds)]
    for name, value, bound in zip(sol.objective.names, sol.objective.tiers, sol.objective.bound):
        facts.append((f"Tier: {name}", f"{value} (bound {'unknown' if bound is None else bound})"))
    r = 4
    for k, val in facts:
        put(ws, r, 1, k).font = BOLD
        put(ws, r, 2, val)
        r += 1
    r += 1
    put(ws, r, 1, "Requirements placed and unmet, by grade").font = BOLD
    r += 1
    placed = Counter()
    for g in sol.groups:
        if not g.kept:
            placed[("cbdg", inst.trainee[g.trainee_id].grade)] += 1
    for c in sol.cases:
        if not c.kept:
            placed[(f"{inst.case[c.case_id].length}_case", inst.trainee[c.trainee_id].grade)] += 1
    unmet = Counter((u.requirement, inst.trainee[u.trainee_id].grade) for u in sol.unmet
                    if u.reason != "not_yet_due")
    table = []
    for req in ("cbdg", "short_case", "long_case"):
        for grade in (1, 2, 3):
            table.append([req, f"CT{grade}", placed[(req, grade)], unmet[(req, grade)]])
    r = write_table(ws, ["requirement", "grade", "placed", "unmet"], table, start_row=r,
                    filters=False, freeze=False) + 2
    put(ws, r, 1, "Compliance by trust (see the Compliance sheet)").font = BOLD
    trust_rows = [[trust] + [counts[s] for s in STATUSES] for trust, counts in per_trust(rows).items()]
    write_table(ws, ["trust", *STATUSES], trust_rows, start_row=r + 1, filters=False, freeze=False)
    r += len(trust_rows) + 3
    if sol.manifest:
        put(ws, r, 1, "Run manifest").font = BOLD
        for k in sorted(sol.manifest):
            r += 1
            put(ws, r, 1, k)
            put(ws, r, 2, str(sol.manifest[k]))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70


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
    grid = defaultdict(dict)
    kinds = defaultdict(dict)
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
    for i, g in enumerate(inst.groups, start=start + 1):
        ws.cell(row=i, column=2 + slots.index(g.slot)).fill = FILL["group"]
    for j in range(2, len(slots) + 2):
        ws.column_dimensions[ws.cell(row=2, column=j).column_letter].width = 18


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
        ws.column_dimensions["A"].width = 140
        return
    rows = [[u.trainee_id, inst.trainee[u.trainee_id].name, f"CT{inst.trainee[u.trainee_id].grade}",
             inst.trust_of_trainee(u.trainee_id), u.requirement, "yes" if u.critical else "", u.reason, u.detail]
            for u in sorted(sol.unmet, key=lambda u: (not u.critical, u.trainee_id, u.requirement))]
    write_table(ws, ["trainee_id", "name", "grade", "trust", "requirement", "critical", "reason", "detail"], rows,
                widths={"detail": 110})


def _changes(ws, sol: Solution):
    """A re-plan's changes to the allocation in use, and why each was needed."""
    if not sol.changes:
        _title(ws, "No changes: the allocation in use is kept as it was, and only added to")
        return
    rows = [[c.trainee_id, c.kind, c.item_id, c.before, c.after, c.why] for c in sol.changes]
    write_table(ws, ["trainee_id", "what", "item", "before", "after", "why"], rows, widths={"why": 100})


# The Compliance sheet's side tables start to the right of the trainee table, so that it
# can be filtered on its own; the chart below the counts per trust takes about this many rows.
SIDE_COLUMN = 12
CHART_ROWS = 22


def write_compliance_sheets(wb, inst: Instance, sol: Solution | None, rows) -> None:
    """The Compliance sheet (per trainee, per trust with a chart, per tutor, per supervisor)
    and one printable page per trust."""
    ws = wb.create_sheet("Compliance")
    names = {t.id: t.name for t in inst.trainees}
    table = [[r.trainee_id, names[r.trainee_id], r.trust, f"CT{r.grade}", r.requirement, r.status,
              r.projected_finish, r.due, r.cbdga or "", r.detail] for r in rows]
    write_table(ws, ["trainee_id", "name", "trust", "grade", "requirement", "status",
                     "projected finish", "due", "CBDGA", "detail"], table, widths={"detail": 70})
    for i, r in enumerate(rows, start=2):
        _status_fill(ws, i, 6, r.status)
    counts = per_trust(rows)
    row = _counts_per_trust(ws, counts)
    row = _side_table(ws, row, "Tutor PA check (CR224)", _TUTOR_HEADERS, _tutor_rows(inst, sol),
                      check_column=True)
    grade_rows = [[trust, f"CT{grade}", *(cnt[s] for s in STATUSES)] for (trust, grade), cnt in per_trust_grade(rows).items()]
    row = _side_table(ws, row, "Per trust and grade", ["trust", "grade", *STATUSES], grade_rows)
    supervisor_rows = [[s.supervisor_id, s.name, s.cases, s.max_trainees, round(s.meeting_hours, 2),
                        "" if s.pa_hours_available is None else round(s.pa_hours_available, 2),
                        "; ".join(s.flags) or "ok"] for s in supervisor_checks(inst, sol)]
    _side_table(ws, row, "Supervisor load", ["supervisor_id", "name", "cases", "max_trainees",
                                             "meeting hours a week", "hours in supervision PAs", "check"],
                supervisor_rows)
    for j in range(SIDE_COLUMN, SIDE_COLUMN + len(_TUTOR_HEADERS)):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = 16
    ws.column_dimensions[ws.cell(row=1, column=SIDE_COLUMN).column_letter].width = 34
    for trust in counts:
        _trust_page(wb, inst, sol, trust, [r for r in rows if r.trust == trust], counts[trust])


_TUTOR_HEADERS = ["tutor_id", "name", "trusts", "core trainees", "core PAs needed", "core PAs held",
                  "higher trainees", "higher PAs needed", "higher PAs held", "SPA", "check"]


def _tutor_rows(inst: Instance, sol: Solution | None) -> list[list]:
    return [[u.tutor_id, u.name, "; ".join(u.trusts), u.trainees, u.core_pas_needed, u.core_pas,
             u.higher_trainees, u.higher_pas_needed, u.higher_pas,
             "" if u.spa_pas is None else u.spa_pas, "; ".join(u.flags) or "ok"]
            for u in tutor_checks(inst, sol)]


def _counts_per_trust(ws, counts) -> int:
    """Status counts per trust and their stacked bar chart; the row after them."""
    col = SIDE_COLUMN
    put(ws, 1, col, "Status counts per trust").font = BOLD
    put(ws, 2, col, "trust").font = BOLD
    for j, s in enumerate(STATUSES, start=1):
        c = put(ws, 2, col + j, s)
        c.font = BOLD
        c.fill = FILL[RAG[s]]
    for i, (trust, cnt) in enumerate(counts.items(), start=3):
        put(ws, i, col, trust)
        for j, s in enumerate(STATUSES, start=1):
            put(ws, i, col + j, cnt[s])
    n_trusts = len(counts)
    if n_trusts:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title = "Requirement statuses per trust"
        chart.y_axis.title = "trainee requirements"
        chart.add_data(Reference(ws, min_col=col + 1, max_col=col + len(STATUSES), min_row=2, max_row=2 + n_trusts),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=col, min_row=3, max_row=2 + n_trusts))
        chart.width, chart.height = 22, 10
        ws.add_chart(chart, f"{ws.cell(row=4 + n_trusts, column=col).coordinate}")
    return 4 + n_trusts + CHART_ROWS


def _side_table(ws, row: int, title: str, headers: list[str], rows: list[list], check_column: bool = False) -> int:
    """A titled table at ``row`` beside the trainee table; the row where the next may start.
    With ``check_column``, the last column is green when it says ok, else red."""
    col = SIDE_COLUMN
    put(ws, row, col, title).font = BOLD
    for j, h in enumerate(headers):
        put(ws, row + 1, col + j, h).font = BOLD
    for i, values in enumerate(rows, start=row + 2):
        for j, v in enumerate(values):
            put(ws, i, col + j, v)
        if check_column:
            ws.cell(row=i, column=col + len(headers) - 1).fill = FILL["green" if values[-1] == "ok" else "red"]
    return row + len(rows) + 3


def _trust_page(wb, inst: Instance, sol: Solution | None, trust: str, rows, counts):
    """One landscape page a DME can print: counts, then who is not placed and why."""
    base = "DME " + "".join(ch for ch in trust if ch.isalnum() or ch == " ")[:26]
    title, n = base, 2
    while title in wb.sheetnames:  # two trusts whose names start alike
        title, n = f"{base[:28]} {n}", n + 1
    ws = wb.create_sheet(title)
    put(ws, 1, 1, f"{trust}: core psychotherapy compliance").font = TITLE_FONT
    put(ws, 2, 1, f"{inst.settings.name}, period from {inst.settings.plan_start}")
    put(ws, 4, 1, "status").font = BOLD
    put(ws, 4, 2, "trainee requirements").font = BOLD
    for i, s in enumerate(STATUSES, start=5):
        put(ws, i, 1, s).fill = FILL[RAG[s]]
        put(ws, i, 2, counts[s])
    names = {t.id: t.name for t in inst.trainees}
    why = {(u.trainee_id, u.requirement): f"{u.reason}: {u.detail}" for u in (sol.unmet if sol else [])}
    risk = [r for r in rows if r.status in ("WILL_MISS", "AT_RISK", "WAITING")]
    risk.sort(key=lambda r: (-STATUSES.index(r.status), r.due, r.trainee_id))
    table = [[r.trainee_id, names[r.trainee_id], f"CT{r.grade}", r.requirement, r.status, r.due,
              why.get((r.trainee_id, r.requirement), r.detail)] for r in risk]
    start = 6 + len(STATUSES)
    put(ws, start - 1, 1, "Requirements not yet placed (most urgent first)").font = Font(bold=True, size=12)
    write_table(ws, ["trainee", "name", "grade", "requirement", "status", "due", "why"], table,
                start_row=start, filters=False, freeze=False, widths={"why": 90, "name": 24, "trainee": 14})
    for i, r in enumerate(risk, start=start + 1):
        _status_fill(ws, i, 5, r.status)
    ws.print_title_rows = f"{start}:{start}"
