"""Tier 3 (a cost): cases above half of each supervisor's capacity, 30 minutes' worth of
travel each, so that work spreads over supervisors rather than filling the first ones.
A sum over supervisors (not the peak) so that the tier adds up over independent parts
of a region."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ...domain import Instance
from ...results.solution import Solution
from ..expr import total
from ..variables import Variables
from .tiers import TRAVEL_AND_LOAD, Term

TIER = TRAVEL_AND_LOAD
LOAD_WEIGHT = 30  # minutes of travel one case above a supervisor's half capacity is worth


def _half(inst: Instance, sid: str) -> int:
    return -(-inst.capacity.supervisor_cases(inst.supervisor[sid]) // 2)


def build(v: Variables) -> Term:
    inst, m = v.inst, v.model
    loads: dict[str, list[cp_model.IntVar]] = {}
    for u in v.units.values():
        for (sid, _k), var in u.meet.items():
            loads.setdefault(sid, []).append(var)
    above_half = []
    for sid, vars_ in sorted(loads.items()):
        half = _half(inst, sid)
        if len(vars_) > half:
            over = m.new_int_var(0, len(vars_) - half, f"above_half[{sid}]")
            m.add(over >= total(vars_) - half)
            above_half.append(over)
    return Term(LOAD_WEIGHT * total(above_half))


def count(inst: Instance, sol: Solution) -> int:
    load: dict[str, int] = {}
    for c in sol.cases:
        load[c.supervisor_id] = load.get(c.supervisor_id, 0) + 1
    return LOAD_WEIGHT * sum(max(0, n - _half(inst, sid)) for sid, n in load.items())
