"""Tier 1a: critical requirements placed (domain.md): each placed critical requirement
counts one, whatever the trainee's grade — a requirement due before the next period ends
that is not placed now will be missed."""

from __future__ import annotations

from ...domain import Instance
from ...results.solution import Solution
from ..expr import total
from ..variables import Variables
from .tiers import CRITICAL, Term, placeable, placed_requirements

TIER = CRITICAL


def build(v: Variables) -> Term:
    placed = [p for need, p in placeable(v) if need.critical]
    return Term(total(placed), len(placed))


def count(inst: Instance, sol: Solution) -> int:
    placed = placed_requirements(inst, sol)
    return sum(1 for need in inst.needs.all()
               if not need.gated and need.critical and (need.trainee_id, need.requirement) in placed)
