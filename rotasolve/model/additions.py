"""The additions a capacity search may buy (planning.md, "What to recruit"), as variables,
and their cost as an expression to minimise after critical placements.

Each addition on offer (``domain.additions.Possible``) gets the units bought: a whole
number up to its limit for a raised limit, a literal for a candidate. It reaches the
rules through ``Variables.extra``, capacity added to the resource in its own measure,
which H1 (groups), H4 (supervisors) and H9 (tutors) add to ``inst.capacity``: a raised
limit adds ``per_unit × units``; a candidate adds ``capacity × (bought − 1)``, nothing
when bought and all of its capacity taken away when not.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from ..domain.additions import Offer
from .expr import total
from .variables import Extra, Variables

PENCE = 100  # costs are in whole pence in the model: CP-SAT's objectives are integers


def build(v: Variables, offer: Offer) -> None:
    """The purchase variables of the additions that concern this scheme (or part)."""
    inst, m = v.inst, v.model
    present: dict[str, Mapping[str, object]] = {"supervisor": inst.supervisor, "tutor": inst.tutor,
                                                 "group": inst.group}
    bought: dict[str, cp_model.IntVar] = {}
    for p in offer.possible:
        if p.target not in present[p.resource]:
            continue  # another part's resource
        if p.candidate:
            units = m.new_bool_var(f"buy[{p.target}]")
            v.extra[(p.resource, p.target)] = Extra(p.per_unit * units - p.per_unit, 0)
        else:
            units = m.new_int_var(0, p.most, f"buy[{p.kind},{p.target}]")
            v.extra[(p.resource, p.target)] = Extra(p.per_unit * units, p.per_unit * p.most)
        v.bought.append((p, units))
        bought[p.target] = units
    for p, units in v.bought:
        if p.twin_of in bought:
            # Interchangeable candidates are bought in order: the search never weighs
            # "the second CBT supervisor at a site" against "the first".
            m.add(units <= bought[p.twin_of])


def cost(v: Variables) -> tuple[cp_model.LinearExpr, int]:
    """What the additions bought cost, in pence, weighted so that among equal costs fewer
    units win (with a free kind, nothing is bought that is not needed); and the most it
    can be, so that a search can weigh one placement above every cost."""
    most_units = sum(p.most for p, _ in v.bought) + 1
    weights = [(round(p.cost * PENCE) * most_units + 1, p, units) for p, units in v.bought]
    return total(w * units for w, _p, units in weights), sum(w * p.most for w, p, _units in weights)

