"""`rotasolve next` through click's CliRunner: the workbook it writes, and each wrong
solution refused with exit 2 and a clear message, never a traceback."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import case, group, scheme, supervisor, trainee

from rotasolve.cli import cli
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance
from rotasolve.results.solution import Solution


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def solved_once(tmp_path_factory):
    """A small scheme, solved: T1 needs a group and a short case; T2 finishes core
    training early next period, holding a running long case."""
    tmp_path = tmp_path_factory.mktemp("period1")
    inst = scheme(
        trainees=[trainee("T1", grade=2, cbdg_sessions_attended=0, name="=HYPERLINK(\"x\")"),
                  trainee("T2", grade=3, core_end=date(2027, 9, 1), short_case_done="IPT", current_cases=("C2",))],
        cases=[case("C1", sessions=16),
               case("C2", length="long", sessions=40, sessions_done=10, current_trainee="T2",
                    current_supervisor="S1")],
        supervisors=[supervisor(max_trainees=3)], groups=[group(min_size=1)])
    path = tmp_path / "period1.xlsx"
    write_instance(inst, path)
    wb = openpyxl.load_workbook(path)
    wb["Cases"].cell(row=1, column=wb["Cases"].max_column + 1, value="room")
    wb["Cases"].cell(row=2, column=wb["Cases"].max_column, value="Room 4")
    wb.create_sheet("Unknown")["A1"] = "kept"
    wb.save(path)
    js = tmp_path / "period1.json"
    assert run("solve", path, "--json", js, "-q", "--time-limit", 10).exit_code == 0
    return path, js


@pytest.fixture
def solved(solved_once, tmp_path):
    """The workbook and its solution (solved once for the module), copied for one test to
    change as it likes: same names, same bytes, so the solution's record still matches."""
    copies = []
    for original in solved_once:
        copies.append(tmp_path / original.name)
        shutil.copyfile(original, copies[-1])
    return tuple(copies)


