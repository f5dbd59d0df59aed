from ...rules import RULES
from ..expr import total

RULE_ID = "H4"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Reachable, qualified supervisors are decided by the candidates (Eligibility.
    # pair_supervisors). Here: a held case has exactly one supervisor, qualified in the
    # case's modality (and the case's fixed one where named), within capacity.
    inst, m = v.inst, v.model
    load: dict[str, list] = {}
    for u in v.units.values():
        m.Add(total(u.meet.values()) == u.held)
        for (sid, _k), var in u.meet.items():
            load.setdefault(sid, []).append(var)
        _qualified(v, u)
    for sid, vars_ in load.items():
        cap = inst.capacity.supervisor_cases(inst.supervisor[sid])
        extra = v.extra.get(("supervisor", sid))  # places a capacity search may buy
        if extra is not None:
            m.Add(total(vars_) <= cap + extra.expr)
        elif len(vars_) > cap:
            m.Add(total(vars_) <= cap)


def _qualified(v, u) -> None:
    """The chosen supervisor can supervise the chosen case: one case and one supervisor
    are chosen, so 'a case of modality x' forces 'a supervisor qualified in x'."""
    inst, m = v.inst, v.model
    supervisors = [inst.supervisor[s] for s in u.supervisors()]
    modalities = u.modalities()
    if len(modalities) > 1 or any(modalities[0] not in s.modalities for s in supervisors):
        for modality in modalities:
            m.Add(u.modality_is(modality) <= total(u.supervised_by(s.id) for s in supervisors
                                                   if modality in s.modalities))
    for cid, c in u.cases.items():
        if c.supervisor and u.kept is None:
            m.Add(u.case_is(cid) <= u.supervised_by(c.supervisor))
