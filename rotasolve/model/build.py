"""Building the CP-SAT model of one scheme (or one part of a region): the variables, every
rule module in turn, the objective tiers; and reading an allocation back out of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ortools.sat.python import cp_model

from ..domain import Instance
from ..domain.additions import Offer
from ..results.solution import CasePlace, GroupPlace, Solution, TutorPlace
from . import additions, strengthen
from ..domain.choices import Candidates
from ..domain.tiers import ByTier
from .objective import Term, Tier, build_terms, tiers_from
from .rules import RULE_MODULES
from .variables import Variables, build_variables


@dataclass
class Built:
    model: cp_model.CpModel
    vars: Variables
    tiers: ByTier[Tier]
    terms: dict[str, Term] = field(default_factory=dict)  # each soft goal's expression, by module name

    def size(self) -> dict[str, int]:
        proto = self.model.Proto()
        return {"variables": len(proto.variables), "constraints": len(proto.constraints)}


def build(inst: Instance, candidates: Candidates | None = None, kept_as_assumptions: bool = False,
          strong: bool = True, offer: Offer | None = None, relaxation: bool = False) -> Built:
    """The model; with ``offer``, a capacity search: the additions it may buy are
    variables too (``additions.py``), read by the rules before they state capacities.
    With ``relaxation``, the model whose linear relaxation bounds the others (it gets
    the shared-meeting inequalities too: ``strengthen.py``)."""
    model = cp_model.CpModel()
    v = build_variables(inst, model, candidates, kept_as_assumptions=kept_as_assumptions)
    if offer is not None:
        additions.build(v, offer)
    for rule in RULE_MODULES:
        rule.build(v)
    if strong or relaxation:
        strengthen.build(v, relaxation=relaxation)
    terms = build_terms(v)
    return Built(model=model, vars=v, tiers=tiers_from(terms), terms=terms)


_Key = TypeVar("_Key")


def extract(v: Variables, value: Callable[[cp_model.IntVar], int]) -> Solution:
    """The allocation in a solved model; ``value(var)`` reads one variable's value."""
    inst = v.inst

    def chosen(choices: Mapping[_Key, cp_model.IntVar]) -> _Key:
        return next(key for key, var in choices.items() if value(var))

    groups = [GroupPlace(trainee_id=t, group_id=inst.trainee[t].current_group, kept=True)
              for t, var in v.kept_member.items() if value(var)]
    groups += [GroupPlace(trainee_id=t, group_id=g) for (t, g), var in v.group.items() if value(var)]
    cases = []
    for u in v.units.values():
        if not value(u.held):
            continue
        case_id = u.kept.id if u.kept is not None else chosen(u.take)
        supervisor, slot = chosen(u.meet)
        cases.append(CasePlace(case_id=case_id, trainee_id=u.trainee.id, supervisor_id=supervisor,
                               session_slot=chosen(u.session), supervision_slot=slot,
                               meeting_id=f"{supervisor}@{slot}", kept=u.kept is not None))
    tutors = [TutorPlace(trainee_id=t, tutor_id=u) for (t, u), var in v.tutor.items() if value(var)]
    return Solution(scheme=inst.settings.name, status="FEASIBLE", groups=groups, cases=cases, tutors=tutors)


def hint_from(v: Variables, sol: Solution) -> dict[int, int]:
    """A complete assignment of the model's decision variables that matches ``sol``
    (variable index -> value): the start a search can be given."""
    out: dict[int, int] = {}
    chosen_group = {(g.trainee_id, g.group_id) for g in sol.groups}
    for (t, g), var in v.group.items():
        out[var.Index()] = int((t, g) in chosen_group)
    for t, var in v.kept_member.items():
        out[var.Index()] = int((t, v.inst.trainee[t].current_group) in chosen_group)
    placed = {c.case_id: c for c in sol.cases}
    for u in v.units.values():
        mine = [placed[cid] for cid in u.cases if cid in placed and placed[cid].trainee_id == u.trainee.id]
        p = mine[0] if mine else None
        out[u.held.Index()] = int(p is not None)
        for cid, var in u.take.items():
            out[var.Index()] = int(p is not None and p.case_id == cid)
        for k, var in u.session.items():
            out[var.Index()] = int(p is not None and p.session_slot == k)
        for key, var in u.meet.items():
            out[var.Index()] = int(p is not None and (p.supervisor_id, p.supervision_slot) == key)
    chosen_tutor = {(x.trainee_id, x.tutor_id) for x in sol.tutors}
    for key, var in v.tutor.items():
        out[var.Index()] = int(key in chosen_tutor)
    return out


def completed_hint(model: cp_model.CpModel, hint: dict[int, int], deterministic: float) -> dict[int, int]:
    """``hint`` (the decisions of an allocation, ``hint_from``) with the variables the rule
    modules add (meetings opened or shared, a supervisor's load above half, ...) worked
    out by CP-SAT from the decisions fixed: one worker, within ``deterministic`` seconds,
    so the same each run. ``hint`` itself where that finds nothing.

    Why: hinted with the decisions alone, CP-SAT's search with cuts alone did not find the
    allocation it was hinted with (random 1,000 seed 7002: at 60 s its final search found
    (268, 547) from a start of (273, 557); measured apart, among other choices, (263, 539)
    from (273, 561) and then nothing in 11 deterministic seconds). Hinted with every
    variable, it starts there (docs/decisions.md)."""
    fixed = model.clone()
    fixed.clear_objective()
    fixed.clear_hints()
    variables = fixed.Proto().variables
    for index, value in hint.items():
        domain = variables[index].domain
        domain.clear()
        domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = deterministic
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (rotasolve.core.stop)
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint
    return dict(enumerate(solver.response_proto.solution))
