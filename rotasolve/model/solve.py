"""Builds the model, solves its tiers in strict order, and returns a Solution.

Lexicographic by stages: maximise a tier, hold it at the value found, maximise the next
with the previous solution as a hint. Each stage gets its share (STAGE_SHARES) of the
time that is left, so a stage that finishes early hands its time on.

Reproducibility: the search runs in CP-SAT's interleaved (deterministic) parallel mode,
and the limit is deterministic time (``max_deterministic_time``), which CP-SAT measures
in work done, not in seconds on the clock. The same instance, seed and limit give the
same solution on the same OR-Tools version, however busy the machine is. A wall-clock
limit of five times the budget plus ten seconds guards against a pathological run; if
it is ever hit, the manifest says the run was not deterministic. It is that loose
because a deterministic second costs 1.2-1.9 wall seconds on an idle 2-core machine
(benchmarks/README.md) and about twice that on a shared one, and small stages carry
fixed costs: a guard of three times the budget cut stages short under a busy test run
and broke reproducibility.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from ..domain import Instance
from ..solution import CasePlace, GroupPlace, Objective, Solution, TutorPlace
from .objective import TIER_NAMES
from .objective import tiers as build_tiers
from .rules import RULE_MODULES
from .variables import Variables, build_variables

log = logging.getLogger("rotasolve.solve")


STAGE_SHARES = (0.35, 0.3, 0.2, 0.15)  # of a part's budget, by tier


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
    what: str = "tier"  # "part" when parts are solved side by side: stage counts parts done

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


LIGHT_PRESOLVE_ABOVE = 20_000  # model variables
# A region of several schemes is solved part by part in separate processes; one scheme
# (or a small region) is not, as starting a process costs about a second.
SIDE_BY_SIDE_FROM = 200  # trainees


def _parameters(options: SolveOptions, budget: float, n_variables: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, options.workers)
    p.random_seed = options.seed
    p.interleave_search = True
    if n_variables > LIGHT_PRESOLVE_ABOVE:
        # On large parts presolve probing and symmetry detection take seconds per stage
        # before any solution (measured: 3.5 s of presolve on a dense 100-trainee part,
        # whose stage 1 then found nothing in 2 s). On small models they pay for
        # themselves: the bundled example proves every tier only with them on.
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
    p.max_deterministic_time = max(0.05, budget)
    p.max_time_in_seconds = 5 * budget + 10.0
    return solver


@dataclass
class _Part:
    status: str  # OPTIMAL FEASIBLE INFEASIBLE UNKNOWN
    values: list[int]
    bounds: list[int | None]
    solution: Solution | None
    size: dict[str, int]
    spent: float
    deterministic: bool


def solve(inst: Instance, options: SolveOptions = SolveOptions(),
          progress: Callable[[Progress], None] | None = None) -> Solution:
    """Solve a scheme (or a region of several). Kept-item conflicts come back as status
    INFEASIBLE with ``conflicts`` filled in; no solution in time as UNKNOWN.

    Independent parts (components.split) each get a share of the budget proportional to
    their trainees; tiers add up over parts. A region of SIDE_BY_SIDE_FROM trainees or
    more, split into parts, is solved with one process per worker, side by side."""
    from ..domain.parts import split

    t0 = time.monotonic()
    parts = split(inst)
    processes = min(options.workers, len(parts))
    if processes >= 2 and len(inst.trainees) >= SIDE_BY_SIDE_FROM:
        results = _solve_parts_side_by_side(parts, options, processes, progress, t0)
    else:
        results = _solve_parts_in_turn(parts, options, progress, t0)
    spent = sum(r.spent for r in results)
    size = {"variables": sum(r.size["variables"] for r in results),
            "constraints": sum(r.size["constraints"] for r in results), "parts": len(parts)}
    manifest = {"model": size, "deterministic": all(r.deterministic for r in results)}
    # Files carry CP-SAT's deterministic seconds, not the clock, so that the same input,
    # seed and limit give the same bytes; the CLI reports wall time on the terminal.
    seconds = round(spent, 3)
    if any(r.status == "INFEASIBLE" for r in results):
        from .conflicts import explain_conflicts

        return Solution(scheme=inst.settings.name, status="INFEASIBLE", solve_seconds=seconds,
                        conflicts=explain_conflicts(inst, options), manifest=manifest)
    if any(r.status == "UNKNOWN" for r in results) or not results:
        return Solution(scheme=inst.settings.name, status="UNKNOWN", solve_seconds=seconds, manifest=manifest)
    n = len(results[0].values)
    sol = Solution(
        scheme=inst.settings.name,
        status="OPTIMAL" if all(r.status == "OPTIMAL" for r in results) else "FEASIBLE",
        objective=Objective(tiers=[sum(r.values[i] for r in results) for i in range(n)],
                            bound=[None if any(r.bounds[i] is None for r in results)
                                   else sum(r.bounds[i] for r in results) for i in range(n)],
                            names=TIER_NAMES),
        groups=[g for r in results for g in r.solution.groups],
        cases=[c for r in results for c in r.solution.cases],
        tutors=[u for r in results for u in r.solution.tutors],
        solve_seconds=seconds, manifest=manifest,
    )
    return sol


def _solve_parts_in_turn(parts: list[Instance], options: SolveOptions,
                         progress: Callable[[Progress], None] | None, t0: float,
                         budget: float | None = None) -> list[_Part]:
    """One after another, each with a share of the budget by its trainees; time a part
    leaves unused passes on to the next. Stops at a part with no solution."""
    budget = options.time_limit if budget is None else budget
    weights = [len(p.trainees) for p in parts]
    results: list[_Part] = []
    spent = 0.0
    for i, part in enumerate(parts):
        share = (budget - spent) * weights[i] / max(1, sum(weights[i:]))
        res = _solve_part(part, options, max(0.05, share), progress, t0)
        spent += res.spent
        results.append(res)
        if res.status in ("INFEASIBLE", "UNKNOWN"):
            break
    return results


def lanes(weights: list[int], processes: int) -> list[list[int]]:
    """Parts dealt to processes before any is solved: largest first, each to the lane with
    the fewest trainees so far (ties to the lower lane)."""
    out: list[list[int]] = [[] for _ in range(processes)]
    load = [0] * processes
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        lane = min(range(processes), key=lambda k: (load[k], k))
        out[lane].append(i)
        load[lane] += weights[i]
    return [lane for lane in out if lane]


def _solve_parts_side_by_side(parts: list[Instance], options: SolveOptions, processes: int,
                              progress: Callable[[Progress], None] | None, t0: float) -> list[_Part]:
    """Parts in separate processes (model.part_worker), one per lane. Two single-worker
    searches on two cores out-work one two-worker search (measured on a 100-trainee part:
    two interleaved workers did 1.25 times the work of one), and one lane's model building
    and presolve overlap another's search. The lanes and their budgets (by trainees) are
    fixed before solving; within a lane, parts are solved in turn and hand unused time on,
    so the result never depends on which process finishes first."""
    import os
    import pickle
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor, as_completed
    from dataclasses import replace
    from pathlib import Path

    weights = [len(p.trainees) for p in parts]
    dealt = lanes(weights, processes)
    per_lane = replace(options, workers=max(1, options.workers // len(dealt)))
    # The child imports this very rotasolve, wherever it was imported from.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                      env.get("PYTHONPATH")]))

    def run(lane: list[int]) -> list[_Part]:
        budget = options.time_limit * sum(weights[i] for i in lane) / sum(weights)
        job = ([parts[i] for i in lane], per_lane, budget)
        done = subprocess.run([sys.executable, "-m", "rotasolve.model.part_worker"], env=env,
                              input=pickle.dumps(job), capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"solving parts {', '.join(str(i + 1) for i in lane)} of {len(parts)} "
                               "failed in their process:\n" + done.stderr.decode(errors="replace")[-2000:])
        return pickle.loads(done.stdout)

    by_part: dict[int, _Part] = {}
    with ThreadPoolExecutor(len(dealt)) as pool:  # threads only wait on the processes
        futures = {pool.submit(run, lane): lane for lane in dealt}
        for future in as_completed(futures):
            by_part.update(zip(futures[future], future.result()))
            if progress:
                solved = [r for r in by_part.values() if r.values]
                progress(Progress(len(by_part), len(parts), TIER_NAMES[0], sum(r.values[0] for r in solved),
                                  sum(r.bounds[0] for r in solved), time.monotonic() - t0, what="part"))
    # A lane stops at a part with no solution; solve() needs only that it is there.
    return [by_part[i] for i in range(len(parts)) if i in by_part]


def _solve_part(inst: Instance, options: SolveOptions, budget_total: float,
                progress: Callable[[Progress], None] | None, t0: float) -> _Part:
    built = build(inst)
    model, v = built.model, built.vars
    tiers = build_tiers(v)
    size = model_size(built)
    values: list[int] = []
    bounds: list[int | None] = []
    proven, deterministic = True, True
    last = None
    spent = 0.0
    assignment = _first_hint(inst, v)
    for i, tier in enumerate(tiers):
        # Coverage tiers matter most: they get the larger shares of what is left.
        share = STAGE_SHARES[i] / sum(STAGE_SHARES[i:])
        budget = max(0.05, (budget_total - spent) * share)
        model.ClearObjective()
        model.Maximize(tier.expr)
        model.ClearHints()
        for idx, val in assignment.items():
            model.AddHint(model.GetIntVarFromProtoIndex(idx), val)
        solver = _parameters(options, budget, size["variables"])
        cb = _Reporter(progress, i + 1, len(tiers), tier.name, t0) if progress else None
        status = solver.Solve(model, cb)
        spent += solver.deterministic_time
        if solver.WallTime() >= solver.parameters.max_time_in_seconds * 0.99:
            deterministic = False
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID) and i == 0:
            return _Part("INFEASIBLE", [], [], None, size, spent, deterministic)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and i == 0:
            rescue = _complete_hint(model, assignment, options, budget, size["variables"])
            if rescue is None:
                return _Part("UNKNOWN", [], [], None, size, spent, deterministic)
            solver, assignment = rescue
            spent += solver.deterministic_time
            if solver.WallTime() >= solver.parameters.max_time_in_seconds * 0.99:
                deterministic = False
            value = round(solver.Value(tier.expr))
            values.append(value)
            # With no solution of its own, the stage's bound is not one to trust.
            bounds.append(tier.most if tier.most is not None else value)
            proven = False
            last = solver
            log.debug("tier 1 (%s): nothing found in time; the greedy allocation, completed: %d", tier.name, value)
            model.Add(tier.expr >= value)
            continue
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Out of time in a lower tier: keep the previous stage's solution and score
            # the remaining tiers on it, with their bounds unknown beyond that stage.
            proven = False
            for rest in tiers[i:]:
                values.append(round(last.Value(rest.expr)))
                bounds.append(None)  # not known: solution.md gives bounds only where known
            break
        value = round(solver.ObjectiveValue())
        bound = math.floor(solver.BestObjectiveBound() + 1e-6)
        proven = proven and status == cp_model.OPTIMAL
        values.append(value)
        bounds.append(bound)
        last = solver
        assignment = {j: solver.Value(model.GetIntVarFromProtoIndex(j))
                      for j in range(len(model.Proto().variables))}
        if progress:
            progress(Progress(i + 1, len(tiers), tier.name, value, bound, time.monotonic() - t0))
        log.debug("tier %d (%s): %d, bound %d, %s", i + 1, tier.name, value, bound, solver.StatusName(status))
        model.Add(tier.expr >= value)
    return _Part("OPTIMAL" if proven else "FEASIBLE", values, bounds, _extract(inst, v, assignment),
                 size, spent, deterministic)


def _complete_hint(model: cp_model.CpModel, assignment: dict[int, int], options: SolveOptions,
                   budget: float, n_variables: int) -> tuple[cp_model.CpSolver, dict[int, int]] | None:
    """Stage 1 found nothing in its time (a large part, a short limit). Its hint — the
    greedy allocation, or nothing new — fixes who takes what; a copy of the model with
    those fixed is solved for the rest (meetings, shared supervision), which propagation
    settles almost at once. Better a tutor's allocation than no answer at all."""
    fixed = model.Clone()
    fixed.ClearObjective()
    fixed.ClearHints()
    for index, value in assignment.items():
        fixed.Add(fixed.GetIntVarFromProtoIndex(index) == value)
    solver = _parameters(options, max(1.0, budget), n_variables)
    if solver.Solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver, {j: solver.Value(fixed.GetIntVarFromProtoIndex(j)) for j in range(len(fixed.Proto().variables))}


