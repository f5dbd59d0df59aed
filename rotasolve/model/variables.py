"""The variable container. Only compatible pairs get variables: a trainee-case pair exists
only if grade, length, modality, travel, a reachable qualified supervisor and common
slots allow it, so the model stays small.

Shape of the model (the why): everything about a case hangs off its (trainee, case)
*pair*. A pair has a literal (``take`` for a new case; the kept literal for a running
one), and one-hot choices of session slot, supervisor and supervision (supervisor, slot)
that sum to that literal. Because each choice is a boolean of the pair, the LP
relaxation is the tight assignment polytope; an earlier formulation that linked a
trainee-side choice to a case-side choice by enforced equalities had a weak relaxation
and could not prove the lower tiers optimal on the bundled example.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..domain import Case, Instance, Trainee


@dataclass
class Pair:
    """Case ``case`` held by ``trainee`` this period, with its weekly arrangements."""

    trainee: Trainee
    case: Case
    lit: cp_model.IntVar  # held: take[t, c] for a new case, the kept literal for a running one
    session: dict[str, cp_model.IntVar] = field(default_factory=dict)  # slot -> bool
    supervisor: dict[str, cp_model.IntVar] = field(default_factory=dict)  # supervisor -> bool
    meeting: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (sup, slot) -> bool
    in_shared: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # meeting and shared

    @property
    def kept(self) -> bool:
        return self.case.kept


@dataclass
class Variables:
    inst: Instance
    model: cp_model.CpModel
    kept_as_assumptions: bool = False
    group: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # new members
    pairs: dict[tuple[str, str], Pair] = field(default_factory=dict)
    take: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # new pairs only
    opened: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (sup, slot)
    shared: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # >= 2 cases
    tutor: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    # Running items are literals, not constants: the normal solve fixes them to 1, the
    # conflict explanation passes them as assumptions to find which rows clash.
    kept_case: dict[str, cp_model.IntVar] = field(default_factory=dict)
    kept_member: dict[str, cp_model.IntVar] = field(default_factory=dict)  # trainee -> current group
    pairs_of_trainee: dict[str, list[Pair]] = field(default_factory=dict)
    pairs_of_case: dict[str, list[Pair]] = field(default_factory=dict)

    def new_cases(self, trainee_id: str, length: str) -> list[Pair]:
        return [p for p in self.pairs_of_trainee.get(trainee_id, [])
                if not p.kept and p.case.length == length]

    def groups_of(self, trainee_id: str) -> list[cp_model.IntVar]:
        return [var for (t, _g), var in self.group.items() if t == trainee_id]


def build_variables(inst: Instance, model: cp_model.CpModel,
                    kept_as_assumptions: bool = False) -> Variables:
    v = Variables(inst=inst, model=model, kept_as_assumptions=kept_as_assumptions)
    nb = model.NewBoolVar

    for t in inst.trainees:
        if t.current_group:
            v.kept_member[t.id] = nb(f"kept_member[{t.id}]")
        for g in inst.groups:
            if inst.eligibility.can_join_group(t, g):
                v.group[(t.id, g.id)] = nb(f"group[{t.id},{g.id}]")

    for c in inst.cases:
        if c.kept:
            t = inst.trainee[c.current_trainee]
            lit = v.kept_case[c.id] = nb(f"kept_case[{c.id}]")
            _add_pair(v, t, c, lit, inst.eligibility.pair_supervisors(t, c))
            continue
        for t in inst.eligibility.case_candidates[c.length]:
            if inst.eligibility.can_take_case(t, c):
                supervisors = inst.eligibility.pair_supervisors(t, c)
                if supervisors:
                    _add_pair(v, t, c, None, supervisors)

    for p in v.pairs.values():
        for (sid, k) in p.meeting:
            if (sid, k) not in v.opened:
                v.opened[(sid, k)] = nb(f"open[{sid},{k}]")
                if inst.supervisor[sid].group_size > 1:
                    v.shared[(sid, k)] = nb(f"shared[{sid},{k}]")
    for p in v.pairs.values():
        for key in p.meeting:
            if key in v.shared:
                p.in_shared[key] = nb(f"in_shared[{p.trainee.id},{p.case.id},{key[0]},{key[1]}]")

    for t in inst.trainees:
        for u in inst.eligibility.tutors_for(t.id):
            v.tutor[(t.id, u.id)] = nb(f"tutor[{t.id},{u.id}]")
    return v


def _add_pair(v: Variables, t: Trainee, c: Case, lit, supervisors) -> None:
    nb = v.model.NewBoolVar
    name = f"{t.id},{c.id}"
    if lit is None:
        lit = v.take[(t.id, c.id)] = nb(f"take[{name}]")
    p = Pair(trainee=t, case=c, lit=lit)
    free = [k for k in v.inst.slot_ids if k in t.available_slots]
    for k in free:
        if k in c.available_slots:
            p.session[k] = nb(f"sess[{name},{k}]")
    for s in supervisors:
        slots = [k for k in free if k in s.available_slots]
        p.supervisor[s.id] = nb(f"sup[{name},{s.id}]")
        for k in slots:
            p.meeting[(s.id, k)] = nb(f"meet[{name},{s.id},{k}]")
    v.pairs[(t.id, c.id)] = p
    v.pairs_of_trainee.setdefault(t.id, []).append(p)
    v.pairs_of_case.setdefault(c.id, []).append(p)
