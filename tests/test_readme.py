"""The README's "A year with rotasolve" commands run as written, on the bundled example,
in a scratch folder: what the README promises a tutor is what happens."""

from __future__ import annotations

import re
import shlex
import shutil

from click.testing import CliRunner
from conftest import EXAMPLE, ROOT
from icalendar import Calendar

from rotasolve.cli import cli
from rotasolve.excel.reader import read_workbook


def walkthrough() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough:.*?-->\s*```bash\n(.*?)```\s*<!-- /walkthrough -->", text, re.S)
    assert block, "the README has lost its walkthrough block"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.startswith("rotasolve ")]


def test_the_walkthrough_runs_as_written(tmp_path, monkeypatch):
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inputs" / EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    commands = walkthrough()
    assert [c[1] for c in commands] == ["solve", "next", "validate", "solve", "calendars", "next"]
    for command in commands:
        result = CliRunner().invoke(cli, command[1:])
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
    aug = read_workbook(tmp_path / "out" / "aug.xlsx").instance
    assert str(aug.settings.plan_start) == "2027-08-04"
    assert read_workbook(tmp_path / "out" / "feb-2028.xlsx").instance.settings.plan_start.isoformat() == "2028-02-02"
    for folder in ("feb-calendars", "aug-calendars"):
        files = sorted((tmp_path / "out" / folder).rglob("*.ics"))
        assert {f.parent.name for f in files} == {"trainees", "supervisors", "groups"}
        assert all(Calendar.from_ical(f.read_bytes()).walk("VEVENT") for f in files)
