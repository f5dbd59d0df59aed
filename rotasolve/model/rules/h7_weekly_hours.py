from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H7"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Minutes.case_week, spread over a unit's choices: what the case costs before its
    # supervisor (session, an individual meeting, travel to the case) on the case chosen,
    # the travel to whichever supervisor meets it, the extra of a shared meeting.
    inst, m = v.inst, v.model
    mins = inst.minutes
    for tid, units in v.units_of_trainee.items():
        t = inst.trainee[tid]
        terms = []
        for u in units:
            for cid, c in u.cases.items():
                terms.append(mins.case_before_supervisor(t, c) * u.case_is(cid))
            for (sid, _k), var in u.meet.items():
                there = mins.supervision_travel(t, inst.supervisor[sid])
                if there:
                    terms.append(there * var)
            if mins.shared_extra:
                terms += [mins.shared_extra * var for var in u.in_shared.values()]
        m.add(total(terms) <= mins.weekly)
