from ortools.sat.python import cp_model

from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H9"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    inst, m = v.inst, v.model
    tutors_of: dict[str, list[cp_model.IntVar]] = {}
    overseen: dict[str, list[cp_model.IntVar]] = {}
    for (tid, uid), var in v.tutor.items():
        tutors_of.setdefault(tid, []).append(var)
        overseen.setdefault(uid, []).append(var)
    for t in inst.trainees:
        holds = v.holds(t.id)
        tutors = tutors_of.get(t.id, [])
        if not holds:
            for var in tutors:
                m.add(var == 0)
            continue
        # Exactly one tutor iff the trainee holds anything. With no tutor covering the
        # trust the sum is empty, which forces every placement of this trainee to 0.
        # A trainee is in one group at most, so their group places are one holding: as
        # their sum, not one by one, or the linear relaxation puts a trainee a third in
        # each of three groups under a third of a tutor (on a 130-trainee scheme whose
        # tutors were full, tier 1b's relaxation bound fell from 112 to 90.5; the optimum is 69).
        in_group = v.holds_group(t.id)
        if in_group:
            m.add(total(tutors) >= total(in_group))
        for u in v.units_of_trainee.get(t.id, []):
            m.add(total(tutors) >= u.held)
        m.add(total(tutors) <= total(holds))
        if len(tutors) > 1:
            m.add(total(tutors) <= 1)
    for tutor in inst.tutors:
        most = inst.capacity.tutor_trainees(tutor)
        extra = v.extra.get(("tutor", tutor.id))  # PAs a capacity search may buy, as trainees
        if extra is not None:
            m.add(total(overseen.get(tutor.id, [])) <= most + extra.expr)
        elif len(overseen.get(tutor.id, [])) > most:
            m.add(total(overseen[tutor.id]) <= most)
