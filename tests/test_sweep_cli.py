"""`rotasolve sweep` through click's CliRunner: the report workbook (with its chart), the
JSON, totals on stdout, outputs that would replace something, and Ray missing."""

from __future__ import annotations

import io
import json
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from rotasolve.cli import cli
from rotasolve.cli.sweep import JobsProgress
from rotasolve.sweep import Done, JobResult, SweepRow


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep-cli") / "scenarios.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Scenarios"
    ws.append(["scenario", "cbdg_sessions", "tutor_pas"])
    ws.append(["25 group sessions", 25, None])
    ws.append(["one more tutor PA", None, 1])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def swept(scenarios, sweep_workbooks):
    out, js = scenarios.with_name("report.xlsx"), scenarios.with_name("report.json")
    result = run("sweep", scenarios, *sweep_workbooks, "-o", out, "--json", js, "--workers", 2,
                 "--time-limit", 5, "--seed", 1)
    return result, out, js


def test_sweep_writes_the_report_the_json_and_totals(swept, sweep_workbooks):
    result, out, js = swept
    assert result.exit_code == 0, result.output
    assert "sweep: 3 scenario(s) × 2 workbook(s) on local pool of 2 processes, 5 s a job, seed 1" in result.output
    assert "6 jobs in" in result.output and "0 without a solution" in result.output
    assert "[6/6] " in result.output  # progress: a line a job, as stderr is no terminal here
    report = json.loads(js.read_text())
    assert report["format"] == "rotasolve-sweep/1"
    assert [t["scenario"] for t in report["scenarios"]] == ["baseline", "25 group sessions", "one more tutor PA"]
    assert report["scenarios"][1]["overrides"] == {"cbdg_sessions": "25"}
    assert len(report["rows"]) == 6 and {r["status"] for r in report["rows"]} <= {"OPTIMAL", "FEASIBLE"}
    assert report["workbooks"][0]["workbook"] == str(sweep_workbooks[0])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Results", "Scenarios", "Workbooks"]
    summary = wb["Summary"]
    assert len(summary._charts) == 1  # a native chart, WILL_MISS and AT_RISK per scenario
    totals = list(summary.iter_rows(min_row=5, max_row=7, values_only=True))
    for row, t in zip(totals, report["scenarios"]):
        assert (row[0], row[5], row[9], row[11]) == (t["scenario"], t["critical_placed"], t["will_miss"], t["at_risk"])
    assert totals[1][6] == report["scenarios"][1]["change"]["critical_placed"]
    line = next(x for x in result.output.splitlines() if x.strip().startswith("25 group sessions"))
    assert f"({report['scenarios'][1]['change']['will_miss']:+d})" in line
    results = list(wb["Results"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3]) for r in results] == [(r["scenario"], r["workbook"], r["status"])
                                                      for r in report["rows"]]


def test_sweep_never_replaces_an_output_without_force_nor_an_input(swept, scenarios, sweep_workbooks):
    _, out, _ = swept
    again = run("sweep", scenarios, sweep_workbooks[0], "-o", out)
    assert again.exit_code == 2 and "--force" in again.output
    onto_input = run("sweep", scenarios, sweep_workbooks[0], "-o", sweep_workbooks[0], "--force")
    assert onto_input.exit_code == 2 and "is one of the inputs" in onto_input.output
    twice = run("sweep", scenarios, sweep_workbooks[0], sweep_workbooks[0], "-o", out, "--force")
    assert twice.exit_code == 2 and "given twice" in twice.output
    missing = run("sweep", scenarios, out.with_name("nowhere.xlsx"))
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_sweep_without_ray_installed_is_a_usage_error(monkeypatch, scenarios, sweep_workbooks, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    result = run("sweep", scenarios, sweep_workbooks[0], "--ray", "local", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert "Ray is not installed; install it with: pip install 'rotasolve[ray]'" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_sweep_help_names_every_option():
    result = run("sweep", "--help")
    assert result.exit_code == 0
    for option in ("--output", "--json", "--workers", "--ray", "--time-limit", "--seed", "--force", "--quiet"):
        assert option in result.output


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_a_line_a_job_elsewhere(monkeypatch):
    ok = JobResult(0, 0, SweepRow(scenario="a", workbook="w.xlsx", status="OPTIMAL"), wall_seconds=1.25)
    bad = JobResult(1, 0, SweepRow(scenario="b", workbook="w.xlsx", status="FAILED", reason="broken"))
    for live in (True, False):
        stream = Terminal() if live else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        bar = JobsProgress(quiet=False, total=2)
        bar.update(Done(ok, 1, 2))
        bar.update(Done(bad, 2, 2))
        bar.close()
        text = stream.getvalue()
        assert "[2/2] b · w.xlsx: FAILED — broken" in text
        if live:  # the bar, and only failures as lines of their own
            assert "2/2" in text and "job" in text and "[1/2]" not in text
        else:
            assert text.splitlines() == ["[1/2] a · w.xlsx: OPTIMAL (1.2 s)", "[2/2] b · w.xlsx: FAILED — broken"]
