"""`rotasolve forecast` (planning.md, "The next rotations"): counts that add up, projected
finishes never before their period, nobody after finishing core training, the first
rotation a plain solve when nothing arrives, arrivals as assumed, the same forecast for the
same seed, and the command's outputs and refusals."""

from __future__ import annotations

import json
import math
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from rotasolve.cli import cli
from rotasolve.engine import SolveOptions
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.generate import generate
from rotasolve.pipeline import allocate
from rotasolve.planning.arrivals import assumptions
from rotasolve.planning.forecast import forecast

SCHEMES = {"example": None, "tight-tutors": (30, 2, 1), "scarce-supervisors": (24, 2, 3)}
SECONDS = {"example": 24, "tight-tutors": 8, "scarce-supervisors": 8}  # for all four rotations


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def scheme_of(name):
    if name == "example":
        return read_workbook(EXAMPLE).instance
    n, k, seed = SCHEMES[name]
    return generate(n, k, seed, shape=name)


# The bundled example (four rotations in 24 s, then its five tests) is in the slow tier: the
# same forecast and the same five tests run in the default suite on the tight-tutors and
# scarce-supervisors schemes, and the README's planning test (slow too) forecasts the example.
@pytest.fixture(scope="module", params=[pytest.param("example", marks=pytest.mark.slow),
                                        "tight-tutors", "scarce-supervisors"])
def four(request):
    inst = scheme_of(request.param)
    a = assumptions(inst, 4, seed=0)
    return inst, a, forecast(inst, a, SolveOptions(time_limit=SECONDS[request.param]))


def test_every_rotation_is_solved_and_its_counts_add_up(four):
    _inst, _a, fc = four
    assert [r.rotation for r in fc.rotations] == [1, 2, 3, 4] and fc.stopped is None
    for r, inst, sol in zip(fc.rotations, fc.instances, fc.solutions):
        assert r.status in ("OPTIMAL", "FEASIBLE")
        unmet = sum(n for reasons in r.unmet.values() for n in reasons.values())
        assert sum(r.placed.values()) + unmet == r.needs == len(inst.needs.all())
        assert r.trainees == len(inst.trainees) and r.plan_start == inst.settings.plan_start
        assert r.critical_placed <= r.critical
        statuses = [c.status for c in sol.compliance]
        assert (r.WILL_MISS, r.AT_RISK) == (statuses.count("WILL_MISS"), statuses.count("AT_RISK"))
        for s in r.supply:
            assert s.cases_supervised <= s.supervisor_places


def test_projected_finishes_are_never_before_their_period(four):
    _inst, _a, fc = four
    start = {r.rotation: r.plan_start for r in fc.rotations}
    for t in fc.trainees:
        if t.projected_finish is not None:
            assert t.projected_finish >= start[t.placed_in or t.first_rotation]
            assert t.on_time == (t.projected_finish <= t.due)
        if t.placed_in is not None:
            assert t.first_rotation <= t.placed_in <= t.last_rotation


def test_nobody_appears_after_finishing_core_training(four):
    _inst, _a, fc = four
    for inst in fc.instances:
        for t in inst.trainees:
            assert inst.needs.core_end(t) > inst.settings.plan_start
    start = {r.rotation: r.plan_start for r in fc.rotations}
    for t in fc.trainees:
        assert start[t.last_rotation] < t.core_end


def test_first_will_miss_is_the_first_rotation_saying_so(four):
    _inst, _a, fc = four
    for t in fc.trainees:
        seen = [r for r, sol in enumerate(fc.solutions, start=1)
                for c in sol.compliance
                if c.trainee_id == t.trainee_id and c.requirement == t.requirement and c.status == "WILL_MISS"]
        assert t.first_will_miss == (min(seen) if seen else None)


