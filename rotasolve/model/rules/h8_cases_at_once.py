from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H8"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    inst, m = v.inst, v.model
    most = inst.profile.max_cases_per_trainee
    for units in v.units_of_trainee.values():
        if len(units) > most:
            m.add(total(u.held for u in units) <= most)
