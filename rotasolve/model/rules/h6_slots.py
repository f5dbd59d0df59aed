from ...rules import RULES
from ..expr import total

RULE_ID = "H6"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Pairs offer only slots free to both trainee and patient (session) or trainee and
    # supervisor (meeting); here: one session slot per held case, and no trainee booked
    # twice in one slot across group, sessions and supervision.
    inst, m = v.inst, v.model
    for p in v.pairs.values():
        m.Add(total(p.session.values()) == p.lit)
    for t in inst.trainees:
        pairs = v.pairs_of_trainee.get(t.id, [])
        for k in inst.slot_ids:
            busy = [var for (tid, gid), var in v.group.items() if tid == t.id and inst.group[gid].slot == k]
            if t.current_group and inst.group[t.current_group].slot == k:
                busy.append(v.kept_member[t.id])
            for p in pairs:
                if k in p.session:
                    busy.append(p.session[k])
                busy += [var for (_s, kk), var in p.meeting.items() if kk == k]
            if len(busy) > 1:
                m.Add(total(busy) <= 1)
