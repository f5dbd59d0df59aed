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

from ortools.sat.python import cp_model

from ..domain import Instance

_SHRINK_LIMIT = 40  # assumption sets larger than this are reported unshrunk


def direct_conflicts(inst: Instance) -> list[str]:
    out: list[str] = []
    by_sup = defaultdict(list)
    for c in inst.cases:
        if c.kept and c.current_supervisor:
            by_sup[c.current_supervisor].append(c)
    for sid, cases in sorted(by_sup.items()):
        s = inst.supervisor[sid]
        if len(cases) > inst.capacity.supervisor_cases(s):
            rows = " and ".join(str(c.source_row) for c in cases)
            out.append(f"Supervisors row {s.source_row} ({sid}): max_trainees is {s.max_trainees} but "
                       f"{len(cases)} kept cases need them (Cases rows {rows})")
        for c in cases:
            if c.modality not in s.modalities:
                out.append(f"Cases row {c.source_row} ({c.id}): kept supervisor {sid} (Supervisors row "
                           f"{s.source_row}) is not qualified in {c.modality}")
            if c.supervisor and c.supervisor != sid:
                out.append(f"Cases row {c.source_row} ({c.id}): current_supervisor {sid} is not the "
                           f"case's fixed supervisor {c.supervisor}")
    for c in inst.cases:
        if c.kept and not c.current_supervisor and not any(inst.eligibility.can_supervise(s, c) for s in inst.supervisors):
            out.append(f"Cases row {c.source_row} ({c.id}): running case has no supervisor qualified in "
                       f"{c.modality} with capacity")
    for g in inst.groups:
        members = inst.kept_group_members[g.id]
        size = len(members) + g.external_members
        if members and size > g.max_size:
            rows = ", ".join(str(inst.trainee[t].source_row) for t in members)
            out.append(f"Groups row {g.source_row} ({g.id}): max_size is {g.max_size} but {len(members)} "
                       f"trainees (Trainees rows {rows}) and {g.external_members} external members attend")
    for t in inst.trainees:
        kept = inst.kept_cases_of[t.id]
        if len(kept) > inst.profile.max_cases_per_trainee:
            out.append(f"Trainees row {t.source_row} ({t.id}): holds {len(kept)} running cases; "
                       f"max_cases_per_trainee is {inst.profile.max_cases_per_trainee}")
        if inst.profile.distinct_modalities >= 2:
            mods = {length: inst.needs.fixed_modality(t, length) for length in ("short", "long")}
            if mods["short"] and mods["short"] == mods["long"]:
                out.append(f"Trainees row {t.source_row} ({t.id}): short and long case are both {mods['short']}")
        if (t.current_group or kept) and not inst.eligibility.tutors_for(t.id):
            out.append(f"Trainees row {t.source_row} ({t.id}): has running items but no tutor covers "
                       f"trust {inst.trust_of_trainee(t.id)}")
    return out


class _KeptModel:
    """The full model with every running item as an assumption literal, built once and
    re-solved with different assumption sets while the conflict is shrunk."""

    def __init__(self, inst: Instance, options):
        from .rules.h10_kept import kept_literals
        from .solve import build

        self.built = build(inst, kept_as_assumptions=True)
        self.literals = kept_literals(self.built.vars)
        self.options = options

    def solve(self, keep: list[str]) -> tuple[int, list[str]]:
        model = self.built.model
        model.ClearAssumptions()
        chosen = {name: self.literals[name] for name in keep}
        model.AddAssumptions(list(chosen.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # core extraction needs the single-thread search
        solver.parameters.random_seed = self.options.seed
        solver.parameters.max_time_in_seconds = max(5.0, self.options.time_limit / 4)
        status = solver.Solve(model)
        if status != cp_model.INFEASIBLE:
            return status, []
        core_idx = set(solver.SufficientAssumptionsForInfeasibility())
        return status, [name for name, lit in chosen.items() if lit.Index() in core_idx]


def explain_conflicts(inst: Instance, options) -> list[str]:
    direct = direct_conflicts(inst)
    if direct:
        return direct
    kept = _KeptModel(inst, options)
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
