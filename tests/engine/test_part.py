"""engine/part.py: what a part's search may answer."""

from __future__ import annotations

from rotasolve.baseline import greedy
from rotasolve.domain.tiers import ByTier
from rotasolve.engine.part import _never_below
from rotasolve.synthetic.generate import generate
from rotasolve.model.objective import score


def test_a_search_that_ends_below_its_start_answers_with_the_start():
    inst = generate(30, 2, 3)
    start = greedy(inst)
    assert start is not None
    theirs = score(inst, start)
    worse = ByTier.of([theirs.critical - 1, theirs.others + 50, 0, 0])  # one critical placement fewer
    bounds: ByTier[int | None] = ByTier.of([theirs.critical + 2, theirs.others + 60, 10, 0])
    kept = _never_below(inst, start, worse, bounds, {"variables": 1, "constraints": 1}, 1.5, True)
    assert kept is not None and kept.solution is start and kept.values == theirs
    assert kept.status == "FEASIBLE" and kept.stopped_by_clock and kept.deterministic_seconds == 1.5
    # tier 1a's bound holds for any allocation; the lower ones were proven given the search's own 1a
    assert kept.bounds is not None and kept.bounds.as_list() == [theirs.critical + 2, None, None, None]
    assert kept.notes


def test_a_search_at_or_above_its_start_keeps_its_own_answer():
    inst = generate(30, 2, 3)
    start = greedy(inst)
    assert start is not None
    theirs = score(inst, start)
    bounds: ByTier[int | None] = ByTier.filled(None)
    assert _never_below(inst, start, theirs, bounds, {}, 0.0, False) is None
    better = ByTier.of([theirs.critical, theirs.others + 1, -10**6, -10**6])
    assert _never_below(inst, start, better, bounds, {}, 0.0, False) is None
