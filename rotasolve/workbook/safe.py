"""Writing workbooks safely: user text is never a formula, and a workbook appears whole or
not at all (through ``files.atomic_save``), with the same bytes for the same content."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.files import atomic_save

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)

# Cells starting with these are read as formulas (or DDE) by some spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def put(ws: Worksheet, row: int, col: int, value: Any):
    """Write one value; strings always as text, so `=HYPERLINK(...)` stays a string."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _strip_illegal(value)
        cell.data_type = "s"  # openpyxl would otherwise mark '=...' as a formula
    elif isinstance(value, tuple):
        put(ws, row, col, ", ".join(str(v) for v in value))
        return cell
    else:
        cell.value = value
        if isinstance(value, (date, datetime)):
            cell.number_format = "yyyy-mm-dd"
    return cell


def restyle(cell: Any, key: Hashable, apply: Callable[[Any], object]) -> Any:
    """``apply(cell)`` sets some of the cell's styles; the same change (``key``) to a cell
    styled as this one was copies the style it made rather than setting it again. openpyxl
    looks up every style object it is given in the workbook's list of styles by hashing it,
    which took 3.5 of the 7 s spent writing a 1,000-trainee allocation's workbook."""
    made: dict[tuple[tuple[int, ...], Hashable], StyleArray] = \
        cell.parent.parent.__dict__.setdefault("_rotasolve_styles", {})  # style ids are the workbook's
    before = (tuple(cell._style) if cell._style else (), key)  # no style yet: None
    style = made.get(before)
    if style is None:
        apply(cell)
        made[before] = StyleArray(cell._style)
    else:
        cell._style = StyleArray(style)
    return cell


def _strip_illegal(text: str) -> str:
    # XML 1.0 cannot hold most control characters; drop them rather than write a file
    # Excel refuses to open.
    return _ILLEGAL.sub("", text)


# Every control character but tab, newline and carriage return (one pass in C: a
# generator over each character of each cell was a second of a large workbook's writing).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_STARTS)


def about_intro(ws: Worksheet, title: str, text: str, last_column: str, height: int) -> None:
    """An About sheet's first rows: its title, and a paragraph wrapped across the columns
    up to ``last_column``, ``height`` points high."""
    put(ws, 1, 1, title).font = TITLE_FONT
    put(ws, 2, 1, text)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last_column}2")
    ws.row_dimensions[2].height = height


def write_table(ws: Worksheet, headers: list[str], rows: Iterable[Iterable[Any]], *,
                start_row: int = 1, widths: dict[str, int] | None = None, filters: bool = True,
                freeze: bool = True) -> int:
    """A header row and data rows, frozen, filtered and sized. Returns the last row."""
    for j, h in enumerate(headers, start=1):
        c = put(ws, start_row, j, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
        c.alignment = Alignment(vertical="center", wrap_text=False)
    r = start_row
    longest = [math.ceil(len(h) * 1.1) for h in headers]  # headers are bold
    for r, values in enumerate(rows, start=start_row + 1):
        for j, v in enumerate(values, start=1):
            put(ws, r, j, v)
            if j <= len(longest):
                longest[j - 1] = max(longest[j - 1], len(_shown(v)))
    wraps = []
    for j, h in enumerate(headers, start=1):
        width = (widths or {}).get(h, min(max(longest[j - 1] + 2, 8), 60))
        ws.column_dimensions[get_column_letter(j)].width = width
        if longest[j - 1] + 1 > width:  # text wider than its column wraps, never runs into the next
            wraps.append(j)
    for i in range(start_row + 1, r + 1):
        for j in range(1, len(headers) + 1):
            cell = ws.cell(row=i, column=j)
            # Numbers centred, so that one never touches the text of the next column; a row
            # of several lines reads from its top.
            number = isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
            if number or wraps:
                align = ("center" if number else None, j in wraps, "top" if wraps else None)
                restyle(cell, ("align",) + align, partial(_align, align))
    for j in wraps:
        ws.cell(row=start_row, column=j).alignment = Alignment(wrap_text=True, vertical="center")
    if freeze and start_row == 1:
        ws.freeze_panes = ws.cell(row=2, column=1).coordinate
    if filters and r > start_row:
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(headers))}{r}"
    return r


def _align(align: tuple[str | None, bool, str | None], cell: Any) -> None:
    cell.alignment = Alignment(horizontal=align[0], wrap_text=align[1], vertical=align[2])


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, tuple):
        return ", ".join(map(str, v))
    if isinstance(v, (date, datetime)):
        return "yyyy-mm-dd"
    return str(v)


def save_workbook(wb, out: Path) -> None:
    def save(tmp: Path):
        wb.save(tmp)
        _normalise_zip(tmp)

    atomic_save(save, out)


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _normalise_zip(path: Path) -> None:
    """Same content, same bytes: fixed zip entry times and document timestamps.

    openpyxl stamps each zip entry and docProps/core.xml with the time of saving;
    a reproducible run must not differ by the clock.
    """
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
