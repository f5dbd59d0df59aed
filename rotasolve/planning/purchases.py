"""What an allocation of the scheme-with-candidates bought, and the scheme with those
additions made.

The purchases are read off the allocation itself, never off the model's variables: a
supervisor holding one case more than its ``max_trainees`` bought one place, a candidate
with a case was recruited, a tutor overseeing more trainees than their PAs allow bought
the PAs for them. So they are exactly the least that makes the allocation valid, and an
allocation from any strategy (a search cut short, the by-hand fallback) reports what it
really used.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..domain import Instance
from ..domain.additions import Offer, Possible, rebuilt
from ..results.solution import Solution

NEW_IDS = {"new_supervisor": "NEW-SUP-{}", "new_group": "NEW-GRP-{}"}


@dataclass(frozen=True)
class Purchase:
    """``amount`` units of one addition on offer."""

    possible: Possible
    amount: int

    @property
    def kind(self) -> str:
        return self.possible.kind

    @property
    def cost(self) -> float:
        return self.amount * self.possible.cost


def purchases(inst: Instance, offer: Offer, sol: Solution) -> list[Purchase]:
    """The additions ``sol`` (an allocation of the scheme with candidates) uses, in the
    offer's order. ``inst`` is that scheme, its limits as the workbook has them."""
    load = Counter(c.supervisor_id for c in sol.cases)
    members = Counter(g.group_id for g in sol.groups)
    overseen = Counter(u.tutor_id for u in sol.tutors)
    out = []
    for p in offer.possible:
        if p.kind == "supervisor_place":
            over = load[p.target] - inst.capacity.supervisor_cases(inst.supervisor[p.target])
        elif p.kind == "group_place":
            g = inst.group[p.target]
            over = members[p.target] + g.external_members - g.max_size
        elif p.kind == "tutor_pa":
            over = math.ceil((overseen[p.target] - inst.capacity.tutor_trainees(inst.tutor[p.target])) / p.per_unit)
        elif p.kind == "new_supervisor":
            over = int(load[p.target] > 0)
        else:
            over = int(members[p.target] > 0)
        if over > 0:
            out.append(Purchase(p, over))
    return out


def new_ids(inst: Instance, bought: list[Purchase]) -> dict[str, str]:
    """Each candidate bought -> its id in the workbook: NEW-SUP-1, NEW-GRP-1, ... in the
    offer's order, passing over any id the workbook already uses."""
    taken = {s.id for s in inst.supervisors} | {g.id for g in inst.groups}
    out: dict[str, str] = {}
    n: Counter[str] = Counter()
    for b in bought:
        if not b.possible.candidate:
            continue
        while True:
            n[b.kind] += 1
            new = NEW_IDS[b.kind].format(n[b.kind])
            if new not in taken:
                break
        out[b.possible.target] = new
    return out


def with_additions(inst: Instance, offer: Offer, bought: list[Purchase], ids: dict[str, str]) -> Instance:
    """The scheme with the additions made: limits raised, candidates bought kept under
    their new ids, the others gone. ``inst`` is the scheme with candidates."""
    raised = {(b.possible.resource, b.possible.target): b.amount for b in bought if not b.possible.candidate}
    unbought = (offer.candidates("supervisor") | offer.candidates("group")) - set(ids)
    sups = tuple(s.model_copy(update={"id": ids.get(s.id, s.id),
                                      "max_trainees": s.max_trainees + raised.get(("supervisor", s.id), 0)})
                 for s in inst.supervisors if s.id not in unbought)
    groups = tuple(g.model_copy(update={"id": ids.get(g.id, g.id),
                                        "max_size": g.max_size + raised.get(("group", g.id), 0)})
                   for g in inst.groups if g.id not in unbought)
    tutors = tuple(u.model_copy(update={"core_pas": u.core_pas + raised.get(("tutor", u.id), 0)})
                   for u in inst.tutors)
    return rebuilt(inst, supervisors=sups, groups=groups, tutors=tutors)


def renamed(sol: Solution, ids: dict[str, str]) -> Solution:
    """The allocation with candidates under their new ids."""
    cases = [c.model_copy(update={"supervisor_id": ids.get(c.supervisor_id, c.supervisor_id),
                                  "meeting_id": f"{ids.get(c.supervisor_id, c.supervisor_id)}@{c.supervision_slot}"})
             for c in sol.cases]
    groups = [g.model_copy(update={"group_id": ids.get(g.group_id, g.group_id)}) for g in sol.groups]
    return sol.model_copy(update={"cases": cases, "groups": groups})
