"""rotasolve/excel/writer.py: the timetable workbook of solution.md — its sheets in order,
one row per trainee, case, group and supervisor with what the solution placed, the
timetable grid coloured by activity, the unmet requirements most urgent first, a re-plan's
changes, user text never written as a formula — and an existing output never replaced
without --force. The allocation is written out by hand on a small scheme, so every cell
expected here follows from it."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import case, group, scheme, supervisor, trainee

from rotasolve.check import check
from rotasolve.cli import cli
from rotasolve.core.errors import OutputPathError
from rotasolve.core.files import check_output_path
from rotasolve.workbook.template import write_instance
from rotasolve.excel.writer import write_compliance_workbook, write_solution
from rotasolve.analysis.explain import explain
from rotasolve.results.solution import CasePlace, Change, GroupPlace, RunRecord, Solution, TutorPlace
from rotasolve.analysis.wording import reason_words

FORMULA_NAME = '=HYPERLINK("http://example.com","click")'


@pytest.fixture(scope="module")
def example():
    """T1 joins G1 and takes C1; T4 takes C3, sharing S1's Wednesday meeting with T1; T2
    keeps their running long case C2; T3 (finishing soon: critical) and the long cases of
    T1 and T4 stay unmet."""
    inst = scheme(
        trainees=[trainee("T1", cbdg_sessions_attended=0),
                  trainee("T2", grade=3, name=FORMULA_NAME, short_case_done="CBT", current_cases=("C2",)),
                  trainee("T3", grade=3, core_end=date(2027, 9, 1), long_case_done="IPT"),
                  trainee("T4")],
        cases=[case("C1", referred=date(2026, 12, 30)),
               case("C2", length="long", sessions=30, sessions_done=5, modality="IPT", current_trainee="T2",
                    current_supervisor="S1", session_slot="MON-AM", supervision_slot="THU-AM"),
               case("C3"), case("C4", site="B")],
        supervisors=[supervisor(modalities=("CBT", "IPT"), group_size=2)],
        groups=[group(min_size=1), group("G2", slot="TUE-AM")])
    sol = Solution(
        scheme="Test scheme", status="FEASIBLE",
        groups=[GroupPlace(trainee_id="T1", group_id="G1")],
        cases=[CasePlace(case_id="C1", trainee_id="T1", supervisor_id="S1", session_slot="TUE-AM",
                         supervision_slot="WED-AM", meeting_id="S1@WED-AM"),
               CasePlace(case_id="C2", trainee_id="T2", supervisor_id="S1", session_slot="MON-AM",
                         supervision_slot="THU-AM", meeting_id="S1@THU-AM", kept=True),
               CasePlace(case_id="C3", trainee_id="T4", supervisor_id="S1", session_slot="TUE-AM",
                         supervision_slot="WED-AM", meeting_id="S1@WED-AM")],
        tutors=[TutorPlace(trainee_id=t, tutor_id="U1") for t in ("T1", "T2", "T4")])
    assert check(inst, sol) == []  # a valid allocation, so the workbook shows a real one
    return inst, sol.model_copy(update={"unmet": explain(inst, sol)})


@pytest.fixture(scope="module")
def book(example, tmp_path_factory):
    inst, sol = example
    out = tmp_path_factory.mktemp("writer") / "solution.xlsx"
    write_solution(inst, sol, out)
    return out, openpyxl.load_workbook(out)


def table(ws, header_row: int = 1) -> list[dict]:
    """The rows under a header row, as dicts, up to the first blank first cell."""
    headers = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None:
            break
        out.append(dict(zip(headers, row)))
    return out


def test_the_sheets_in_order(book):
    _out, wb = book
    assert wb.sheetnames == ["Summary", "Trainees", "Timetable", "Cases", "Groups", "Supervisors", "Compliance",
                             "DME Trust A", "Unmet"]
    assert wb.properties.creator == "rotasolve"
    assert wb["Summary"]["A1"].value == "Test scheme — psychotherapy allocation"


def test_one_trainee_row_each_with_what_they_were_given(book):
    rows = {r["trainee_id"]: r for r in table(book[1]["Trainees"])}
    assert list(rows) == ["T1", "T2", "T3", "T4"]
    t1 = rows["T1"]
    assert (t1["grade"], t1["trust"], t1["base_site"], t1["group"], t1["cases"], t1["supervisors"],
            t1["session/supervision slots"], t1["tutor"]) == (
        "CT2", "Trust A", "A", "G1", "C1 CBT short", "S1", "TUE-AM/WED-AM", "U1")
    # a session (1 h) and a shared meeting (1.5 h), no travel on one site
    assert t1["weekly case hours (with travel)"] == 2.5
    assert rows["T2"]["cases"] == "C2 IPT long (running)" and rows["T2"]["weekly case hours (with travel)"] == 2
    assert (rows["T3"]["group"], rows["T3"]["cases"], rows["T3"]["tutor"]) == (None, None, None)


def test_user_text_is_never_a_formula(book):
    ws = book[1]["Trainees"]
    cell = next(c for c in ws["B"] if c.value == FORMULA_NAME)
    assert cell.data_type == "s"
    unmet = book[1]["Unmet"]
    assert all(c.data_type != "f" for row in unmet.iter_rows() for c in row)


def test_the_timetable_grid_coloured_by_activity(book, example):
    inst, _sol = example
    ws = book[1]["Timetable"]
    slots = [c.value for c in ws[2]][1:]
    assert slots == list(inst.slot_ids)
    grid = {row[0].value: {s: c for s, c in zip(slots, row[1:])} for row in ws.iter_rows(min_row=3, max_row=6)}
    assert {s: c.value for s, c in grid["T1"].items() if c.value} == {
        "MON-AM": "Group G1", "TUE-AM": "Session C1", "WED-AM": "Supervision S1"}
    assert {s: c.value for s, c in grid["T2"].items() if c.value} == {
        "MON-AM": "Session C2", "THU-AM": "Supervision S1"}
    assert not any(c.value for c in grid["T3"].values())
    colour = {s: c.fill.fgColor.rgb[-6:] for s, c in grid["T1"].items() if c.value}
    assert colour == {"MON-AM": "D9E1F2", "TUE-AM": "E2EFDA", "WED-AM": "FFF2CC"}  # blue, green, yellow
    below = {row[0]: row[1:] for row in ws.iter_rows(min_row=7, values_only=True) if row[0]}
    assert dict(zip(slots, below["S1"]))["WED-AM"] == "C1, C3"  # one meeting, two cases
    assert dict(zip(slots, below["S1"]))["THU-AM"] == "C2"
    assert dict(zip(slots, below["G1"]))["MON-AM"] == "1 trainees"
    assert ws.freeze_panes == "B3"


def test_cases_groups_and_supervisors_against_their_capacity(book):
    wb = book[1]
    cases = {r["case_id"]: r for r in table(wb["Cases"])}
    assert {c: (r["trainee"], r["supervisor"], r["supervision"], r["state"]) for c, r in cases.items()} == {
        "C1": ("T1", "S1", "group", "new"), "C2": ("T2", "S1", "individual", "running"),
        "C3": ("T4", "S1", "group", "new"), "C4": (None, None, None, "waiting")}
    assert cases["C1"]["weeks waiting"] == 5  # referred five weeks before the period
    assert wb["Cases"].freeze_panes == "A2" and wb["Cases"].auto_filter.ref == "A1:M5"
    groups = {r["group_id"]: r for r in table(wb["Groups"])}
    assert (groups["G1"]["new members"], groups["G1"]["size"], groups["G1"]["state"]) == (1, 1, "runs")
    assert (groups["G2"]["size"], groups["G2"]["state"]) == (0, "no core trainees")
    (s1,) = table(wb["Supervisors"])
    assert (s1["supervisor_id"], s1["cases"], s1["max_trainees"], s1["group_size"]) == ("S1", 3, 3, 2)
    assert s1["meeting hours a week"] == 2.5  # a shared meeting (1.5 h) and one alone (1 h)


def test_unmet_most_urgent_first_with_reason_and_detail(book, example):
    _inst, sol = example
    rows = table(book[1]["Unmet"])
    assert [(r["trainee_id"], r["reason code"], r["critical"]) for r in rows] == [
        ("T3", "capacity", "yes"), ("T1", "no_case", None), ("T4", "no_case", None)]
    assert [r["requirement"] for r in rows][0] != "short_case"  # in words, not the code
    by = {(u.trainee_id, u.reason): u for u in sol.unmet}
    for r in rows:
        assert r["detail"] == by[(r["trainee_id"], r["reason code"])].detail
        assert r["reason"] == reason_words(r["reason code"])
    assert "C1 (T1), C3 (T4)" in rows[0]["detail"]


def test_conflicting_running_items_are_listed_instead(example, tmp_path):
    inst, _sol = example
    conflict = "Supervisors row 2 (S1): max_trainees is 1 but 2 kept cases need them (Cases rows 2 and 3)"
    out = tmp_path / "conflict.xlsx"
    write_solution(inst, Solution(scheme="Test scheme", status="INFEASIBLE", conflicts=[conflict]), out)
    ws = openpyxl.load_workbook(out)["Unmet"]
    assert ws["A1"].value == "The running items conflict; nothing was allocated"
    assert (ws["A3"].value, ws["A4"].value) == ("conflict", conflict)
    assert ws["A4"].alignment.wrap_text  # a long conflict wraps in its wide column


def test_a_replan_has_its_changes_sheet(example, tmp_path):
    inst, sol = example
    change = Change(kind="case", trainee_id="T4", item_id="C3", before="S1", after="", why="no longer in the workbook")
    out = tmp_path / "replan.xlsx"
    write_solution(inst, sol.model_copy(update={"manifest": RunRecord(change_cost=10), "changes": [change]}), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "Changes"
    assert table(wb["Changes"]) == [{"trainee_id": "T4", "what": "case", "item": "C3", "before": "S1", "after": None,
                                     "why": "no longer in the workbook"}]
    none = tmp_path / "kept.xlsx"
    write_solution(inst, sol.model_copy(update={"manifest": RunRecord(change_cost=0)}), none)
    assert openpyxl.load_workbook(none)["Changes"]["A1"].value.startswith("No changes")
    plain = tmp_path / "plain.xlsx"
    write_solution(inst, sol, plain)
    assert "Changes" not in openpyxl.load_workbook(plain).sheetnames  # not a re-plan


def test_the_same_solution_gives_the_same_bytes(example, book, tmp_path):
    inst, sol = example
    again = tmp_path / "again.xlsx"
    write_solution(inst, sol, again)
    assert again.read_bytes() == book[0].read_bytes()


def test_the_compliance_workbook_holds_the_compliance_sheets_alone(example, tmp_path):
    inst, sol = example
    out = tmp_path / "compliance.xlsx"
    write_compliance_workbook(inst, sol, out)
    assert openpyxl.load_workbook(out).sheetnames == ["Compliance", "DME Trust A"]
    before = tmp_path / "before.xlsx"
    write_compliance_workbook(inst, None, before)  # before solving: statuses of the scheme as it is
    assert openpyxl.load_workbook(before).sheetnames == ["Compliance", "DME Trust A"]


# ----- never replacing a file without --force --------------------------------------------

def test_an_existing_output_is_refused_unless_forced(tmp_path):
    out, source = tmp_path / "out.xlsx", tmp_path / "in.xlsx"
    check_output_path(out, [source], force=False)  # nothing there yet
    out.write_bytes(b"the tutor's own file")
    with pytest.raises(OutputPathError, match="already exists; choose another name or add --force"):
        check_output_path(out, [source], force=False)
    check_output_path(out, [source], force=True)
    with pytest.raises(OutputPathError, match="is one of the inputs"):
        check_output_path(source, [source], force=True)  # an input, even with --force
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path, [source], force=True)
    assert out.read_bytes() == b"the tutor's own file"


def test_solve_never_replaces_a_workbook_without_force(example, tmp_path):
    inst, _sol = example
    path, out = tmp_path / "scheme.xlsx", tmp_path / "solution.xlsx"
    write_instance(inst, path)
    out.write_bytes(b"last period's timetable")
    refused = CliRunner().invoke(cli, ["solve", str(path), "-o", str(out), "--time-limit", "5", "-q"])
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert out.read_bytes() == b"last period's timetable"
    forced = CliRunner().invoke(cli, ["solve", str(path), "-o", str(out), "--time-limit", "5", "-q", "--force"])
    assert forced.exit_code == 0, forced.output
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["Summary", "Trainees"]
