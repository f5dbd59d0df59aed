from ...rules import RULES
from ..expr import total

RULE_ID = "H7"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    mins = inst.minutes
    for t in inst.trainees:
        terms = []
        for p in v.pairs_of_trainee.get(t.id, []):
            # Minutes.case_week, spread over the pair's choices: what the case costs on
            # the pair, the travel to whichever supervisor is chosen, the extra of a shared meeting.
            terms.append(mins.case_before_supervisor(t, p.case) * p.lit)
            for sid, var in p.supervisor.items():
                there = mins.supervision_travel(t, inst.supervisor[sid])
                if there:
                    terms.append(there * var)
            if mins.shared_extra:
                terms += [mins.shared_extra * var for var in p.in_shared.values()]
        if terms:
            m.Add(total(terms) <= mins.weekly)
