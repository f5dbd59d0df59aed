"""The objective tiers of domain.md, highest first.

They are solved in stages (see solve.py): maximise tier 1a, hold it, maximise tier 1b,
and so on. Stages rather than one weighted sum because the weights that would make a
single sum safe grow with the instance (tier 2 counts waiting weeks over every case),
and staged solving lets each tier report its own proven bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import SENIORITY_WEIGHT, length_of, requirement_of
from .expr import total

WAIT_WEEKS_CAP = 104  # beyond two years a longer wait adds no priority
PREFERENCE_POINTS = (20, 10, 5)  # first, second, third preferred modality
LOAD_WEIGHT = 30  # minutes of travel one case above a supervisor's half capacity is worth
TIER_NAMES = [
    "critical requirements placed",
    "other requirements placed, weighted CT3=3 CT2=2 CT1=1",
    "waiting weeks of cases taken + preference points",
    "minus (weekly travel minutes + 30 x cases above half of each supervisor's capacity)",
]


@dataclass(frozen=True)
class Tier:
    name: str
    expr: object
    most: int | None = None  # a bound known without solving (critical placements possible)


def placement(v, trainee_id: str, requirement: str):
    """The expression that is 1 when this requirement is placed this period, else None."""
    if requirement == "cbdg":
        vars_ = v.groups_of(trainee_id)
    else:
        vars_ = [p.lit for p in v.new_cases(trainee_id, length_of(requirement))]
    return total(vars_) if vars_ else None


def tiers(v) -> list[Tier]:
    inst, m = v.inst, v.model
    critical, seniority = [], []
    for t in inst.trainees:
        for need in inst.needs.of(t.id):
            if need.gated:
                continue
            placed = placement(v, t.id, need.requirement)
            if placed is None:
                continue
            if need.critical:
                critical.append(placed)
            else:
                seniority.append(SENIORITY_WEIGHT[t.grade] * placed)

    patients = []
    for (tid, cid), var in v.take.items():
        c, t = inst.case[cid], inst.trainee[tid]
        points = min(inst.needs.wait_days(c) // 7, WAIT_WEEKS_CAP)
        if c.modality in t.preferred_modalities:
            rank = t.preferred_modalities.index(c.modality)
            points += PREFERENCE_POINTS[rank] if rank < len(PREFERENCE_POINTS) else 1
        if points:
            patients.append(points * var)

    travel = []
    for (tid, gid), var in v.group.items():
        minutes = inst.travel.to_group(inst.trainee[tid], inst.group[gid])
        if minutes:
            travel.append(minutes * var)
    loads: dict[str, list] = {}
    for p in v.pairs.values():
        minutes = inst.travel.to_case(p.trainee, p.case)
        if minutes and not p.kept:
            travel.append(minutes * p.lit)
        for sid, var in p.supervisor.items():
            loads.setdefault(sid, []).append(var)
            minutes = inst.travel.to_supervisor(p.trainee, inst.supervisor[sid])
            if minutes:
                travel.append(minutes * var)
    # Spread: cases beyond half of a supervisor's capacity cost extra. A sum (not the
    # peak) so that the tier adds up over independent parts of a region.
    above_half = []
    for sid, vars_ in sorted(loads.items()):
        half = -(-inst.capacity.supervisor_cases(inst.supervisor[sid]) // 2)
        if len(vars_) > half:
            over = m.NewIntVar(0, len(vars_) - half, f"above_half[{sid}]")
            m.Add(over >= total(vars_) - half)
            above_half.append(over)
    exprs = [total(critical), total(seniority), total(patients),
             -(total(travel) + LOAD_WEIGHT * total(above_half))]
    mosts = [len(critical), None, None, None]  # each critical placement is at most 1
    return [Tier(name, expr, most) for name, expr, most in zip(TIER_NAMES, exprs, mosts)]


__all__ = ["Tier", "tiers", "placement", "requirement_of"]
