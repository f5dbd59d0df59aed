"""The Compliance sheet (per trainee, per trust with a chart, per tutor, per supervisor)
and one printable DME page per trust: statuses in words and their colours, the codes kept
in a column of their own for filters, each page starting with its headline."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from ..analysis.compliance import STATUSES, per_trust, per_trust_grade, supervisor_checks, tutor_checks
from ..domain import Instance
from ..results.solution import ComplianceRow, Solution
from ..analysis.wording import STATUS_MEANING, reason_words, requirement_words, risk_words, status_words
from .layout import WRAP, fit_widths, status_cell, wrapped
from ..workbook.safe import BOLD, TITLE_FONT, put, write_table

# The Compliance sheet's side tables start to the right of the trainee table, so that it
# can be filtered on its own; the chart below the counts per trust takes about this many rows.
SIDE_COLUMN = 12
CHART_ROWS = 22
OK_FILL, FLAG_FILL = PatternFill("solid", fgColor="C6EFCE"), PatternFill("solid", fgColor="FFC7CE")


def write_compliance_sheets(wb, inst: Instance, sol: Solution | None, rows: list[ComplianceRow]) -> None:
    ws = wb.create_sheet("Compliance")
    names = {t.id: t.name for t in inst.trainees}
    table = [[r.trainee_id, names[r.trainee_id], r.trust, f"CT{r.grade}", requirement_words(r.requirement),
              status_words(r.status), r.projected_finish, r.due, r.cbdga or "", r.detail, r.status] for r in rows]
    write_table(ws, ["trainee_id", "name", "trust", "grade", "requirement", "status", "projected finish", "due",
                     "CBDGA", "detail", "status code"], table, widths={"detail": 50})
    for i, r in enumerate(rows, start=2):
        status_cell(ws, i, 6, r.status)
    counts = per_trust(rows)
    row = _counts_per_trust(ws, counts)
    row = _side_table(ws, row, "Tutor PA check (CR224)", _TUTOR_HEADERS, _tutor_rows(inst, sol),
                      check_column=True)
    grade_rows = [[trust, f"CT{grade}", *(cnt[s] for s in STATUSES)]
                  for (trust, grade), cnt in per_trust_grade(rows).items()]
    row = _side_table(ws, row, "Per trust and grade", ["trust", "grade", *map(status_words, STATUSES)], grade_rows)
    supervisor_rows = [[s.supervisor_id, s.name, s.cases, s.max_trainees, round(s.meeting_hours, 2),
                        "" if s.pa_hours_available is None else round(s.pa_hours_available, 2),
                        "; ".join(s.flags) or "ok"] for s in supervisor_checks(inst, sol)]
    _side_table(ws, row, "Supervisor load", ["supervisor_id", "name", "cases", "max_trainees",
                                             "meeting hours a week", "hours in supervision PAs", "check"],
                supervisor_rows)
    fit_widths(ws, range(SIDE_COLUMN, SIDE_COLUMN + len(_TUTOR_HEADERS)), first_row=2)
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
    """Status counts per trust (headed in words and colours) and their stacked bar chart;
    the row after them."""
    col = SIDE_COLUMN
    put(ws, 1, col, "Status counts per trust").font = BOLD
    put(ws, 2, col, "trust").font = BOLD
    for j, s in enumerate(STATUSES, start=1):
        status_cell(ws, 2, col + j, s)
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
            ws.cell(row=i, column=col + len(headers) - 1).fill = OK_FILL if values[-1] == "ok" else FLAG_FILL
    return row + len(rows) + 3


def trust_headline(rows: list[ComplianceRow], counts) -> str:
    said = ", ".join(f"{counts[s]} {status_words(s).lower()}" for s in STATUSES if counts[s])
    risk = "; ".join(risk_words(rows))
    return f"{sum(counts.values())} trainee requirements: {said}. {risk[:1].upper()}{risk[1:]}."


DME_HEADERS = ["trainee", "name", "grade", "requirement", "status", "due", "why", "status code"]
DME_WIDTHS = {"trainee": 14, "name": 24, "grade": 7, "requirement": 28, "status": 13, "due": 13, "why": 62,
              "status code": 13}


def _trust_page(wb, inst: Instance, sol: Solution | None, trust: str, rows, counts):
    """One landscape page a DME can print: the headline, counts in words, then who is not
    placed and why, most urgent first."""
    base = "DME " + "".join(ch for ch in trust if ch.isalnum() or ch == " ")[:26]
    title, n = base, 2
    while title in wb.sheetnames:  # two trusts whose names start alike
        title, n = f"{base[:28]} {n}", n + 1
    ws = wb.create_sheet(title)
    for j, h in enumerate(DME_HEADERS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = DME_WIDTHS[h]
    last = len(DME_HEADERS) - 1
    wrapped(ws, 1, 1, f"{trust}: core psychotherapy compliance", last, TITLE_FONT)
    put(ws, 2, 1, f"{inst.settings.name}, period from {inst.settings.plan_start:%-d %B %Y}")
    wrapped(ws, 3, 1, trust_headline(rows, counts), last, Font(bold=True, size=12))
    put(ws, 5, 1, "status").font = BOLD
    put(ws, 5, 2, "trainee requirements").font = BOLD
    put(ws, 5, 4, "what it means").font = BOLD
    for i, s in enumerate(STATUSES, start=6):
        status_cell(ws, i, 1, s)
        put(ws, i, 2, counts[s])
        put(ws, i, 4, STATUS_MEANING[s])
    names = {t.id: t.name for t in inst.trainees}
    why = {(u.trainee_id, u.requirement): f"{reason_words(u.reason)}: {u.detail}" for u in (sol.unmet if sol else [])}
    risk = [r for r in rows if r.status in ("WILL_MISS", "AT_RISK", "WAITING")]
    risk.sort(key=lambda r: (-STATUSES.index(r.status), r.due, r.trainee_id))
    table = [[r.trainee_id, names[r.trainee_id], f"CT{r.grade}", requirement_words(r.requirement),
              status_words(r.status), r.due, why.get((r.trainee_id, r.requirement), r.detail), r.status] for r in risk]
    start = 8 + len(STATUSES)
    put(ws, start - 1, 1, "Requirements not yet placed (most urgent first)").font = Font(bold=True, size=12)
    write_table(ws, DME_HEADERS, table, start_row=start, filters=False, freeze=False, widths=DME_WIDTHS)
    for i, r in enumerate(risk, start=start + 1):
        status_cell(ws, i, 5, r.status).alignment = WRAP
        ws.cell(row=i, column=6).alignment = Alignment(horizontal="center", vertical="top")
    ws.print_title_rows = f"{start}:{start}"
