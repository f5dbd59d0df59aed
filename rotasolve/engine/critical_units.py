"""What the critical relaxation of a large part is, and what both relaxations share:
the choices of the units that hold critical requirements, the choices a relaxation's
solution uses, and the least of several bounds (``critical.py`` solves and searches it)."""

from __future__ import annotations

from ..domain import Instance
from ..domain.choices import Candidates
from ..model.expr import Values
from ..model.variables import Variables
from . import memory
from .kept_choices import Keep
from ..core.tuning import BASE_BYTES, CRITICAL_EVERY_UP_TO, CRITICAL_WIDE_UP_TO, RELAXED_BYTES_PER_VARIABLE, USED


def least(*bounds: int | None) -> int | None:
    """The least of the bounds known (None: none is)."""
    known = [b for b in bounds if b is not None]
    return min(known) if known else None


def critical_units(inst: Instance, full: Candidates) -> Candidates:
    """The choices of the units that hold critical requirements (and of running ones):
    all the critical relaxation may place."""
    needed = {(n.trainee_id, n.requirement) for n in inst.needs.all() if n.critical and not n.gated}
    keys = [k for k in full.cases if k.kept_case or (k.trainee_id, f"{k.length}_case") in needed]
    return Candidates(cases={k: full.cases[k] for k in keys}, supervisors={k: full.supervisors[k] for k in keys},
                      joiners={t for t, r in needed if r == "cbdg"})


def used(v: Variables, values: Values, least: float = USED) -> Keep:
    """The cases and supervisors each new unit takes above ``least`` in a relaxation's
    solution."""
    keep: Keep = {key: (set(), set()) for key in v.candidates.cases}
    for key, unit in v.units.items():
        keep[key][0].update(cid for cid, var in unit.take.items() if values[var.Index()] > least)
        keep[key][1].update(sid for (sid, _slot), var in unit.meet.items() if values[var.Index()] > least)
    return keep


def critical_relaxation(inst: Instance) -> Instance:
    """``inst`` with no group minimum: with only critical requirements placeable, a group
    could otherwise fall short of members the full problem would bring."""
    fields = {name: getattr(inst, name) for name in Instance.model_fields}
    fields["groups"] = tuple(g.model_copy(update={"min_size": 0}) for g in inst.groups)
    return Instance(**fields)


def every_critical_choice(inst: Instance, every: Candidates | None, shortlisted: bool,
                          budget_bytes: int) -> tuple[Candidates | None, Candidates | None]:
    """Every choice of the critical requirements' units: for the critical relaxation of a
    shortlisted part, where its model is not too large (``CRITICAL_EVERY_UP_TO``); and to
    search it among once more with time to spare (``critical._wider``, ``CRITICAL_WIDE_UP_TO``),
    in any guided part; each None where too large or over the memory budget. ``every``:
    the part's every choice (None: none); ``shortlisted``: its searched choices are fewer."""
    if every is None:
        return None, None
    units = critical_units(inst, every)
    variables = memory.variables(inst, units)
    fits = int((budget_bytes - BASE_BYTES) / RELAXED_BYTES_PER_VARIABLE)
    relaxed = every if shortlisted and variables <= min(CRITICAL_EVERY_UP_TO, fits) else None
    return relaxed, units if variables <= min(CRITICAL_WIDE_UP_TO, fits) else None
