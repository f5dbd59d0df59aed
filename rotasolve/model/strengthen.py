"""Valid inequalities that no allocation breaks but the linear relaxation would.

The rules (``rules/``) say what is allowed; these add nothing a solution must obey that
the rules do not already imply. They exist because CP-SAT's bound comes from a linear
relaxation, in which a trainee may hold "one and a half" cases: a case's weekly minutes
(H7) and slots (H6) are knapsacks per trainee, and the relaxation of a knapsack is weak.
Stating outright which of a trainee's activities cannot go together closes most of that
gap (measured on connected regions of 250 trainees: see docs/decisions.md). (Stated as
holding at most what the trainee's tutor place holds, as the relaxation without slots
states them, they moved a connected 1,000-trainee region's critical search from 160 to
159 placements: docs/decisions.md, "a trainee's rows hold as much as their tutor's place".)

The same holds for a supervisor's shared meetings (H5): the rules tie ``shared`` to the
number of cases meeting only through ``count <= 1 + (group_size - 1) x shared``, so the
relaxation opens a fifth of a meeting, shares a fifth of it and spreads a dozen slivers
of cases over it, none of whose trainees pays the shared meeting's extra minutes (H7).
``_shared_meetings`` states what a meeting is: closed, one case alone, or shared by all
who meet there — and that a trainee with no room for a shared meeting's extra minutes
meets alone. On connected 1,000 the relaxation's bound on tier 1b falls from 267 to 257
(the optimum is 252); the first three rows alone give 266.

Two more say what a supervisor's meetings are, slot by slot and in the week:
``_meeting_modalities`` — a meeting not held is of no modality, where the rule says only
"at most one"; and ``_supervision_minutes`` — a supervisor's weekly minutes hold whole
meetings, alone or shared, so their numbers lie under the whole points' hull, not only
under the minutes' line. On a random connected region of 1,000 with scarce supervisors
(seed 7005) the bound on tier 1a falls from 106 to 103 with the first and to 101 with
both (the best found is 100).

All are stated for a linear relaxation only (``relaxation``; the last two for one that
only bounds, ``meetings_whole``): CP-SAT finds its own cuts, and in its search the
shared-meeting rows only changed which of equally good allocations came back.
"""

from __future__ import annotations

from itertools import combinations

from ortools.sat.python import cp_model

from ..domain.choices import UnitKey
from .expr import total
from .variables import Unit, Variables

# Per unit: the least weekly minutes of each case it may hold, and of each supervisor.
Costs = dict[UnitKey, tuple[dict[str, int], dict[str, int]]]

# A trainee has a group place and at most a few case units: subsets are few.
_MAX_ITEMS = 6


def build(v: Variables, relaxation: bool = False) -> None:
    costs = {key: _costs(v, u) for key, u in v.units.items()}  # per case, per supervisor
    for tid, units in v.units_of_trainee.items():
        _trainee(v, tid, units, costs)
    if relaxation:
        _shared_meetings(v, costs)


def meetings_whole(v: Variables) -> None:
    """The two rows on a supervisor's meetings, for a relaxation that only bounds (the
    critical relaxation's HiGHS run, ``engine/critical.py``). Where a relaxation's
    solution also guides a search they change where it goes: on the whole part's
    relaxation seed 7002's tier 1b was 593, not 612; on PDLP's critical point, 606."""
    _meeting_modalities(v)
    _supervision_minutes(v)


def _meeting_modalities(v: Variables) -> None:
    """A meeting not held is of no modality (H5 says "at most one"; the relaxation then
    holds a fifth of a meeting with half a case of each of two modalities in it)."""
    for key, chosen in sorted(v.meeting_modality.items()):
        v.model.add(total(chosen.values()) <= v.opened[key])


def _supervision_minutes(v: Variables) -> None:
    """H5's weekly minutes of a supervisor with ``supervision_pas``, over whole meetings:
    ``a`` meetings alone and ``b`` shared fit where ``alone x a + shared x b <= cap``,
    and every row of ``minutes_hull`` holds for them; with ``a`` = opened - shared and
    ``b`` = shared, summed over the supervisor's slots."""
    inst, mins = v.inst, v.inst.minutes
    for sid, slots in sorted(v.meeting_slots().items()):
        cap = mins.supervisor_limit(inst.supervisor[sid])
        if cap is None:
            continue
        keys = [(sid, k) for k in slots]
        opened = total(v.opened[key] for key in keys)
        shared = total(v.shared[key] for key in keys if key in v.shared)
        most_shared = None if any(key in v.shared for key in keys) else 0
        for p, q, r in minutes_hull(mins.meeting(shared=False), mins.meeting(shared=True), cap, most_shared):
            if p or most_shared is None:  # no shared meeting: b <= 0 says nothing
                v.model.add(p * opened + (q - p) * shared <= r)


