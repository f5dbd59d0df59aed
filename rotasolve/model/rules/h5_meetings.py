from collections import defaultdict

from ...rules import RULES
from ..expr import total

RULE_ID = "H5"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    inst, m = v.inst, v.model
    mins = inst.minutes
    meetings: dict[tuple[str, str], list] = defaultdict(list)
    for p in v.pairs.values():
        for sid, sup_var in p.supervisor.items():
            m.Add(total(var for (s, _k), var in p.meeting.items() if s == sid) == sup_var)
        for key, var in p.meeting.items():
            meetings[key].append((p, var))
            if key in p.in_shared:
                both, shared = p.in_shared[key], v.shared[key]
                # both <=> (this pair meets there) and (the meeting is shared); exact
                # because it sets the trainee's weekly minutes either way.
                m.AddImplication(both, var)
                m.AddImplication(both, shared)
                m.AddBoolOr([var.Not(), shared.Not(), both])

    for (sid, k), items in meetings.items():
        sup = inst.supervisor[sid]
        count = total(var for _p, var in items)
        opened = v.opened[(sid, k)]
        m.Add(count <= sup.group_size * opened)
        m.Add(count >= opened)
        if (sid, k) in v.shared:
            shared = v.shared[(sid, k)]
            m.Add(count >= 2 * shared)
            m.Add(count <= 1 + (sup.group_size - 1) * shared)
            modalities = sorted({p.case.modality for p, _ in items})
            if len(modalities) > 1:
                chosen = {mod: m.NewBoolVar(f"mod[{sid},{k},{mod}]") for mod in modalities}
                m.Add(total(chosen.values()) <= 1)
                for p, var in items:
                    m.AddImplication(var, chosen[p.case.modality])

    for sup in inst.supervisors:
        cap = inst.minutes.supervisor_limit(sup)
        slots = [k for (s, k) in v.opened if s == sup.id]
        if cap is None or not slots:
            continue
        m.Add(total(mins.meeting(shared=False) * v.opened[(sup.id, k)] for k in slots)
              + total(mins.shared_extra * v.shared[(sup.id, k)] for k in slots if (sup.id, k) in v.shared) <= cap)
