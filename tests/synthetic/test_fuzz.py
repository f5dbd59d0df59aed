"""A quick sample of the workbook fuzzer (the long run is `python -m rotasolve.synthetic.fuzz 10000`)."""

from __future__ import annotations

import pytest

from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.fuzz import fuzz_case
from rotasolve.synthetic.generate import generate


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "base.xlsx"
    write_instance(generate(12, 2, seed=3), path)
    return path


# 15 mutated workbooks in the default run, 45 more in the slow tier (pytest -m slow).
@pytest.mark.parametrize("seed", [*range(15), *(pytest.param(s, marks=pytest.mark.slow) for s in range(15, 60))])
def test_mutated_workbook_is_refused_cleanly_or_solved(base, tmp_path, seed):
    assert fuzz_case(base, seed, tmp_path) in ("refused", "solved", "conflict", "no solution in time")
