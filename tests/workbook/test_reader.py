"""Malformed workbooks, one problem each, built in the test from a valid one. Each
asserts the sheet, the Excel row, the column and the message."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from conftest import case, group, scheme, supervisor, trainee

from rotasolve.core.errors import WorkbookError
from rotasolve.workbook.cells import nhs_number_like
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance, write_template


@pytest.fixture
def valid(tmp_path):
    inst = scheme(trainees=[trainee("T1"), trainee("T2", current_cases=("C2",))],
                  cases=[case("C1"), case("C2", current_trainee="T2", current_supervisor="S1")],
                  supervisors=[supervisor()], groups=[group()])
    path = tmp_path / "valid.xlsx"
    write_instance(inst, path)
    return path


def edit(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def col(ws, header):
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def set_cell(sheet, row, header, value):
    def fn(wb):
        ws = wb[sheet]
        ws.cell(row=row, column=col(ws, header)).value = value  # cell(value=None) would not clear
    return fn


def problems(path):
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    return err.value.problems


def one(path, sheet, row, column, text):
    found = problems(path)
    hits = [p for p in found if p.sheet == sheet and p.row == row and p.column == column and text in p.message]
    assert hits, "\n".join(map(str, found))
    return hits[0]


def test_valid_workbook_reads(valid):
    inst = read_workbook(valid).instance
    assert [t.id for t in inst.trainees] == ["T1", "T2"]
    assert inst.case["C2"].current_supervisor == "S1"


def test_not_a_zip(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("name,grade\n")
    (e,) = problems(p)
    assert "not an .xlsx workbook" in e.message


def test_a_damaged_legacy_file(tmp_path):
    """An OLE file (legacy .xls, or an encrypted workbook) that is neither: refused as a
    damaged .xls (tests/workbook/test_other_kinds.py has a real password-protected workbook)."""
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (e,) = problems(p)
    assert "cannot be read as an Excel 97-2003 workbook (.xls)" in e.message


def test_missing_file(tmp_path):
    (e,) = problems(tmp_path / "nope.xlsx")
    assert "no such file" in e.message


def test_missing_required_sheet(valid):
    edit(valid, lambda wb: wb.remove(wb["Supervisors"]))
    e = one(valid, "Supervisors", None, None, "required sheet 'Supervisors' is missing")
    assert e.row is None


def test_missing_required_column(valid):
    edit(valid, lambda wb: wb["Trainees"].delete_cols(col(wb["Trainees"], "grade")))
    one(valid, "Trainees", 1, "grade", "required column 'grade' is missing")


def test_empty_required_cell(valid):
    edit(valid, set_cell("Trainees", 3, "base_site", None))
    one(valid, "Trainees", 3, "base_site", "'base_site' is required")


def test_duplicate_id(valid):
    edit(valid, set_cell("Trainees", 3, "trainee_id", "T1"))
    one(valid, "Trainees", 3, "trainee_id", "duplicate trainee_id (also row 2)")


@pytest.mark.parametrize("sheet,row,header,value,text", [
    ("Trainees", 2, "base_site", "NOWHERE", "unknown site 'NOWHERE'"),
    ("Trainees", 2, "current_group", "G9", "unknown group 'G9'"),
    ("Cases", 2, "supervisor", "S9", "unknown supervisor 'S9'"),
    ("Trainees", 2, "available_slots", "MON-AM, XMAS-PM", "unknown slot 'XMAS-PM'"),
    ("Groups", 2, "slot", "SUN-XX", "unknown slot 'SUN-XX'"),
    ("Tutors", 2, "trusts", "Trust Z", "unknown trust"),
])
def test_unknown_reference(valid, sheet, row, header, value, text):
    edit(valid, set_cell(sheet, row, header, value))
    one(valid, sheet, row, header, text)


def test_unknown_case_reference(valid):
    edit(valid, set_cell("Trainees", 2, "current_cases", "C77"))
    one(valid, "Trainees", 2, "current_cases", "unknown case 'C77'")


def test_trainee_kept_in_two_groups_names_both_group_rows(tmp_path):
    inst = scheme(trainees=[trainee("T1")], groups=[group("G1"), group("G2", slot="TUE-AM")])
    path = tmp_path / "two-groups.xlsx"
    write_instance(inst, path)
    edit(path, set_cell("Trainees", 2, "current_group", "G1, G2"))
    e = one(path, "Trainees", 2, "current_group", "kept in 2 groups, G1 (Groups row 2), G2 (Groups row 3)")
    assert "at most one group (H1)" in e.message and "unknown group" not in e.message


def test_bad_grade(valid):
    edit(valid, set_cell("Trainees", 2, "grade", "ST4"))
    one(valid, "Trainees", 2, "grade", "expected a grade: CT1, CT2 or CT3")


def test_bad_date(valid):
    edit(valid, set_cell("Trainees", 2, "core_end", "31/02/2028"))
    one(valid, "Trainees", 2, "core_end", "expected a date")


@pytest.mark.parametrize("value,text", [(-1, "at least 0"), ("lots", "expected a whole number"),
                                        (2.5, "expected a whole number")])
def test_bad_capacity(valid, value, text):
    edit(valid, set_cell("Supervisors", 2, "max_trainees", value))
    one(valid, "Supervisors", 2, "max_trainees", text)


def test_min_size_above_max_size(valid):
    edit(valid, set_cell("Groups", 2, "min_size", 12))
    one(valid, "Groups", 2, "min_size", "min_size is more than max_size (10)")


def test_sessions_disagree_with_length(valid):
    edit(valid, set_cell("Cases", 2, "sessions", 30))
    one(valid, "Cases", 2, "sessions", "a short case has 12-20 sessions")


def test_sessions_disagree_with_profile(valid):
    def fn(wb):
        ws = wb["Requirements"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "long_case_min_sessions":
                row[1].value = 45
        ws = wb["Cases"]
        ws.cell(row=2, column=col(ws, "length"), value="long")
        ws.cell(row=2, column=col(ws, "sessions"), value=40)
    edit(valid, fn)
    one(valid, "Cases", 2, "sessions", "at least 45 sessions")


def test_kept_case_not_listed_by_trainee(valid):
    edit(valid, set_cell("Trainees", 3, "current_cases", None))
    one(valid, "Cases", 3, "current_trainee", "does not list it in current_cases")


def test_trainee_lists_case_that_names_someone_else(valid):
    edit(valid, set_cell("Trainees", 2, "current_cases", "C2"))
    one(valid, "Trainees", 2, "current_cases", "gives its current_trainee as 'T2'")


def test_nhs_number_case_id_refused_without_echo(valid):
    edit(valid, set_cell("Cases", 2, "case_id", "943 476 5919"))
    e = one(valid, "Cases", 2, "case_id", "looks like an NHS number")
    assert e.value is None and "943" not in str(e)


def test_patient_name_column_refused(valid):
    def fn(wb):
        ws = wb["Cases"]
        ws.cell(row=1, column=ws.max_column + 1, value="Patient Name")
        ws.cell(row=2, column=ws.max_column, value="Jane Doe")
    edit(valid, fn)
    e = one(valid, "Cases", 1, "Patient Name", "patient-identifiable")
    assert "Jane" not in str(e)


@pytest.mark.parametrize("digits,expected", [("9434765919", True), ("943 476 5919", True),
                                             ("943-476-5919", True), ("9434765918", False),
                                             ("123456789", False), ("C0001", False)])
def test_modulus_11(digits, expected):
    assert nhs_number_like(digits) is expected


def test_every_problem_reported_at_once(valid):
    def fn(wb):
        set_cell("Trainees", 2, "grade", "CT9")(wb)
        set_cell("Cases", 2, "site", "MARS")(wb)
        set_cell("Groups", 2, "min_size", 99)(wb)
    edit(valid, fn)
    sheets = {p.sheet for p in problems(valid)}
    assert {"Trainees", "Cases", "Groups"} <= sheets


def test_formula_without_cached_value_is_an_error(valid):
    edit(valid, set_cell("Trainees", 2, "max_travel_minutes", "=30+30"))
    one(valid, "Trainees", 2, "max_travel_minutes", "formula with no saved value")


def test_lenient_formats(valid):
    """Headers in any case with spaces, numbers as text, UK dates, y/n, semicolons."""
    def fn(wb):
        ws = wb["Trainees"]
        ws.cell(row=1, column=col(ws, "max_travel_minutes"), value="  Max Travel Minutes ")
        ws.cell(row=2, column=col(ws, "  Max Travel Minutes "), value="45")
        ws.cell(row=2, column=col(ws, "core_end"), value="01/08/2029")
        ws.cell(row=3, column=col(ws, "core_end"), value=datetime(2029, 8, 2))
        ws.cell(row=2, column=col(ws, "available_slots"), value="mon-am; TUE-AM")
        ws.cell(row=2, column=col(ws, "ltft"), value="0.8")
        ws.cell(row=2, column=col(ws, "grade"), value=3.0)
        ws.cell(row=1, column=ws.max_column + 1, value="notes")
        wc = wb["Cases"]
        wc.cell(row=2, column=col(wc, "remote_ok"), value="Y")
        wc.cell(row=2, column=col(wc, "modality"), value="schema")
        wb["Trainees"].title = "tmp"  # openpyxl refuses a case-only rename in one step
        wb["tmp"].title = " trainees "
    edit(valid, fn)
    result = read_workbook(valid)
    t1, t2 = result.instance.trainees
    assert (t1.max_travel_minutes, t1.core_end, t1.available_slots, t1.ltft, t1.grade) == \
        (45, date(2029, 8, 1), ("MON-AM", "TUE-AM"), 0.8, 3)
    assert t2.core_end == date(2029, 8, 2)
    assert result.instance.case["C1"].remote_ok is True
    warnings = {(w.sheet, w.column, w.message.split(";")[0]) for w in result.warnings}
    assert (" trainees ", "notes", "unknown column") in warnings
    assert any(w.column == "modality" and "not one of the usual modalities" in w.message for w in result.warnings)


def test_template_filled_in_loads(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)

    def fill(wb):
        ws = wb["Trainees"]
        ws.append(["T9", "Dr New", "CT1", "NLFT-CHASE", "WED-PM, FRI-AM", None, None, None, 0])
        wc = wb["Cases"]
        wc.append(["C9", "NLFT-CHASE", "CAT", "long", 24, "CT2", "MON-AM"])
    edit(path, fill)
    inst = read_workbook(path).instance
    assert [t.id for t in inst.trainees] == ["T001", "T9"]
    assert inst.case["C9"].sessions == 24
    assert "About" in openpyxl.load_workbook(path).sheetnames


def test_template_has_dropdowns(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    formulas = {dv.formula1 for dv in wb["Trainees"].data_validations.dataValidation}
    assert any("Lists!" in f for f in formulas)
    assert wb["Lists"].sheet_state == "hidden"
