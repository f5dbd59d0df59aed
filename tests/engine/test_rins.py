"""RINS beside the final search of a shortlisted part (engine/rins.py and its wiring in
engine/part.py): it improves the start on tier 1b with tier 1a held, its answer passes the
checker, and the part's answer is never below either search's."""

from __future__ import annotations

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
    rins = engine_rins.Rins(inst, every, engine_rins.rins_lists_of(inst, every), start)
    found, clocked = rins.improved(time.monotonic() + 60)
    assert found is not None and not clocked
    assert check(inst, found) == []
    before, after = score(inst, start), score(inst, found)
    assert after.critical >= before.critical and after.others > before.others


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

    def spied(self, until):
        found = improved(self, until)
        answers.append(found[0])
        return found
    monkeypatch.setattr(engine_rins.Rins, "improved", spied)
    sol = solve(inst, SolveOptions(time_limit=20, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    assert len(answers) == 1  # RINS ran, once
    tiers = tuple(sol.objective.tiers[:2])
    by_hand = greedy(inst)
    assert by_hand is not None and tiers >= tuple(score(inst, by_hand).as_list()[:2])
    if answers[0] is not None:
        assert tiers >= tuple(score(inst, answers[0]).as_list()[:2])


def test_rins_is_not_planned_past_its_size(monkeypatch):
    inst = generate(60, 3, seed=4, connected=True)
    _shortlisted(monkeypatch, inst)
    monkeypatch.setattr(engine_rins, "RINS_UP_TO", 0)
    made: list[bool] = []
    monkeypatch.setattr(engine_rins.Rins, "__init__", lambda self, *a: made.append(True))
    sol = solve(inst, SolveOptions(time_limit=10, workers=2))
    assert sol.status == "FEASIBLE" and check(inst, sol) == []
    assert made == []
