"""RINS beside the final search of a shortlisted part (engine/rins.py and its wiring in
engine/part.py): it improves the start on tier 1b with tier 1a held, its answer passes the
checker, and the part's answer is never below either search's."""

from __future__ import annotations

import threading
import time

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.domain.choices import eligible, shortlist
from rotasolve.engine import SolveOptions, memory, solve
from rotasolve.engine import part as part_module
from rotasolve.engine import rins as engine_rins
from rotasolve.model.objective import score
from rotasolve.synthetic.generate import generate


def test_rins_improves_the_start_on_tier_1b_and_holds_tier_1a():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    rins = engine_rins.Rins(inst, every, engine_rins.rins_lists_of(inst, every).nearest, start)
    found, clocked = rins.improved(time.monotonic() + 60)
    assert found is not None and not clocked
    assert check(inst, found) == []
    before, after = score(inst, start), score(inst, found)
    assert after.critical >= before.critical and after.others > before.others


def test_where_the_window_is_short_of_the_interior_points_plan_pdlps_point_guides(monkeypatch):
    """The interior point where the window holds its plan and rounds after it; in a window
    short of that, PDLP's point guides the rounds instead (never the interior point), the
    answer improves and passes the checker, and it says the clock chose."""
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    lists = engine_rins.rins_lists_of(inst, every).nearest
    interior: list[float] = []
    solve_interior = engine_rins.relaxed_point

    def noted(model, seconds):
        interior.append(seconds)
        return solve_interior(model, seconds)

    monkeypatch.setattr(engine_rins, "relaxed_point", noted)
    short = engine_rins.RINS_ROUNDS_LEAST - 1.0
    found, clocked = engine_rins.Rins(inst, every, lists, start).improved(time.monotonic() + short)
    assert interior == [] and found is not None and clocked
    assert check(inst, found) == []
    before, after = score(inst, start), score(inst, found)
    assert after.critical >= before.critical and after.others > before.others

    point, chosen_by_clock = engine_rins.Rins(inst, every, lists, start).relaxed(time.monotonic() + 60)
    assert point is not None and not chosen_by_clock and len(interior) == 1


def _choices(lists) -> set[tuple[str, str]]:
    return {(str(key), item.id) for key in lists.cases for item in (*lists.cases[key], *lists.supervisors[key])}


def test_the_nearest_lists_are_within_the_wider_ones():
    """The second phase searches from the first's answer: its choices must be among the
    wider lists' (so the answer is a value for every variable of the wider model)."""
    for seed in (1, 4):
        inst = generate(60, 3, seed=seed, connected=True)
        every = eligible(inst)
        lists = engine_rins.rins_lists_of(inst, every)
        assert lists.wider is not None
        assert _choices(lists.nearest) <= _choices(lists.wider) < _choices(every) | _choices(lists.wider)


def _first_phase_short():
    """A scheme, its choices, a start, and the first phase's answer from it among lists of
    one a kind (which leave it short), with the time they have."""
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    until = time.monotonic() + 60
    first, _ = engine_rins.Rins(inst, every, shortlist(inst, every, 1, by_kind=True), start).improved(until)
    return inst, every, start, first or start, until


def test_the_wider_phase_improves_the_first_phases_answer_and_keeps_it_valid(monkeypatch):
    """From a start the nearest lists leave short (a list of one a kind), the second phase
    among wider lists places more on tier 1b, holds tier 1a, and passes the checker."""
    inst, every, start, first, until = _first_phase_short()
    wider = engine_rins.Wider(inst, every, shortlist(inst, every, 6, by_kind=True), start, until)
    wider.relax()
    found, clocked = wider.improved(first, until)
    assert found is not None and not clocked
    assert check(inst, found) == []
    before, after = score(inst, first), score(inst, found)
    assert after.critical >= before.critical and after.others > before.others


