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

from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import Instance
from ..lifecycle import report
from ..lifecycle.rollforward import Changes, RollForward
from . import schema as S
from .cells import as_text, to_cell
from .safe import BOLD, HEADER_FILL, HEADER_FONT, TITLE_FONT, put, save_workbook


class WorkbookChanged(RuntimeError):
    """The file no longer matches the instance read from it (changed while we ran)."""


def write_next_workbook(source: Path, inst: Instance, roll: RollForward, out: Path) -> None:
    """Write the next period's workbook to ``out`` (atomically), from ``source`` as read
    into ``inst`` and the changes in ``roll``."""
    wb = openpyxl.load_workbook(source, data_only=True)
    _plan_start(_sheet(wb, S.SCHEME.name), roll)
    _rows(_sheet(wb, S.TRAINEES.name), S.TRAINEES, {t.id: t.source_row for t in inst.trainees},
          roll.trainees, roll.removed_trainees)
    _rows(_sheet(wb, S.CASES.name), S.CASES, {c.id: c.source_row for c in inst.cases},
          roll.cases, roll.removed_cases)
    _report(wb, inst, roll)
    save_workbook(wb, out)


def _sheet(wb, name: str) -> Worksheet:
    """The sheet as the reader finds it: case- and space-insensitive, the first of that name."""
    for ws in wb.worksheets:
        if S.normalise(ws.title) == S.normalise(name):
            return ws
    raise WorkbookChanged(f"the sheet {name} is no longer in the workbook")


def _plan_start(ws: Worksheet, roll: RollForward) -> None:
    header = [S.normalise(c.value) if c.value is not None else "" for c in ws[1]]
    key, value = header.index("key") + 1, header.index("value") + 1
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=key).value
        if cell is not None and S.normalise(cell) == S.normalise("plan_start"):
            put(ws, r, value, roll.plan_start)
            return
    raise WorkbookChanged("the Scheme sheet has no plan_start row")


def _columns(ws: Worksheet, spec: S.SheetSpec, needed: set[str]) -> dict[str, int]:
    """Each contract column's index, as the reader matches headers; a needed column the
    sheet lacks is added after the last used column, styled like the header before it."""
    known = {S.normalise(c.name): c.name for c in spec.columns}
    found: dict[str, int] = {}
    for cell in ws[1]:
        if cell.value is not None and as_text(cell.value) != "":
            name = known.get(S.normalise(cell.value))
            if name is not None and name not in found:
                found[name] = cell.column
    for name in [c.name for c in spec.columns if c.name in needed and c.name not in found]:
        j = ws.max_column + 1
        put(ws, 1, j, name)
        _style_like(ws.cell(row=1, column=j), ws.cell(row=1, column=j - 1))
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(name) + 2)
        found[name] = j
    return found


def _style_like(cell, model) -> None:
    for attr in ("font", "fill", "border", "alignment"):
        setattr(cell, attr, copy(getattr(model, attr)))


def _rows(ws: Worksheet, spec: S.SheetSpec, rows_of: dict[str, int | None], changes: dict[str, Changes],
          removed: tuple[str, ...]) -> None:
    needed = {name for fields in changes.values() for name in fields}
    cols = _columns(ws, spec, needed)
    for item_id, fields in changes.items():
        row = _row_of(ws, spec, cols, rows_of, item_id)
        for name, value in fields.items():
            put(ws, row, cols[name], to_cell(spec.column(name), value))
    for row in sorted((_row_of(ws, spec, cols, rows_of, i) for i in removed), reverse=True):
        ws.delete_rows(row)


def _row_of(ws: Worksheet, spec: S.SheetSpec, cols: dict[str, int], rows_of: dict[str, int | None],
            item_id: str) -> int:
    """The Excel row of an item, confirmed by its id cell: a mismatch means the file is
    not the one that was read, and editing on would change the wrong rows."""
    row = rows_of.get(item_id)
    id_cell = ws.cell(row=row, column=cols[spec.id_column]).value if row else None
    if row is None or id_cell is None or as_text(id_cell) != item_id:
        raise WorkbookChanged(f"{spec.name}: the row of {item_id} is not where it was read; "
                              "was the workbook changed while rotasolve ran?")
    return row


def _report(wb, inst: Instance, roll: RollForward) -> None:
    """The `Rolled forward` sheet, replacing one an earlier roll-forward left (it spoke of
    the period before, and the input this was made from still holds it)."""
    for ws in list(wb.worksheets):
        if S.normalise(ws.title) == S.normalise(S.REPORT_SHEET):
            wb.remove(ws)
    ws = wb.create_sheet(S.REPORT_SHEET)
    put(ws, 1, 1, S.REPORT_SHEET).font = TITLE_FONT
    put(ws, 2, 1, report.heading(roll))
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
