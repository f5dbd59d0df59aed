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
from rotasolve.model import rins as model_rins
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
    interior = _interior_points_noted(monkeypatch)
    short = engine_rins.RINS_ROUNDS_LEAST - 1.0
    found, clocked = engine_rins.Rins(inst, every, lists, start).improved(time.monotonic() + short)
    assert interior == [] and found is not None and clocked
    assert check(inst, found) == []
    before, after = score(inst, start), score(inst, found)
    assert after.critical >= before.critical and after.others > before.others

    point, chosen_by_clock = engine_rins.Rins(inst, every, lists, start).relaxed(time.monotonic() + 60)
    assert point is not None and not chosen_by_clock and len(interior) == 1


def test_each_rins_model_is_read_once_for_its_point_and_its_rounds(monkeypatch):
    """The first phase reads its model once for its point and its rounds; the second phase
    once too, though its point and its start's reading run on two threads at once."""
    read: list[int] = []
    reading = model_rins.parsed  # every reading of a model for RINS starts here

    def counted(model):
        read.append(id(model))
        return reading(model)

    monkeypatch.setattr(model_rins, "parsed", counted)
    inst, every, start, first, until = _first_phase_short()
    assert len(read) == 1  # the first phase's model
    wider = engine_rins.Wider(inst, every, shortlist(inst, every, 6, by_kind=True), start, until)
    relaxing = threading.Thread(target=wider.relax)
    relaxing.start()
    found, _ = wider.improved(first, until)
    relaxing.join()
    assert found is not None and check(inst, found) == []
    assert len(read) == 2 and read[1] != read[0]


def _interior_points_noted(monkeypatch) -> list[float]:
    """The windows HiGHS's interior point is asked for in, one a call, noted as it is solved."""
    interior: list[float] = []
    solve_interior = engine_rins.relaxed_point

    def noted(model, seconds):
        interior.append(seconds)
        return solve_interior(model, seconds)

    monkeypatch.setattr(engine_rins, "relaxed_point", noted)
    return interior


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


