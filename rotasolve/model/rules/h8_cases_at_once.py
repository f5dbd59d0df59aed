from ...rules import RULES
from ..expr import total

RULE_ID = "H8"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    for tid, pairs in v.pairs_of_trainee.items():
        if len(pairs) > inst.profile.max_cases_per_trainee:
            m.Add(total(p.lit for p in pairs) <= inst.profile.max_cases_per_trainee)
