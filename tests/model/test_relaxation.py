"""The linear relaxation's bound (model/relaxation.py): weak duality from any row prices,
exact at the solver's."""

from __future__ import annotations

import os
import sys
import threading
import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from rotasolve.model import relaxation
from rotasolve.model.relaxation import linear_program, relax


def two_halves():
    """maximise x + y + z with 2x + 2y <= 3 and z <= 0 (a row of one variable), x, y, z
    in {0, 1}: the relaxation's optimum is 1.5, the integer one 1."""
    model = cp_model.CpModel()
    x, y, z = (model.NewBoolVar(name) for name in "xyz")
    model.Add(2 * x + 2 * y <= 3)
    model.Add(z <= 0)
    model.Maximize(x + y + z)
    return model


def test_the_bound_is_the_relaxation_optimum():
    relaxed = relax(two_halves(), 10, threads=1)
    assert relaxed.value == pytest.approx(1.5, abs=1e-6)
    assert relaxed.bound() == 1  # the objective is integral


def test_any_prices_give_a_bound():
    lp = linear_program(two_halves())
    assert list(lp.highest) == [1, 1, 0]  # the row of one variable became z's bound
    # CP-SAT minimises -(x + y + z): no prices at all bound it by the columns alone, -2;
    # the optimal price on 2x + 2y <= 3, -1/2, gives the optimum, -1.5; a price of the
    # wrong sign is turned away from the row's infinite side and still gives a bound.
    assert lp.least(np.zeros(1)) == pytest.approx(-2.0)
    assert lp.least(np.array([-0.5])) == pytest.approx(-1.5)
    assert lp.least(np.array([0.5])) == pytest.approx(-2.0)
    for price in np.linspace(-3, 3, 25):
        assert lp.least(np.array([price])) <= -1.5 + 1e-9  # never above the optimum


def test_a_minimised_objective_is_refused():
    model = cp_model.CpModel()
    x = model.NewBoolVar("x")
    model.Minimize(x)
    with pytest.raises(ValueError):
        relax(model, 1)


def test_the_solution_is_returned_when_asked_for():
    relaxed = relax(two_halves(), 10, threads=1, solution=True)
    x, y, z = relaxed.solution
    assert x + y + z == pytest.approx(1.5, abs=1e-6)  # an optimum of the relaxation
    assert 2 * x + 2 * y <= 3 + 1e-6 and z == pytest.approx(0, abs=1e-9)
    assert relax(two_halves(), 10, threads=1).solution is None  # not asked for


def test_a_cancelled_relaxation_gives_no_bound_and_a_late_cancel_changes_nothing():
    from rotasolve.model.relaxation import Cancel

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(4)]
    model.add(sum(x) <= 2)
    model.maximize(sum(x))
    cancel = Cancel()
    cancel.request()  # before HiGHS starts: the run is skipped
    assert relax(model, 10, threads=1, cancel=cancel).bound() is None
    done = Cancel()
    assert relax(model, 10, threads=1, cancel=done).bound() == 2
    done.request()  # after the run: nothing to end


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_a_background_at_the_lowest_priority_lowers_its_own_thread_alone(monkeypatch):
    """``Background(lowest=True)`` solves at nice 19 on its thread, the same bound, and
    leaves the calling thread's priority as it was."""
    seen: list[int] = []
    solve = relaxation.relax

    def noted(*args, **kwargs):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return solve(*args, **kwargs)

    monkeypatch.setattr(relaxation, "relax", noted)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    lowest = relaxation.Background(two_halves(), 10, lowest=True)
    assert lowest.bound(time.monotonic() + 10) == 1
    usual = relaxation.Background(two_halves(), 10)
    assert usual.bound(time.monotonic() + 10) == 1
    assert seen == [19, before] and os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_highs_made_on_several_threads_at_once_leaves_stdout_where_it_was():
    # HiGHS's lead and its call's member make their HiGHS at the same moment: the
    # descriptor juggling that hides HiGHS's banner must not leave stdout at the null device
    # (a part worker's result went nowhere once).
    import os
    import threading

    from rotasolve.model.relaxation import quiet_highs

    before = os.fstat(1)
    start = threading.Barrier(8)

    def make() -> None:
        start.wait()
        for _ in range(25):
            quiet_highs()
    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(1)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
