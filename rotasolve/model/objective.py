"""The objective tiers of domain.md, highest first, as expressions over the variables.

How they are optimised (in stages, or tier 1a and 1b as one exact weighted sum) is the
search's business (``search.py``); this module only states what each tier counts.
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
    most: int  # no solution scores more (each placement counts at most its weight)


def placement(v, trainee_id: str, requirement: str):
    """The expression that is 1 when this requirement is placed this period, else None."""
    if requirement == "cbdg":
        vars_ = v.groups_of(trainee_id)
        return total(vars_) if vars_ else None
    unit = v.new_unit(trainee_id, length_of(requirement))
    return unit.held if unit is not None else None


def case_points(inst, trainee, case) -> int:
    """Tier 2: weeks the patient has waited (capped), and the trainee's preference."""
    points = min(inst.needs.wait_days(case) // 7, WAIT_WEEKS_CAP)
    if case.modality in trainee.preferred_modalities:
        rank = trainee.preferred_modalities.index(case.modality)
        points += PREFERENCE_POINTS[rank] if rank < len(PREFERENCE_POINTS) else 1
    return points


def tiers(v) -> list[Tier]:
    inst = v.inst
    critical, seniority, most_1b = [], [], 0
    for need in inst.needs.all():
        if need.gated:
            continue
        placed = placement(v, need.trainee_id, need.requirement)
        if placed is None:
            continue
        if need.critical:
            critical.append(placed)
        else:
            weight = SENIORITY_WEIGHT[inst.trainee[need.trainee_id].grade]
            seniority.append(weight * placed)
            most_1b += weight
    patients, most_2 = _patients(v)
    return [Tier(TIER_NAMES[0], total(critical), len(critical)),
            Tier(TIER_NAMES[1], total(seniority), most_1b),
            Tier(TIER_NAMES[2], total(patients), most_2),
            Tier(TIER_NAMES[3], -_travel_and_load(v), 0)]


def _patients(v):
    inst = v.inst
    terms, most = [], 0
    for u in v.units.values():
        if u.kept is not None:
            continue
        best = 0
        for cid, var in u.take.items():
            points = case_points(inst, u.trainee, u.cases[cid])
            if points:
                terms.append(points * var)
                best = max(best, points)
        most += best
    return terms, most


def _travel_and_load(v):
    inst, m = v.inst, v.model
    travel = []
    for (tid, gid), var in v.group.items():
        minutes = inst.travel.to_group(inst.trainee[tid], inst.group[gid])
        if minutes:
            travel.append(minutes * var)
    loads: dict[str, list] = {}
    for u in v.units.values():
        t = u.trainee
        if u.kept is None:
            for cid, var in u.take.items():
                minutes = inst.travel.to_case(t, u.cases[cid])
                if minutes:
                    travel.append(minutes * var)
        for (sid, _k), var in u.meet.items():
            loads.setdefault(sid, []).append(var)
            minutes = inst.travel.to_supervisor(t, inst.supervisor[sid])
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
    return total(travel) + LOAD_WEIGHT * total(above_half)


def score(inst, sol) -> list[int]:
    """The tiers of any allocation (the greedy one, a reference's), counted as ``tiers``
    counts them on the model."""
    placed = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
    placed |= {(c.trainee_id, requirement_of(inst.case[c.case_id].length)) for c in sol.cases if not c.kept}
    critical = seniority = 0
    for need in inst.needs.all():
        if need.gated or (need.trainee_id, need.requirement) not in placed:
            continue
        if need.critical:
            critical += 1
        else:
            seniority += SENIORITY_WEIGHT[inst.trainee[need.trainee_id].grade]
    patients = sum(case_points(inst, inst.trainee[c.trainee_id], inst.case[c.case_id])
                   for c in sol.cases if not c.kept)
    travel = sum(inst.travel.to_group(inst.trainee[g.trainee_id], inst.group[g.group_id])
                 for g in sol.groups if not g.kept)
    load: dict[str, int] = {}
    for c in sol.cases:
        t = inst.trainee[c.trainee_id]
        if not c.kept:
            travel += inst.travel.to_case(t, inst.case[c.case_id])
        travel += inst.travel.to_supervisor(t, inst.supervisor[c.supervisor_id])
        load[c.supervisor_id] = load.get(c.supervisor_id, 0) + 1
    above = sum(max(0, n - -(-inst.capacity.supervisor_cases(inst.supervisor[sid]) // 2)) for sid, n in load.items())
    return [critical, seniority, patients, -(travel + LOAD_WEIGHT * above)]


__all__ = ["Tier", "tiers", "placement", "case_points", "score", "TIER_NAMES"]
