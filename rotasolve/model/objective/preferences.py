"""Tier 2: a trainee's preferred modalities. A case of their first, second or third
preferred modality earns 20, 10 or 5 points (any later preference 1), beside the
patient's wait, so a preference breaks ties between patients who have waited alike."""

from __future__ import annotations

from ...domain import Case, Instance, Trainee
from ...results.solution import Solution
from ..variables import Variables
from .tiers import PATIENTS, Term, new_cases, points_term

TIER = PATIENTS
PREFERENCE_POINTS = (20, 10, 5)  # first, second, third preferred modality


def points(inst: Instance, trainee: Trainee, case: Case) -> int:
    if case.modality not in trainee.preferred_modalities:
        return 0
    rank = trainee.preferred_modalities.index(case.modality)
    return PREFERENCE_POINTS[rank] if rank < len(PREFERENCE_POINTS) else 1


def build(v: Variables) -> Term:
    return points_term(v, points)


def count(inst: Instance, sol: Solution) -> int:
    return sum(points(inst, trainee, case) for trainee, case in new_cases(inst, sol))
