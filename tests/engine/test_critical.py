"""The critical relaxation of a large part (engine/critical.py), on tiny schemes whose best
allocation exhaustive search finds: its search among the guided choices, then among
every choice of its units when time is left (``_wider``)."""

from __future__ import annotations

import time

import pytest

from relaxation_waits import highs_never_done, point_late_through_its_wait
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


def _shortlisted(inst, workers: int, monkeypatch, cut: bool) -> dict:
    """``search_critical`` on a shortlisted part (each unit's first choices searched, every
    choice relaxed), PDLP's point waited for 30 s and, with ``cut``, never done in it."""
    monkeypatch.setattr(critical, "_shortlisted_wait", lambda budget: 30.0)
    if cut:
        point_late_through_its_wait(monkeypatch)
    every = eligible(inst)
    out: dict = {}
    critical.search_critical(inst, every, None, Budget(5.0, time.monotonic() + 60), seed=0, workers=workers,
                             alone=True, out=out, shortlist=_few(every))
    if out.get("late") is not None:
        out["late"].bound(time.monotonic() + 30)  # HiGHS ends before the next
    return out


@pytest.mark.slow  # 6-9 s of a slow day: the default run had passed 3 minutes
def test_pdlps_point_guides_the_search_the_same_whatever_highs_does(monkeypatch):
    """PDLP's point (a fixed number of iterations) guides a shortlisted part's critical
    search: its answer is the same whether HiGHS, solving beside it for a bound, is done
    or never is, so the clock decides nothing. Its bound (PDLP's) holds for the best
    allocation, and the allocation passes the checker."""
    for seed in range(4):
        inst = tiny_scheme(seed)
        best = brute_force(inst)
        with_highs = _shortlisted(inst, 2, monkeypatch, cut=False)
        with monkeypatch.context() as later:
            highs_never_done(later)
            without = _shortlisted(inst, 2, later, cut=False)
        for out in (with_highs, without):
            assert not out["clocked"] and out["bound"] is not None
            assert best is None or out["bound"] >= best[0]
            assert check(critical.critical_relaxation(inst), out["solution"]) == []
        assert with_highs["result"].values == without["result"].values
        assert with_highs["solution"] == without["solution"]
        assert with_highs["late"] is not None  # HiGHS was started beside it, for its bound


def test_a_point_cut_at_its_wait_falls_back_on_the_shortlist(monkeypatch):
    """PDLP's point not done in its wait (a far slower machine than planned for): the
    search takes the shortlist's choices, says the clock decided, and its allocation
    passes the checker; HiGHS still bounds it."""
    for seed in range(4):
        inst = tiny_scheme(seed)
        out = _shortlisted(inst, 2, monkeypatch, cut=True)
        assert out["bound"] is None and out["clocked"]
        assert check(critical.critical_relaxation(inst), out["solution"]) == []
        best = brute_force(inst)
        late = out["late"].bound(time.monotonic() + 30)
        assert late is not None and (best is None or late >= best[0])


def test_pdlp_builds_a_critical_relaxation_apart_to_the_same_bound():
    """PDLP's process builds the model (``apart``), leaving the parent's Python work
    alone: the same program, so the same bound and the same point, as built here."""
    from functools import partial

    from rotasolve.model.first_order import FirstOrderBound
    from rotasolve.synthetic.generate import generate

    inst = generate(40, 3, seed=1, connected=True)
    relaxed = critical.critical_relaxation(inst)
    choices = critical.critical_units(relaxed, eligible(inst))
    apart = FirstOrderBound(partial(critical._critical_model, relaxed, choices), 300, 60, apart=True,
                            point=True).wait(None)
    here = FirstOrderBound(lambda: critical._critical_model(relaxed, choices), 300, 60, point=True).wait(None)
    assert apart is not None and here is not None and apart.value is not None
    assert apart.value == pytest.approx(here.value, rel=1e-9)
    # the same model, so the same point, variable for variable: it guides the parent's model
    assert apart.solution is not None and here.solution is not None
    assert apart.solution.tolist() == pytest.approx(here.solution.tolist(), abs=1e-9)


def test_a_shortlisted_search_keeps_the_points_choices_above_point_used_and_the_shortlists():
    """PDLP's point is not an optimum: a shortlisted part's critical search keeps the
    choices it uses above POINT_USED (not those just above USED, HiGHS's threshold) and
    every choice of the shortlist."""
    import numpy as np
    from rotasolve.core.tuning import POINT_USED, USED
    inst = tiny_scheme(3)
    every = eligible(inst)
    relaxed = critical.critical_relaxation(inst)
    built = critical._maximising_critical(relaxed, critical.critical_units(relaxed, every))
    units = [u for u in built.vars.units.values() if u.kept is None and len(u.take) >= 2]
    assert units
    unit = units[0]
    (first, first_var), (second, second_var) = list(unit.take.items())[:2]
    point = np.zeros(len(built.model.Proto().variables))
    point[first_var.Index()] = 2 * POINT_USED
    point[second_var.Index()] = (USED + POINT_USED) / 2  # used, by HiGHS's measure, but barely
    none = Candidates(cases={}, supervisors={}, joiners=every.joiners)
    keep = critical._pointed(built, point, none)
    assert first in keep[unit.key][0] and second not in keep[unit.key][0]
    shortlisted = critical.critical_units(relaxed, _few(every))
    keep = critical._pointed(built, point, shortlisted)
    for key, cases in shortlisted.cases.items():
        if key in keep:
            assert {c.id for c in cases} <= keep[key][0]
            assert {s.id for s in shortlisted.supervisors[key]} <= keep[key][1]


def test_a_bound_from_outside_is_waited_for_and_the_search_stays_below_it():
    """A bound from outside (the flows' in a run) is waited for and told to the search:
    its answer never passes it, passes the checker, and, told the best allocation's
    critical placements, the search still reaches them."""
    told = []
    for seed in range(6):
        inst = tiny_scheme(seed)
        best = brute_force(inst)
        if best is None:
            continue
        out: dict = {}

        def outside(most: int = best[0]) -> int:
            told.append(most)
            return most
        critical.search_critical(inst, eligible(inst), None, Budget(5.0, time.monotonic() + 30), seed=0, workers=1,
                                 alone=True, out=out, outside=outside)
        assert out["result"].values.critical == best[0]
        assert check(critical.critical_relaxation(inst), out["solution"]) == []
    assert told
