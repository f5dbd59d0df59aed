"""A relaxation's bound from PDLP in a process of its own (model/first_order.py): never
below the relaxation's optimum (weak duality from whatever prices it ends with), near it
once converged, none when its time runs out, and none once a stop is requested."""

from __future__ import annotations

import time

import pytest

from rotasolve.core import stop
from rotasolve.domain.choices import eligible
from rotasolve.model.build import build
from rotasolve.model.first_order import FirstOrderBound, least_after
from rotasolve.model.relaxation import linear_program, relax
from rotasolve.model.search import Budget, search
from rotasolve.synthetic.generate import generate

from .test_relaxation import two_halves  # maximise x + y + z, 2x + 2y <= 3, z <= 0: optimum 1.5


@pytest.fixture(scope="module")
def converged():
    """2,000 iterations on ``two_halves``, no point asked for: run once (a process of its
    own, over a second of a slow day's imports) for the two tests that read it."""
    return FirstOrderBound(two_halves, iterations=2000, seconds=60).wait(None)


def test_a_converged_bound_is_the_relaxations(converged):
    relaxed = converged
    assert relaxed is not None and relaxed.value == pytest.approx(1.5, abs=1e-4)
    assert relaxed.bound() == 1  # the objective is integral


def test_a_point_comes_only_when_asked_for(converged):
    """With ``point``, PDLP's solution too (converged: the optimum's objective, within the
    bounds); without, none (nobody reads it, and it would go over the pipe)."""
    relaxed = FirstOrderBound(two_halves, iterations=2000, seconds=60, point=True).wait(None)
    assert relaxed is not None and relaxed.solution is not None and len(relaxed.solution) == 3
    x, y, z = relaxed.solution
    assert x + y + z == pytest.approx(1.5, abs=1e-3) and 2 * x + 2 * y <= 3 + 1e-3 and z <= 1e-3
    assert converged is not None and converged.solution is None


def test_a_program_read_before_gives_its_point_and_its_own_least_negated():
    """Given the program itself (RINS's point: read once, for its rounds too), the child
    solves it as it is: its value is the program's least negated (no objective offset or
    scaling), its point the program's. It cannot be built in the child (``apart``)."""
    lp = linear_program(two_halves())
    relaxed = FirstOrderBound(lp, iterations=2000, seconds=60, point=True, shared=True).wait(None)
    assert relaxed is not None and relaxed.value is not None and relaxed.solution is not None
    assert relaxed.value == pytest.approx(-(lp.costs @ relaxed.solution), abs=1e-3)
    assert relaxed.value == pytest.approx(1.5, abs=1e-3)
    with pytest.raises(ValueError):
        FirstOrderBound(lp, iterations=10, seconds=1, apart=True)


@pytest.mark.parametrize("seed", [1])
def test_the_bound_is_never_below_the_relaxation_or_an_allocation(seed):
    """On generated schemes' critical placements: at or above HiGHS's optimum of the same
    relaxation, and so above CP-SAT's best allocation, even after a few iterations."""
    inst = generate(40, 3, seed=seed, connected=True)
    found = search(build(inst), Budget(5.0, time.monotonic() + 30), workers=1, seed=0, stages=1)
    assert found.values.critical is not None
    built = build(inst, eligible(inst), relaxation=True)
    built.model.maximize(built.tiers.critical.expr)
    exact = relax(built.model, 30, threads=1).value
    assert exact is not None
    for iterations in (5, 2000):
        relaxed = FirstOrderBound(lambda: built.model, iterations, seconds=60).wait(None)
        assert relaxed is not None and relaxed.value is not None
        assert relaxed.value >= exact - 1e-6 and relaxed.bound() >= found.values.critical
    assert relaxed.value == pytest.approx(exact, rel=1e-3)  # converged after 2,000


def test_no_bound_when_its_time_runs_out():
    """A bound cut short by the clock would depend on the machine: there is none."""
    assert least_after(linear_program(two_halves()), iterations=10 ** 9, seconds=0.0) is None


def test_no_bound_once_a_stop_is_requested():
    stop.request()
    try:
        assert FirstOrderBound(two_halves, iterations=2000, seconds=60).wait(None) is None
    finally:
        stop.reset()


def test_a_cancelled_bound_is_none_and_its_child_ends():
    """Cancelled (its relaxation was solved after all), it gives no bound, whether its child
    has started or not, and the child does not run on."""
    before = FirstOrderBound(two_halves, iterations=10 ** 9, seconds=60)
    before.cancel()
    assert before.wait(30) is None
    running = FirstOrderBound(two_halves, iterations=10 ** 9, seconds=60)
    deadline = time.monotonic() + 30
    while running._child is None and time.monotonic() < deadline:  # started: its child runs
        time.sleep(0.01)
    running.cancel()
    assert running.wait(30) is None and running._child is not None and running._child.poll() is not None



def test_highs_solves_only_a_model_built_in_the_child():
    """HiGHS in the child reads the model, not the program PDLP reads: it is built there
    (its optimum is checked against HiGHS in the parent in tests/engine/test_without_slots.py,
    whose model the child can import; this module's cannot be)."""
    with pytest.raises(ValueError):
        FirstOrderBound(two_halves, iterations=0, seconds=60, highs=True)
