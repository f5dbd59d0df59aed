"""Tier 3 (a cost): weekly travel minutes — to a group, to a case's session site, to a
supervisor's meeting — for what this period adds (and, for supervision, what it keeps:
a kept case still travels to its supervisor every week)."""

from __future__ import annotations

from ...domain import Instance
from ...results.solution import Solution
from ..expr import total
from ..variables import Variables
from .tiers import TRAVEL_AND_LOAD, Term

TIER = TRAVEL_AND_LOAD


def build(v: Variables) -> Term:
    inst = v.inst
    travel = []
    for (tid, gid), var in v.group.items():
        minutes = inst.travel.to_group(inst.trainee[tid], inst.group[gid])
        if minutes:
            travel.append(minutes * var)
    for u in v.units.values():
        t = u.trainee
        if u.kept is None:
            for cid, var in u.take.items():
                minutes = inst.travel.to_case(t, u.cases[cid])
                if minutes:
                    travel.append(minutes * var)
        for (sid, _k), var in u.meet.items():
            minutes = inst.travel.to_supervisor(t, inst.supervisor[sid])
            if minutes:
                travel.append(minutes * var)
    return Term(total(travel))


def count(inst: Instance, sol: Solution) -> int:
    minutes = sum(inst.travel.to_group(inst.trainee[g.trainee_id], inst.group[g.group_id])
                  for g in sol.groups if not g.kept)
    for c in sol.cases:
        t = inst.trainee[c.trainee_id]
        if not c.kept:
            minutes += inst.travel.to_case(t, inst.case[c.case_id])
        minutes += inst.travel.to_supervisor(t, inst.supervisor[c.supervisor_id])
    return minutes