def minutes_hull(alone: int, shared: int, cap: int, most_shared: int | None = None) -> list[tuple[int, int, int]]:
    """Rows ``p x a + q x b <= r`` whose common part, with a, b >= 0, is the convex hull
    of the whole (a, b) with ``alone x a + shared x b <= cap`` (and b <= ``most_shared``):
    the most meetings alone for each number shared, and the upper hull of those points."""
    top = cap // shared if most_shared is None else min(most_shared, cap // shared)
    points = [(b, (cap - shared * b) // alone) for b in range(top + 1)]  # (b, most a)
    hull: list[tuple[int, int]] = []
    for point in points:
        while len(hull) >= 2 and _not_above(hull[-1], hull[-2], point):
            hull.pop()
        hull.append(point)
    rows = [(1, 0, hull[0][1])] if len(hull) == 1 else []
    for (b1, a1), (b2, a2) in zip(hull, hull[1:]):
        p, q = b2 - b1, a1 - a2
        rows.append((p, q, p * a1 + q * b1))
    rows.append((0, 1, top))
    return rows


def _not_above(middle: tuple[int, int], left: tuple[int, int], right: tuple[int, int]) -> bool:
    """Whether ``middle`` (b, a) lies on or under the line from ``left`` to ``right``."""
    (b0, a0), (b1, a1), (b2, a2) = left, middle, right
    return (a1 - a0) * (b2 - b0) <= (a2 - a0) * (b1 - b0)


def _shared_meetings(v: Variables, costs: Costs) -> None:
    """For each meeting that may be shared (supervisor, slot): with ``count`` the cases
    meeting there and ``inside`` those in it as a shared meeting, every allocation has
    one of closed (0 = count = inside = opened = shared), one case alone (count = opened
    = 1, inside = shared = 0) or shared (count = inside >= 2, opened = shared = 1)."""
    inst, m = v.inst, v.model
    mins = inst.minutes
    for key, units in sorted(v.meetings().items()):
        if key not in v.shared:
            continue
        size = inst.supervisor[key[0]].group_size
        opened, shared = v.opened[key], v.shared[key]
        count = total(u.meet[key] for u in units)
        m.add(shared <= opened)
        m.add(count <= opened + (size - 1) * shared)
        m.add(count - total(u.in_shared[key] for u in units) == opened - shared)
        # A unit whose cheapest arrangement with this supervisor leaves its trainee no
        # room for a shared meeting's extra minutes is never in one (H7); where it meets,
        # it meets alone, so count = 1 — or none of them meets and count <= size.
        alone: list[Unit] = []
        for u in units:
            _by_case, by_supervisor = costs[u.key]
            if by_supervisor[key[0]] + mins.shared_extra > mins.weekly:
                alone.append(u)
                m.add(u.in_shared[key] == 0)
        if alone:
            m.add(count + (size - 1) * total(u.meet[key] for u in alone) <= size * opened)


def _trainee(v: Variables, tid: str, units: list[Unit], costs: Costs) -> None:
    inst, m = v.inst, v.model
    t = inst.trainee[tid]
    mins = inst.minutes
    cost = {u.key: min(costs[u.key][0].values()) for u in units}  # a unit's least minutes
    group = total(v.holds_group(tid)) if v.holds_group(tid) else None
    # literal, slots, minutes
    items: list[tuple[cp_model.LinearExpr, int, int]] = [(u.held, 2, cost[u.key]) for u in units]
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
                    m.add(total(x[0] for x in subset) <= size - 1)
    # Two cases held together must both be arranged cheaply enough to share the week:
    # ``both`` is 1 when they are, and bounded by the share of each unit's choices (case,
    # supervisor) that leave room for the other. Without it the relaxation gives a
    # trainee 1.4 cases by mixing a cheap arrangement of one with a dear one of the other.
    for u, w in combinations(units, 2):
        if cost[u.key] + cost[w.key] > room:
            continue  # the pair is already excluded above
        both = m.new_bool_var(f"both[{u.key},{w.key}]")
        m.add(u.held + w.held <= 1 + both)
        for one, other in ((u, w), (w, u)):
            by_case, by_sup = costs[one.key]
            cases = [one.case_is(cid) for cid in one.cases if by_case[cid] + cost[other.key] <= room]
            sups = [one.supervised_by(sid) for sid in one.supervisors() if by_sup[sid] + cost[other.key] <= room]
            m.add(both <= total(cases))
            m.add(both <= total(sups))


def _costs(v: Variables, u: Unit) -> tuple[dict[str, int], dict[str, int]]:
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
    by_case: dict[str, int] = {}
    by_sup = {s.id: never for s in sups}
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
