"""The objective tiers of domain.md, highest first.

They are solved in stages (see solve.py): maximise tier 1a, hold it, maximise tier 1b,
and so on. Stages rather than one weighted sum because the weights that would make a
single sum safe grow with the instance (tier 2 counts waiting weeks over every case),
and staged solving lets each tier report its own proven bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..instance import SENIORITY_WEIGHT, requirement_of
from .expr import total

WAIT_WEEKS_CAP = 104  # beyond two years a longer wait adds no priority
PREFERENCE_POINTS = (20, 10, 5)  # first, second, third preferred modality
LOAD_WEIGHT = 10  # minutes of travel one unit of peak supervisor load is worth


@dataclass(frozen=True)
class Tier:
    name: str
    expr: object


def placement(v, trainee_id: str, requirement: str):
    """The expression that is 1 when this requirement is placed this period, else None."""
    if requirement == "cbdg":
        vars_ = v.groups_of(trainee_id)
    else:
        vars_ = [p.lit for p in v.new_cases(trainee_id, requirement.split("_")[0])]
    return total(vars_) if vars_ else None


def tiers(v) -> list[Tier]:
    inst, m = v.inst, v.model
    critical, seniority = [], []
    for t in inst.trainees:
        for need in inst.needs[t.id]:
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
        points = min(inst.wait_days(c) // 7, WAIT_WEEKS_CAP)
        if c.modality in t.preferred_modalities:
            rank = t.preferred_modalities.index(c.modality)
            points += PREFERENCE_POINTS[rank] if rank < len(PREFERENCE_POINTS) else 1
        if points:
            patients.append(points * var)

    travel = []
    for (tid, gid), var in v.group.items():
        minutes = inst.group_travel_minutes(inst.trainee[tid], inst.group[gid])
        if minutes:
            travel.append(minutes * var)
    loads: dict[str, list] = {}
    for p in v.pairs.values():
        minutes = inst.case_travel_minutes(p.trainee, p.case)
        if minutes and not p.kept:
            travel.append(minutes * p.lit)
        for sid, var in p.supervisor.items():
            loads.setdefault(sid, []).append(var)
            minutes = inst.supervision_travel_minutes(p.trainee, inst.supervisor[sid])
            if minutes:
                travel.append(minutes * var)
    peak = m.NewIntVar(0, max((len(x) for x in loads.values()), default=0), "peak_supervisor_load")
    for sid, vars_ in loads.items():
        m.Add(peak >= total(vars_))
    return [
        Tier("critical requirements placed", total(critical)),
        Tier("other requirements placed, weighted CT3=3 CT2=2 CT1=1", total(seniority)),
        Tier("waiting weeks of cases taken + preference points", total(patients)),
        Tier("minus (weekly travel minutes + 10 x peak supervisor load)",
             -(total(travel) + LOAD_WEIGHT * peak)),
    ]


__all__ = ["Tier", "tiers", "placement", "requirement_of"]