def test_next_writes_a_workbook_that_reads_and_reports(solved, tmp_path):
    path, js = solved
    out = tmp_path / "period2.xlsx"
    result = run("next", path, js, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Rolled forward from the period starting 2027-02-03 to the one starting 2027-08-04" in result.output
    assert ("T2 |  | 2027-09-01 | long_case | INCOMPLETE | C2 (CBT): 30 of 40 sessions held; released"
            in result.output)
    assert "C1 | T1 | CBT | short | 16" in result.output
    inst = read_workbook(out).instance
    assert inst.settings.plan_start == date(2027, 8, 4)
    assert [t.id for t in inst.trainees] == ["T1"] and inst.trainee["T1"].short_case_done == "CBT"
    assert inst.trainee["T1"].current_group == "G1" and inst.trainee["T1"].cbdg_sessions_attended == 20
    assert "C1" not in inst.case and not inst.case["C2"].kept
    wb = openpyxl.load_workbook(out)
    assert wb["Unknown"]["A1"].value == "kept" and "About" in wb.sheetnames
    cases = wb["Cases"]
    room = next(c.column for c in cases[1] if c.value == "room")
    assert {cases.cell(row=r, column=1).value: cases.cell(row=r, column=room).value
            for r in range(2, cases.max_row + 1)} == {"C2": None}  # C1 (with Room 4) completed
    report = wb["Rolled forward"]
    assert report["A1"].value == "Rolled forward"
    trainees = wb["Trainees"]
    assert trainees["B2"].value == "=HYPERLINK(\"x\")" and trainees["B2"].data_type == "s"
    # Rolling the rolled-forward workbook forward again replaces its report, not adds one.
    js2, out3 = tmp_path / "p2.json", tmp_path / "p3.xlsx"
    assert run("solve", out, "--json", js2, "-q", "--time-limit", 10).exit_code == 0
    assert run("next", out, js2, "-o", out3).exit_code == 0
    assert openpyxl.load_workbook(out3).sheetnames.count("Rolled forward") == 1
    assert run("validate", out3).output.count("unknown sheet") == 1  # "Unknown"; not the report


def test_next_refuses_a_solution_of_another_workbook(solved, tmp_path):
    path, js = solved
    wb = openpyxl.load_workbook(path)
    wb["Trainees"]["B3"] = "Dr Changed"
    wb.save(path)
    result = run("next", path, js, "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 2
    assert "was solved from a different workbook (period1.xlsx as it was then)" in result.output
    assert not (tmp_path / "n.xlsx").exists()


def edited(js, tmp_path, **changes):
    data = json.loads(js.read_text())
    data.update(changes)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(data))
    return out


@pytest.mark.parametrize("changes, message", [
    ({"scheme": "Another scheme"}, "is a solution for the scheme 'Another scheme', not 'Test scheme'"),
    ({"manifest": {}}, "does not record which workbook it was solved from"),
    ({"status": "INFEASIBLE"}, "has status INFEASIBLE: nothing was allocated"),
    ({"format": "something-else/2"}, "is not a rotasolve solution (format 'something-else/2'"),
    ({"cases": []}, "breaks the rules of this workbook, so it was edited after solving"),
])
def test_next_refuses_a_solution_that_does_not_belong(solved, tmp_path, changes, message):
    path, js = solved
    result = run("next", path, edited(js, tmp_path, **changes), "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize("content", [b"not json at all", b'{"cases": 3}', b"[1, 2]", b"PK\x03\x04\xff\xfe binary"])
def test_next_refuses_a_file_that_is_not_a_solution(solved, tmp_path, content):
    path, _ = solved
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run("next", path, bad, "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 2 and "is not a rotasolve solution JSON" in result.output


def test_next_outputs_never_replace_an_input_and_need_force(solved, tmp_path):
    path, js = solved
    assert run("next", path, js, "-o", path, "--force").exit_code == 2
    default = path.with_name("period1-next.xlsx")
    assert run("next", path, js).exit_code == 0 and default.exists()
    again = run("next", path, js)
    assert again.exit_code == 2 and "--force" in again.output
    assert run("next", path, js, "--force").exit_code == 0


def test_a_solution_made_without_a_source_file_is_refused(tmp_path):
    inst = scheme(trainees=[trainee()])
    path, js = tmp_path / "w.xlsx", tmp_path / "s.json"
    write_instance(inst, path)
    js.write_text(Solution(scheme=inst.settings.name, status="OPTIMAL").to_json())
    result = run("next", path, js, "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 2 and "no input_sha256" in result.output


def test_missing_columns_are_added_at_the_end_and_headers_matched_as_the_reader_does(tmp_path):
    inst = scheme(trainees=[trainee("T1", grade=2, cbdg_sessions_attended=30)],
                  cases=[case("C1", length="long", sessions=40)], supervisors=[supervisor()])
    path, js, out = tmp_path / "w.xlsx", tmp_path / "s.json", tmp_path / "n.xlsx"
    write_instance(inst, path)
    wb = openpyxl.load_workbook(path)
    for sheet, gone in (("Trainees", ("core_end",)), ("Cases", ("supervision_slot", "session_slot", "sessions_done",
                                                                 "current_supervisor"))):
        ws = wb[sheet]
        for name in gone:
            ws.delete_cols(next(c.column for c in ws[1] if c.value == name))
    wb["Trainees"]["A1"] = "  Trainee ID "
    wb.save(path)
    assert run("solve", path, "--json", js, "-q", "--time-limit", 10).exit_code == 0
    assert run("next", path, js, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Cases"]
    headers = [c.value for c in ws[1]]
    assert headers[-4:] == ["current_supervisor", "sessions_done", "session_slot", "supervision_slot"]
    nxt = read_workbook(out).instance
    c1 = nxt.case["C1"]
    assert (c1.current_trainee, c1.current_supervisor, c1.sessions_done) == ("T1", "S1", 20)
    assert c1.session_slot and c1.supervision_slot
    assert nxt.trainee["T1"].core_end == date(2029, 2, 2)


def with_saved_values(path, values: dict[str, str]):
    """Give formula cells the saved values Excel would store (openpyxl stores none)."""
    with zipfile.ZipFile(path) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    for name, data in entries.items():
        if name.startswith("xl/worksheets/"):
            for formula, value in values.items():
                data = data.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
            entries[name] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)


def test_formulas_become_their_saved_values(tmp_path):
    inst = scheme(trainees=[trainee("T1"), trainee("T2", grade=3, core_end=date(2027, 9, 1))])
    path, js, out = tmp_path / "w.xlsx", tmp_path / "s.json", tmp_path / "n.xlsx"
    write_instance(inst, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Trainees"]
    header = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=header["max_travel_minutes"], value="=30+45")  # T1, in a column rotasolve reads
    ws.cell(row=1, column=ws.max_column + 1, value="double")
    ws.cell(row=2, column=ws.max_column, value="=B3")  # points at T2's row, which goes
    wb.save(path)
    with_saved_values(path, {"30+45": "75", "B3": "0"})
    assert read_workbook(path).instance.trainee["T1"].max_travel_minutes == 75
    assert run("solve", path, "--json", js, "-q", "--time-limit", 10).exit_code == 0
    assert run("next", path, js, "-o", out).exit_code == 0
    assert read_workbook(out).instance.trainee["T1"].max_travel_minutes == 75  # reads with no Excel round trip
    ws = openpyxl.load_workbook(out)["Trainees"]
    assert ws.max_row == 2 and ws.cell(row=2, column=ws.max_column).value == 0  # the value, not a stale =B3
    wb = openpyxl.load_workbook(path)  # the input keeps its formulas
    assert wb["Trainees"].cell(row=2, column=header["max_travel_minutes"]).value == "=30+45"
