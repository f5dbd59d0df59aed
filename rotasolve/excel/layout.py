"""Pages that print: every sheet landscape and one page wide, header rows repeated,
long text wrapped in a cell whose row is made tall enough, so that nothing printed runs
into the next cell or off the page. And statuses in words with their colours."""

from __future__ import annotations

import math
from typing import Any, cast

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..analysis.wording import STATUS_COLOURS, status_words
from ..workbook.safe import put, restyle

LINE_HEIGHT = 15  # points per line of 11-point text
WRAP = Alignment(wrap_text=True, vertical="top")


def status_cell(ws: Worksheet, row: int, col: int, code: str):
    """A status in words, in its colours (the code stays in a column of its own)."""
    fill, ink = STATUS_COLOURS[code]

    def colour(cell) -> None:
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(bold=True, color=ink)
    return restyle(put(ws, row, col, status_words(code)), ("status", code), colour)


def width_of(ws: Worksheet, first: int, last: int) -> float:
    """The width (in characters) of columns ``first`` to ``last``."""
    return sum(ws.column_dimensions[get_column_letter(j)].width or 8.43 for j in range(first, last + 1))


def lines_needed(text: str, width: float) -> int:
    return sum(max(1, math.ceil(len(part) * 1.1 / max(width - 1, 1))) for part in str(text).split("\n"))


def wrapped(ws: Worksheet, row: int, col: int, value, last_col: int | None = None, font: Font | None = None):
    """``value`` in a wrapped cell (merged up to ``last_col``), its row tall enough to show it."""
    cell = put(ws, row, col, value)
    if last_col and last_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)
    cell.alignment = WRAP
    if font is not None:
        cell.font = font
    size = (font.sz if font is not None and font.sz else 11) / 11
    lines = lines_needed(str(value), width_of(ws, col, last_col or col) / size)
    height = max(ws.row_dimensions[row].height or LINE_HEIGHT, lines * LINE_HEIGHT * size + 2)
    ws.row_dimensions[row].height = height
    return cell


def fit_rows(ws: Worksheet, first_row: int) -> None:
    """Rows from ``first_row`` tall enough for every wrapped cell in them."""
    merged = {r.start_cell.coordinate for r in ws.merged_cells.ranges}  # sized where they are written
    # A cell's alignment read by its id: ``cell.alignment`` makes an object for every cell
    # (a second of writing a 1,000-trainee allocation's workbook).
    book: Any = ws.parent  # private to openpyxl, untyped
    alignments = book._alignments
    for number, row in enumerate(ws.iter_rows(min_row=first_row), start=first_row):
        lines = 1
        for cell in row:
            style = cast(Any, cell)._style
            if cell.value is None or not style or not alignments[style.alignmentId].wrap_text:
                continue
            if cell.coordinate not in merged:
                width = ws.column_dimensions[cell.column_letter].width or 8.43
                lines = max(lines, lines_needed(str(cell.value), width))
        if lines > 1:
            dim = ws.row_dimensions[number]
            dim.height = max(dim.height or 0, lines * LINE_HEIGHT + 2)


def printable(wb) -> None:
    """Every sheet prints landscape on A4, one page wide, its table's header row repeated
    (a sheet that says where its header is keeps that), with gridlines off the page."""
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        if ws.print_title_rows is None and ws.freeze_panes == "A2":
            ws.print_title_rows = "1:1"
        fit_rows(ws, 1)
    if "Summary" in wb.sheetnames:  # the page a DME reads first: on one sheet of paper
        wb["Summary"].page_setup.fitToHeight = 1


def fit_widths(ws: Worksheet, columns, first_row: int = 1, cap: int = 40) -> None:
    """Each of ``columns`` as wide as its longest text from ``first_row`` (at most ``cap``;
    longer text wraps). A cell with nothing to its right may run on into the empty cells
    there (a title), except in the last column, whose text would be cut off the page."""
    merged = {r.start_cell.coordinate for r in ws.merged_cells.ranges}
    columns = list(columns)
    for j in columns:
        cells = [c for (c,) in ws.iter_rows(min_row=first_row, min_col=j, max_col=j)
                 if c.value is not None and c.coordinate not in merged
                 and (j == columns[-1] or ws.cell(row=c.row, column=j + 1).value is not None)]
        longest = max([6] + [math.ceil(len(shown(c.value)) * (1.1 if c.font is not None and c.font.b else 1))
                             for c in cells])
        ws.column_dimensions[get_column_letter(j)].width = min(longest + 2, cap)
        if longest + 2 > cap:
            for cell in cells:
                cell.alignment = WRAP


def shown(value) -> str:
    """The text a cell shows (a date as yyyy-mm-dd, a number as written)."""
    if hasattr(value, "isoformat"):
        return "yyyy-mm-dd"
    return str(value)
