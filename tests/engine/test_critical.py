"""The critical relaxation of a large part (engine/critical.py), on tiny schemes whose best
allocation exhaustive search finds: its search among the guided choices, then among
every choice of its units when time is left (``_wider``)."""

from __future__ import annotations

import time

from tiny import brute_force, tiny_scheme

from rotasolve.check import check
from rotasolve.domain.choices import Candidates, eligible
from rotasolve.engine import critical
from rotasolve.model.search import Budget

SEEDS = range(24)


def _few(every: Candidates) -> Candidates:
    """Each new unit keeps its first case and first supervisor (who may not be qualified)."""
    return Candidates(cases={k: v if k.kept_case else v[:1] for k, v in every.cases.items()},
                      supervisors={k: v if k.kept_case else v[:1] for k, v in every.supervisors.items()},
                      joiners=every.joiners)


def _critical(inst, full: Candidates, wide: Candidates | None, deterministic: float) -> dict:
    out: dict = {}
    critical.search_critical(inst, full, None, Budget(deterministic, time.monotonic() + 30), seed=0, workers=1,
                             alone=True, out=out, wide=wide)
    return out


def test_with_time_to_spare_the_critical_relaxation_is_searched_among_every_choice():
    """Guided to too few choices (each unit's first), the critical relaxation is searched
    again among every choice of its units: it never places fewer, its allocation passes
    the checker, CP-SAT's bound there is never below the best allocation's critical
    placements, and on some schemes it places more than the few choices allowed."""
    placed_more = 0
    for seed in SEEDS:
        inst = tiny_scheme(seed)
        best = brute_force(inst)
        if best is None:
            continue
        every = eligible(inst)
        relaxed = critical.critical_relaxation(inst)
        narrow = _critical(inst, _few(every), None, 10.0)
        out = _critical(inst, _few(every), critical.critical_units(relaxed, every), 10.0)
        assert out["wide_bound"] is not None and out["wide_bound"] >= best[0]
        assert out["result"].values.critical >= narrow["result"].values.critical
        assert check(relaxed, out["solution"]) == []
        placed_more += out["result"].values.critical > narrow["result"].values.critical
    assert placed_more >= 1


def test_without_time_to_spare_it_is_not_searched_again(monkeypatch):
    """Less than CRITICAL_WIDE_LEAST deterministic seconds left after the wider model's
    planned build: no second search, no bound from it."""
    monkeypatch.setattr(critical, "CRITICAL_WIDE_LEAST", 1e9)
    inst = tiny_scheme(0)
    every = eligible(inst)
    out = _critical(inst, _few(every), critical.critical_units(critical.critical_relaxation(inst), every), 10.0)
    assert out["wide_bound"] is None


def test_a_shortlisted_parts_first_search_takes_cuts_alone(monkeypatch):
    """A part with no whole relaxation beside it (``alone``, a shortlisted one) searches
    its critical relaxation first with CP-SAT's cuts alone; the search again among every
    choice, which proves the bound, and a part relaxed whole keep the two searches in
    turns. Each allocation found passes the checker."""
    calls: list[tuple[str, ...]] = []
    real = critical._critical_search

    def recorded(*args, **kwargs):
        calls.append(kwargs.get("subsolvers", critical.CRITICAL_SUBSOLVERS))
        return real(*args, **kwargs)
    monkeypatch.setattr(critical, "_critical_search", recorded)
    inst = tiny_scheme(0)
    every = eligible(inst)
    relaxed = critical.critical_relaxation(inst)
    for alone, first in ((True, critical.SHORTLISTED_CRITICAL_SUBSOLVERS), (False, critical.CRITICAL_SUBSOLVERS)):
        calls.clear()
        out: dict = {}
        critical.search_critical(inst, _few(every), None, Budget(10.0, time.monotonic() + 30), seed=0, workers=1,
                                 alone=alone, out=out, wide=critical.critical_units(relaxed, every))
        assert calls[0] == first and len(calls) == 2 and calls[1] == critical.CRITICAL_SUBSOLVERS
        assert check(relaxed, out["solution"]) == []
    assert critical.SHORTLISTED_CRITICAL_SUBSOLVERS != critical.CRITICAL_SUBSOLVERS
