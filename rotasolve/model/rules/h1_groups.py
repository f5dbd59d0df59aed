from ortools.sat.python import cp_model

from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H1"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Who may join which group (need, slot, travel) is decided by which variables exist
    # (Eligibility.can_join_group); here: one group each, and group sizes.
    inst, m = v.inst, v.model
    by_group: dict[str, list[cp_model.IntVar]] = {}
    for (_t, gid), var in v.group.items():
        by_group.setdefault(gid, []).append(var)
    for vars_ in v.groups_by_trainee.values():
        if len(vars_) > 1:
            m.add(total(vars_) <= 1)
    for g in inst.groups:
        new = total(by_group.get(g.id, []))
        kept_members = inst.kept_group_members[g.id]
        kept = total(v.kept_member[t] for t in kept_members)
        extra = v.extra.get(("group", g.id))  # places a capacity search may buy
        added = extra.expr if extra is not None else 0
        if kept_members:
            # A running group stays between its sizes, counting external members; new
            # members may bring it up to min_size. Each kept member is a literal so that
            # a conflict can be traced to rows.
            for t in kept_members:
                m.add(new + kept + g.external_members >= g.min_size).OnlyEnforceIf(v.kept_member[t])
            m.add(new + kept + g.external_members <= g.max_size + added)
        elif g.id in by_group:
            runs = m.new_bool_var(f"runs[{g.id}]")
            places = inst.capacity.group_core_places(g)
            m.add(new >= inst.capacity.group_core_minimum(g) * runs)
            # A group that does not run holds nobody, whatever was bought for it.
            m.add(new <= (places + (extra.most if extra is not None else 0)) * runs)
            if extra is not None:
                m.add(new <= places + extra.expr)
