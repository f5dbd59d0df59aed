from ...core.rules import RULES
from ..expr import total
from ..variables import Unit, Variables

RULE_ID = "H5"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # A unit meets its supervisor only in slots free to both (the variables). Here: one
    # meeting per supervisor and slot, at most group_size cases of one modality, shared
    # or not (which sets each member's minutes), within the supervisor's PAs.
    inst, m = v.inst, v.model
    for (sid, k), units in sorted(v.meetings().items()):
        sup = inst.supervisor[sid]
        count = total(u.meet[(sid, k)] for u in units)
        opened = v.opened[(sid, k)]
        m.add(count <= sup.group_size * opened)
        m.add(count >= opened)
        if (sid, k) not in v.shared:
            continue
        shared = v.shared[(sid, k)]
        m.add(count >= 2 * shared)
        m.add(count <= 1 + (sup.group_size - 1) * shared)
        for u in units:
            both, var = u.in_shared[(sid, k)], u.meet[(sid, k)]
            # both <=> (this unit meets there) and (the meeting is shared); exact
            # because it sets the trainee's weekly minutes either way.
            m.add_implication(both, var)
            m.add_implication(both, shared)
            m.add_bool_or([var.Not(), shared.Not(), both])
        _one_modality(v, sid, k, units)
    _supervision_pas(v)


def _one_modality(v: Variables, sid: str, k: str, units: list[Unit]) -> None:
    m = v.model
    modalities = sorted({mod for u in units for mod in u.modalities()} & set(v.inst.supervisor[sid].modalities))
    if len(modalities) < 2:
        return
    chosen = v.meeting_modality[(sid, k)] = {mod: m.new_bool_var(f"modality[{sid},{k},{mod}]")
                                             for mod in modalities}
    m.add(total(chosen.values()) <= 1)
    for u in units:
        meets = u.meet[(sid, k)]
        for mod in u.modalities():
            if mod in chosen:
                # meets and holds a case of mod => the meeting is of mod
                m.add(meets + u.modality_is(mod) - 1 <= chosen[mod])


def _supervision_pas(v: Variables) -> None:
    inst, m = v.inst, v.model
    mins = inst.minutes
    for sid, slots in v.meeting_slots().items():
        cap = mins.supervisor_limit(inst.supervisor[sid])
        if cap is None:
            continue
        m.add(total(mins.meeting(shared=False) * v.opened[(sid, k)] for k in slots)
              + total(mins.shared_extra * v.shared[(sid, k)] for k in slots if (sid, k) in v.shared) <= cap)
