"""The engines of a sweep: the local pool and a local Ray give the same report; a job
that fails is a row, and never stops the others."""

from __future__ import annotations

import json
import sys

import openpyxl
import pytest
from conftest import case, python_with_hash_seed, scheme, supervisor, trainee

from rotasolve.workbook.template import write_instance
from rotasolve.results.solution import Solution
from rotasolve.sweep import LocalPool, RayEngine, Scenario, WorkbookData, jobs, run_job, sweep
from rotasolve.sweep.run import solve_options

SCENARIOS = [Scenario(name="one more place", supervisor_places=1),
             Scenario(name="two CBT supervisors", new_supervisors=(("CBT", 2),))]
LIMIT = 5


def data(paths) -> list[WorkbookData]:
    return [WorkbookData(str(p), p.read_bytes()) for p in paths]


@pytest.fixture(scope="module")
def pool():
    """A local pool of 2 for the sweeps of sound workers below: each worker is a fresh
    interpreter importing the solver (over a second of a slow day), so they are started
    once for them all, as a pool is for the jobs of one sweep."""
    with LocalPool(2) as pool:
        yield pool


@pytest.fixture(scope="module")
def pool_report(pool, sweep_workbooks):
    return sweep(SCENARIOS, data(sweep_workbooks), pool, time_limit=LIMIT, seed=3)


def test_pool_solves_every_scenario_on_every_workbook(pool_report, sweep_workbooks):
    rows = pool_report.rows
    assert [(r.scenario, r.workbook) for r in rows] == [
        (s, str(p)) for s in ("baseline", "one more place", "two CBT supervisors") for p in sweep_workbooks]
    assert all(r.solved and r.deterministic for r in rows), [r.reason for r in rows]
    base, more = pool_report.scenarios[0], pool_report.scenarios[1]
    assert base.scenario == "baseline" and base.overrides == {} and set(base.change.values()) == {0}
    assert more.compared_on == 2 and more.change["critical_placed"] == more.critical_placed - base.critical_placed
    assert more.critical_placed >= base.critical_placed  # more places never place fewer critical requirements
    assert all(r.notes and r.notes[0].startswith("CBT: ") for r in rows[4:])


@pytest.mark.slow  # over 10 s end to end: the slow tier (pytest -m slow)
def test_local_ray_gives_what_the_pool_gives(pool_report, sweep_workbooks):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'rotasolve[ray]'); the Ray engine is untested")
    with RayEngine("local", 2) as engine:
        assert "a local Ray instance (2 CPUs)" == engine.describe()
        report = sweep(SCENARIOS, data(sweep_workbooks), engine, time_limit=LIMIT, seed=3)
    assert report.rows == pool_report.rows
    assert report.scenarios == pool_report.scenarios
    assert report.manifest.engine != pool_report.manifest.engine
    assert {k: v for k, v in report.manifest.model_dump().items() if k != "engine"} == \
        {k: v for k, v in pool_report.manifest.model_dump().items() if k != "engine"}


def conflicting_workbook(path):
    """Two running cases on a supervisor who takes one: a kept-item conflict (H10)."""
    inst = scheme(trainees=[trainee("T1", current_cases=("C1",)), trainee("T2", current_cases=("C2",))],
                  cases=[case("C1", current_trainee="T1", current_supervisor="S2"),
                         case("C2", current_trainee="T2", current_supervisor="S2")],
                  supervisors=[supervisor("S2", max_trainees=1)])
    write_instance(inst, path)
    return path


