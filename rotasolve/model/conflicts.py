"""When the running items themselves break a hard rule: name the rows that clash.

First, direct checks that give the precise sentence a tutor needs (a supervisor kept
over capacity, an unqualified kept supervisor, a running group out of its sizes).
Then, for clashes only the whole model sees (no common slot left, weekly hours, tutor
PAs), the same model is solved for feasibility with every running item as an assumption
literal; CP-SAT returns a sufficient set of assumptions, which is confirmed and shrunk
one item at a time before it is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ortools.sat.python import cp_model

from ..core import stop
from ..domain import Case, Instance
from .build import build
from .rules.h10_kept import kept_literals
from ..domain.where import row_note, rows_of, where

_SHRINK_LIMIT = 40  # assumption sets larger than this are reported unshrunk


def direct_conflicts(inst: Instance) -> list[str]:
    """Clashes that a row-by-row look finds, in the precise words a tutor needs."""
    out: list[str] = []
    for check in (_kept_supervisors, _kept_slots, _kept_groups, _kept_trainees):
        out.extend(check(inst))
    return out


def _kept_supervisors(inst: Instance) -> Iterator[str]:
    by_sup: defaultdict[str, list[Case]] = defaultdict(list)
    for c in inst.cases:
        if c.kept and c.current_supervisor:
            by_sup[c.current_supervisor].append(c)
    for sid, cases in sorted(by_sup.items()):
        s = inst.supervisor[sid]
        if len(cases) > inst.capacity.supervisor_cases(s):
            yield (f"{where('Supervisors', s)}: max_trainees is {s.max_trainees} but "
                   f"{len(cases)} kept cases need them ({rows_of('Cases', cases, ' and ')})")
        for c in cases:
            if c.modality not in s.modalities:
                yield (f"{where('Cases', c)}: kept supervisor {sid}{row_note('Supervisors', s)} "
                       f"is not qualified in {c.modality}")
            if c.supervisor and c.supervisor != sid:
                yield (f"{where('Cases', c)}: current_supervisor {sid} is not the "
                       f"case's fixed supervisor {c.supervisor}")
    for c in inst.cases:
        if c.kept and not c.current_supervisor and \
                not any(inst.eligibility.can_supervise(s, c) for s in inst.supervisors):
            yield (f"{where('Cases', c)}: running case has no supervisor qualified in "
                   f"{c.modality} with capacity")


def _kept_slots(inst: Instance) -> Iterator[str]:
    """A running case's kept slot that is no longer free, or two kept items at once (H6, H10)."""
    for t in inst.trainees:
        held: dict[str, list[str]] = defaultdict(list)
        if t.current_group:
            held[inst.group[t.current_group].slot].append(f"group {t.current_group}")
        for c in inst.kept_cases_of[t.id]:
            row = where("Cases", c)
            for field, slot in (("session slot", c.session_slot), ("supervision slot", c.supervision_slot)):
                if slot is None:
                    continue
                held[slot].append(f"{c.id} {field}")
                if slot not in t.available_slots:
                    yield f"{row}: kept {field} {slot} is not among {t.id}'s available slots{row_note('Trainees', t)}"
            if c.session_slot and c.session_slot not in c.available_slots:
                yield f"{row}: kept session slot {c.session_slot} is not among the patient's available slots"
            s = inst.supervisor.get(c.current_supervisor or "")
            if c.supervision_slot and s is not None and c.supervision_slot not in s.available_slots:
                yield (f"{row}: kept supervision slot {c.supervision_slot} is not among {s.id}'s available "
                       f"slots{row_note('Supervisors', s)}")
        for slot, items in held.items():
            if len(items) > 1:
                yield f"{where('Trainees', t)}: kept items clash at {slot}: {', '.join(items)}"


def _kept_groups(inst: Instance) -> Iterator[str]:
    for g in inst.groups:
        members = inst.kept_group_members[g.id]
        size = len(members) + g.external_members
        if members and size > g.max_size:
            rows = rows_of("Trainees", (inst.trainee[t] for t in members))
            yield (f"{where('Groups', g)}: max_size is {g.max_size} but {len(members)} "
                   f"trainees ({rows}) and {g.external_members} external members attend")


def _kept_trainees(inst: Instance) -> Iterator[str]:
    for t in inst.trainees:
        kept = inst.kept_cases_of[t.id]
        if len(kept) > inst.profile.max_cases_per_trainee:
            yield (f"{where('Trainees', t)}: holds {len(kept)} running cases; "
                   f"max_cases_per_trainee is {inst.profile.max_cases_per_trainee}")
        if inst.profile.distinct_modalities >= 2:
            mods = {length: inst.needs.fixed_modality(t, length) for length in ("short", "long")}
            if mods["short"] and mods["short"] == mods["long"]:
                yield f"{where('Trainees', t)}: short and long case are both {mods['short']}"
        if (t.current_group or kept) and not inst.eligibility.tutors_for(t.id):
            yield (f"{where('Trainees', t)}: has running items but no tutor covers "
                   f"trust {inst.trust_of_trainee(t.id)}")


class _KeptModel:
    """The full model with every running item as an assumption literal, built once and
    re-solved with different assumption sets while the conflict is shrunk."""

    def __init__(self, inst: Instance, seed: int, time_limit: float) -> None:
        self.built = build(inst, kept_as_assumptions=True)
        self.literals = kept_literals(self.built.vars)
        self.seed, self.time_limit = seed, time_limit

    def solve(self, keep: list[str]) -> tuple[int, list[str]]:
        model = self.built.model
        model.clear_assumptions()
        chosen = {name: self.literals[name] for name in keep}
        model.add_assumptions(list(chosen.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # core extraction needs the single-thread search
        solver.parameters.random_seed = self.seed
        solver.parameters.max_time_in_seconds = max(1.0, self.time_limit / 4)
        solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (rotasolve.core.stop)
        with stop.stoppable(solver.StopSearch):
            status = solver.Solve(model)
        if status != cp_model.INFEASIBLE:
            return status, []
        core_idx = set(solver.SufficientAssumptionsForInfeasibility())
        return status, [name for name, lit in chosen.items() if lit.Index() in core_idx]


def explain_conflicts(inst: Instance, seed: int = 0, time_limit: float = 20.0) -> list[str]:
    """The rows of the running items that cannot all be kept, in a tutor's words."""
    direct = direct_conflicts(inst)
    if direct:
        return direct
    kept = _KeptModel(inst, seed, time_limit)
    status, core = kept.solve(list(kept.literals))
    if status != cp_model.INFEASIBLE:
        return ["the running items could not be checked in time; solve again with a longer --time-limit"]
    if not core:
        return ["the scheme is infeasible even with no running items; check group sizes and tutors"]
    if len(core) <= _SHRINK_LIMIT:
        for name in list(core):  # deletion: drop each item the rest still clash without
            trial = [n for n in core if n != name]
            if kept.solve(trial)[0] == cp_model.INFEASIBLE:
                core = trial
    return ["these running items cannot all be kept together (slots, weekly hours, meetings or "
            "tutor PAs): " + "; ".join(core)]
