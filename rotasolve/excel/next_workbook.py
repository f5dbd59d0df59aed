"""The next period's workbook: a copy of the user's own, edited in place.

Only what the roll-forward changes is touched (``lifecycle.rollforward``): the plan start,
the cells of trainees and cases that move on, the rows of those who finish and the cases
that complete, a column added at the end of the header row where the workbook lacks one,
and a `Rolled forward` sheet. Everything else — other sheets, unknown columns and their
values, styles, drop-downs, an About sheet — is the user's and stays as it is.

Formulas become their saved values: rows are removed from Trainees and Cases, and a
formula that pointed at a moved row would silently point at the wrong one; and the next
workbook must read without first being opened and saved in Excel (openpyxl writes no
saved values). The input keeps its formulas.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import Instance
from ..lifecycle import report
from ..lifecycle.rollforward import Changes, RollForward
from ..workbook import schema as S
from ..workbook.cells import to_cell
from ..workbook.edit import WorkbookChanged, columns, open_copy, row_of, sheet_named
from ..workbook.safe import BOLD, HEADER_FILL, HEADER_FONT, TITLE_FONT, put, save_workbook


def write_next_workbook(source: Path, inst: Instance, roll: RollForward, out: Path) -> str | None:
    """Write the next period's workbook to ``out`` (atomically), from ``source`` as read
    into ``inst`` and the changes in ``roll``. A ``source`` other than an .xlsx becomes a
    fresh .xlsx: the note returned says so (and the `Rolled forward` sheet too)."""
    wb, note = open_copy(source)
    _plan_start(sheet_named(wb, S.SCHEME.name), roll)
    _rows(sheet_named(wb, S.TRAINEES.name), S.TRAINEES, {t.id: t.source_row for t in inst.trainees},
          roll.trainees, roll.removed_trainees)
    _rows(sheet_named(wb, S.CASES.name), S.CASES, {c.id: c.source_row for c in inst.cases},
          roll.cases, roll.removed_cases)
    _report(wb, inst, roll, note)
    save_workbook(wb, out)
    return note


def _plan_start(ws: Worksheet, roll: RollForward) -> None:
    header = [S.normalise(c.value) if c.value is not None else "" for c in ws[1]]
    key, value = header.index("key") + 1, header.index("value") + 1
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=key).value
        if cell is not None and S.normalise(cell) == S.normalise("plan_start"):
            put(ws, r, value, roll.plan_start)
            return
    raise WorkbookChanged("the Scheme sheet has no plan_start row")


def _rows(ws: Worksheet, spec: S.SheetSpec, rows_of: dict[str, int | None], changes: dict[str, Changes],
          removed: tuple[str, ...]) -> None:
    needed = {name for fields in changes.values() for name in fields}
    cols = columns(ws, spec, needed)
    for item_id, fields in changes.items():
        row = row_of(ws, spec, cols, rows_of, item_id)
        for name, value in fields.items():
            put(ws, row, cols[name], to_cell(spec.column(name), value))
    for row in sorted((row_of(ws, spec, cols, rows_of, i) for i in removed), reverse=True):
        ws.delete_rows(row)


def _report(wb, inst: Instance, roll: RollForward, note: str | None = None) -> None:
    """The `Rolled forward` sheet, replacing one an earlier roll-forward left (it spoke of
    the period before, and the input this was made from still holds it)."""
    for ws in list(wb.worksheets):
        if S.normalise(ws.title) == S.normalise(S.REPORT_SHEET):
            wb.remove(ws)
    ws = wb.create_sheet(S.REPORT_SHEET)
    put(ws, 1, 1, S.REPORT_SHEET).font = TITLE_FONT
    put(ws, 2, 1, report.heading(roll))
    if note:
        put(ws, 3, 1, note)
    widths: dict[int, int] = {}
    r = 4
    for section in report.sections(inst, roll):
        put(ws, r, 1, section.title).font = BOLD
        r += 1
        if not section.rows:
            put(ws, r, 1, section.none)
            r += 2
            continue
        for j, h in enumerate(section.headers, start=1):
            c = put(ws, r, j, h)
            c.fill, c.font = HEADER_FILL, HEADER_FONT
            c.alignment = Alignment(vertical="center")
        for values in section.rows:
            r += 1
            for j, v in enumerate(values, start=1):
                put(ws, r, j, v)
                widths[j] = max(widths.get(j, 0), len(str(v)) if v is not None else 0)
        r += 2
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 12), 70)
