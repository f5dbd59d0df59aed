"""`rotasolve forecast -o`: the Forecast sheet (assumptions, one row per rotation, a line
chart of WILL_MISS and AT_RISK), and sheets of unmet requirements by reason, supervision
demand by modality, and each trainee's requirements over the horizon."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from ..domain import REQUIREMENTS
from ..results.planning import Forecast
from ..workbook.safe import BOLD, TITLE_FONT, put, write_table
from .writer import save_output

_ROTATION_HEADERS = ["rotation", "plan_start", "status", "trainees", "new CT1s", "left", "new cases", "needs",
                     *(f"placed {r}" for r in REQUIREMENTS), "unmet", "critical", "critical placed",
                     "WILL_MISS", "AT_RISK"]


def write_forecast(fc: Forecast, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    forecast_sheet(wb.create_sheet("Forecast"), fc)
    _unmet_sheet(wb.create_sheet("Unmet by reason"), fc)
    _supply_sheet(wb.create_sheet("Supervision by modality"), fc)
    _trainee_sheet(wb.create_sheet("Trainees"), fc)
    save_output(wb, out)


def forecast_sheet(ws, fc: Forecast) -> None:
    put(ws, 1, 1, f"{fc.scheme} — the next {len(fc.rotations)} rotation(s)").font = TITLE_FONT
    put(ws, 2, 1, "Assumptions").font = BOLD
    r = 3
    for line in fc.assumptions + ([f"Stopped: {fc.stopped}"] if fc.stopped else []):
        put(ws, r, 1, line)
        r += 1
    first = r + 1
    rows = [[x.rotation, x.plan_start, x.status, x.trainees, x.arrived, x.left, x.new_cases, x.needs,
             *(x.placed[q] for q in REQUIREMENTS), x.needs - sum(x.placed.values()), x.critical,
             x.critical_placed, x.WILL_MISS, x.AT_RISK] for x in fc.rotations]
    last = write_table(ws, _ROTATION_HEADERS, rows, start_row=first, filters=False, freeze=False)
    for letter in "ABCDEFGHIJKLMNOP":
        ws.column_dimensions[letter].width = 13
    if fc.rotations:
        _chart(ws, first, last, anchor=f"B{last + 3}")


def _chart(ws, header_row: int, last_row: int, anchor: str) -> None:
    """WILL_MISS and AT_RISK per rotation, as a native Excel line chart."""
    chart = LineChart()
    chart.title = "Requirements at risk, per rotation"
    chart.y_axis.title = "trainee requirements"
    chart.x_axis.title = "rotation"
    will_miss = _ROTATION_HEADERS.index("WILL_MISS") + 1
    data = Reference(ws, min_col=will_miss, max_col=will_miss + 1, min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, anchor)


def _unmet_sheet(ws, fc: Forecast) -> None:
    rows = [[x.rotation, x.plan_start, req, reason, n]
            for x in fc.rotations for req in REQUIREMENTS for reason, n in x.unmet[req].items()]
    write_table(ws, ["rotation", "plan_start", "requirement", "reason", "unmet"], rows)


def _supply_sheet(ws, fc: Forecast) -> None:
    rows = [[x.rotation, x.plan_start, s.modality, s.cases_waiting, s.cases_running,
             s.cases_waiting + s.cases_running, s.supervisor_places, s.cases_supervised]
            for x in fc.rotations for s in x.supply]
    write_table(ws, ["rotation", "plan_start", "modality", "cases waiting", "cases running", "demand (cases)",
                     "supervisor places", "cases supervised"], rows)


def _trainee_sheet(ws, fc: Forecast) -> None:
    rows = [[t.trainee_id, t.name, t.requirement, t.first_rotation, t.last_rotation, t.core_end, t.due,
             t.status_first, t.placed_in, t.projected_finish,
             None if t.on_time is None else ("yes" if t.on_time else "no"), t.first_will_miss, t.status_last,
             t.why_last]
            for t in fc.trainees]
    write_table(ws, ["trainee_id", "name", "requirement", "first rotation", "last rotation", "core_end", "due",
                     "status at first", "placed in rotation", "projected finish", "on time", "first WILL_MISS",
                     "status at last", "why unmet at last"], rows, widths={"why unmet at last": 90})
