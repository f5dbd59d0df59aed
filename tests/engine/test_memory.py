"""rotasolve/engine/memory.py: the memory guard's arithmetic. The variables a model will
have are counted from the candidate lists alone, before anything is built, and close to
what the built model has; a part whose estimate passes the budget is not built as one
model (engine/part.py's plan changes strategy and says so)."""

from __future__ import annotations

import pytest

from rotasolve.domain.choices import eligible
from rotasolve.engine import memory
from rotasolve.engine.part import plan
from rotasolve.core.tuning import BASE_BYTES, BYTES_PER_VARIABLE, ONE_MODEL_UP_TO
from rotasolve.synthetic.generate import generate
from rotasolve.model.build import build

SCHEMES = [(40, 3, 1, False), (60, 3, 4, True), (120, 4, 2, True)]


@pytest.mark.parametrize("n, trusts, seed, connected", SCHEMES)
def test_the_variables_are_counted_before_the_model_is_built(n, trusts, seed, connected):
    inst = generate(n, trusts, seed, connected=connected)
    candidates = eligible(inst)
    counted = memory.variables(inst, candidates)
    built = len(build(inst, candidates).model.Proto().variables)
    # close, and if anything generous: a guard that undercounts lets a model pass the budget
    assert 0.95 * built <= counted <= 1.10 * built, (counted, built)


def test_the_estimate_is_a_fixed_base_and_a_cost_per_variable():
    inst = generate(40, 3, 1)
    candidates = eligible(inst)
    assert memory.estimate(inst, candidates) == (BASE_BYTES
                                                 + BYTES_PER_VARIABLE * memory.variables(inst, candidates))
    assert memory.default_budget() == memory.machine_memory() // 4 > 0
    assert memory.gib(3 * 1024 ** 3 // 2) == "1.5 GiB"


def test_a_part_over_the_budget_is_not_built_as_one_model():
    inst = generate(60, 3, 4, connected=True)
    need = memory.estimate(inst, eligible(inst))
    assert memory.variables(inst, eligible(inst)) <= ONE_MODEL_UP_TO
    assert plan(inst, need).strategy == "one model"
    tight = plan(inst, need - 1)
    assert tight.strategy != "one model"
    assert tight.note  # and the tutor is told why
    tiny = plan(inst, BASE_BYTES + 10 * BYTES_PER_VARIABLE)
    assert tiny.strategy == "greedy" and "memory budget of" in tiny.note