def test_arrivals_are_as_assumed(four):
    inst, a, fc = four
    ct1 = sum(1 for t in inst.trainees if t.grade == 1)
    assert a.intake == ct1 and a.intake_every == 2  # 26-week rotations: once a year is every second one
    assert [r.arrived for r in fc.rotations] == [0, 0, ct1, 0]
    new = [t for t in fc.instances[2].trainees if t.id.startswith("F3-T")]
    assert len(new) == ct1 and all(t.grade == 1 and t.cbdg_sessions_attended == 0 for t in new)
    assert {t.available_slots for t in new} <= {t.available_slots for t in inst.trainees if t.grade == 1}
    sites = {s: sum(1 for t in inst.trainees if t.base_site == s) for s in {t.base_site for t in inst.trainees}}
    for s, today in sites.items():  # in proportion to today's trainees, to within one
        assert abs(sum(1 for t in new if t.base_site == s) - ct1 * today / len(inst.trainees)) < 1
    assert sum(r.new_cases for r in fc.rotations) == math.floor(a.cases_per_rotation * 3 + 1e-9)
    assert fc.rotations[0].new_cases == 0 and a.cases_per_rotation > 0
    for r, now in zip(fc.rotations[1:], fc.instances[1:]):
        made = [c for c in now.cases if c.id.startswith(f"F{r.rotation}-C")]
        assert len(made) == r.new_cases
        assert all(c.referred < now.settings.plan_start and c.current_trainee is None for c in made)


def test_with_nothing_arriving_the_first_rotation_is_a_plain_solve():
    inst = scheme_of("tight-tutors")
    fc = forecast(inst, assumptions(inst, 4, intake=0, cases_per_rotation=0), SolveOptions(time_limit=8))
    assert all(r.arrived == 0 and r.new_cases == 0 for r in fc.rotations)
    plain = allocate(inst, SolveOptions(time_limit=2))
    first = fc.solutions[0]
    for field in ("status", "groups", "cases", "tutors", "unmet", "compliance", "objective"):
        assert getattr(first, field) == getattr(plain, field), field
    # Rolled forward, nothing new: the trainees of each rotation are those of the one before, less leavers.
    for before, after in zip(fc.instances, fc.instances[1:]):
        assert {t.id for t in after.trainees} <= {t.id for t in before.trainees}


def test_the_command_writes_a_chart_and_the_same_forecast_for_the_same_seed(tmp_path):
    path = tmp_path / "in.xlsx"
    write_instance(scheme_of("scarce-supervisors"), path)
    outputs = []
    for i in (1, 2):
        out, js = tmp_path / f"f{i}.xlsx", tmp_path / f"f{i}.json"
        result = run("forecast", path, "--rotations", 3, "-o", out, "--json", js, "--seed", 5, "--time-limit", 6)
        assert result.exit_code == 0, result.output
        assert "Assumptions:" in result.output and "first at rotation 3" in result.output
        outputs.append((js.read_text(), [line for line in result.output.splitlines() if not line.startswith("wrote")]))
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0][0])
    assert report["format"] == "rotasolve-forecast/1" and len(report["rotations"]) == 3
    assert report["assumptions"] and report["settings"]["seed"] == 5
    assert {"trainee_id", "requirement", "placed_in", "projected_finish", "due", "first_will_miss"} <= \
        set(report["trainees"][0])
    wb = openpyxl.load_workbook(tmp_path / "f1.xlsx")
    assert wb.sheetnames == ["Forecast", "Unmet by reason", "Supervision by modality", "Trainees"]
    with zipfile.ZipFile(tmp_path / "f1.xlsx") as z:  # a native chart, in the file itself
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = z.read(charts[0]).decode()
    assert len(charts) == 1 and "<lineChart>" in xml and xml.count("<ser>") == 2  # WILL_MISS and AT_RISK
    cells = [c for row in wb["Forecast"].iter_rows(values_only=True) for c in row if c is not None]
    assert "WILL_MISS" in cells and "AT_RISK" in cells and any("seed 5" in str(c) for c in cells)


@pytest.mark.parametrize("args,message", [
    (["--rotations", 0], "0 is not in the range"),
    (["--rotations", "two"], "is not a valid integer"),
    ([], "Missing option '--rotations'"),
    (["--rotations", 2, "--bogus"], "No such option"),
    (["--rotations", 2, "--intake", -1], "is not in the range"),
])
def test_bad_options_are_usage_errors(args, message, tmp_path):
    path = tmp_path / "in.xlsx"
    write_instance(scheme_of("scarce-supervisors"), path)
    result = run("forecast", path, *args)
    assert result.exit_code == 2 and message in result.output


def test_a_bad_workbook_is_refused_whole(tmp_path):
    path = tmp_path / "in.xlsx"
    write_instance(scheme_of("scarce-supervisors"), path)
    wb = openpyxl.load_workbook(path)
    wb["Trainees"]["C2"] = "CT9"
    wb.save(path)
    result = run("forecast", path, "--rotations", 2, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 3 and "Trainees, row 2, column 'grade'" in result.output
    assert not (tmp_path / "out.xlsx").exists()
