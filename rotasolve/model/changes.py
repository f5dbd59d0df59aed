"""What a re-plan changes of the allocation already in use (lifecycle.md, "A re-plan
mid-period"), as an expression to minimise before (or just after) the tiers.

A previous case given a different trainee or supervisor, or dropped, costs 10; one that
keeps its trainee and supervisor but moves its session or supervision slot costs 1 per
slot; a previous group place dropped or moved costs 10; a different tutor costs 1.
Running therapy is not moved lightly: ten slot moves weigh one lost case.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..domain import Instance
from ..results.solution import CasePlace, Solution
from .expr import total
from .variables import Unit, Variables

MOVED_CASE = 10
MOVED_GROUP = 10
MOVED_SLOT = 1
MOVED_TUTOR = 1


def change_cost(v: Variables, previous: Solution) -> tuple[cp_model.LinearExpr, int]:
    """(an expression of the changes' cost the model can avoid, the cost it cannot: items
    the edited workbook no longer allows at all)."""
    inst: Instance = v.inst
    m = v.model
    terms: list[cp_model.LinearExpr] = []
    forced = 0
    for g in previous.groups:
        if g.kept or g.trainee_id not in inst.trainee:
            continue
        var = v.group.get((g.trainee_id, g.group_id))
        if var is None:
            forced += MOVED_GROUP
        else:
            terms.append(MOVED_GROUP * (1 - var))
    for p in previous.cases:
        if p.case_id not in inst.case or p.trainee_id not in inst.trainee:
            continue
        unit = _unit_of(v, p)
        if unit is None or p.supervisor_id not in unit.meetings_of():
            forced += MOVED_CASE + 2 * MOVED_SLOT
            continue
        same = m.new_bool_var(f"same[{p.case_id}]")  # the same trainee and supervisor
        m.add(same <= unit.case_is(p.case_id))
        m.add(same <= unit.supervised_by(p.supervisor_id))
        terms.append(MOVED_CASE * (1 - same))
        for choice in (unit.session.get(p.session_slot), unit.meet.get((p.supervisor_id, p.supervision_slot))):
            stays = m.new_bool_var("")
            m.add(stays <= same)
            if choice is None:
                m.add(stays == 0)
            else:
                m.add(stays <= choice)
            terms.append(MOVED_SLOT * (same - stays))
    for x in previous.tutors:
        var = v.tutor.get((x.trainee_id, x.tutor_id))
        if var is None:
            forced += MOVED_TUTOR if x.trainee_id in inst.trainee else 0
        else:
            terms.append(MOVED_TUTOR * (1 - var))
    return total(terms), forced


def _unit_of(v: Variables, p: CasePlace) -> Unit | None:
    """The unit that can hold a previous case for the same trainee, if any."""
    for u in v.units_of_trainee.get(p.trainee_id, []):
        if p.case_id in u.cases:
            return u
    return None