def _first_hint(inst: Instance, v: Variables) -> dict[int, int]:
    """Stage 1 starts from the by-hand (greedy) allocation, so the solver's coverage is
    never below what a tutor would reach in a spreadsheet; where greedy cannot arrange
    the running items, from 'nothing new', which is feasible whenever they are."""
    from ..baseline import greedy

    hint: dict[int, int] = {var.Index(): 0 for var in list(v.take.values()) + list(v.group.values())
                            + list(v.tutor.values())}
    hint.update({var.Index(): 1 for var in list(v.kept_case.values()) + list(v.kept_member.values())})
    by_hand = greedy(inst)
    if by_hand is None:
        return hint
    for g in by_hand.groups:
        if not g.kept and (g.trainee_id, g.group_id) in v.group:
            hint[v.group[(g.trainee_id, g.group_id)].Index()] = 1
    for u in by_hand.tutors:
        if (u.trainee_id, u.tutor_id) in v.tutor:
            hint[v.tutor[(u.trainee_id, u.tutor_id)].Index()] = 1
    for c in by_hand.cases:
        p = v.pairs.get((c.trainee_id, c.case_id))
        if p is None:
            continue
        hint[p.lit.Index()] = 1
        for choices, chosen in ((p.session, c.session_slot), (p.supervisor, c.supervisor_id),
                                (p.meeting, (c.supervisor_id, c.supervision_slot))):
            for key, var in choices.items():
                hint[var.Index()] = int(key == chosen)
    return hint


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
