"""Small schemes built in code, so each test states exactly what it is about."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rotasolve.domain import (
    Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, TravelTime, Tutor,
)
from rotasolve.workbook.template import write_instance

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "north_thames.xlsx"
PLAN_START = date(2027, 2, 3)


def pytest_collection_finish(session) -> None:
    """What is alive once the tests are collected (the solver's, pydantic's and openpyxl's
    modules, every test function and its parameters) lives to the end of the run: frozen,
    the garbage collector no longer walks it at each full collection (about 6 s of the
    default run went to walking it again and again). Garbage made later is collected as
    before."""
    import gc

    gc.collect()
    gc.freeze()


def trainee(id="T1", **kw) -> Trainee:
    base = dict(id=id, grade=2, base_site="A", available_slots=("MON-AM", "TUE-AM", "WED-AM", "THU-AM"),
                cbdg_sessions_attended=30, source_row=2)
    base.update(kw)
    return Trainee(**base)


def case(id="C1", **kw) -> Case:
    base = dict(id=id, site="A", modality="CBT", length="short", sessions=16,
                available_slots=("MON-AM", "TUE-AM", "WED-AM", "THU-AM"), source_row=2)
    base.update(kw)
    return Case(**base)


def supervisor(id="S1", **kw) -> Supervisor:
    base = dict(id=id, site="A", modalities=("CBT",), available_slots=("MON-AM", "TUE-AM", "WED-AM", "THU-AM"),
                max_trainees=3, source_row=2)
    base.update(kw)
    return Supervisor(**base)


def group(id="G1", **kw) -> Group:
    base = dict(id=id, site="A", slot="MON-AM", min_size=1, max_size=10, source_row=2)
    base.update(kw)
    return Group(**base)


def tutor(id="U1", **kw) -> Tutor:
    base = dict(id=id, trusts=("Trust A", "Trust B"), core_pas=4, source_row=2)
    base.update(kw)
    return Tutor(**base)


def scheme(trainees=(), cases=(), supervisors=(), groups=(), tutors=None, profile=None,
           travel=(), **settings) -> Instance:
    """Sites A and A2 (Trust A, 30 min apart) and B (Trust B, 90 min from both)."""
    st = dict(name="Test scheme", plan_start=PLAN_START)
    st.update(settings)
    return Instance(
        settings=Settings(**st), profile=profile or Profile(),
        sites=(Site(id="A", trust="Trust A"), Site(id="A2", trust="Trust A"), Site(id="B", trust="Trust B")),
        travel_times=(TravelTime(from_site="A", to_site="B", minutes=90),
                      TravelTime(from_site="A2", to_site="B", minutes=90)) + tuple(travel),
        trainees=tuple(trainees), cases=tuple(cases), supervisors=tuple(supervisors), groups=tuple(groups),
        tutors=tuple(tutors) if tutors is not None else (tutor(),),
    )


def python_with_hash_seed(args: list[str], hash_seed: int):
    """A fresh interpreter with its own string-hash salt: what two separate runs of
    rotasolve see, and a same-process test cannot."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=300)


def solve(inst: Instance, time_limit: float = 5.0):
    from rotasolve.pipeline import allocate
    from rotasolve.engine import SolveOptions

    return allocate(inst, SolveOptions(time_limit=time_limit, workers=1, seed=0))


@pytest.fixture(scope="session")
def example_solved(tmp_path_factory):
    """`rotasolve solve` on the bundled example as the README runs it (through click's
    CliRunner): its result, workbook and JSON. Run once for every test that reads them
    (tests/test_cli.py checks the run itself)."""
    from click.testing import CliRunner

    from rotasolve.cli import cli

    folder = tmp_path_factory.mktemp("example")
    out, js = folder / "sol.xlsx", folder / "sol.json"
    result = CliRunner().invoke(cli, ["solve", str(EXAMPLE), "-o", str(out), "--json", str(js), "--time-limit", "60"])
    return result, out, js


@pytest.fixture(scope="session")
def example_solution(example_solved):
    """The bundled example and its solution: the one `rotasolve solve` above wrote, so the
    example is solved once for every test that reads it."""
    from rotasolve.results.solution import Solution
    from rotasolve.workbook.reader import read_workbook

    result, _out, js = example_solved
    assert result.exit_code == 0, result.output
    return read_workbook(EXAMPLE).instance, Solution.load(js)


def bare(inst: Instance):
    """A model holding only the variables of ``inst`` (no rule yet): a rule module is
    then built on it alone, as in the CP-SAT Primer's test-driven example."""
    from ortools.sat.python import cp_model

    from rotasolve.model.variables import build_variables

    model = cp_model.CpModel()
    return model, build_variables(inst, model)


def feasible(model) -> bool:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    return solver.Solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def fix(model, *pairs) -> None:
    """Fix each (variable, value) pair."""
    for var, value in pairs:
        model.Add(var == value)


@pytest.fixture(scope="session")
def sweep_workbooks(tmp_path_factory):
    """Two small generated schemes (24 and 36 trainees) as workbooks, for the sweep tests."""
    from rotasolve.workbook.template import write_instance
    from rotasolve.synthetic.generate import generate

    folder = tmp_path_factory.mktemp("sweep")
    paths = []
    for n, seed in ((24, 1), (36, 2)):
        path = folder / f"scheme{n}.xlsx"
        write_instance(generate(n, 2, seed), path)
        paths.append(path)
    return paths


def kept_conflict_workbook(tmp_path: Path) -> Path:
    """Two running cases with one supervisor of one place: running items that conflict."""
    inst = scheme(
        trainees=[trainee("T1", current_cases=("C1",)), trainee("T2", current_cases=("C2",))],
        cases=[case("C1", current_trainee="T1", current_supervisor="S2"),
               case("C2", current_trainee="T2", current_supervisor="S2")],
        supervisors=[supervisor("S2", max_trainees=1)])
    path = tmp_path / "conflict.xlsx"
    write_instance(inst, path)
    return path
