"""The variable container: every decision of domain.md as a boolean, and nothing else.

Shape of the model (the why). Each case a trainee holds or may be given this period is
a *unit* (``candidates.UnitKey``): for a new case, one per length the trainee still
needs; for a running case, one per case. A unit has a literal ``held`` and three
independent one-hot choices that sum to it: which case (``take``), which weekly session
slot (``session``), and which supervisor meets it in which slot (``meet``). *Who* is
chosen apart from *when*: the model's size is the sum of the choices, not the product
of trainees × cases × supervisors × slots that an earlier pair formulation had, whose
memory grew far faster than the region once video supervision and remote cases
connected every trainee to every supervisor. The rule modules tie the choices together
(the chosen case is free in the chosen session slot, its modality is one the chosen
supervisor is qualified in).

Nothing here states a rule: a rule module (``rules/``) adds its constraints on top, so
each can be built alone on these variables and tested in isolation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..domain import Case, Instance, Length, Trainee
from ..domain.additions import Possible
from ..domain.choices import Candidates, UnitKey, eligible
from .expr import total


@dataclass
class Unit:
    """One case ``trainee`` holds this period (``kept``: the running one), with its choices."""

    key: UnitKey
    trainee: Trainee
    held: cp_model.IntVar  # 1 when the trainee holds this case this period
    cases: dict[str, Case]  # what it may be: one case for a running unit
    kept: Case | None = None
    take: dict[str, cp_model.IntVar] = field(default_factory=dict)  # case id -> bool (new units)
    session: dict[str, cp_model.IntVar] = field(default_factory=dict)  # slot -> bool
    meet: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (supervisor, slot) -> bool
    in_shared: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # meets there, shared
    _by_supervisor: dict[str, list[cp_model.IntVar]] | None = field(default=None, repr=False)
    _of_modality: dict[str, cp_model.LinearExpr] | None = field(default=None, repr=False)

    @property
    def length(self) -> str:
        return self.key.length

    def case_is(self, case_id: str) -> cp_model.IntVar:
        """1 when this unit's case is ``case_id``."""
        return self.held if self.kept is not None else self.take[case_id]

    def modalities(self) -> list[str]:
        return list(self._modality_exprs())

    def modality_is(self, modality: str) -> cp_model.LinearExpr:
        """1 when this unit holds a case of ``modality`` (a linear expression)."""
        made = self._modality_exprs().get(modality)
        return made if made is not None else total(())

    def _modality_exprs(self) -> dict[str, cp_model.LinearExpr]:
        """Each modality's expression, in modality order, made once: H5 asks for them at
        every meeting a unit may have (seed 7007's critical model: 8,343 times for a few
        hundred, 1.3 of its 5.5 s of building on a slow day)."""
        if self._of_modality is None:
            ids: dict[str, list[str]] = {}
            for cid, c in self.cases.items():
                ids.setdefault(c.modality, []).append(cid)
            self._of_modality = {mod: total(self.case_is(cid) for cid in ids[mod]) for mod in sorted(ids)}
        return self._of_modality

    def supervised_by(self, supervisor_id: str) -> cp_model.LinearExpr:
        """1 when ``supervisor_id`` supervises this unit's case (a linear expression)."""
        return total(self.meetings_of()[supervisor_id])

    def supervisors(self) -> list[str]:
        return list(self.meetings_of())

    def meetings_of(self) -> dict[str, list[cp_model.IntVar]]:
        """The meeting choices by supervisor (computed once: the rules ask often)."""
        if self._by_supervisor is None:
            self._by_supervisor = {}
            for (s, _k), var in self.meet.items():
                self._by_supervisor.setdefault(s, []).append(var)
        return self._by_supervisor


@dataclass(frozen=True)
class Extra:
    """Capacity the capacity search may add to one resource (``model/additions.py``), in
    the resource's own measure: ``expr`` is added to what ``inst.capacity`` says (it is
    negative for a candidate not bought, which then holds nothing) and is at most ``most``."""

    expr: cp_model.LinearExpr
    most: int


