"""The README's "A year with rotasolve" commands run as written, on the bundled example,
in a scratch folder: what the README promises a tutor is what happens."""

from __future__ import annotations

import pytest

import re
import shlex
import shutil

import openpyxl
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT
from icalendar import Calendar

from rotasolve.cli import cli
from rotasolve.workbook.reader import read_workbook
from rotasolve.results.solution import Solution


def walkthrough(name: str = "walkthrough") -> tuple[list[list[str]], list[str]]:
    """The README block's commands, and its comment lines (what a tutor does by hand)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- {name}:.*?-->\s*```bash\n(.*?)```\s*<!-- /{name} -->", text, re.S)
    assert block, f"the README has lost its {name} block"
    lines = block.group(1).splitlines()
    return ([shlex.split(line) for line in lines if line.startswith("rotasolve ")],
            [line for line in lines if line.startswith("#")])


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """The walkthrough's commands, run once as written in a scratch folder holding the
    bundled example: the folder, the commands and what each returned. The re-plan below
    starts from its February solve, as the README's does."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "inputs").mkdir()
    shutil.copy(EXAMPLE, folder / "inputs" / EXAMPLE.name)
    commands, _notes = walkthrough()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        results = [CliRunner().invoke(cli, command[1:]) for command in commands]
    return folder, commands, results


# Slow tier, with the planning below: two solves of the example and four more commands
# (10-12 s a test before they shared the walkthrough). The fast coverage of each command,
# in the default run: solve (test_cli::test_solve_example_writes_checked_outputs, the
# same command on the same workbook), next (test_next_cli.py), validate (test_cli.py,
# tests/analysis/test_diagnostics.py), calendars and solve --calendars (tests/lifecycle/test_calendars.py).
@pytest.mark.slow
def test_the_walkthrough_runs_as_written(walked):
    folder, commands, results = walked
    assert [c[1] for c in commands] == ["solve", "next", "validate", "solve", "calendars", "next"]
    for command, result in zip(commands, results):
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
    aug = read_workbook(folder / "out" / "aug.xlsx").instance
    assert str(aug.settings.plan_start) == "2027-08-04"
    assert read_workbook(folder / "out" / "feb-2028.xlsx").instance.settings.plan_start.isoformat() == "2028-02-02"
    for name in ("feb-calendars", "aug-calendars"):
        files = sorted((folder / "out" / name).rglob("*.ics"))
        assert {f.parent.name for f in files} == {"trainees", "supervisors", "groups"}
        assert all(Calendar.from_ical(f.read_bytes()).walk("VEVENT") for f in files)


# Slow tier: fast coverage of `solve --previous` after a deleted case row is
# test_replan::test_cli_replan_after_a_case_row_is_deleted (and test_replan.py's re-plans).
@pytest.mark.slow
def test_the_replan_runs_as_written(walked, monkeypatch):
    """The tutor's edit (a case's row deleted in Excel) made with openpyxl, then the
    README's re-plan command: only that case changes. It starts from the walkthrough's
    February solve (its first command), which is what the README's re-plan edits."""
    folder, commands, results = walked
    assert commands[0][1] == "solve" and results[0].exit_code == 0, results[0].output  # February's solve
    monkeypatch.chdir(folder)
    commands, notes = walkthrough("replan")
    edit = re.search(r"delete the Cases row of (\S+) .*save as (\S+)", notes[0])
    case_id, edited = edit.group(1), edit.group(2)
    wb = openpyxl.load_workbook("inputs/north_thames.xlsx")
    ws = wb["Cases"]
    ws.delete_rows(next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == case_id))
    wb.save(edited)
    for command in commands:
        result = CliRunner().invoke(cli, command[1:])
        assert result.exit_code == 0, (command, result.output)
    replan = Solution.load("out/feb-replan.json")
    assert [(c.kind, c.item_id, c.why) for c in replan.changes] == [("case", case_id, "no longer in the workbook")]


@pytest.mark.slow  # over 10 s end to end: the slow tier (pytest -m slow)
def test_the_planning_runs_as_written(tmp_path, monkeypatch):
    """The README's planning commands, and the lines of their output it quotes."""
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inputs" / EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    commands, _notes = walkthrough("planning")
    assert [c[1] for c in commands] == ["capacity", "forecast", "capacity"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### What to recruit"):text.index("## The workbook")]
    quoted = [block.splitlines() for block in re.findall(r"```text\n(.*?)```", section, re.S)]
    assert len(quoted) == 3
    for command, lines in zip(commands, quoted):
        result = CliRunner().invoke(cli, command[1:])
        assert result.exit_code == 0, (command, result.output)
        shown = result.output.splitlines()
        for line in lines:
            line = line.split(" — capacity: ...")[0]  # the README shortens one long detail
            assert any(out.startswith(line) for out in shown), (line, result.output)
    applied = read_workbook(tmp_path / "out" / "north_thames-recruited.xlsx").instance
    assert applied == read_workbook(tmp_path / "inputs" / EXAMPLE.name).instance  # nothing to add
    assert sorted(p.name for p in (tmp_path / "out" / "forecast").iterdir()) == [
        f"rotation-{r}.xlsx" for r in (1, 2, 3, 4)]
