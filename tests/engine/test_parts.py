"""Independent parts: how a region splits, and parts solved side by side in separate
processes give what solving them in turn gives."""

from __future__ import annotations

import sys

import pytest
from conftest import case, python_with_hash_seed, scheme, supervisor, trainee, tutor

from rotasolve.check import check
from rotasolve.domain.parts import split
from rotasolve.engine import SolveOptions, solve
from rotasolve.core import tuning
from rotasolve.engine.lanes import lane_share, lanes


def region(shared_supervisor: bool = False):
    """Trust A (site A) and Trust B (site B, 90 minutes away): each its own trainees,
    cases, supervisor and tutor, so nothing joins them unless a supervisor serves both."""
    trainees = [trainee(f"TA{i}", base_site="A") for i in range(3)] + \
               [trainee(f"TB{i}", base_site="B") for i in range(3)]
    cases = [case(f"CA{i}", site="A") for i in range(3)] + [case(f"CB{i}", site="B", modality="CAT")
                                                              for i in range(2)]
    supervisors = [supervisor("SA", site="A", max_trainees=2), supervisor("SB", site="B", modalities=("CAT",))]
    if shared_supervisor:
        supervisors.append(supervisor("SR", site="A", modalities=("CBT", "CAT"), remote=True))
    return scheme(trainees=trainees, cases=cases, supervisors=supervisors,
                  tutors=[tutor("UA", trusts=("Trust A",)), tutor("UB", trusts=("Trust B",))])


def test_trusts_that_share_nothing_are_separate_parts():
    parts = split(region())
    assert [[t.id for t in p.trainees] for p in parts] == [["TA0", "TA1", "TA2"], ["TB0", "TB1", "TB2"]]
    assert [[s.id for s in p.supervisors] for p in parts] == [["SA"], ["SB"]]
    assert [[u.id for u in p.tutors] for p in parts] == [["UA"], ["UB"]]


def test_a_supervisor_both_trusts_can_use_joins_them():
    assert len(split(region(shared_supervisor=True))) == 1


def test_each_lane_searches_as_long_as_the_region_would_at_most():
    # two balanced lanes run at once: each has the whole budget, not half of it
    assert lane_share([100, 100], [[0], [1]], [0]) == 1.0
    # an unbalanced deal: the busy lane the whole budget (not 2 x 0.8 of it), the other
    # two lanes' worth of its share by trainees (2 x 0.2)
    dealt = lanes([400, 50, 50], 2)
    assert [lane_share([400, 50, 50], dealt, lane) for lane in dealt] == [1.0, 0.4]


def test_lanes_deal_the_largest_part_first_to_the_lightest_lane():
    assert lanes([100, 30, 90, 40, 20], 2) == [[0, 1, 4], [2, 3]]  # 150 and 130 trainees
    assert lanes([5, 5], 3) == [[0], [1]]  # no empty lane, so no idle process


@pytest.fixture
def side_by_side(monkeypatch):
    monkeypatch.setattr(tuning, "SIDE_BY_SIDE_FROM", 0)


def test_side_by_side_gives_what_in_turn_gives(side_by_side):
    inst = region()
    in_turn = solve(inst, SolveOptions(time_limit=5, workers=1, seed=2))
    apart = solve(inst, SolveOptions(time_limit=5, workers=2, seed=2))
    assert apart.manifest.model.parts == 2
    assert in_turn.status == apart.status == "OPTIMAL"
    assert apart.objective.tiers == in_turn.objective.tiers
    assert check(inst, apart) == []
    # 3 trainees in A share 2 places with SA; the 3 in B share SB's 2 CAT cases.
    assert len(apart.cases) == 4


@pytest.mark.slow  # 6-9 s of a slow day: the default run had passed 3 minutes
def test_side_by_side_from_a_script_without_a_main_guard(tmp_path, side_by_side):
    """multiprocessing's spawn would re-run this script in every child and fail; the
    part worker is started as its own module, so a plain script works, and gives the same
    bytes under any hash salt."""
    inst = region()
    (tmp_path / "region.json").write_text(inst.model_dump_json())
    script = tmp_path / "plain_script.py"
    script.write_text(
        "from pathlib import Path\n"
        "from rotasolve.domain import Instance\n"
        "from rotasolve.core import tuning\n"
        "from rotasolve.engine import SolveOptions, solve\n"
        "tuning.SIDE_BY_SIDE_FROM = 0\n"
        f"inst = Instance.model_validate_json(Path({str(tmp_path / 'region.json')!r}).read_text())\n"
        "print(solve(inst, SolveOptions(time_limit=5, workers=2, seed=2)).to_json())\n")
    outs = [python_with_hash_seed([str(script)], h) for h in (1, 2)]
    for out in outs:
        assert out.returncode == 0, out.stderr
    assert outs[0].stdout == outs[1].stdout
    assert outs[0].stdout.strip() == solve(inst, SolveOptions(time_limit=5, workers=2, seed=2)).to_json().strip()


def test_a_part_process_that_fails_is_an_error_not_a_wrong_answer(side_by_side, monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match=r"solving parts [12] of 2 failed in their process"):
        solve(region(), SolveOptions(time_limit=5, workers=2, seed=2))