@dataclass
class Variables:
    inst: Instance
    model: cp_model.CpModel
    candidates: Candidates
    kept_as_assumptions: bool = False
    group: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # new members
    kept_member: dict[str, cp_model.IntVar] = field(default_factory=dict)  # trainee -> current group
    units: dict[UnitKey, Unit] = field(default_factory=dict)
    units_of_trainee: dict[str, list[Unit]] = field(default_factory=dict)
    takers: dict[str, list[Unit]] = field(default_factory=dict)  # case id -> units that may hold it
    opened: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (supervisor, slot)
    shared: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # >= 2 cases meet
    # (supervisor, slot) -> modality -> 1 when the meeting is of it; only where the cases
    # that may meet there are of several modalities (H5 states them)
    meeting_modality: dict[tuple[str, str], dict[str, cp_model.IntVar]] = field(default_factory=dict)
    tutor: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    # Running items are literals, not constants: the normal solve fixes them to 1, the
    # conflict explanation passes them as assumptions to find which rows clash.
    kept_case: dict[str, cp_model.IntVar] = field(default_factory=dict)
    groups_by_trainee: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)
    # Only in a capacity search: extra capacity per (supervisor|tutor|group, id), and the
    # units bought of each addition on offer, as (Possible, variable) pairs.
    extra: dict[tuple[str, str], Extra] = field(default_factory=dict)
    bought: list[tuple[Possible, cp_model.IntVar]] = field(default_factory=list)

    def new_unit(self, trainee_id: str, length: Length) -> Unit | None:
        return self.units.get(UnitKey(trainee_id, length))

    def groups_of(self, trainee_id: str) -> list[cp_model.IntVar]:
        return self.groups_by_trainee.get(trainee_id, [])

    def meetings(self) -> dict[tuple[str, str], list[Unit]]:
        """Units that may meet each (supervisor, slot)."""
        out: dict[tuple[str, str], list[Unit]] = {}
        for u in self.units.values():
            for key in u.meet:
                out.setdefault(key, []).append(u)
        return out

    def meeting_slots(self) -> dict[str, list[str]]:
        """The slots each supervisor may hold a meeting in (those of ``opened``), in order."""
        out: dict[str, list[str]] = {}
        for sid, k in self.opened:
            out.setdefault(sid, []).append(k)
        return out

    def holds_group(self, trainee_id: str) -> list[cp_model.IntVar]:
        """Literals that are 1 when the trainee has a group place (new or kept)."""
        out = list(self.groups_of(trainee_id))
        if trainee_id in self.kept_member:
            out.append(self.kept_member[trainee_id])
        return out

    def holds(self, trainee_id: str) -> list[cp_model.IntVar]:
        """Literals that are 1 when the trainee holds a group place or a case."""
        out = list(self.groups_of(trainee_id)) + [u.held for u in self.units_of_trainee.get(trainee_id, [])]
        if trainee_id in self.kept_member:
            out.append(self.kept_member[trainee_id])
        return out


def build_variables(inst: Instance, model: cp_model.CpModel, candidates: Candidates | None = None,
                    kept_as_assumptions: bool = False) -> Variables:
    """Every decision variable, no constraint."""
    candidates = candidates if candidates is not None else eligible(inst)
    v = Variables(inst=inst, model=model, candidates=candidates, kept_as_assumptions=kept_as_assumptions)
    nb = model.new_bool_var
    for t in inst.trainees:
        if t.current_group:
            v.kept_member[t.id] = nb(f"kept_member[{t.id}]")
        may_join = candidates.joiners is None or t.id in candidates.joiners
        for g in inst.groups if may_join else ():
            if inst.eligibility.can_join_group(t, g):
                v.group[(t.id, g.id)] = var = nb(f"group[{t.id},{g.id}]")
                v.groups_by_trainee.setdefault(t.id, []).append(var)
    for key in candidates.units():
        _add_unit(v, key)
    for u in v.units.values():
        for (sid, k) in u.meet:
            if (sid, k) not in v.opened:
                v.opened[(sid, k)] = nb(f"open[{sid},{k}]")
                if inst.supervisor[sid].group_size > 1:
                    v.shared[(sid, k)] = nb(f"shared[{sid},{k}]")
        for meeting in u.meet:
            if meeting in v.shared:
                u.in_shared[meeting] = nb(f"in_shared[{u.key},{meeting[0]},{meeting[1]}]")
    for t in inst.trainees:
        for tutor in inst.eligibility.tutors_for(t.id):
            v.tutor[(t.id, tutor.id)] = nb(f"tutor[{t.id},{tutor.id}]")
    return v


def _add_unit(v: Variables, key: UnitKey) -> None:
    inst, nb = v.inst, v.model.new_bool_var
    t = inst.trainee[key.trainee_id]
    cases = {c.id: c for c in v.candidates.cases[key]}
    kept = cases[key.kept_case] if key.kept_case else None
    if kept is not None:
        held = v.kept_case[kept.id] = nb(f"kept_case[{kept.id}]")
    else:
        held = nb(f"held[{key}]")
    u = Unit(key=key, trainee=t, held=held, cases=cases, kept=kept)
    if kept is None:
        for cid in cases:
            u.take[cid] = nb(f"take[{key},{cid}]")
    free = [k for k in inst.slot_ids if k in t.available_slots]
    open_to_case = set().union(*(c.available_slots for c in cases.values()))
    # A running case's kept slots (H10) are its only choice; one no longer free leaves
    # no choice, and the conflict explanation names the row.
    session_slots = [kept.session_slot] if kept is not None and kept.session_slot else free
    meeting_slots = [kept.supervision_slot] if kept is not None and kept.supervision_slot else free
    for k in session_slots:
        if k in free and k in open_to_case:
            u.session[k] = nb(f"session[{key},{k}]")
    for s in v.candidates.supervisors[key]:
        for k in meeting_slots:
            if k in free and k in s.available_slots:
                u.meet[(s.id, k)] = nb(f"meet[{key},{s.id},{k}]")
    v.units[key] = u
    v.units_of_trainee.setdefault(t.id, []).append(u)
    for cid in cases:
        v.takers.setdefault(cid, []).append(u)
