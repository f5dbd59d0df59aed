"""The objective of domain.md: one module per soft goal, gathered into tiers.

Like the hard rules in ``model/rules/``, each soft goal is a module of its own stating,
side by side, its tier (``TIER``), its model expression (``build(v) -> Term``) and its
count on a finished allocation (``count(inst, sol)``); a property test holds the two
together on generated schemes (tests/model/test_objective_terms.py). A tier is the sum of its
terms (minus the sum, for a cost tier), in ``TIER_ORDER``. How the tiers are optimised
(in stages, tier 1a and 1b as one exact weighted sum) is the search's business
(``search.py``).

To add a soft goal: a module here with ``TIER``, ``build`` and ``count``, listed in
``TERMS`` (docs/architecture.md, "How to add a soft goal").
"""

from __future__ import annotations

from types import ModuleType

from ...domain import Instance
from ...results.solution import Solution
from ..expr import total
from ..variables import Variables
from . import critical, preferences, seniority, supervisor_balance, travel, waiting
from ...domain.tiers import TIER_NAMES, TIER_ORDER, ByTier, TierKind
from .tiers import Term, Tier, placement

# Every soft goal, in the order their expressions are built (a cost term may add
# variables, so the order fixes the model's variable numbering).
TERMS: tuple[ModuleType, ...] = (critical, seniority, waiting, preferences, travel, supervisor_balance)


def build_terms(v: Variables) -> dict[str, Term]:
    """Every soft goal's model expression, by module name (``critical``, ``travel``...)."""
    return {_name(module): module.build(v) for module in TERMS}


def tiers_from(terms: dict[str, Term]) -> ByTier[Tier]:
    """The tiers: each the sum of its terms (minus it, for a cost tier). A tier's
    ``most`` is the sum of its terms' (an upper bound where several terms score the same
    choice)."""
    out: dict[str, Tier] = {}
    for kind in TIER_ORDER:
        mine = [terms[_name(module)] for module in TERMS if module.TIER is kind]
        expr = mine[0].expr if len(mine) == 1 else total(term.expr for term in mine)
        out[kind.key] = Tier(kind.name, -expr if kind.cost else expr, 0 if kind.cost else sum(t.most for t in mine))
    return ByTier(**out)


def tiers(v: Variables) -> ByTier[Tier]:
    """The tiers as model expressions."""
    return tiers_from(build_terms(v))


def _name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def score(inst: Instance, sol: Solution) -> ByTier[int]:
    """The tiers of any allocation (the greedy one, a reference's), counted term by term
    as ``tiers`` states them on the model."""
    counts = [(module.TIER, module.count(inst, sol)) for module in TERMS]
    out: dict[str, int] = {}
    for kind in TIER_ORDER:
        value = sum(n for tier, n in counts if tier is kind)
        out[kind.key] = -value if kind.cost else value
    return ByTier(**out)


__all__ = ["TERMS", "TIER_NAMES", "TIER_ORDER", "ByTier", "Term", "Tier", "TierKind", "build_terms", "placement",
           "score", "tiers", "tiers_from"]
