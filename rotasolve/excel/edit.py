"""Editing a copy of the user's own workbook: finding its sheets, columns and rows as the
reader does, adding a column or a row styled like its neighbours. Shared by `rotasolve
next` (``next_workbook.py``) and `rotasolve capacity --apply` (``apply_workbook.py``), so
both change only what they must and leave everything else the user typed as it was."""

from __future__ import annotations

from copy import copy

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import schema as S
from .cells import as_text
from .safe import put


class WorkbookChanged(RuntimeError):
    """The file no longer matches the instance read from it (changed while we ran)."""


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
