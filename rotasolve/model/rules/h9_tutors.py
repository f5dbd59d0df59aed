from ...rules import RULES
from ..expr import total

RULE_ID = "H9"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    for t in inst.trainees:
        holds = v.groups_of(t.id) + [p.lit for p in v.pairs_of_trainee.get(t.id, [])]
        if t.id in v.kept_member:
            holds.append(v.kept_member[t.id])
        tutors = [var for (tid, _u), var in v.tutor.items() if tid == t.id]
        if not holds:
            for var in tutors:
                m.Add(var == 0)
            continue
        # Exactly one tutor iff the trainee holds anything. With no tutor covering the
        # trust the sum is empty, which forces every placement of this trainee to 0.
        for h in holds:
            m.Add(total(tutors) >= h)
        m.Add(total(tutors) <= total(holds))
        if len(tutors) > 1:
            m.Add(total(tutors) <= 1)
    for u in inst.tutors:
        overseen = [var for (_t, uid), var in v.tutor.items() if uid == u.id]
        if len(overseen) > inst.capacity.tutor_trainees(u):
            m.Add(total(overseen) <= inst.capacity.tutor_trainees(u))