def test_the_wider_phase_makes_its_start_ready_while_its_relaxation_is_solved(monkeypatch):
    """The second phase's start (the first phase's answer as a value for every variable)
    and its model read for the rounds are made while its relaxation is still solved, not
    after: the relaxation here is held until they are made, and the phase still improves."""
    inst, every, start, first, until = _first_phase_short()
    made, order = threading.Event(), []
    point, ready = engine_rins.relaxed_point, engine_rins.Rins.ready

    def held_point(model, seconds):
        made.wait(10)  # the old order (ready after the point) waits here in vain
        order.append("point")
        return point(model, seconds)

    def ready_noted(self, allocation=None):
        out = ready(self, allocation)
        order.append("ready")
        made.set()
        return out

    monkeypatch.setattr(engine_rins, "relaxed_point", held_point)
    monkeypatch.setattr(engine_rins.Rins, "ready", ready_noted)
    wider = engine_rins.Wider(inst, every, shortlist(inst, every, 6, by_kind=True), start, until)
    relaxing = threading.Thread(target=wider.relax)
    relaxing.start()
    found, clocked = wider.improved(first, until)
    relaxing.join()
    assert order == ["ready", "point"] and wider.rins is not None and wider.rins.hint is None
    assert found is not None and not clocked and check(inst, found) == []
    assert score(inst, found).others > score(inst, first).others


def test_a_wider_relaxation_not_done_in_time_leaves_the_first_phases_answer():
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    wider = engine_rins.Wider(inst, every, every, start, time.monotonic() - 1)  # its time already past
    wider.relax()
    assert wider.rins is None and wider.improved(start, time.monotonic() + 0.1) == (None, True)


def _shortlisted(monkeypatch, inst):
    """Solved as a large region too big to relax whole, its units choosing from shortlists."""
    monkeypatch.setattr(part_module, "ONE_MODEL_UP_TO", 0)
    monkeypatch.setattr(part_module, "WIDE_UP_TO", 0)
    monkeypatch.setattr(part_module, "RELAXED_UP_TO", memory.variables(inst, eligible(inst)) - 1)
    monkeypatch.setattr(part_module, "shortlist", lambda inst, full, most: shortlist(inst, full, 2))


def test_a_shortlisted_part_runs_rins_beside_its_final_search_and_keeps_the_better(monkeypatch):
    inst = generate(60, 3, seed=4, connected=True)
    _shortlisted(monkeypatch, inst)
    answers: list = []
    improved = engine_rins.Rins.improved

    def spied(self, until, *more):
        found = improved(self, until, *more)
        answers.append(found)
        return found
    monkeypatch.setattr(engine_rins.Rins, "improved", spied)
    sol = solve(inst, SolveOptions(time_limit=20, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    # RINS ran among the nearest lists, then among the wider ones unless the first was cut at the deadline
    assert len(answers) == (1 if answers[0][1] else 2)
    tiers = tuple(sol.objective.tiers[:2])
    by_hand = greedy(inst)
    assert by_hand is not None and tiers >= tuple(score(inst, by_hand).as_list()[:2])
    for answer, _clocked in answers:  # never below either phase's answer
        if answer is not None:
            assert tiers >= tuple(score(inst, answer).as_list()[:2])


def test_rins_is_not_planned_past_its_size(monkeypatch):
    inst = generate(60, 3, seed=4, connected=True)
    _shortlisted(monkeypatch, inst)
    monkeypatch.setattr(engine_rins, "RINS_UP_TO", 0)
    made: list[bool] = []
    monkeypatch.setattr(engine_rins.Rins, "__init__", lambda self, *a: made.append(True))
    sol = solve(inst, SolveOptions(time_limit=10, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    assert made == []


def test_no_wider_round_starts_once_the_first_phase_is_cut_at_the_deadline(monkeypatch):
    """Cut at the deadline, the first phase leaves no time: a wider round started then
    overran it (family f65 by 3.5 s on a slow day)."""
    from rotasolve.engine.one_model import Outer, greedy_result
    from rotasolve.model.search import Budget

    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    monkeypatch.setattr(engine_rins.Rins, "improved", lambda self, until, *more: (None, True))
    wider_rounds: list[bool] = []
    monkeypatch.setattr(engine_rins.Wider, "improved", lambda self, first, until: wider_rounds.append(True))
    by_hand = greedy_result(inst, start, {"variables": 0, "constraints": 0}, [])
    result = engine_rins.beside_final_search(inst, every, engine_rins.rins_lists_of(inst, every), start,
                                             Outer(None, None), lambda options, rest, progress: by_hand,
                                             SolveOptions(workers=2), Budget(1.0, time.monotonic() + 30), 0.0)
    assert wider_rounds == [] and result is by_hand and result.stopped_by_clock
