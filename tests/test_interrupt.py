"""Ctrl-C and SIGTERM: the first stops the search early and writes the best allocation
found so far (checked, exit code 6, a note in the manifest); a second aborts without
writing anything and leaves no process behind. Real signals to real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rotasolve.core import stop
from rotasolve.check import check
from rotasolve.cli.interrupt import EXIT_STOPPED
from rotasolve.engine import SolveOptions, solve
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.generate import generate
from rotasolve.planning.arrivals import assumptions
from rotasolve.planning.forecast import forecast
from rotasolve.results.solution import Solution

from conftest import EXAMPLE


# Real signals to real subprocesses, 10-18 s each: the slow tier (pytest -m slow; CI runs it).
pytestmark = pytest.mark.slow

ROTASOLVE = [sys.executable, "-c", "from rotasolve.cli import main; main()"]
SETTLE = 4.0  # seconds after the command starts solving: models built, the search under way
# A sweep job of --time-limit 10 may take 3 x 10 + 10 s of wall time (sweep.run.CLOCK) on a
# busy machine; a minute more for Ray to start its workers.
JOB_DONE_WITHIN = 100.0


@pytest.fixture(autouse=True)
def no_stop_left():
    stop.reset()
    yield
    stop.reset()


@pytest.fixture(scope="module")
def example():
    return read_workbook(EXAMPLE).instance


@pytest.fixture(scope="module")
def schemes(tmp_path_factory):
    """A connected region of 250 trainees (one model, still searching tier 1 after 30 s),
    and a region of 400 in four parts (solved side by side, a process per lane)."""
    folder = tmp_path_factory.mktemp("interrupt")
    out = {}
    for name, inst in (("one", generate(250, 5, 2, connected=True)), ("lanes", generate(400, 4, 1))):
        out[name] = folder / f"{name}.xlsx"
        write_instance(inst, out[name])
    return out


class Running:
    """A rotasolve command in a process of its own, its stderr read as it comes."""

    def __init__(self, args: list[str], cwd: Path):
        self.proc = subprocess.Popen(ROTASOLVE + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.err: list[str] = []
        self.started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.err.append(line)
            if line.startswith(("solving", "sweep:")):
                self.started.set()

    def children(self) -> set[int]:
        """Processes whose parent is this one (from /proc)."""
        out = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    out.add(int(entry.name))
        return out

    def wait_for(self, prefix: str, timeout: float) -> None:
        """Until a line of stderr starts with ``prefix`` (a sweep's first job done: ``[1/``)."""
        ends = time.monotonic() + timeout
        while not any(line.startswith(prefix) for line in list(self.err)):
            assert time.monotonic() < ends and self.proc.poll() is None, "".join(self.err)
            time.sleep(0.1)

    def interrupt(self, *signals: signal.Signals, gap: float = 0.3,
                  after: str | None = None) -> tuple[int, str, str, float]:
        """Send ``signals``, SETTLE seconds after the command started solving, or after a
        line starting with ``after`` (then nothing depends on how fast the machine is)."""
        assert self.started.wait(60), "".join(self.err)
        if after is not None:
            self.wait_for(after, JOB_DONE_WITHIN)
        time.sleep(SETTLE)
        assert self.proc.poll() is None, "".join(self.err)
        sent = time.monotonic()
        for i, s in enumerate(signals):
            if i:
                time.sleep(gap)
            self.proc.send_signal(s)
        out = self.proc.stdout.read()
        self.proc.wait(timeout=60)
        self._reader.join(5)
        return self.proc.returncode, out, "".join(self.err), time.monotonic() - sent


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_stopped_result(workbook: Path, out: Path, js: Path) -> Solution:
    inst = read_workbook(workbook).instance
    sol = Solution.load(js)
    assert out.exists()
    assert sol.status == "FEASIBLE"
    assert check(inst, sol) == []
    assert sol.manifest.stopped_early is True
    assert sol.manifest.deterministic is False
    assert any("stopped early by the user" in n for n in sol.manifest.notes)
    assert all(b is None or b >= v for v, b in zip(sol.objective.tiers, sol.objective.bound))
    return sol


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_sigint_writes_the_best_so_far(schemes, tmp_path):
    out, js = tmp_path / "sol.xlsx", tmp_path / "sol.json"
    run = Running(["solve", str(schemes["one"]), "-o", str(out), "--json", str(js), "--time-limit", "60"], tmp_path)
    code, stdout, stderr, took = run.interrupt(signal.SIGINT)
    assert code == EXIT_STOPPED, stderr
    assert took < 15, took  # stopped within seconds, then checked, explained and written
    assert stdout.startswith("FEASIBLE")
    assert "Stopped early by the user" in stderr
    assert "Traceback" not in stderr and "HiGHS" not in stderr + stdout
    assert_stopped_result(schemes["one"], out, js)
    assert no_temporary_files(tmp_path)


def _solving_in_lanes(schemes, tmp_path):
    """A multi-part region being solved a process per lane, its search under way."""
    out, js = tmp_path / "sol.xlsx", tmp_path / "sol.json"
    run = Running(["solve", str(schemes["lanes"]), "-o", str(out), "--json", str(js), "--time-limit", "60"],
                  tmp_path)
    assert run.started.wait(60)
    time.sleep(SETTLE)
    return out, js, run, run.children()


def test_sigterm_to_the_parent_stops_its_lanes_too(schemes, tmp_path):
    out, js, run, lanes = _solving_in_lanes(schemes, tmp_path)
    assert lanes, "the region was expected to be solved a process per lane"
    code, _stdout, stderr, took = run.interrupt(signal.SIGTERM)
    assert code == EXIT_STOPPED, stderr
    assert took < 15, took
    assert "Stopped early by the user" in stderr
    assert_stopped_result(schemes["lanes"], out, js)
    assert not any(alive(pid) for pid in lanes)


def test_a_second_sigint_aborts_without_writing(schemes, tmp_path):
    out, js, run, lanes = _solving_in_lanes(schemes, tmp_path)
    code, _stdout, stderr, took = run.interrupt(signal.SIGINT, signal.SIGINT, gap=0.2)
    assert code == 128 + signal.SIGINT, stderr
    assert took < 5, took
    assert "Aborted: nothing was written" in stderr
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file
    time.sleep(0.5)
    assert not any(alive(pid) for pid in lanes)


def test_a_sweep_stopped_early_reports_the_jobs_done(schemes, tmp_path):
    scenarios, out, js = tmp_path / "scenarios.xlsx", tmp_path / "sweep.xlsx", tmp_path / "sweep.json"
    subprocess.run(ROTASOLVE + ["template", "--scenarios", str(scenarios)], check=True, capture_output=True)
    run = Running(["sweep", str(scenarios), str(schemes["one"]), "-o", str(out), "--json", str(js),
                   "--workers", "2", "--time-limit", "10"], tmp_path)
    assert run.started.wait(60)
    time.sleep(SETTLE)
    workers = run.children()
    # After a first job is done, so that the next has started (and has an allocation) on a
    # machine of any speed: on one four times slower no job had one SETTLE s into the sweep.
    code, stdout, stderr, took = run.interrupt(signal.SIGINT, after="[1/")
    assert code == EXIT_STOPPED, stderr
    assert took < 15, took
    report = json.loads(js.read_text())
    statuses = [r["status"] for r in report["rows"]]
    done = [r for r in report["rows"] if r["status"] in ("OPTIMAL", "FEASIBLE")]
    assert done and "NOT_RUN" in statuses
    assert set(statuses) <= {"OPTIMAL", "FEASIBLE", "NOT_RUN"}
    assert any("stopped early by the user" in n for r in done for n in r["notes"])
    assert report["manifest"]["stopped_early"] is True
    assert report["manifest"]["not_run"] == statuses.count("NOT_RUN")
    assert f"{len(done)} of {len(statuses)} jobs done" in stderr
    assert out.exists() and no_temporary_files(tmp_path)
    time.sleep(0.5)
    assert workers and not any(alive(pid) for pid in workers)


def test_a_sweep_aborted_writes_nothing(schemes, tmp_path):
    scenarios, out = tmp_path / "scenarios.xlsx", tmp_path / "sweep.xlsx"
    subprocess.run(ROTASOLVE + ["template", "--scenarios", str(scenarios)], check=True, capture_output=True)
    run = Running(["sweep", str(scenarios), str(schemes["one"]), "-o", str(out), "--workers", "2",
                   "--time-limit", "30"], tmp_path)
    assert run.started.wait(60)
    time.sleep(SETTLE)
    workers = run.children()
    code, _stdout, stderr, _took = run.interrupt(signal.SIGINT, signal.SIGINT, gap=0.2)
    assert code == 128 + signal.SIGINT, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.xlsx"]
    time.sleep(0.5)
    assert not any(alive(pid) for pid in workers)


# ----- in one process: the library's side ---------------------------------------------

def stop_at_first(events: list):
    def progress(event) -> None:
        events.append(event)
        stop.request()
    return progress


def test_a_stop_requested_mid_search_gives_a_checked_allocation(example):
    events: list = []
    sol = solve(example, SolveOptions(time_limit=20), progress=stop_at_first(events))
    assert events
    assert sol.status == "FEASIBLE"
    assert sol.manifest.stopped_early and not sol.manifest.deterministic
    assert check(example, sol) == []


def test_a_forecast_stopped_early_keeps_the_rotations_solved(example):
    fc = forecast(example, assumptions(example, 3, 0, None, None), SolveOptions(time_limit=30),
                  progress=stop_at_first([]))
    assert len(fc.rotations) == 1 and fc.rotations[0].status in ("OPTIMAL", "FEASIBLE")  # stopped after it
    assert "stopped early by the user" in fc.stopped


def test_stop_calls_what_is_registered_and_abort_deletes_temporary_files(tmp_path):
    calls: list[str] = []
    half = tmp_path / "half.tmp"
    half.write_text("half")
    with stop.stoppable(lambda: calls.append("stop"), kill=lambda: calls.append("kill")), stop.temporary(half):
        stop.request()
        time.sleep(3 * stop.STOP_EVERY)  # asked again and again, in case a solver was just starting
        assert calls.count("stop") >= 2
        stop.abort()
    assert "kill" in calls and not half.exists()
    sent = []
    once = stop.once(lambda: sent.append(1))
    once(), once()
    assert sent == [1]


def test_a_child_hears_a_stop_on_its_line():
    line = stop.Line()
    code = ("import time; from rotasolve.core import stop; stop.listen_to_parent()\n"
            "for _ in range(100):\n    time.sleep(0.05)\n    if stop.requested(): print('stopped'); break")
    child = subprocess.Popen([sys.executable, "-c", code], **line.child_args(dict(os.environ)),
                             stdout=subprocess.PIPE, text=True)
    line.started()
    line.send()
    out, _ = child.communicate(timeout=30)
    line.close()
    assert out.strip() == "stopped"


def test_no_third_party_banner_on_a_region_that_uses_the_linear_relaxation(tmp_path):
    """A connected region of 320 trainees is searched "guided", which runs HiGHS: its
    banner ("Running HiGHS ... Copyright ...") is written by its C++ code straight to file
    descriptor 1, so only a real process shows whether it reaches the user."""
    region, js = tmp_path / "region.xlsx", tmp_path / "sol.json"
    write_instance(generate(320, 6, 1, connected=True), region)
    done = subprocess.run(ROTASOLVE + ["solve", str(region), "--json", str(js), "--time-limit", "10"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "guided" in Solution.load(js).manifest.strategy
    for banner in ("HiGHS", "Copyright", "OR-Tools", "THIRD_PARTY"):
        assert banner not in done.stdout + done.stderr


# ----- the commands, stopped at their first progress event (as a Ctrl-C would) ---------

@pytest.fixture
def stop_at_first_progress(monkeypatch):
    from rotasolve.core.progress import ProgressPrinter

    shown = ProgressPrinter.__call__

    def call(self, event):
        shown(self, event)
        stop.request()

    monkeypatch.setattr(ProgressPrinter, "__call__", call)


def invoke(*args):
    from click.testing import CliRunner

    from rotasolve.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_solve_stopped_early_exits_6(stop_at_first_progress, tmp_path):
    js = tmp_path / "sol.json"
    result = invoke("solve", EXAMPLE, "-o", tmp_path / "sol.xlsx", "--json", js, "--time-limit", "30")
    assert result.exit_code == EXIT_STOPPED, result.output
    assert "Stopped early by the user: wrote the best allocation found so far" in result.stderr
    assert Solution.load(js).manifest.stopped_early is True
    import openpyxl

    summary = openpyxl.load_workbook(tmp_path / "sol.xlsx")["Summary"]
    assert any("stopped early by the user" in str(c.value) for row in summary.iter_rows() for c in row)


def test_forecast_stopped_early_writes_the_rotations_solved(stop_at_first_progress, tmp_path):
    js = tmp_path / "fc.json"
    result = invoke("forecast", EXAMPLE, "--rotations", "3", "-o", tmp_path / "fc.xlsx", "--json", js,
                    "--time-limit", "60")
    assert result.exit_code == EXIT_STOPPED, result.output
    report = json.loads(js.read_text())
    assert len(report["rotations"]) == 1 and "stopped early by the user" in report["stopped"]
    assert "Stopped early by the user: wrote the 1 rotation(s) solved" in result.stderr


def test_capacity_stopped_early_writes_what_it_found(stop_at_first_progress, tmp_path):
    result = invoke("capacity", EXAMPLE, "-o", tmp_path / "cap.xlsx", "--json", tmp_path / "cap.json",
                    "--time-limit", "30")
    assert result.exit_code == EXIT_STOPPED, result.output
    assert (tmp_path / "cap.xlsx").exists() and (tmp_path / "cap.json").exists()
    assert "Stopped early by the user" in result.stderr
    assert "stopped early by the user" in result.stdout  # the report's status line, as on the Capacity sheet


def test_a_sweep_on_ray_stopped_early_reports_the_jobs_done(schemes, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'rotasolve[ray]')")
    scenarios, js = tmp_path / "scenarios.xlsx", tmp_path / "sweep.json"
    subprocess.run(ROTASOLVE + ["template", "--scenarios", str(scenarios)], check=True, capture_output=True)
    run = Running(["sweep", str(scenarios), str(schemes["one"]), "-o", str(tmp_path / "sweep.xlsx"), "--json",
                   str(js), "--ray", "local", "--workers", "2", "--time-limit", "10"], tmp_path)
    code, _stdout, stderr, took = run.interrupt(signal.SIGINT, after="[1/")
    assert code == EXIT_STOPPED, stderr
    assert took < 20, took
    rows = json.loads(js.read_text())["rows"]
    done = [r for r in rows if r["status"] in ("OPTIMAL", "FEASIBLE")]
    assert done and {r["status"] for r in rows} <= {"OPTIMAL", "FEASIBLE", "NOT_RUN"}
    assert any("stopped early by the user" in n for r in done for n in r["notes"])


def test_a_relaxation_still_running_as_the_process_exits_ends_with_it():
    """HiGHS solving on a thread of its own when the process exits was killed by C++'s
    terminate ("terminate called without an active exception", exit -6): a relaxation no
    search waits for any more is now stopped first."""
    code = ("import random, time\n"
            "from ortools.sat.python import cp_model\n"
            "from rotasolve.model.relaxation import Background\n"
            "rng, m = random.Random(1), cp_model.CpModel()\n"
            "xs = [m.new_int_var(0, 10, f'x{i}') for i in range(20000)]\n"
            "for _ in range(20000):\n"
            "    m.add(sum(rng.randint(1, 9) * xs[i] for i in rng.sample(range(20000), 8)) <= rng.randint(20, 60))\n"
            "m.maximize(sum(rng.randint(1, 5) * x for x in xs))\n"
            "running = Background(m, 120.0)\n"
            "time.sleep(1.0)\n"
            "print('running' if running.wait(0) is None else 'done')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "running"  # still solving at the exit, or the test shows nothing
    assert done.returncode == 0, done.stderr
    assert "terminate" not in done.stderr
