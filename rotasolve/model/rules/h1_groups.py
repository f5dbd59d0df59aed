from ...rules import RULES
from ..expr import total

RULE_ID = "H1"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    by_trainee: dict[str, list] = {}
    by_group: dict[str, list] = {}
    for (t, g), var in v.group.items():
        by_trainee.setdefault(t, []).append(var)
        by_group.setdefault(g, []).append(var)
    for t, vars_ in by_trainee.items():
        m.Add(total(vars_) <= 1)
    for g in inst.groups:
        new = total(by_group.get(g.id, []))
        kept = total(v.kept_member[t] for t in inst.kept_group_members[g.id])
        if inst.kept_group_members[g.id]:
            # A running group must stay between its sizes, counting external members;
            # new members may bring it up to min_size. Each kept member is a literal so
            # that a conflict can be traced to rows.
            for t in inst.kept_group_members[g.id]:
                m.Add(new + kept + g.external_members >= g.min_size).OnlyEnforceIf(v.kept_member[t])
            m.Add(new + kept + g.external_members <= g.max_size)
        elif g.id in by_group:
            runs = m.NewBoolVar(f"runs[{g.id}]")
            m.Add(new >= inst.capacity.group_core_minimum(g) * runs)
            m.Add(new <= inst.capacity.group_core_places(g) * runs)
