"""The pages a DME prints, checked without a spreadsheet program: every column as wide as
the longest text in it (or that text wrapped, or running on only into empty cells), every
sheet set up to print, the Summary and DME pages headed by a sentence, statuses in words
(the codes only in their own column), the run record in plain words."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLE, ROOT
from openpyxl.utils import get_column_letter

from rotasolve.analysis.compliance import STATUSES
from rotasolve.excel.layout import shown
from rotasolve.workbook.reader import read_workbook
from rotasolve.excel.writer import solution_workbook
from rotasolve.excel.layout import printable
from rotasolve.results.solution import Solution

SOLVED = ROOT / "solutions" / "north_thames.json"
DEFAULT_WIDTH = 8.43


@pytest.fixture(scope="module")
def workbook():
    inst = read_workbook(EXAMPLE).instance
    wb = solution_workbook(inst, Solution.load(SOLVED))
    printable(wb)
    return wb


def width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.customWidth else DEFAULT_WIDTH


def cut_or_colliding(ws) -> list[str]:
    """Cells whose text is wider than its room: its column, or its merged columns, or the
    empty cells to its right up to the last printed column."""
    merged = {r.start_cell.coordinate: r for r in ws.merged_cells.ranges}
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            text = shown(cell.value)
            bold = cell.font is not None and (cell.font.b or (cell.font.sz or 11) > 11)
            need = len(text) * (1.1 if bold else 1.0) * (cell.font.sz or 11) / 11
            if cell.coordinate in merged:
                r = merged[cell.coordinate]
                room = sum(width(ws, j) for j in range(r.min_col, r.max_col + 1))
            else:
                room, j = width(ws, cell.column), cell.column + 1
                while j <= ws.max_column and ws.cell(row=cell.row, column=j).value is None \
                        and ws.cell(row=cell.row, column=j).coordinate not in merged:
                    room += width(ws, j)
                    j += 1
            if need > room:
                out.append(f"{ws.title}!{cell.coordinate} '{text[:40]}' needs {need:.0f}, has {room:.0f}")
    return out


def test_no_text_is_cut_or_runs_into_the_next_cell(workbook):
    problems = [p for ws in workbook.worksheets for p in cut_or_colliding(ws)]
    assert problems == []


def test_every_sheet_prints_landscape_one_page_wide_with_its_header(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        if ws.freeze_panes == "A2" or ws.title.startswith("DME"):
            assert ws.print_title_rows, ws.title
    assert workbook["Summary"].page_setup.fitToHeight == 1


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_summary_and_dme_pages_read_in_words(workbook):
    summary = texts(workbook["Summary"])
    assert summary[2] == ("All 5 critical requirements placed; 30 of 75 requirements placed (28 not yet due); "
                          "1 trainee at risk, at Eastfield Care NHS Trust.")
    assert "Optimal — proven the best allocation" in summary
    assert not any(code in summary for code in STATUSES)
    assert not any(t.startswith(("{", "[")) for t in summary)
    assert any(re.fullmatch(r"\d,\d{3} variables, \d,\d{3} constraints, 1 part", t) for t in summary)
    dme = workbook["DME Eastfield Care NHS Trust"]
    lines = texts(dme)
    assert lines[2].startswith("27 trainee requirements: 7 complete, 5 in progress")
    assert lines[2].endswith("1 trainee at risk, at Eastfield Care NHS Trust.")
    header = [c.value for c in dme[int(dme.print_title_rows.split(":")[0].lstrip("$"))]]
    assert header[-1] == "status code"
    codes = {c.value for row in dme.iter_rows(min_col=len(header), max_col=len(header)) for c in row}
    words = [c.value for row in dme.iter_rows(max_col=len(header) - 1) for c in row if isinstance(c.value, str)]
    assert "AT_RISK" in codes and not any(code in words for code in STATUSES)
    assert "At risk" in words and any(w.startswith("No common free slot: ") for w in words)