def test_where_its_window_is_short_of_the_interior_points_plan_the_wider_phase_is_guided_by_pdlp(monkeypatch):
    """The wider lists' interior point where the window surely holds it (planned as the
    first phase's); else PDLP's point, its rounds within AGREE: it still improves the
    first phase's answer, and the answer passes the checker."""
    inst, every, start, first, until = _first_phase_short()
    lists = shortlist(inst, every, 6, by_kind=True)
    interior = _interior_points_noted(monkeypatch)
    monkeypatch.setattr(engine_rins, "RINS_INTERIOR_SECONDS_PER_VARIABLE", 1.0)  # never within the window
    wider = engine_rins.Wider(inst, every, lists, start, until)
    wider.relax()
    assert interior == [] and wider.point is not None and wider.agree == (engine_rins.AGREE,)
    found, clocked = wider.improved(first, until)
    assert found is not None and check(inst, found) == [] and clocked  # the clock chose its point
    assert score(inst, found).ordered()[:2] > score(inst, first).ordered()[:2]

    monkeypatch.setattr(engine_rins, "RINS_INTERIOR_SECONDS_PER_VARIABLE", 1e-9)  # always within it
    wider = engine_rins.Wider(inst, every, lists, start, until)
    wider.relax()
    assert len(interior) == 1 and wider.point is not None and wider.agree == engine_rins.RINS_WIDER_AGREE


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
    # 20 trainees, not the 60 above (a third of the time): RINS is made for this region's
    # shortlisted part too where RINS_UP_TO is left as it is, and its final search starts
    # from an allocation (checked below), so here only its size keeps RINS out.
    inst = generate(20, 3, seed=4, connected=True)
    _shortlisted(monkeypatch, inst)
    monkeypatch.setattr(engine_rins, "RINS_UP_TO", 0)
    made: list[bool] = []
    monkeypatch.setattr(engine_rins.Rins, "__init__", lambda self, *a: made.append(True))
    started: list[bool] = []
    final_search = part_module._search_guided
    monkeypatch.setattr(part_module, "_search_guided", lambda inst, plan, candidates, start, *a, **k:
                        started.append(start is not None) or final_search(inst, plan, candidates, start, *a, **k))
    sol = solve(inst, SolveOptions(time_limit=10, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    assert started and all(started)  # the final search ran from a start: where RINS would run beside it
    assert made == []


def test_no_wider_round_starts_once_the_first_phase_is_cut_at_the_deadline(monkeypatch):
    """Cut at the deadline, the first phase leaves no time: a wider round started then
    overran it (family f65 by 3.5 s on a slow day)."""
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    assert _wider_rounds(monkeypatch, inst, every, start, out_of_time=True) == []


def test_a_wider_round_starts_where_the_clock_only_chose_the_first_phases_point(monkeypatch):
    """PDLP's point (chosen as the window was short) marks the run as the clock's, but
    leaves the window open: the second phase runs (seed 7007 on a slow day: its first
    phase done 4 s before the end, where the wider lists took it from 106 to 112)."""
    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    assert _wider_rounds(monkeypatch, inst, every, start, out_of_time=False) == [start]


def _wider_rounds(monkeypatch, inst, every, start, out_of_time: bool) -> list:
    """The allocations the second phase was asked to improve, where the first phase found
    nothing, its point chosen by the clock, and (``out_of_time``) its window over."""
    from rotasolve.engine.one_model import Outer, greedy_result
    from rotasolve.model.search import Budget

    def first_phase(self, until, *more):
        self.out_of_time = out_of_time
        return None, True
    monkeypatch.setattr(engine_rins.Rins, "improved", first_phase)
    wider_rounds: list = []

    def second_phase(self, first, until):
        wider_rounds.append(first)
        return None, False
    monkeypatch.setattr(engine_rins.Wider, "improved", second_phase)
    by_hand = greedy_result(inst, start, {"variables": 0, "constraints": 0}, [])
    result = engine_rins.beside_final_search(inst, every, engine_rins.rins_lists_of(inst, every), start,
                                             Outer(None, None), lambda options, rest, progress: by_hand,
                                             SolveOptions(workers=2), Budget(1.0, time.monotonic() + 30), 0.0)
    assert result is by_hand and result.stopped_by_clock  # the clock chose: not reproducible
    return wider_rounds


def test_the_wider_model_is_built_once_the_first_phases_model_is_read(monkeypatch):
    """Both hold Python's lock, and the first phase's point waits on its reading: the
    second phase's building (``Wider.relax``) starts after it, not beside it."""
    from rotasolve.engine.one_model import Outer, greedy_result
    from rotasolve.model.search import Budget

    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    order: list[str] = []

    def first_phase(self, until, *more):
        time.sleep(0.3)  # a wider building started beside it would come first
        assert self.program is not None
        order.append("first read")
        self.out_of_time = True
        return None, False
    monkeypatch.setattr(engine_rins.Rins, "improved", first_phase)
    built = engine_rins.Rins.__init__

    def noted(self, *args, hinted=True):
        if not hinted:  # the wider model, built without a start of its own
            order.append("wider built")
        built(self, *args, hinted=hinted)
    monkeypatch.setattr(engine_rins.Rins, "__init__", noted)
    by_hand = greedy_result(inst, start, {"variables": 0, "constraints": 0}, [])
    result = engine_rins.beside_final_search(inst, every, engine_rins.rins_lists_of(inst, every), start,
                                             Outer(None, None), lambda options, rest, progress: by_hand,
                                             SolveOptions(workers=2), Budget(1.0, time.monotonic() + 30), 0.0)
    assert result is by_hand and order == ["first read", "wider built"]


def test_the_wider_phase_does_not_wait_for_a_first_phase_that_never_reads_its_model(monkeypatch):
    """A first phase that ends without reading its model (here, one that finds nothing at
    once) still lets the second phase build: it is not held until its window's end."""
    from rotasolve.engine.one_model import Outer, greedy_result
    from rotasolve.model.search import Budget

    inst = generate(40, 2, seed=1)
    every = eligible(inst)
    start = greedy(inst)
    assert start is not None
    let_go: list[bool] = []
    monkeypatch.setattr(engine_rins.Rins, "improved", lambda self, until, *more: (None, False))
    monkeypatch.setattr(engine_rins.Wider, "relax", lambda self, after=None: let_go.append(after.wait(10)))
    monkeypatch.setattr(engine_rins.Wider, "improved", lambda self, first, until: (None, False))
    by_hand = greedy_result(inst, start, {"variables": 0, "constraints": 0}, [])
    result = engine_rins.beside_final_search(inst, every, engine_rins.rins_lists_of(inst, every), start,
                                             Outer(None, None), lambda options, rest, progress: by_hand,
                                             SolveOptions(workers=2), Budget(1.0, time.monotonic() + 30), 0.0)
    assert result is by_hand and let_go == [True]
