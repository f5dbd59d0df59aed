"""engine/one_model.py: what a part's search may answer."""

from __future__ import annotations

from rotasolve.baseline import greedy
from rotasolve.check import check
from rotasolve.domain.choices import Candidates, eligible
from rotasolve.engine import SolveOptions
from rotasolve.flows import coverage_bound
from rotasolve.domain.tiers import ByTier
from rotasolve.engine.one_model import Outer, filled_in, greedy_result, never_below, search_one_model
from rotasolve.model.search import Budget
from rotasolve.synthetic.generate import generate
from rotasolve.model.objective import score


def test_a_search_that_ends_below_its_start_answers_with_the_start():
    inst = generate(30, 2, 3)
    start = greedy(inst)
    assert start is not None
    theirs = score(inst, start)
    worse = ByTier.of([theirs.critical - 1, theirs.others + 50, 0, 0])  # one critical placement fewer
    bounds: ByTier[int | None] = ByTier.of([theirs.critical + 2, theirs.others + 60, 10, 0])
    kept = never_below(inst, start, worse, bounds, {"variables": 1, "constraints": 1}, 1.5, True, None)
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
    assert never_below(inst, start, theirs, bounds, {}, 0.0, False, None) is None
    better = ByTier.of([theirs.critical, theirs.others + 1, -10**6, -10**6])
    assert never_below(inst, start, better, bounds, {}, 0.0, False, None) is None


def test_bounds_from_outside_the_model_are_kept_for_the_starts_critical_placements():
    # A restricted model's bounds come from relaxations of every choice (``Outer``): tier
    # 1b's holds for any number of critical placements, so the start keeps one too.
    inst = generate(30, 2, 3)
    start = greedy(inst)
    assert start is not None
    theirs = score(inst, start)
    outer = Outer(theirs.critical + 2, lambda placed: 1000 - 3 * placed)
    worse = ByTier.of([theirs.critical - 1, theirs.others + 50, 0, 0])
    kept = never_below(inst, start, worse, outer.bounds(worse.critical), {}, 0.0, False, outer)
    assert kept is not None and kept.bounds is not None
    assert kept.bounds.as_list() == [theirs.critical + 2, 1000 - 3 * theirs.critical, None, None]


def test_the_searchs_start_is_added_whole_to_a_restricted_model():
    # A start completed by hand reaches past a shortlist; hinted with a start its model
    # cannot hold, the search ended far below it (a 940-trainee region: 116 against 152).
    from rotasolve.domain.choices import UnitKey, eligible, shortlist
    from rotasolve.engine.kept_choices import with_allocation

    inst = generate(60, 3, seed=4, connected=True)
    every = eligible(inst)
    lists = shortlist(inst, every, 1)
    start = greedy(inst)
    assert start is not None
    widened = with_allocation(inst, lists, every, start)
    outside = 0
    for c in start.cases:
        key = UnitKey(c.trainee_id, inst.case[c.case_id].length, c.case_id if c.kept else None)
        outside += all(case.id != c.case_id for case in lists.cases[key])
        assert c.case_id in {case.id for case in widened.cases[key]}
        assert c.supervisor_id in {s.id for s in widened.supervisors[key]}
    assert outside  # the start did reach past the shortlist


def test_with_nothing_found_in_time_the_start_keeps_the_bounds_from_outside_the_model():
    """A restricted model whose search found nothing answers with its start, bounded by
    what bounds it from outside (tier 1b too), not by a flow worked out again."""
    inst = generate(30, 2, 3)
    start = greedy(inst)
    assert start is not None
    theirs = score(inst, start)
    outer = Outer(theirs.critical + 3, lambda placed: 100 - placed)
    result = greedy_result(inst, start, {"variables": 1, "constraints": 1}, [], outer=outer)
    assert result.solution is start and result.values == theirs and result.status == "FEASIBLE"
    assert result.bounds is not None
    assert (result.bounds.critical, result.bounds.others) == (theirs.critical + 3, 100 - theirs.critical)
    alone = greedy_result(inst, start, {"variables": 1, "constraints": 1}, [])  # no outer: the flow on 1a
    assert alone.bounds is not None and alone.bounds.critical == coverage_bound(inst) and alone.bounds.others is None


def test_a_search_held_at_its_starts_critical_placements_never_answers_infeasible():
    """``from_start``: held at the start's critical placements, the search starts from the
    whole start; where the model cannot reach them (its start is not whole in it) the start
    is the answer, not "infeasible"."""
    inst = generate(40, 2, seed=3)
    start = greedy(inst)
    assert start is not None
    assert score(inst, start).critical > 0  # so a model with no new placement cannot hold it
    options = SolveOptions(time_limit=20, workers=1)
    held = search_one_model(inst, eligible(inst), start, options, Budget(3.0, 1e12), None, "", None, start=start,
                            tier_one_only=True, from_start=True)
    assert held.status in ("OPTIMAL", "FEASIBLE") and check(inst, held.solution) == []
    assert held.values.ordered()[:2] >= score(inst, start).ordered()[:2]
    every = eligible(inst)
    running_only = Candidates(cases={k: c for k, c in every.cases.items() if k.kept_case},
                              supervisors={k: s for k, s in every.supervisors.items() if k.kept_case}, joiners=set())
    out_of_reach = search_one_model(inst, running_only, start, options, Budget(3.0, 1e12), None, "", None,
                                    start=start, tier_one_only=True, from_start=True)
    assert out_of_reach.status != "INFEASIBLE" and out_of_reach.solution == start


def test_the_flows_worked_out_beside_are_the_flows():
    """``FlowsBeside``: tier 1a's max-flow first, then both flows' bounds, each the same as
    worked out in turn."""
    from rotasolve.engine.one_model import FlowsBeside, flow_bounds
    inst = generate(70, 3, seed=5, connected=True)
    every = eligible(inst)
    beside = FlowsBeside(inst, every)
    assert beside.critical() == coverage_bound(inst, every)
    outer, direct = beside.outer(), flow_bounds(inst, every)
    assert outer.critical == direct.critical
    assert outer.others is not None and direct.others is not None
    assert [outer.others(k) for k in range(0, 20, 3)] == [direct.others(k) for k in range(0, 20, 3)]


def test_an_answer_that_places_little_is_filled_in_and_one_that_places_all_it_can_is_kept():
    # What a cut search can answer: HiGHS's first level, the critical placements and little else.
    inst = generate(40, 2, 5)
    full = greedy(inst)
    assert full is not None
    thin = full.model_copy(update={"groups": [g for g in full.groups if g.kept]})
    bounds: ByTier[int | None] = ByTier.of([50, 400, 7, 3])
    got, values, kept = filled_in(inst, thin, score(inst, thin), bounds)
    assert (values.critical, values.others) > (score(inst, thin).critical, score(inst, thin).others)
    assert values == score(inst, got) and check(inst, got) == []
    assert {c.case_id: c.trainee_id for c in thin.cases}.items() <= {c.case_id: c.trainee_id for c in got.cases}.items()
    assert kept.as_list() == [50, 400, None, None]  # the later tiers' bounds held for the thin answer's tier 1
    same, values, kept = filled_in(inst, full, score(inst, full), bounds)
    assert same is full and kept is bounds
