"""Every command through click's CliRunner, and every documented exit code."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, kept_conflict_workbook

from rotasolve.check import check
from rotasolve.cli import cli, main
from rotasolve.workbook.reader import read_workbook
from rotasolve.results.solution import Solution

COMMANDS = [
    "template", "validate", "generate", "solve", "compliance", "next", "calendars",
    "capacity", "forecast", "sweep",
]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_everywhere(command, flag):
    result = run(*command, flag)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_template_then_validate(tmp_path):
    out = tmp_path / "t.xlsx"
    assert run("template", out).exit_code == 0
    result = run("validate", out)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    again = run("template", out)
    assert again.exit_code == 2 and "--force" in again.output


def test_validate_example_summary():
    result = run("validate", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "trainees by grade: CT1: 14, CT2: 13, CT3: 13" in result.output
    assert "running cases: 5" in result.output


def test_validate_bad_file_exit_3_without_traceback(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = run("validate", bad)
    assert result.exit_code == 3
    assert "not an .xlsx workbook" in result.output and "Traceback" not in result.output


def test_generate_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("generate", a, "-n", 30, "-k", 2, "-s", 7).exit_code == 0
    assert run("generate", b, "-n", 30, "-k", 2, "-s", 7).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert run("validate", a).exit_code == 0


def test_usage_error_exit_2():
    assert run("solve", "--workers", "zero", EXAMPLE).exit_code == 2


def test_solve_example_writes_checked_outputs(example_solved):
    # `solve EXAMPLE -o sol.xlsx --json sol.json --time-limit 60`, run once for the session
    # (conftest.py; the tests that read the example's solution read this one)
    result, out, js = example_solved
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output
    sol = Solution.load(js)
    inst = read_workbook(EXAMPLE).instance
    assert check(inst, sol) == []
    data = json.loads(js.read_text())
    assert data["format"] == "rotasolve-solution/1"
    assert len(data["compliance"]) == 3 * len(inst.trainees)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Summary"
    for name in ("Summary", "Trainees", "Timetable", "Cases", "Groups", "Supervisors", "Compliance", "Unmet"):
        assert name in wb.sheetnames


def test_solve_refuses_to_overwrite_its_input(tmp_path):
    copy = tmp_path / "in.xlsx"
    copy.write_bytes(EXAMPLE.read_bytes())
    result = run("solve", copy, "-o", copy, "--force")
    assert result.exit_code == 2 and "is one of the inputs" in result.output
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_solve_kept_conflict_exit_4_names_rows(tmp_path):
    path = kept_conflict_workbook(tmp_path)
    result = run("solve", path, "--time-limit", 5)
    assert result.exit_code == 4
    assert "Supervisors row 2 (S2): max_trainees is 1 but 2 kept cases need them (Cases rows 2 and 3)" in result.output
    assert not (tmp_path / "conflict-solution.xlsx").exists()


def test_solve_no_solution_in_time_exit_5(tmp_path, monkeypatch):
    import rotasolve.pipeline as allocate_module

    def nothing_in_time(inst, options, progress=None, deadline=None):
        return Solution(scheme=inst.settings.name, status="UNKNOWN")
    monkeypatch.setattr(allocate_module, "solve_model", nothing_in_time)
    result = run("solve", EXAMPLE, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 5 and "No solution found" in result.output


def test_solve_keeps_time_for_its_outputs_by_how_long_reading_took(tmp_path, monkeypatch):
    import rotasolve.pipeline as allocate_module
    from rotasolve.pipeline import search_deadline
    seen = []

    def nothing_in_time(inst, options, progress=None, deadline=None):
        seen.append(deadline)
        return Solution(scheme=inst.settings.name, status="UNKNOWN")
    monkeypatch.setattr(allocate_module, "solve_model", nothing_in_time)
    monkeypatch.setattr(allocate_module, "search_deadline", lambda inst, d: seen.append(d) or search_deadline(inst, d))
    run("solve", EXAMPLE, "-o", tmp_path / "x.xlsx", "--time-limit", 30)
    assert seen[0].reading > 0 and seen[1].seconds <= 30 - 5 * seen[0].reading


def test_internal_error_exit_1_without_traceback(monkeypatch, capsys):
    import rotasolve.cli.common as common
    from rotasolve.core import clock

    # main() marks when its command began; put back after, or every later command this
    # test process runs would count its time limit from when the tests began
    monkeypatch.setattr(clock, "_command_started", clock._command_started)

    def boom(path):
        raise RuntimeError("simulated defect")
    monkeypatch.setattr(common, "read_workbook", boom)
    with pytest.raises(SystemExit) as exit_:
        main(["validate", str(EXAMPLE)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Internal error: RuntimeError: simulated defect" in err and "Traceback" not in err


def test_compliance_matches_workbook_and_has_chart(tmp_path, example_solution):
    inst, sol = example_solution
    js = tmp_path / "sol.json"
    js.write_text(sol.to_json())
    out = tmp_path / "compliance.xlsx"
    result = run("compliance", EXAMPLE, "--solution", js, "-o", out, "--no-color")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["Compliance"]
    assert len(ws._charts) == 1
    printed = {}
    for line in result.output.splitlines()[1:]:
        if not line.strip():
            break
        parts = line.split()
        printed[" ".join(parts[:-7])] = [int(x) for x in parts[-7:]]
    in_book = {}
    for row in ws.iter_rows(min_row=3, min_col=12, max_col=19, values_only=True):
        if row[0] is None:
            break
        in_book[row[0]] = list(row[1:])
    assert printed == in_book and len(in_book) == 4


def test_compliance_before_solving():
    result = run("compliance", EXAMPLE, "--no-color")
    assert result.exit_code == 0, result.output
    assert "tutor PAs (CR224)" in result.output
