from ...rules import RULES
from ..expr import total

RULE_ID = "H9"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    tutors_of: dict[str, list] = {}
    overseen: dict[str, list] = {}
    for (tid, uid), var in v.tutor.items():
        tutors_of.setdefault(tid, []).append(var)
        overseen.setdefault(uid, []).append(var)
    for t in inst.trainees:
        holds = v.holds(t.id)
        tutors = tutors_of.get(t.id, [])
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
        most = inst.capacity.tutor_trainees(u)
        extra = v.extra.get(("tutor", u.id))  # PAs a capacity search may buy, as trainees
        if extra is not None:
            m.Add(total(overseen.get(u.id, [])) <= most + extra.expr)
        elif len(overseen.get(u.id, [])) > most:
            m.Add(total(overseen[u.id]) <= most)
