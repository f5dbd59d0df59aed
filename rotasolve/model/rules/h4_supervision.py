from ...rules import RULES
from ..expr import total

RULE_ID = "H4"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Qualification, a fixed supervisor and travel are enforced by which supervisors a
    # pair may choose from (Instance.can_supervise); here: exactly one, within capacity.
    inst, m = v.inst, v.model
    load: dict[str, list] = {}
    for p in v.pairs.values():
        m.Add(total(p.supervisor.values()) == p.lit)
        for sid, var in p.supervisor.items():
            load.setdefault(sid, []).append(var)
    for sid, vars_ in load.items():
        cap = inst.capacity.supervisor_cases(inst.supervisor[sid])
        if len(vars_) > cap:
            m.Add(total(vars_) <= cap)
