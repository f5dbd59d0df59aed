from ...rules import RULES
from ..expr import total

RULE_ID = "H7"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    mins = inst.minutes
    base = mins["session"] + mins["supervision"]
    extra = mins["group_supervision"] - mins["supervision"]
    for t in inst.trainees:
        terms = []
        for p in v.pairs_of_trainee.get(t.id, []):
            terms.append((base + 2 * inst.case_travel_minutes(t, p.case)) * p.lit)
            for sid, var in p.supervisor.items():
                there = inst.supervision_travel_minutes(t, inst.supervisor[sid])
                if there:
                    terms.append(2 * there * var)
            if extra:
                terms += [extra * var for var in p.in_shared.values()]
        if terms:
            m.Add(total(terms) <= mins["weekly"])
