"""The scenarios workbook: its template reads back, and every problem in a bad one is
reported at once by sheet, row and column (exit code 3 from the command)."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from rotasolve.cli import cli
from rotasolve.core.errors import WorkbookError
from rotasolve.workbook.scenarios import read_scenarios


def scenarios_file(path, header, *rows, sheet="Scenarios"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def problems(path) -> list[str]:
    with pytest.raises(WorkbookError) as err:
        read_scenarios(path)
    return [str(p) for p in err.value.problems]


def test_template_reads_back_with_an_about_sheet(tmp_path):
    out = tmp_path / "scenarios.xlsx"
    result = CliRunner().invoke(cli, ["template", "--scenarios", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["About", "Scenarios"]
    about = {row[0]: row for row in wb["About"].iter_rows(min_row=5, values_only=True)}
    for column in ("scenario", "cbdg_sessions", "period_weeks", "supervisor_places", "tutor_pas", "new_supervisors"):
        assert about[column][3], column  # every column explained
    assert about["cbdg_sessions"][1:3] == ("Requirements key", "whole number, at least 0")
    read = read_scenarios(out)
    assert [s.name for s in read.scenarios][:4] == ["25 group sessions", "one more place per supervisor",
                                                    "one more PA per tutor", "two more CBT supervisors"]
    assert read.scenarios[3].new_supervisors == (("CBT", 2),)
    assert read.warnings == []


def test_cells_are_read_as_in_a_scheme_workbook(tmp_path):
    path = scenarios_file(tmp_path / "s.xlsx",
                          ["Scenario", "CBDG Sessions", "cbdg_due_grade", "case_requires_cbdg", "plan_start",
                           "supervisor_places", "tutor_pas", "new_supervisors"],
                          ["a", "25", "ct3", "yes", "01/08/2027", -1, "1.5", "cbt:2; CAT"],
                          ["b"], [None], ["baseline"])
    read = read_scenarios(path)
    a, b, base = read.scenarios
    assert a.profile == {"cbdg_sessions": 25, "cbdg_due_grade": 3, "case_requires_cbdg": True}
    assert a.settings == {"plan_start": date(2027, 8, 1)}
    assert (a.supervisor_places, a.tutor_pas, a.new_supervisors) == (-1, 1.5, (("CBT", 2), ("CAT", 1)))
    assert b.is_baseline and base.is_baseline


def test_every_problem_at_once_located_by_row_and_column(tmp_path):
    path = scenarios_file(
        tmp_path / "bad.xlsx",
        ["scenario", "cbdg_sessions", "cbdg_due_grade", "supervisor_place", "new_supervisors", "tutor_pas"],
        ["a", -1, "CT4", 1, "CBT:x", 1],
        ["A ", 25, "CT3", None, "CBT:2, cbt:1", 100],
        ["Baseline", 25],
        ["c", "many"],
        [None, 25],
        ["d", None, None, None, "CBT:0"])
    assert problems(path) == [
        "Scenarios, row 1, column 'supervisor_place': unknown column (did you mean supervisor_places?); a scenario "
        "may set any Requirements or Scheme key, supervisor_places, tutor_pas or new_supervisors — see the About "
        "sheet of `rotasolve template --scenarios`",
        "Scenarios, row 2, column 'cbdg_due_grade': expected a grade: CT1, CT2 or CT3 (found: CT4)",
        "Scenarios, row 2, column 'cbdg_sessions': must be at least 0 (found: -1)",
        "Scenarios, row 2, column 'new_supervisors': 'CBT:x' is not MODALITY:k; write it like CBT:2, CAT:1 "
        "(found: CBT:x)",
        "Scenarios, row 3, column 'new_supervisors': CBT is listed twice; give it once with the total "
        "(found: CBT:2, cbt:1)",
        "Scenarios, row 3, column 'scenario': duplicate scenario name (also row 2); give each scenario its own "
        "name (found: A)",
        "Scenarios, row 3, column 'tutor_pas': must be at most 20 (found: 100)",
        "Scenarios, row 4, column 'scenario': 'baseline' is the name of the scenario with no changes, always "
        "solved first; give this one another name (found: Baseline)",
        "Scenarios, row 5, column 'cbdg_sessions': expected a whole number (found: many)",
        "Scenarios, row 6, column 'scenario': 'scenario' is required; fill it in",
        "Scenarios, row 7, column 'new_supervisors': 'CBT:0': give between 1 and 50 new supervisors of a "
        "modality (found: CBT:0)",
    ]


def test_a_missing_sheet_or_name_column(tmp_path):
    assert problems(scenarios_file(tmp_path / "a.xlsx", ["scenario"], ["x"], sheet="Sheet1")) == [
        "Scenarios: the sheet 'Scenarios' is missing; add it (see `rotasolve template --scenarios`)"]
    assert problems(scenarios_file(tmp_path / "b.xlsx", ["name", "cbdg_sessions"], ["x", 25])) == [
        "Scenarios, row 1, column 'scenario': required column 'scenario' is missing; add it to row 1"]
    (tmp_path / "c.xlsx").write_text("not a workbook")
    assert "not an .xlsx workbook" in problems(tmp_path / "c.xlsx")[0]


def test_an_unusual_modality_is_a_warning(tmp_path):
    read = read_scenarios(scenarios_file(tmp_path / "s.xlsx", ["scenario", "new_supervisors"], ["x", "EMDR:1"]))
    assert read.scenarios[0].new_supervisors == (("EMDR", 1),)
    assert "not one of the usual modalities" in str(read.warnings[0])


def test_sweep_with_a_bad_scenarios_file_exits_3_listing_every_problem(tmp_path, sweep_workbooks):
    path = scenarios_file(tmp_path / "bad.xlsx", ["scenario", "cbdg_sessions", "colour"], ["a", -1], ["a", 25])
    result = CliRunner().invoke(cli, ["sweep", str(path), str(sweep_workbooks[0]), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 3
    assert "3 problem(s) in the scenarios — nothing was solved" in result.output
    for text in ("row 1, column 'colour': unknown column", "row 2, column 'cbdg_sessions': must be at least 0",
                 "row 3, column 'scenario': duplicate scenario name (also row 2)"):
        assert text in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o.xlsx").exists()
