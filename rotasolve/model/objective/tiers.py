"""What the soft-goal modules share: a term, a tier built of terms, and counting
helpers. The tiers themselves (their names, order and sense) are the domain's
(``domain/tiers.py``): the gains of a tier's terms are maximised; the costs of a cost
tier (travel, load) are minimised, as their negated sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ...domain import Case, Instance, Need, Trainee, length_of, requirement_of
from ...domain.choices import UnitKey
from ...domain.tiers import CRITICAL, OTHERS, PATIENTS, TIER_ORDER, TRAVEL_AND_LOAD, ByTier, TierKind
from ...results.solution import Solution
from ..expr import total
from ..variables import Unit, Variables

LinearExpr = cp_model.LinearExpr  # a CP-SAT linear expression (a literal is one too)


@dataclass(frozen=True)
class Term:
    """A soft goal's model expression (a gain, or for a cost tier a cost) and the most it
    can be (gains; 0 where unbounded or not needed)."""

    expr: LinearExpr
    most: int = 0


@dataclass(frozen=True)
class Tier:
    name: str
    expr: LinearExpr  # maximised: a cost tier's is already negated
    most: int  # no solution scores more (each placement counts at most its weight)


def placed_requirements(inst: Instance, sol: Solution) -> set[tuple[str, str]]:
    """(trainee, requirement) placed this period by ``sol`` (kept items were placed before)."""
    placed = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
    placed |= {(c.trainee_id, requirement_of(inst.case[c.case_id].length)) for c in sol.cases if not c.kept}
    return placed


def new_cases(inst: Instance, sol: Solution) -> Iterator[tuple[Trainee, Case]]:
    """The cases ``sol`` gives trainees this period (a kept case was counted when taken)."""
    for c in sol.cases:
        if not c.kept:
            yield inst.trainee[c.trainee_id], inst.case[c.case_id]


def placement(v: Variables, trainee_id: str, requirement: str) -> LinearExpr | None:
    """The expression that is 1 when this requirement is placed this period, else None."""
    if requirement == "cbdg":
        vars_ = v.groups_of(trainee_id)
        return total(vars_) if vars_ else None
    unit = v.new_unit(trainee_id, length_of(requirement))
    return unit.held if unit is not None else None


def placeable(v: Variables) -> Iterator[tuple[Need, LinearExpr]]:
    """Each requirement the model may place this period, with its placement expression."""
    for need in v.inst.needs.all():
        if need.gated:
            continue
        placed = placement(v, need.trainee_id, need.requirement)
        if placed is not None:
            yield need, placed


def case_choices(v: Variables) -> Iterator[tuple[Unit, Trainee, Case, cp_model.IntVar]]:
    """Each (unit, trainee, case, literal) a new case could be taken by this period."""
    for u in v.units.values():
        if u.kept is None:
            for cid, var in u.take.items():
                yield u, u.trainee, u.cases[cid], var


def points_term(v: Variables, points: Callable[[Instance, Trainee, Case], int]) -> Term:
    """A gain earned per case taken: ``points(inst, trainee, case)`` times the choice; the
    most is each unit's best case."""
    terms: list[LinearExpr] = []
    best: dict[UnitKey, int] = {}
    for u, trainee, case, var in case_choices(v):
        p = points(v.inst, trainee, case)
        if p:
            terms.append(p * var)
            best[u.key] = max(best.get(u.key, 0), p)
    return Term(total(terms), sum(best.values()))


__all__ = ["CRITICAL", "OTHERS", "PATIENTS", "TIER_ORDER", "TRAVEL_AND_LOAD", "ByTier", "LinearExpr", "Term", "Tier",
           "TierKind", "case_choices", "new_cases", "placeable", "placed_requirements", "placement", "points_term"]