def test_failing_jobs_are_rows_and_the_others_complete(tmp_path, sweep_workbooks, pool, pool_report):
    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("not a workbook")
    no_trainees = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Scheme"
    wb.save(no_trainees)
    paths = [not_xlsx, sweep_workbooks[0], no_trainees, conflicting_workbook(tmp_path / "conflict.xlsx")]
    report = sweep(SCENARIOS, data(paths), pool, time_limit=LIMIT, seed=3)
    by = {(r.scenario, r.workbook): r for r in report.rows}
    good = [r for r in report.rows if r.workbook == str(sweep_workbooks[0])]
    assert good == [r for r in pool_report.rows if r.workbook == str(sweep_workbooks[0])]
    broken = by[("baseline", str(not_xlsx))]
    assert broken.status == "FAILED" and "notes.xlsx: this is not an .xlsx workbook" in broken.reason
    assert by[("one more place", str(no_trainees))].reason.startswith(
        "7 problem(s) in the workbook: Cases: the required sheet 'Cases' is missing")
    conflict = by[("baseline", str(paths[3]))]
    assert conflict.status == "INFEASIBLE"
    assert conflict.reason.startswith("the running (kept) items conflict: Supervisors row 2 (S2): max_trainees is 1")
    assert by[("one more place", str(paths[3]))].solved  # one more place for S2 resolves it
    assert by[("two CBT supervisors", str(not_xlsx))].reason.startswith(
        "new supervisors go where the baseline left demand unmet")
    assert report.manifest.failed == 8  # 3 scenarios on each broken workbook; 2 on the conflicting one
    assert report.scenarios[1].solved == 2 and report.scenarios[1].compared_on == 1


def test_an_exception_in_a_job_is_its_row(monkeypatch, sweep_workbooks):
    def boom(*args, **kwargs):
        raise RuntimeError("simulated defect")
    monkeypatch.setattr(jobs, "allocate", boom)
    job = jobs.Job(0, 0, Scenario(name="baseline"), data(sweep_workbooks)[0], solve_options(LIMIT, 0), LIMIT)
    row = run_job(job).row
    assert row.status == "FAILED" and row.reason == "internal error: RuntimeError: simulated defect"


def test_a_worker_that_dies_fails_its_jobs_only(monkeypatch, sweep_workbooks):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with LocalPool(2) as pool:
        report = sweep([], data(sweep_workbooks), pool, time_limit=LIMIT)
    assert [r.status for r in report.rows] == ["FAILED", "FAILED"]
    assert all("its worker process ended (exit code 1" in r.reason for r in report.rows)


def test_a_job_past_its_hard_limit_is_stopped(sweep_workbooks):
    with LocalPool(1, hard_limit=lambda job: 0.01) as pool:
        report = sweep([], data(sweep_workbooks[:1]), pool, time_limit=LIMIT)
    assert report.rows[0].reason == "the job did not finish within 0.01 s, so its process was stopped"


@pytest.mark.slow  # three fresh interpreters (the script's and its pool's two), 4-6 s of a slow day
def test_the_pool_from_a_script_without_a_main_guard(tmp_path, sweep_workbooks, pool_report):
    """multiprocessing's spawn would re-run this script in every worker; the pool's workers
    are started as their own module, so a plain script works, under any hash salt."""
    script = tmp_path / "plain_sweep.py"
    script.write_text(
        "from pathlib import Path\n"
        "from rotasolve.sweep import LocalPool, Scenario, WorkbookData, sweep\n"
        f"paths = [Path(p) for p in {[str(p) for p in sweep_workbooks]!r}]\n"
        "books = [WorkbookData(str(p), p.read_bytes()) for p in paths]\n"
        "scenarios = [Scenario(name='one more place', supervisor_places=1),\n"
        "             Scenario(name='two CBT supervisors', new_supervisors=(('CBT', 2),))]\n"
        "with LocalPool(2) as pool:\n"
        f"    print(sweep(scenarios, books, pool, time_limit={LIMIT}, seed=3).to_json())\n")
    out = python_with_hash_seed([str(script)], 7)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows"] == json.loads(pool_report.to_json())["rows"]


def test_no_solution_in_time_is_its_row(monkeypatch, sweep_workbooks):
    monkeypatch.setattr(jobs, "allocate", lambda inst, options, deadline: Solution(scheme="x", status="UNKNOWN"))
    job = jobs.Job(0, 0, Scenario(name="baseline"), data(sweep_workbooks)[0], solve_options(LIMIT, 0), LIMIT)
    result = run_job(job)
    assert result.row.status == "UNKNOWN" and result.facts is None
    assert result.row.reason == "no solution within the search of --time-limit 5; give the sweep a longer --time-limit"


def test_a_job_searches_as_solve_does_under_a_looser_clock():
    """A job does the deterministic search work a solve of its limit gives a scheme."""
    options = solve_options(10, 4)
    assert (options.search_budget(), options.time_limit, options.workers, options.seed) == (7.5, 40, 1, 4)
    assert options.reproducible and options.memory is not None
