"""Tier 1b: the other requirements placed, weighted by seniority (CT3=3, CT2=2, CT1=1):
of two trainees the one nearer ARCP is placed first (domain.md)."""

from __future__ import annotations

from ...domain import SENIORITY_WEIGHT, Instance
from ...results.solution import Solution
from ..expr import total
from ..variables import Variables
from .tiers import OTHERS, Term, placeable, placed_requirements

TIER = OTHERS


def build(v: Variables) -> Term:
    terms, most = [], 0
    for need, placed in placeable(v):
        if not need.critical:
            weight = SENIORITY_WEIGHT[v.inst.trainee[need.trainee_id].grade]
            terms.append(weight * placed)
            most += weight
    return Term(total(terms), most)


def count(inst: Instance, sol: Solution) -> int:
    placed = placed_requirements(inst, sol)
    return sum(SENIORITY_WEIGHT[inst.trainee[need.trainee_id].grade] for need in inst.needs.all()
               if not need.gated and not need.critical and (need.trainee_id, need.requirement) in placed)
