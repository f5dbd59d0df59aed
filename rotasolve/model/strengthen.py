"""Valid inequalities that no allocation breaks but the linear relaxation would.

The rules (``rules/``) say what is allowed; these add nothing a solution must obey that
the rules do not already imply. They exist because CP-SAT's bound comes from a linear
relaxation, in which a trainee may hold "one and a half" cases: a case's weekly minutes
(H7) and slots (H6) are knapsacks per trainee, and the relaxation of a knapsack is weak.
Stating outright which of a trainee's activities cannot go together closes most of that
gap (measured on connected regions of 250 trainees: see docs/decisions.md).
"""

from __future__ import annotations

from itertools import combinations

from .expr import total

# A trainee has a group place and at most a few case units: subsets are few.
_MAX_ITEMS = 6


def build(v) -> None:
    for tid, units in v.units_of_trainee.items():
        _trainee(v, tid, units)


def _trainee(v, tid: str, units) -> None:
    inst, m = v.inst, v.model
    t = inst.trainee[tid]
    mins = inst.minutes
    costs = {u.key: _costs(v, u) for u in units}  # per case, per supervisor
    cost = {key: min(by_case.values()) for key, (by_case, _by_sup) in costs.items()}
    group = total(v.holds_group(tid)) if v.holds_group(tid) else None
    items = [(u.held, 2, cost[u.key]) for u in units]  # literal, slots, minutes
    if group is not None:
        items.append((group, 1, 0))
    free = len(t.available_slots)
    room = mins.weekly
    if len(items) <= _MAX_ITEMS:
        for size in range(2, len(items) + 1):
            for subset in combinations(items, size):
                slots = sum(x[1] for x in subset)
                minutes = sum(x[2] for x in subset)
                if slots > free or minutes > room:
                    m.Add(total(x[0] for x in subset) <= size - 1)
    # Two cases held together must both be arranged cheaply enough to share the week:
    # ``both`` is 1 when they are, and bounded by the share of each unit's choices (case,
    # supervisor) that leave room for the other. Without it the relaxation gives a
    # trainee 1.4 cases by mixing a cheap arrangement of one with a dear one of the other.
    for u, w in combinations(units, 2):
        if cost[u.key] + cost[w.key] > room:
            continue  # the pair is already excluded above
        both = m.NewBoolVar(f"both[{u.key},{w.key}]")
        m.Add(u.held + w.held <= 1 + both)
        for one, other in ((u, w), (w, u)):
            by_case, by_sup = costs[one.key]
            cases = [one.case_is(cid) for cid in one.cases if by_case[cid] + cost[other.key] <= room]
            sups = [one.supervised_by(sid) for sid in one.supervisors() if by_sup[sid] + cost[other.key] <= room]
            m.Add(both <= total(cases))
            m.Add(both <= total(sups))


def _costs(v, u) -> tuple[dict[str, int], dict[str, int]]:
    """The least weekly minutes of each of a unit's cases (over the supervisors it may
    have) and of each supervisor (over the cases): ``Minutes.case_week``, individually."""
    inst = v.inst
    mins = inst.minutes
    t = u.trainee
    never = mins.weekly + 1
    sups = [inst.supervisor[s] for s in u.supervisors()]
    travel = {s.id: mins.supervision_travel(t, s) for s in sups}
    nearest: dict[str, int] = {}  # modality -> least supervision travel
    for s in sups:
        for m in s.modalities:
            nearest[m] = min(nearest.get(m, never), travel[s.id])
    by_case, by_sup = {}, {s.id: never for s in sups}
    cheapest_case: dict[str, int] = {}  # modality -> least cost before the supervisor
    for cid, c in u.cases.items():
        before = mins.case_before_supervisor(t, c)
        if c.supervisor:
            by_case[cid] = before + travel[c.supervisor] if c.supervisor in travel else never
            by_sup[c.supervisor] = min(by_sup.get(c.supervisor, never), by_case[cid])
            continue
        by_case[cid] = before + nearest.get(c.modality, never)
        cheapest_case[c.modality] = min(cheapest_case.get(c.modality, never), before)
    for s in sups:
        for m in s.modalities:
            if m in cheapest_case:
                by_sup[s.id] = min(by_sup[s.id], cheapest_case[m] + travel[s.id])
    return by_case, by_sup
