"""Tier 2: patients waiting. A case taken this period earns the weeks its patient has
waited since referral, capped: beyond two years a longer wait adds no priority."""

from __future__ import annotations

from ...domain import Case, Instance, Trainee
from ...results.solution import Solution
from ..variables import Variables
from .tiers import PATIENTS, Term, new_cases, points_term

TIER = PATIENTS
WAIT_WEEKS_CAP = 104


def points(inst: Instance, trainee: Trainee, case: Case) -> int:
    """What taking ``case`` for ``trainee`` earns (the model multiplies it by the choice)."""
    return min(inst.needs.wait_days(case) // 7, WAIT_WEEKS_CAP)


def build(v: Variables) -> Term:
    return points_term(v, points)


def count(inst: Instance, sol: Solution) -> int:
    return sum(points(inst, trainee, case) for trainee, case in new_cases(inst, sol))
