"""Builds the model, solves its tiers in strict order, and returns a Solution.

Lexicographic by stages: maximise a tier, hold it at the value found, maximise the next
with the previous solution as a hint. Each stage gets an equal share of the time that
is left, so a stage that finishes early hands its time on.

Reproducibility: the search runs in CP-SAT's interleaved (deterministic) parallel mode,
and the limit is deterministic time (``max_deterministic_time``), which CP-SAT measures
in work done, not in seconds on the clock. The same instance, seed and limit give the
same solution on the same OR-Tools version, however busy the machine is. A wall-clock
limit of three times the budget guards against a pathological run; if it is ever hit,
the manifest says the run was not deterministic.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from ..instance import Instance
from ..solution import CasePlace, GroupPlace, Objective, Solution, TutorPlace
from .objective import tiers as build_tiers
from .rules import RULE_MODULES
from .variables import Variables, build_variables

log = logging.getLogger("rotasolve.solve")


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0  # deterministic seconds, over all stages
    workers: int = 2
    seed: int = 0


@dataclass
class Progress:
    """One report while solving: which tier, the best found, the bound, time taken."""

    stage: int
    stages: int
    tier: str
    incumbent: float
    bound: float
    elapsed: float

    @property
    def gap(self) -> float:
        if self.bound == self.incumbent:
            return 0.0
        return abs(self.bound - self.incumbent) / max(1.0, abs(self.bound))


@dataclass
class Built:
    model: cp_model.CpModel
    vars: Variables
    tiers: list = field(default_factory=list)


def build(inst: Instance, kept_as_assumptions: bool = False) -> Built:
    model = cp_model.CpModel()
    v = build_variables(inst, model, kept_as_assumptions=kept_as_assumptions)
    for rule in RULE_MODULES:
        rule.build(v)
    return Built(model=model, vars=v)


def model_size(built: Built) -> dict[str, int]:
    proto = built.model.Proto()
    return {"variables": len(proto.variables), "constraints": len(proto.constraints)}


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None], stage: int, stages: int, tier: str, t0: float):
        super().__init__()
        self._report, self._stage, self._stages, self._tier, self._t0 = report, stage, stages, tier, t0

    def on_solution_callback(self) -> None:
        self._report(Progress(self._stage, self._stages, self._tier, self.ObjectiveValue(),
                              self.BestObjectiveBound(), time.monotonic() - self._t0))


def _parameters(options: SolveOptions, budget: float) -> cp_model.SatParameters:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, options.workers)
    p.random_seed = options.seed
    p.interleave_search = True
    p.max_deterministic_time = max(0.05, budget)
    p.max_time_in_seconds = max(1.0, 3 * budget)
    return solver


def solve(inst: Instance, options: SolveOptions = SolveOptions(),
          progress: Callable[[Progress], None] | None = None) -> Solution:
    """Solve one scheme. Kept-item conflicts come back as status INFEASIBLE with
    ``conflicts`` filled in; no solution in time as UNKNOWN."""
    t0 = time.monotonic()
    built = build(inst)
    model, v = built.model, built.vars
    tiers = build_tiers(v)
    size = model_size(built)
    log.debug("model: %(variables)d variables, %(constraints)d constraints", size)

    values: list[int] = []
    bounds: list[int | None] = []
    proven = True
    deterministic = True
    assignment: dict[int, int] | None = None
    spent = 0.0
    for i, tier in enumerate(tiers):
        budget = max(0.05, (options.time_limit - spent) / (len(tiers) - i))
        model.ClearObjective()
        model.Maximize(tier.expr)
        if assignment is not None:
            model.ClearHints()
            for idx, val in assignment.items():
                model.AddHint(model.GetIntVarFromProtoIndex(idx), val)
        solver = _parameters(options, budget)
        cb = _Reporter(progress, i + 1, len(tiers), tier.name, t0) if progress else None
        status = solver.Solve(model, cb)
        spent += solver.deterministic_time
        if solver.WallTime() >= solver.parameters.max_time_in_seconds * 0.99:
            deterministic = False
        if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
            if i == 0:
                from .conflicts import explain_conflicts

                sol = Solution(scheme=inst.settings.name, status="INFEASIBLE",
                               solve_seconds=round(time.monotonic() - t0, 3),
                               conflicts=explain_conflicts(inst, options))
                sol.manifest.update({"model": size})
                return sol
            break  # a held tier cannot become infeasible; keep the previous stage's answer
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if i == 0:
                return Solution(scheme=inst.settings.name, status="UNKNOWN",
                                solve_seconds=round(time.monotonic() - t0, 3),
                                manifest={"model": size})
            proven = False
            break
        value = round(solver.ObjectiveValue())
        bound = math.floor(solver.BestObjectiveBound() + 1e-6)
        proven = proven and status == cp_model.OPTIMAL
        values.append(value)
        bounds.append(bound)
        assignment = {j: solver.Value(model.GetIntVarFromProtoIndex(j))
                      for j in range(len(model.Proto().variables))}
        if progress:
            progress(Progress(i + 1, len(tiers), tier.name, value, bound, time.monotonic() - t0))
        log.debug("tier %d (%s): %d, bound %d, %s", i + 1, tier.name, value, bound,
                  solver.StatusName(status))
        model.Add(tier.expr >= value)

    while len(values) < len(tiers):  # a later stage ran out of time: its tier as found
        values.append(None)  # type: ignore[arg-type]
        bounds.append(None)
    sol = _extract(inst, v, assignment)
    sol.status = "OPTIMAL" if proven else "FEASIBLE"
    sol.objective = Objective(tiers=[x for x in values], bound=bounds, names=[t.name for t in tiers])
    sol.solve_seconds = round(time.monotonic() - t0, 3)
    sol.manifest.update({"model": size, "deterministic": deterministic,
                         "deterministic_time": round(spent, 3)})
    return sol


def _extract(inst: Instance, v: Variables, values: dict[int, int]) -> Solution:
    def on(var) -> bool:
        return bool(values[var.Index()])

    def chosen(choices: dict):
        return next(key for key, var in choices.items() if on(var))

    groups = [GroupPlace(trainee_id=t, group_id=inst.trainee[t].current_group, kept=True)
              for t in v.kept_member]
    groups += [GroupPlace(trainee_id=t, group_id=g) for (t, g), var in v.group.items() if on(var)]
    cases = []
    for p in v.pairs.values():
        if not on(p.lit):
            continue
        sup, slot = chosen(p.meeting)
        cases.append(CasePlace(case_id=p.case.id, trainee_id=p.trainee.id, supervisor_id=sup,
                               session_slot=chosen(p.session), supervision_slot=slot,
                               meeting_id=f"{sup}@{slot}", kept=p.kept))
    tutors = [TutorPlace(trainee_id=t, tutor_id=u) for (t, u), var in v.tutor.items() if on(var)]
    return Solution(scheme=inst.settings.name, status="FEASIBLE", groups=groups, cases=cases, tutors=tutors)
