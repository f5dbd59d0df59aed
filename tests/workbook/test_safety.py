"""Hostile input and safe output."""

from __future__ import annotations

import time
import zipfile

import openpyxl
import pytest
from conftest import case, scheme, solve, supervisor, trainee

from rotasolve.core.errors import WorkbookError
from rotasolve.workbook.reader import read_workbook
from rotasolve.core.files import atomic_save
from rotasolve.workbook.template import write_instance
from rotasolve.excel.writer import write_solution

HOSTILE = ['=HYPERLINK("http://x","click")', "+SUM(1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def test_user_text_is_never_a_formula(tmp_path):
    inst = scheme(trainees=[trainee(f"T{i}", name=name) for i, name in enumerate(HOSTILE)],
                  cases=[case()], supervisors=[supervisor(name="=1+1")])
    sol = solve(inst)
    out = tmp_path / "out.xlsx"
    write_solution(inst, sol, out)
    wb = openpyxl.load_workbook(out)
    cells = {c.value: c for row in wb["Trainees"].iter_rows() for c in row}
    for name in HOSTILE:
        # XML normalises a carriage return to a line feed; the text is otherwise unchanged.
        stored = name.replace("\r", "\n")
        assert stored in cells and cells[stored].data_type == "s"
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_input_round_trip_keeps_text(tmp_path):
    inst = scheme(trainees=[trainee("T1", name="=cmd|' /C calc'!A0")])
    path = tmp_path / "in.xlsx"
    write_instance(inst, path)
    assert read_workbook(path).instance.trainee["T1"].name == "=cmd|' /C calc'!A0"


def test_interrupted_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_text("previous result")

    def crash(tmp):
        tmp.write_text("half a fi")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        atomic_save(crash, target)
    assert target.read_text() == "previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_billion_laughs_refused_quickly(tmp_path):
    good = tmp_path / "good.xlsx"
    write_instance(scheme(trainees=[trainee()]), good)
    bomb = tmp_path / "bomb.xlsx"
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>')
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, lol.encode() if item.filename == "xl/workbook.xml" else data)
    start = time.monotonic()
    with pytest.raises(WorkbookError) as err:
        read_workbook(bomb)
    assert time.monotonic() - start < 10
    assert "unsafe XML" in str(err.value.problems[0]) or "cannot be read" in str(err.value.problems[0])


def test_large_workbook_with_formatted_blank_rows(tmp_path, monkeypatch):
    """5,000 data rows and formatted blank rows down to row 100,000 still read; the time
    and memory this takes are measured in benchmarks/README.md, not asserted here."""
    from openpyxl.styles import PatternFill

    from rotasolve.workbook import template
    from rotasolve.synthetic.generate import generate

    inst = generate(2100, 3, seed=2)
    path = tmp_path / "large.xlsx"
    # The formatting is added to the workbook write_instance builds, before its one save:
    # the same file as saving it, opening it in openpyxl and saving again, in half the time.
    save, built = template.save_workbook, []
    monkeypatch.setattr(template, "save_workbook", lambda wb, out: built.append(wb))
    write_instance(inst, path)
    (wb,) = built
    rows = sum(ws.max_row - 1 for ws in wb.worksheets if ws.title in ("Trainees", "Cases", "Supervisors",
                                                                      "Groups", "Tutors", "Travel"))
    assert rows >= 5000
    fill = PatternFill("solid", fgColor="FFFF00")
    ws = wb["Trainees"]
    for r in range(ws.max_row + 1, 100_001, 50):
        ws.cell(row=r, column=1).fill = fill
    ws.cell(row=100_000, column=3).fill = fill
    save(wb, path)
    assert openpyxl.load_workbook(path, read_only=True)["Trainees"].max_row == 100_000  # blank rows in the file
    assert len(read_workbook(path).instance.trainees) == 2100


def test_same_seed_same_workbook_content(tmp_path):
    from rotasolve.synthetic.generate import generate

    inst = generate(30, 2, seed=4)
    contents = []
    for name in ("a.xlsx", "b.xlsx"):
        sol = solve(inst, time_limit=2)
        out = tmp_path / name
        write_solution(inst, sol, out)
        wb = openpyxl.load_workbook(out)
        contents.append([[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()])
    assert contents[0] == contents[1]
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_restyle_copies_the_style_it_made_and_keeps_other_styles():
    from openpyxl.styles import Alignment, Font

    from rotasolve.workbook.safe import restyle

    def centre(cell):
        cell.alignment = Alignment(horizontal="center")

    for _ in range(2):  # style ids are a workbook's own: a second workbook makes its own
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.cell(row=1, column=1).font = Font(bold=True)  # another style first: its own list entry
        plain, again, bold = ws.cell(row=2, column=1), ws.cell(row=3, column=1), ws.cell(row=1, column=1)
        for cell in (plain, again, bold):
            restyle(cell, "centre", centre)
        assert [c.alignment.horizontal for c in (plain, again, bold)] == ["center"] * 3
        assert bold.font.bold and not plain.font.bold and not again.font.bold
        assert again._style == plain._style and again._style is not plain._style
