from ortools.sat.python import cp_model

from ...domain import Supervisor
from ...core.rules import RULES
from ..expr import total
from ..variables import Unit, Variables

RULE_ID = "H4"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Reachable, qualified supervisors are decided by the candidates (Eligibility.
    # pair_supervisors). Here: a held case has exactly one supervisor, qualified in the
    # case's modality (and the case's fixed one where named), within capacity.
    inst, m = v.inst, v.model
    load: dict[str, list[cp_model.IntVar]] = {}
    for u in v.units.values():
        m.add(total(u.meet.values()) == u.held)
        for (sid, _k), var in u.meet.items():
            load.setdefault(sid, []).append(var)
        _qualified(v, u)
    for sid, vars_ in load.items():
        cap = inst.capacity.supervisor_cases(inst.supervisor[sid])
        extra = v.extra.get(("supervisor", sid))  # places a capacity search may buy
        if extra is not None:
            m.add(total(vars_) <= cap + extra.expr)
        elif len(vars_) > cap:
            m.add(total(vars_) <= cap)


def _qualified(v: Variables, u: Unit) -> None:
    """The chosen supervisor can supervise the chosen case: one case and one supervisor
    are chosen, so 'a case of modality x' forces 'a supervisor qualified in x'."""
    inst, m = v.inst, v.model
    supervisors = [inst.supervisor[s] for s in u.supervisors()]
    modalities = u.modalities()
    if len(modalities) > 1:
        _by_modality(v, u, supervisors, modalities)
    elif any(modalities[0] not in s.modalities for s in supervisors):
        m.add(u.held <= total(u.supervised_by(s.id) for s in supervisors if modalities[0] in s.modalities))
    for cid, c in u.cases.items():
        if c.supervisor and u.kept is None:
            m.add(u.case_is(cid) <= u.supervised_by(c.supervisor))


def _by_modality(v: Variables, u: Unit, supervisors: list[Supervisor], modalities: list[str]) -> None:
    """A unit that may hold cases of several modalities: which supervisor supervises it
    *in which modality*, one literal each, summing to the supervisor chosen and to the
    modality of the case chosen. Stated as "each modality has a qualified supervisor" the
    rule holds for allocations, but the linear relaxation then takes half a CBT and half a
    systemic case and has them supervised by one supervisor qualified in both and another
    qualified in neither; split by modality, as here, it cannot (on a 130-trainee scheme
    tier 1b's relaxation bound fell from 90.5 to 69, the optimum)."""
    m = v.model
    pairs: dict[str, list[cp_model.LinearExprT]] = {mod: [] for mod in modalities}
    for s in supervisors:
        mine = [mod for mod in modalities if mod in s.modalities]
        if len(mine) == 1:
            pairs[mine[0]].append(u.supervised_by(s.id))
            continue
        split = {mod: m.new_bool_var(f"supervised_in[{u.key},{s.id},{mod}]") for mod in mine}
        m.add(total(split.values()) == u.supervised_by(s.id))
        for mod, var in split.items():
            pairs[mod].append(var)
    for mod, vars_ in pairs.items():
        m.add(u.modality_is(mod) == total(vars_))
