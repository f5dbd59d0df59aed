"""Editing a copy of the user's own workbook: finding its sheets, columns and rows as the
reader does, adding a column or a row styled like its neighbours. Shared by `rotasolve
next` (``next_workbook.py``) and `rotasolve capacity --apply` (``apply_workbook.py``), so
both change only what they must and leave everything else the user typed as it was.

Only an .xlsx (or .xlsm) can be edited as it is; a workbook of another kind (.ods, .xls,
.xlsb) becomes a fresh .xlsx holding its sheets' values, and the edits are made to that
(``open_copy``)."""

from __future__ import annotations

import io
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import schema as S
from .cells import as_text
from .other_kinds import KIND_NAMES, kind_of
from .safe import put
from .xlsx_file import open_sheets


class WorkbookChanged(RuntimeError):
    """The file no longer matches the instance read from it (changed while we ran)."""


def open_copy(source: Path) -> tuple[openpyxl.Workbook, str | None]:
    """The workbook to edit: an .xlsx as it is (formulas as their saved values); any other
    kind as a fresh one holding its sheets' values, with a note saying so (None for an .xlsx)."""
    kind = kind_of(source)
    if kind == "ooxml":
        return openpyxl.load_workbook(io.BytesIO(source.read_bytes()), data_only=True), None  # whatever its name
    sheets, why = open_sheets(source)
    if sheets is None:  # it was read a moment ago
        raise WorkbookChanged(f"{source.name} can no longer be read: {why}")
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    for sheet in sheets.values():
        ws = wb.create_sheet(sheet.title)
        for r, row in enumerate(sheet.values, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    put(ws, r, c, value)
    return wb, (f"{source.name} is {KIND_NAMES.get(kind, 'not an .xlsx workbook')}: this is a new .xlsx "
                "workbook holding its sheets' values (its formatting, drop-downs and formulas are not "
                "carried over); keep working in this .xlsx from now on")


def sheet_named(wb, name: str) -> Worksheet:
    """The sheet as the reader finds it: case- and space-insensitive, the first of that name."""
    for ws in wb.worksheets:
        if S.normalise(ws.title) == S.normalise(name):
            return ws
    raise WorkbookChanged(f"the sheet {name} is no longer in the workbook")


def columns(ws: Worksheet, spec: S.SheetSpec, needed: set[str]) -> dict[str, int]:
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
        style_like(ws.cell(row=1, column=j), ws.cell(row=1, column=j - 1))
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(name) + 2)
        found[name] = j
    return found


def style_like(cell, model) -> None:
    for attr in ("font", "fill", "border", "alignment"):
        setattr(cell, attr, copy(getattr(model, attr)))


def row_of(ws: Worksheet, spec: S.SheetSpec, cols: dict[str, int], rows_of: dict[str, int | None],
           item_id: str) -> int:
    """The Excel row of an item, confirmed by its id cell: a mismatch means the file is
    not the one that was read, and editing on would change the wrong rows."""
    assert spec.id_column is not None  # only the sheets of items with ids are edited
    row = rows_of.get(item_id)
    id_cell = ws.cell(row=row, column=cols[spec.id_column]).value if row else None
    if row is None or id_cell is None or as_text(id_cell) != item_id:
        raise WorkbookChanged(f"{spec.name}: the row of {item_id} is not where it was read; "
                              "was the workbook changed while rotasolve ran?")
    return row


def last_row(ws: Worksheet) -> int:
    """The last row holding anything (styled but empty rows below it do not count)."""
    for r in range(ws.max_row, 1, -1):
        if any(c.value is not None and as_text(c.value) != "" for c in ws[r]):
            return r
    return 1
