from ...rules import RULES
from ..expr import total

RULE_ID = "H1"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Who may join which group (need, slot, travel) is decided by which variables exist
    # (Eligibility.can_join_group); here: one group each, and group sizes.
    inst, m = v.inst, v.model
    by_group: dict[str, list] = {}
    for (_t, g), var in v.group.items():
        by_group.setdefault(g, []).append(var)
    for vars_ in v.groups_by_trainee.values():
        if len(vars_) > 1:
            m.Add(total(vars_) <= 1)
    for g in inst.groups:
        new = total(by_group.get(g.id, []))
        kept_members = inst.kept_group_members[g.id]
        kept = total(v.kept_member[t] for t in kept_members)
        if kept_members:
            # A running group stays between its sizes, counting external members; new
            # members may bring it up to min_size. Each kept member is a literal so that
            # a conflict can be traced to rows.
            for t in kept_members:
                m.Add(new + kept + g.external_members >= g.min_size).OnlyEnforceIf(v.kept_member[t])
            m.Add(new + kept + g.external_members <= g.max_size)
        elif g.id in by_group:
            runs = m.NewBoolVar(f"runs[{g.id}]")
            m.Add(new >= inst.capacity.group_core_minimum(g) * runs)
            m.Add(new <= inst.capacity.group_core_places(g) * runs)
