"""The next rotations (planning.md): a rolling horizon of solve, roll forward, arrivals,
solve again, N times; and what it shows per rotation and per trainee.

Each rotation is an ordinary solve (``pipeline.allocate``: checked, explained, projected)
of an ordinary scheme: the workbook's for the first, the previous one rolled forward
(``lifecycle.roll_forward``, as `rotasolve next` does) with the period's arrivals
(``arrivals``) for the others. So the first rotation is exactly `rotasolve solve` of
the workbook with the same limit and seed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace


from ..core import stop
from ..domain import REQUIREMENTS, Instance
from ..engine import SolveOptions
from ..lifecycle import roll_forward
from ..pipeline import allocate
from ..core.progress import Progress
from ..results.planning import Forecast, Rotation, Supply, TraineeRequirement
from ..results.solution import Solution
from .arrivals import Assumptions, with_arrivals
from .capacity import critical_needs, placed


def forecast(inst: Instance, a: Assumptions, options: SolveOptions,
             progress: Callable[[Progress], None] | None = None) -> Forecast:
    """Solve ``a.rotations`` rotations in turn, each with an equal share of the time limit."""
    note = progress or (lambda _p: None)
    each = replace(options, time_limit=options.time_limit / a.rotations)
    started = time.monotonic()
    instances: list[Instance] = []
    solutions: list[Solution] = []
    rotations: list[Rotation] = []
    now, left, stopped = inst, 0, None
    for r in range(1, a.rotations + 1):
        if r > 1:
            roll = roll_forward(now, solutions[-1])
            left = len(roll.removed_trainees)
            now = with_arrivals(inst, roll.apply(now), r, a)
        sol = allocate(now, each)
        instances.append(now)
        solutions.append(sol)
        row = _rotation(now, sol, r, a, left)
        rotations.append(row)
        note(Progress(what="note", elapsed=time.monotonic() - started, message=_progress_line(row, a)))
        if sol.status not in ("OPTIMAL", "FEASIBLE"):
            stopped = (f"rotation {r} has no allocation ({sol.status}"
                       + (f": {'; '.join(sol.conflicts[:3])}" if sol.conflicts else "") + "); the forecast stops there")
            break
        if stop.requested():
            stopped = (f"stopped early by the user in rotation {r}: the rotations before it as solved, rotation {r} "
                       "with the best allocation found by then; the forecast stops there")
            break
    return Forecast(scheme=inst.settings.name, assumptions=a.lines(inst), rotations=rotations,
                    settings={"rotations": a.rotations, "seed": a.seed, "intake": a.intake,
                              "intake_every": a.intake_every, "cases_per_rotation": a.cases_per_rotation,
                              "time_limit_per_rotation": round(each.time_limit, 3)},
                    trainees=_trainees(instances, solutions), stopped=stopped,
                    instances=instances, solutions=solutions)


def _progress_line(row: Rotation, a: Assumptions) -> str:
    return (f"rotation {row.rotation}/{a.rotations} from {row.plan_start}: {row.trainees} trainees "
            f"(+{row.arrived} new, {row.left} left), +{row.new_cases} cases; {row.status}: placed "
            f"{sum(row.placed.values())} of {row.needs}, critical {row.critical_placed}/{row.critical}; "
            f"WILL_MISS {row.WILL_MISS}, AT_RISK {row.AT_RISK}")


def _rotation(inst: Instance, sol: Solution, r: int, a: Assumptions, left: int) -> Rotation:
    done = placed(inst, sol) if sol.status in ("OPTIMAL", "FEASIBLE") else set()
    unmet: dict[str, Counter] = {req: Counter() for req in REQUIREMENTS}
    for u in sol.unmet:
        unmet[u.requirement][u.reason] += 1
    status = Counter(row.status for row in sol.compliance)
    critical = critical_needs(inst)
    return Rotation(
        rotation=r, plan_start=inst.settings.plan_start, status=sol.status, trainees=len(inst.trainees),
        arrived=a.intake_at(r) if r > 1 else 0, new_cases=a.cases_at(r), left=left,
        needs=len(inst.needs.all()), placed={req: sum(1 for _t, q in done if q == req) for req in REQUIREMENTS},
        unmet={req: dict(sorted(c.items())) for req, c in unmet.items()}, critical=len(critical),
        critical_placed=len(done & critical), WILL_MISS=status["WILL_MISS"], AT_RISK=status["AT_RISK"],
        supply=_supply(inst, sol))


def _supply(inst: Instance, sol: Solution) -> list[Supply]:
    supervised = Counter(inst.case[c.case_id].modality for c in sol.cases)
    out = []
    for m in sorted({c.modality for c in inst.cases} | {m for s in inst.supervisors for m in s.modalities}):
        out.append(Supply(
            modality=m, cases_waiting=sum(1 for c in inst.cases if c.modality == m and not c.kept),
            cases_running=sum(1 for c in inst.cases if c.modality == m and c.kept),
            supervisor_places=sum(s.max_trainees for s in inst.supervisors if m in s.modalities),
            cases_supervised=supervised[m]))
    return out


def _trainees(instances: list[Instance], solutions: list[Solution]) -> list[TraineeRequirement]:
    """Per trainee and requirement over the horizon: when it was placed, its projected
    finish against its due date, and the first rotation it would be WILL_MISS."""
    rows: dict[tuple[str, str], dict] = {}
    for r, (inst, sol) in enumerate(zip(instances, solutions), start=1):
        why = {(u.trainee_id, u.requirement): f"{u.reason}: {u.detail}" for u in sol.unmet}
        for c in sol.compliance:
            t = inst.trainee[c.trainee_id]
            row = rows.setdefault((c.trainee_id, c.requirement), dict(
                trainee_id=t.id, name=t.name, requirement=c.requirement, due=c.due, core_end=inst.needs.core_end(t),
                first_rotation=r, status_first=c.status))
            row["last_rotation"], row["status_last"] = r, c.status
            row["why_last"] = why.get((c.trainee_id, c.requirement))
            # A new placement sets (or, after a place that ended, resets) the rotation and the
            # projection; a running item keeps the projection it started with.
            if c.status == "ALLOCATED" or (c.projected_finish is not None and row.get("projected_finish") is None):
                row["placed_in"] = r if c.status == "ALLOCATED" else row.get("placed_in")
                row["projected_finish"] = c.projected_finish
                assert c.projected_finish is not None  # an allocated case or group has its finish
                row["on_time"] = c.projected_finish <= c.due
            if c.status == "WILL_MISS" and row.get("first_will_miss") is None:
                row["first_will_miss"] = r
    return [TraineeRequirement(**row) for _key, row in sorted(rows.items())]
