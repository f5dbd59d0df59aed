from ortools.sat.python import cp_model

from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H6"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Units offer only slots free to the trainee and to some case they may take (session)
    # or to the supervisor (meeting). Here: one session slot per held case, free to the
    # case chosen, and no trainee booked twice in one slot across group, sessions and
    # supervision.
    inst, m = v.inst, v.model
    for u in v.units.values():
        m.add(total(u.session.values()) == u.held)
        if len(u.cases) > 1:  # with one case, every session slot offered is free to it
            for k, var in u.session.items():
                m.add(var <= total(u.take[cid] for cid, c in u.cases.items() if k in c.available_slots))
    group_slot = {g.id: g.slot for g in inst.groups}
    groups_of: dict[str, list[tuple[str, cp_model.IntVar]]] = {}
    for (tid, gid), var in v.group.items():
        groups_of.setdefault(tid, []).append((group_slot[gid], var))
    for t in inst.trainees:
        busy: dict[str, list[cp_model.IntVar]] = {}
        for k, var in groups_of.get(t.id, []):
            busy.setdefault(k, []).append(var)
        if t.current_group:
            busy.setdefault(group_slot[t.current_group], []).append(v.kept_member[t.id])
        for u in v.units_of_trainee.get(t.id, []):
            for k, var in u.session.items():
                busy.setdefault(k, []).append(var)
            for (_s, k), var in u.meet.items():
                busy.setdefault(k, []).append(var)
        for k in inst.slot_ids:
            if len(busy.get(k, [])) > 1:
                m.add(total(busy[k]) <= 1)
