"""A sweep's report as a workbook: Summary (totals per scenario, the change against the
baseline, a native chart), Results (scenario × workbook), Scenarios and Workbooks.

Scenario names, workbook paths and reasons are user text: everything goes through
``safe.put``, so none of it is ever written as a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill

from ..results.sweep import SweepReport
from ..workbook.safe import BOLD, TITLE_FONT, put, save_workbook, write_table

_FAILED = PatternFill("solid", fgColor="FFC7CE")
_BETTER = PatternFill("solid", fgColor="C6EFCE")
_WORSE = PatternFill("solid", fgColor="FFC7CE")
# For each measure, whether more is better (green) or worse (red) in the change columns.
_MORE_IS_BETTER = {"critical_placed": True, "placed": True, "will_miss": False, "at_risk": False}
_TOTAL_HEADERS = ["scenario", "changes", "solved", "failed", "critical needs", "critical placed",
                  "Δ critical placed", "placed", "Δ placed", "WILL_MISS", "Δ WILL_MISS", "AT_RISK",
                  "Δ AT_RISK", "Δ compared on (workbooks)"]
_ROW_HEADERS = ["scenario", "workbook", "scheme", "status", "trainees", "critical needs", "critical placed",
                "placed", "WILL_MISS", "AT_RISK", "reason", "notes", "deterministic s", "solution"]
_TABLE_ROW = 4  # the Summary's totals table starts here


def write_sweep(report: SweepReport, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    _summary(wb.create_sheet("Summary"), report)
    _results(wb.create_sheet("Results"), report)
    _scenarios(wb.create_sheet("Scenarios"), report)
    _workbooks(wb.create_sheet("Workbooks"), report)
    wb.properties.creator = "rotasolve"
    save_workbook(wb, out)


def _change(t, measure: str, baseline: bool) -> int | str:
    return "" if baseline or measure not in t.change else t.change[measure]


def _summary(ws, report: SweepReport) -> None:
    m = report.manifest
    put(ws, 1, 1, "Scenario sweep").font = TITLE_FONT
    put(ws, 2, 1, f"{len(report.scenarios)} scenarios × {len(report.workbooks)} workbooks = {m.jobs} "
                  f"jobs, {m.failed} without a solution; {m.engine}; {m.time_limit_seconds:g} s "
                  f"a job, seed {m.seed}. Changes are against the baseline, over the workbooks solved "
                  "in both.")
    rows = []
    for i, t in enumerate(report.scenarios):
        base = i == 0
        change = {m: _change(t, m, base) for m in _MORE_IS_BETTER}
        changes = "; ".join(f"{k} = {v}" for k, v in t.overrides.items()) or "none (as the workbooks are)"
        rows.append([t.scenario, changes, t.solved, t.failed, t.critical_needs, t.critical_placed,
                     change["critical_placed"], t.placed, change["placed"], t.will_miss, change["will_miss"],
                     t.at_risk, change["at_risk"], "" if base else t.compared_on])
    last = write_table(ws, _TOTAL_HEADERS, rows, start_row=_TABLE_ROW, widths={"changes": 40}, freeze=False)
    _colour_changes(ws, report, _TABLE_ROW + 1)
    for r in range(_TABLE_ROW + 1, last + 1):
        ws.cell(row=r, column=1).font = BOLD
    _chart(ws, len(report.scenarios), last + 2)


def _colour_changes(ws, report: SweepReport, first_row: int) -> None:
    columns = {"critical_placed": 7, "placed": 9, "will_miss": 11, "at_risk": 13}
    for i, t in enumerate(report.scenarios[1:], start=first_row + 1):
        for measure, col in columns.items():
            v = t.change.get(measure, 0)
            if v:
                ws.cell(row=i, column=col).fill = _BETTER if (v > 0) == _MORE_IS_BETTER[measure] else _WORSE


def _chart(ws, n: int, anchor_row: int) -> None:
    """WILL_MISS and AT_RISK per scenario, side by side: what a policy changes at a glance."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "WILL_MISS and AT_RISK requirements per scenario"
    chart.y_axis.title = "trainee requirements"
    for col in (10, 12):  # WILL_MISS, AT_RISK
        chart.add_data(Reference(ws, min_col=col, min_row=_TABLE_ROW, max_row=_TABLE_ROW + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=_TABLE_ROW + 1, max_row=_TABLE_ROW + n))
    chart.width, chart.height = max(16, 3 * n), 9
    ws.add_chart(chart, f"A{anchor_row}")


def _results(ws, report: SweepReport) -> None:
    rows = [[r.scenario, r.workbook, r.scheme or "", r.status, r.trainees, r.critical_needs, r.critical_placed,
             r.placed, r.will_miss, r.at_risk, r.reason, "; ".join(r.notes),
             r.solve_seconds, r.solution_sha256 or ""] for r in report.rows]
    write_table(ws, _ROW_HEADERS, rows, widths={"reason": 60, "notes": 60, "workbook": 30})
    for i, r in enumerate(report.rows, start=2):
        if not r.solved:
            ws.cell(row=i, column=4).fill = _FAILED


def _scenarios(ws, report: SweepReport) -> None:
    rows = [[t.scenario, k, v] for t in report.scenarios for k, v in (t.overrides.items() or [("", "")])]
    write_table(ws, ["scenario", "changes", "to"], rows, widths={"scenario": 34, "changes": 26, "to": 30})


def _workbooks(ws, report: SweepReport) -> None:
    rows = [[w.workbook, w.scheme or "", w.sha256] for w in report.workbooks]
    last = write_table(ws, ["workbook", "scheme", "sha256"], rows, widths={"sha256": 68})
    r = last + 2
    put(ws, r, 1, "Run").font = BOLD
    for i, (k, v) in enumerate(sorted(report.manifest.model_dump().items()), start=r + 1):
        put(ws, i, 1, k)
        put(ws, i, 2, str(v))
