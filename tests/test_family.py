"""The random family's draws (benchmarks/family.py): the family the references were solved
for stays the same scheme by scheme, the holdout draw is apart from it, and the apart
family's generator (benchmarks/apart.py) makes valid, reproducible schemes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys

import pytest
from conftest import ROOT

from rotasolve.baseline import greedy
from rotasolve.check import check

_spec = importlib.util.spec_from_file_location("rotasolve_benchmarks_family", ROOT / "benchmarks" / "family.py")
family = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = family
sys.path.insert(0, str(ROOT / "benchmarks"))  # family.py imports run.py by its bare name, as a script does
try:
    _spec.loader.exec_module(family)
    import apart as apart_module  # the generator written apart from rotasolve's, as family.py imports it
finally:
    sys.path.remove(str(ROOT / "benchmarks"))

# The family as drawn when its references were solved (benchmarks/family_references.json).
MAIN_SHA256 = "7984208b0f8cb0a4e2bbe5c5360d26f838770d4f3c0e91af4c008adf30d841bc"


def _digest(schemes: list[dict]) -> str:
    return hashlib.sha256(json.dumps(schemes, sort_keys=True).encode()).hexdigest()


def test_the_family_is_the_one_its_references_were_solved_for():
    main = family.FAMILIES["main"]
    assert main is family.FAMILY and len(main) == 70 and _digest(main) == MAIN_SHA256
    assert main[0] == dict(name="f01", n=60, trusts=4, seed=1000, connected=False)
    assert main[-1] == dict(name="f70", n=930, trusts=11, seed=1069, connected=False)


def test_the_holdout_draw_is_apart_from_the_family():
    holdout, main = family.FAMILIES["holdout"], family.FAMILIES["main"]
    assert [s["name"] for s in holdout] == [f"h{i:02d}" for i in range(1, 21)]
    assert all(40 <= s["n"] <= 150 and 2 <= s["trusts"] <= 6 for s in holdout)
    assert {s["seed"] for s in holdout}.isdisjoint(s["seed"] for s in main)
    assert {True, False} <= {s["connected"] for s in holdout}


def test_a_report_counts_only_the_schemes_of_its_draw():
    row = {"tiers": [3, 10], "bounds": [3, 10], "status": "OPTIMAL", "tier1_proven_s": 1.0}
    results = {"x": {"30": {"h01": row, "f01": row}}}
    holdout = family._table({}, results, "x", family.FAMILIES["holdout"]).splitlines()[-1]
    assert holdout.startswith("| 30 s | 1 | 1 |")


def test_the_apart_family_holds_each_shape_four_times_and_new_seeds():
    apart, others = family.FAMILIES["apart"], family.FAMILIES["main"] + family.FAMILIES["holdout"]
    assert [s["name"] for s in apart] == [f"a{i:02d}" for i in range(1, 29)]
    assert all(90 <= s["n"] <= 150 and 3 <= s["trusts"] <= 5 for s in apart)
    assert {s["seed"] for s in apart}.isdisjoint(s["seed"] for s in others)
    shapes = [s["shape"] for s in apart]
    assert sorted(set(shapes)) == sorted(apart_module.SHAPES) and all(shapes.count(x) == 4 for x in set(shapes))


@pytest.mark.parametrize("shape", apart_module.SHAPES)
def test_an_apart_scheme_is_the_same_for_the_same_seed_and_its_running_items_are_valid(shape):
    inst = apart_module.build(45, 3, 7, shape)
    assert inst == apart_module.build(45, 3, 7, shape)
    assert inst != apart_module.build(45, 3, 8, shape)
    assert f"--shape {shape}" in inst.settings.notes and "drawn:" in inst.settings.notes
    running = [c for c in inst.cases if c.kept]
    assert running and all(c.session_slot and c.supervision_slot for c in running)
    assert any(t.current_group for t in inst.trainees)
    by_hand = greedy(inst)  # running items first, as given: the witness holds every hard rule
    assert by_hand is not None and check(inst, by_hand) == []
