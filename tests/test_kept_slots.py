"""The Cases columns session_slot and supervision_slot (lifecycle.md, "Workbook
additions"): bad inputs refused with exit 3 at their sheet, row and column; kept slots
that clash refused by `solve` with exit 4 naming the rows; drop-downs in the template."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner
from conftest import case, group, scheme, supervisor, trainee
from openpyxl.utils import get_column_letter

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.cli import cli
from rotasolve.workbook.template import write_instance, write_template


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def running(**kw):
    """T1 holds C1, supervised by S1; every slot of the test scheme is free to all three."""
    return scheme(trainees=[trainee("T1", current_cases=("C1",), **kw.pop("trainee", {}))],
                  cases=[case("C1", current_trainee="T1", current_supervisor="S1", **kw.pop("case", {}))],
                  supervisors=[supervisor("S1", **kw.pop("supervisor", {}))], **kw)


def set_cells(path, sheet, row, **values):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = {c.value: c.column for c in ws[1]}
    for name, value in values.items():
        ws.cell(row=row, column=header[name], value=value)
    wb.save(path)


def test_a_kept_slot_on_a_case_that_is_not_running_is_an_input_error(tmp_path):
    path = tmp_path / "w.xlsx"
    write_instance(scheme(trainees=[trainee()], cases=[case("C1"), case("C2")], supervisors=[supervisor()]), path)
    set_cells(path, "Cases", 2, session_slot="MON-AM")
    set_cells(path, "Cases", 3, supervision_slot="TUE-AM")
    result = run("validate", path)
    assert result.exit_code == 3
    assert ("Cases, row 2, column 'session_slot': session_slot is for a running case (one with a "
            "current_trainee); give its current_trainee or clear it (found: MON-AM)") in result.output
    assert "Cases, row 3, column 'supervision_slot': supervision_slot is for a running case" in result.output
    assert run("solve", path, "-o", tmp_path / "s.xlsx").exit_code == 3


def test_the_same_slot_for_session_and_supervision_or_an_unknown_slot_is_an_input_error(tmp_path):
    path = tmp_path / "w.xlsx"
    write_instance(running(), path)
    set_cells(path, "Cases", 2, session_slot="MON-AM", supervision_slot="MON-AM")
    result = run("validate", path)
    assert result.exit_code == 3
    assert "Cases, row 2, column 'supervision_slot': the session and the supervision cannot be in the same " \
           "slot (H6); change one" in result.output
    set_cells(path, "Cases", 2, session_slot="SUN-AM", supervision_slot="TUE-AM")
    result = run("validate", path)
    assert result.exit_code == 3 and "Cases, row 2, column 'session_slot': unknown slot 'SUN-AM'" in result.output


def test_a_kept_slot_the_trainee_is_no_longer_free_in_exits_4_naming_rows(tmp_path):
    path = tmp_path / "w.xlsx"
    write_instance(running(case={"session_slot": "WED-AM", "supervision_slot": "TUE-AM"},
                           trainee={"available_slots": ("MON-AM", "TUE-AM", "THU-AM")}), path)
    result = run("solve", path, "--time-limit", 5)
    assert result.exit_code == 4
    assert ("Cases row 2 (C1): kept session slot WED-AM is not among T1's available slots (Trainees row 2)"
            in result.output)
    assert not (tmp_path / "w-solution.xlsx").exists()


def test_a_kept_supervision_slot_the_supervisor_no_longer_has_exits_4(tmp_path):
    path = tmp_path / "w.xlsx"
    write_instance(running(case={"session_slot": "MON-AM", "supervision_slot": "TUE-AM"},
                           supervisor={"available_slots": ("WED-AM", "THU-AM")}), path)
    result = run("solve", path, "--time-limit", 5)
    assert result.exit_code == 4
    assert ("Cases row 2 (C1): kept supervision slot TUE-AM is not among S1's available slots "
            "(Supervisors row 2)") in result.output


def test_two_kept_items_in_one_slot_exit_4_naming_rows(tmp_path):
    path = tmp_path / "w.xlsx"
    write_instance(running(case={"session_slot": "TUE-AM", "supervision_slot": "MON-AM"},
                           trainee={"current_group": "G1", "cbdg_sessions_attended": 10},
                           groups=[group("G1", slot="MON-AM")]), path)
    result = run("solve", path, "--time-limit", 5)
    assert result.exit_code == 4
    assert "Trainees row 2 (T1): kept items clash at MON-AM: group G1, C1 supervision slot" in result.output


def test_kept_slots_that_fit_are_kept(tmp_path):
    path, js = tmp_path / "w.xlsx", tmp_path / "s.json"
    write_instance(running(case={"session_slot": "THU-AM", "supervision_slot": "WED-AM"}), path)
    assert run("solve", path, "--json", js, "--time-limit", 5).exit_code == 0
    assert '"session_slot": "THU-AM",\n      "supervision_slot": "WED-AM"' in js.read_text()


def test_the_template_offers_slot_drop_downs_on_both_columns(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cases"]
    header = {c.value: get_column_letter(c.column) for c in ws[1]}
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    for name in ("session_slot", "supervision_slot"):
        col = header[name]
        assert lists[f"{col}2:{col}2000"] == "=Lists!$F$2:$F$11"  # the ten slots
    about = [row for row in wb["About"].iter_rows(values_only=True) if row[1] in ("session_slot", "supervision_slot")]
    assert [r[1] for r in about] == ["session_slot", "supervision_slot"]
    assert all("kept as it is" in r[3] for r in about)


def test_first_fit_keeps_a_running_cases_slots():
    """The by-hand allocation (the answer when a search finds nothing in time) keeps a
    running case's given slots too: first-fit once moved its supervision from WED-AM to
    the first free slot, TUE-AM, and the checker turned the run away (exit 1)."""
    inst = running(case={"session_slot": "THU-AM", "supervision_slot": "WED-AM"})
    sol = greedy(inst)
    assert sol is not None and check(inst, sol) == []
    kept = next(p for p in sol.cases if p.kept)
    assert (kept.session_slot, kept.supervision_slot) == ("THU-AM", "WED-AM")
