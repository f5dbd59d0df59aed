"""Upper bounds on placements, solver-free: flows through a network of needs, cases,
supervisors and groups in which every allocation is a flow (``_placement_network``).

- ``coverage_bound``: the most (critical) placements, a maximum flow;
- ``placement_bound``: the most ``critical_worth`` x critical placements + tier 1b, the
  best-paying flow: tier 1b's bound where no relaxation of the model is solved.

Each is the less of two networks, one through the cases and one through the supervisors
a trainee can meet; a trainee's week and a supervisor's meetings count as the most cases
each can hold (``cases_that_fit``, ``supervisor_room``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ortools.graph.python import max_flow, min_cost_flow

from .domain import SENIORITY_WEIGHT, Case, Instance, Need, Supervisor, Trainee, length_of
from .domain.choices import Candidates, UnitKey
from .domain.entities import Length

Arc = tuple[str, str, int, int]  # from, to, capacity, gain per unit of flow


def _placement_network(inst: Instance, choices: Candidates | None, worth: Callable[[Trainee, Need], int],
                       by_supervisor: bool = False) -> list[Arc]:
    """needs -> groups, or cases -> supervisors -> capacity; a need worth nothing left out.

    Every allocation is a flow here: each placement a path from the source through its
    need to the group place or the case and supervisor place it takes. A trainee's week
    counts only as the most new cases it can hold (``cases_that_fit``), a supervisor's
    meetings only as the most cases they can hold (``supervisor_room``); tutors are left
    out; so no allocation places more (or scores more) than the best flow. ``choices``,
    when given, must be every choice (``eligible``): each need then reaches the cases on
    its unit's list — fewer than the eligibility rules alone allow, as a list also leaves
    out what cannot fit the week (H7), and far quicker to look up on a large region (a
    minute for 5,000 trainees otherwise).

    ``by_supervisor``: each case need reaches the supervisors it may meet instead (its
    unit's list, within the trainee's travel), and no case: the cases are left out, where
    the other network leaves out who can reach whom (the bounds take the less of the two).
    (Connected 1,000 seed 1: tier 1b's bound 348 through the cases, 264 through the
    supervisors; its optimum is 252.)"""
    arcs = _places(inst, through_cases=not by_supervisor)
    for t in inst.trainees:
        room = inst.profile.max_cases_per_trainee - len(inst.kept_cases_of[t.id])
        case_node = f"tc:{t.id}"
        case_needs = 0
        reachable_by_need: list[Sequence[Case]] = []
        for n in inst.needs.of(t.id):
            gain = worth(t, n)
            if n.gated or gain <= 0:
                continue
            need = f"n:{t.id}:{n.requirement}"
            if n.requirement == "cbdg":
                arcs.append(("source", need, 1, gain))
                for g in inst.groups:
                    if inst.eligibility.can_join_group(t, g):
                        arcs.append((need, f"g:{g.id}", 1, 0))
                continue
            case_needs += 1
            arcs.append((case_node, need, 1, gain))  # the trainee's room for cases is shared
            length = length_of(n.requirement)
            reachable: Sequence[Case]
            if choices is not None:
                reachable = choices.cases.get(UnitKey(t.id, length), ())
            else:
                reachable = [c for c in inst.cases if c.length == length and inst.eligibility.can_take_case(t, c)
                             and inst.eligibility.pair_supervisors(t, c)]
            reachable_by_need.append(reachable)
            if by_supervisor:
                arcs += [(need, f"s:{sid}", 1, 0) for sid in _supervisors_reached(inst, t, length, reachable, choices)]
                continue
            for c in reachable:
                arcs.append((need, f"c:{c.id}", 1, 0))
        held = min(room, case_needs, cases_that_fit(inst, t, reachable_by_need)) if case_needs else 0
        if held > 0:
            arcs.append(("source", case_node, held, 0))
    return arcs


def _places(inst: Instance, through_cases: bool) -> list[Arc]:
    """Group places and supervisor places to the sink, what running items leave of them;
    and (``through_cases``) each new case once, to the supervisors qualified for it."""
    arcs: list[Arc] = []
    kept_members = {g.id: len(inst.kept_group_members[g.id]) for g in inst.groups}
    for g in inst.groups:
        arcs.append((f"g:{g.id}", "sink", max(0, inst.capacity.group_core_places(g) - kept_members[g.id]), 0))
    for sid, room in new_case_room(inst, running_cases(inst)).items():
        arcs.append((f"s:{sid}", "sink", room, 0))
    for c in inst.cases if through_cases else ():
        if not c.kept:
            # in -> out with capacity 1: a case is given at most once
            arcs.append((f"c:{c.id}", f"c-out:{c.id}", 1, 0))
            for s in inst.supervisors:
                if inst.eligibility.can_supervise(s, c):
                    arcs.append((f"c-out:{c.id}", f"s:{s.id}", 1, 0))
    return arcs


def _supervisors_reached(inst: Instance, t: Trainee, length: Length, reachable: Sequence[Case],
                         choices: Candidates | None) -> list[str]:
    """The supervisors a trainee's case of ``length`` may meet: its unit's list, or
    (without lists) every one who could supervise one of its cases for the trainee."""
    if choices is not None:
        return [s.id for s in choices.supervisors.get(UnitKey(t.id, length), ())]
    return sorted({s.id for c in reachable for s in inst.eligibility.pair_supervisors(t, c)})


def running_cases(inst: Instance) -> dict[str, list[Case]]:
    """Each supervisor's running cases (H10), by supervisor id (every supervisor)."""
    running: dict[str, list[Case]] = {s.id: [] for s in inst.supervisors}
    for c in inst.cases:
        if c.kept and c.current_supervisor:
            running.setdefault(c.current_supervisor, []).append(c)
    return running


def new_case_room(inst: Instance, running: dict[str, list[Case]]) -> dict[str, int]:
    """Each supervisor's room for new cases beside their ``running`` ones
    (``running_cases``): ``supervisor_room`` less what the running ones hold."""
    return {s.id: max(0, supervisor_room(inst, s, running[s.id]) - len(running[s.id])) for s in inst.supervisors}


def supervisor_room(inst: Instance, s: Supervisor, running: Sequence[Case] = ()) -> int:
    """The most cases a supervisor can hold at once, ``running`` (the running cases they
    supervise) included: their number (H4), and what their meetings can hold (H5): one
    meeting a slot, of one modality, and within the supervision PAs the best mix of
    individual meetings (one case, ``meeting(False)`` minutes each) and shared ones (up
    to the group size, ``meeting(True)`` minutes).

    The running cases are kept (H10), so their meetings are not all free to choose: two
    of different modalities are two meetings, and a running case's kept slot is its
    meeting's. Without them a supervisor with half a PA (120 minutes) and two running
    cases of two modalities had room for one more case, as if the two could share one
    90-minute meeting with it: they fill two individual ones, all 120 minutes. Random
    1,000 seed 7005 (scarce supervisors) has four such supervisors."""
    mins = inst.minutes
    size = max(1, s.group_size)
    slots = set(s.available_slots) & set(inst.slot_ids)
    limit = mins.supervisor_limit(s)
    alone, together = max(1, mins.meeting(shared=False)), max(1, mins.meeting(shared=True))
    at_slot, by_modality, outside = _running_meetings(running, slots)
    # The running cases' meetings, block by block: (minutes, free slots taken) -> most held.
    best: dict[tuple[int, int], int] = {(0, 0): 0}
    # A kept slot's running cases are one meeting there: shared if two or more (as given),
    # a lone one shared only with new cases joining it, where its trainee has room in the
    # week for a shared meeting's extra minutes (H7), as a running case without a slot.
    blocks = [[(together, 0, max(size, len(kept)))] if len(kept) > 1
              else [(alone, 0, 1)] + ([(together, 0, size)] if size > 1 and _has_room_to_share(inst, kept[0]) else [])
              for kept in at_slot.values()]
    # a kept slot holds its own meeting, of another modality than these (H5: one a slot)
    blocks += [_meeting_options(inst, cases, slots - set(at_slot), size, alone, together)
               for cases in by_modality.values()]
    for options in blocks:
        best = _combined(best, options, limit, len(slots) - len(at_slot))
    most = -1
    for (m, k), held in best.items():  # then new meetings in the slots left
        left = len(slots) - len(at_slot) - k
        for shared in range(left + 1 if size > 1 else 1):
            spent = m + together * shared
            if limit is not None and spent > limit:
                break
            individual = left - shared if limit is None else min(left - shared, (limit - spent) // alone)
            most = max(most, held + size * shared + individual)
    if most < 0:  # the running cases alone already break H5: no room for more
        return len(running)
    return min(inst.capacity.supervisor_cases(s), most + outside)


def _combined(best: dict[tuple[int, int], int], options: Sequence[tuple[int, int, int]], limit: int | None,
              free: int) -> dict[tuple[int, int], int]:
    """The meetings so far, (minutes, free slots taken) -> most held, with one more
    block's ``options`` (minutes, slots, held) added: what fits the PAs and the slots."""
    out: dict[tuple[int, int], int] = {}
    for (m, k), held in best.items():
        for om, ok, oh in options:
            key = (m + om, k + ok)
            if (limit is None or key[0] <= limit) and key[1] <= free:
                out[key] = max(out.get(key, 0), held + oh)
    return out


def _running_meetings(running: Sequence[Case], slots: set[str]) -> tuple[dict[str, list[Case]], dict[str, list[Case]],
                                                                        int]:
    """A supervisor's running cases as blocks of meetings: those holding each kept slot,
    and those of each modality with no kept slot yet (their meetings are chosen); beside
    them, how many are counted as held outside any meeting: those whose slot is none of
    the supervisor's (already breaking H5), and those with no slot whose modality a kept
    slot's meeting has (they may join it) — generous, so the room stays a bound."""
    at_slot: dict[str, list[Case]] = {}
    by_modality: dict[str, list[Case]] = {}
    for c in running:
        if c.supervision_slot in slots:
            at_slot.setdefault(c.supervision_slot, []).append(c)
    fixed_modalities = {c.modality for cases in at_slot.values() for c in cases}
    for c in running:
        if c.supervision_slot is None and c.modality not in fixed_modalities:
            by_modality.setdefault(c.modality, []).append(c)
    outside = len(running) - sum(len(cs) for cs in at_slot.values()) - sum(len(cs) for cs in by_modality.values())
    return at_slot, by_modality, outside


def _meeting_options(inst: Instance, cases: Sequence[Case], slots: set[str], size: int, alone: int,
                     together: int) -> list[tuple[int, int, int]]:
    """The ways running cases of one modality with no kept slot can meet, as (minutes,
    slots taken, cases held): each in an individual meeting or in a shared one (new
    cases filling it up to ``size``). Cases share a meeting only where their trainees
    have a slot in common with the supervisor, and each has room in the week for a shared
    meeting's extra minutes (H7); one whose trainee has none meets alone (and no new
    case joins it). Past ``_MOST_PARTITIONED`` cases only the numbers are counted.
    ``alone`` and ``together``: an individual and a shared meeting's minutes."""
    if len(cases) > _MOST_PARTITIONED:
        n = len(cases)
        return [(together * shared + alone * single, shared + single, size * shared + single)
                for shared in range(n + 1 if size > 1 else 1) for single in range(n + 1 - shared)
                if n <= size * shared + single]  # single = n always fits
    free = {c.id: meeting_slots(inst, c, slots) for c in cases}
    room = {c.id: size > 1 and _has_room_to_share(inst, c) for c in cases}
    options: set[tuple[int, int, int]] = set()
    for parts in _partitions(list(cases)):
        ways = [(0, 0)]  # (minutes, held) of the meetings so far
        for part in parts:
            if len(part) == 1:
                own = [(alone, 1)] + ([(together, size)] if room[part[0].id] else [])
            elif len(part) <= size and all(room[c.id] for c in part) and set.intersection(*(free[c.id] for c in part)):
                own = [(together, size)]
            else:
                break
            ways = [(m + om, h + oh) for m, h in ways for om, oh in own]
        else:
            options.update((m, len(parts), h) for m, h in ways)
    return sorted(options)  # never empty: each case alone in its own meeting is a way


_MOST_PARTITIONED = 5  # 52 ways to part five running cases; a supervisor rarely has more of one modality


def meeting_slots(inst: Instance, c: Case, slots: set[str]) -> set[str]:
    """Of a supervisor's ``slots``, those where running case ``c`` (with no kept
    supervision slot) can meet them: in its trainee's week, with the trainee's other
    running items (their group, and each running case's session and meeting) still in
    slots of their own (H6: a session where the patient is available too).

    Why: two running cases share a meeting only in a slot both can meet in. Their
    trainees' weeks alone said random 1,000 seed 7011's S042 (half a PA, two running
    cases of one modality) could share one meeting of the two and take a new case into
    it. But one trainee has two slots and their patient only one of them: the session
    takes that one, the meeting the other, which the other trainee lacks. So they meet
    individually, 120 minutes, and there is no room."""
    if not c.current_trainee:
        return set(slots)
    t = inst.trainee[c.current_trainee]
    week = set(inst.slot_ids) & set(t.available_slots)
    others: list[set[str]] = []  # the trainee's running items but this meeting (its session too): their slots
    if t.current_group:
        others.append({inst.group[t.current_group].slot})
    for r in inst.kept_cases_of[t.id]:
        others.append({r.session_slot} if r.session_slot else week & set(r.available_slots))
        if r.id == c.id:
            continue
        if r.supervision_slot:
            others.append({r.supervision_slot})
        else:
            theirs = inst.supervisor.get(r.current_supervisor or "")
            others.append(week & set(theirs.available_slots) if theirs is not None else set(week))
    return {k for k in slots & week if _apart([options - {k} for options in others])}


def _apart(items: list[set[str]]) -> bool:
    """Whether each of ``items`` (its possible slots) can have a slot of its own: a
    matching of every item (augmenting paths; a trainee's running items are few, but
    tried in turn, items with no slot in common with the rest took every order)."""
    holder: dict[str, int] = {}  # slot -> the item holding it

    def place(i: int, seen: set[str]) -> bool:
        for k in items[i]:
            if k in seen:  # read as it grows: a slot tried deeper in this path is not tried again
                continue
            seen.add(k)
            if k not in holder or place(holder[k], seen):
                holder[k] = i
                return True
        return False
    return all(place(i, set()) for i in range(len(items)))


def _has_room_to_share(inst: Instance, c: Case) -> bool:
    """Whether the trainee of running case ``c`` has room in the week (H7) for a shared
    meeting's extra minutes, beside the least their running cases take."""
    if not c.current_trainee:
        return True
    t, mins = inst.trainee[c.current_trainee], inst.minutes
    return sum(mins.case_week_least(t, k) for k in inst.kept_cases_of[t.id]) + mins.shared_extra <= mins.weekly


def _partitions(items: list[Case]) -> Iterator[list[list[Case]]]:
    """Every way to part ``items`` into non-empty blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for parts in _partitions(rest):
        yield [[first], *parts]
        for i in range(len(parts)):
            yield [*parts[:i], [first, *parts[i]], *parts[i + 1:]]


def cases_that_fit(inst: Instance, t: Trainee, reachable: Sequence[Sequence[Case]]) -> int:
    """The most new cases the trainee can hold at once, one for each need of
    ``reachable`` (the cases it may take), by their week alone: each takes two of the
    trainee's free slots, its session and its supervision meeting (H6), and at least its
    least week (H7), beside what the running cases and group already take (H10).

    The flow's room was the most cases at once (H8) alone, and an allocation whose
    trainees' weeks are full is far below it: on random 1,000-trainee regions 124 (seed
    7002), 80 (7001) and 91 (f64) of the flow's 631, 908 and 731 places for new cases do
    not fit their trainees' weeks."""
    mins = inst.minutes
    by_slots = slots_left(inst, t) // 2
    left = mins.weekly - sum(mins.case_week_least(t, c) for c in inst.kept_cases_of[t.id])
    by_hours = 0
    for least in sorted(mins.least_case_week_among(t, cases) for cases in reachable if cases):
        if least > left:
            break
        by_hours, left = by_hours + 1, left - least
    return max(0, min(by_slots, by_hours))


def slots_left(inst: Instance, t: Trainee) -> int:
    """The trainee's free slots that their running items leave (H6, H10): a running
    case's session and meeting and a running group's slot each take one."""
    free = set(inst.slot_ids) & set(t.available_slots)
    # A running item's slot outside the trainee's week leaves no allocation at all (H10),
    # so only those inside are counted as taken: the count stays a bound either way.
    taken = sum(1 for c in inst.kept_cases_of[t.id] for k in (c.session_slot, c.supervision_slot)
                if k is None or k in free)
    if t.current_group and inst.group[t.current_group].slot in free:
        taken += 1
    return max(0, len(free) - taken)


def _numbered(arcs: list[Arc]) -> tuple[dict[str, int], list[tuple[int, int, int, int]]]:
    ids: dict[str, int] = {"source": 0, "sink": 1}
    return ids, [(ids.setdefault(a, len(ids)), ids.setdefault(b, len(ids)), cap, gain) for a, b, cap, gain in arcs]


def coverage_bound(inst: Instance, choices: Candidates | None = None, critical_only: bool = True) -> int:
    """Max-flow upper bound on (critical) placements (``_placement_network``): no
    allocation places more."""
    worth: Callable[[Trainee, Need], int] = lambda t, n: 1 if n.critical or not critical_only else 0  # noqa: E731
    return min(_max_flow(_placement_network(inst, choices, worth, by_supervisor))
               for by_supervisor in (False, True))


def _max_flow(arcs: list[Arc]) -> int:
    ids, numbered = _numbered(arcs)
    flow = max_flow.SimpleMaxFlow()
    for a, b, cap, _gain in numbered:
        flow.add_arc_with_capacity(a, b, cap)
    status = flow.solve(ids["source"], ids["sink"])
    if status != flow.OPTIMAL:  # pragma: no cover - max-flow on these graphs always solves
        raise RuntimeError("max-flow failed")
    return flow.optimal_flow()


def placement_bound(inst: Instance, choices: Candidates | None = None, critical_worth: int = 0) -> int:
    """The most ``critical_worth`` x critical placements + tier 1b (other placements by
    seniority) any allocation can score: the best-paying flow of ``_placement_network``.

    It bounds tier 1b where no relaxation of the model is solved (a region whose choices
    were shortlisted, a part improved a neighbourhood at a time): an allocation placing
    ``v`` critical requirements has ``1b <= bound - critical_worth x v``. On a 756-trainee
    region (family f62) it proves tier 1b's optimum, 138. Where the weeks and the
    supervision PAs bind it was loose until it counted them (``cases_that_fit``,
    ``supervisor_room``) and went through the supervisors too: f64 (980 trainees), tier
    1b at its 211 critical placements 446 -> 411 (the answer 379); random 1,000 seed
    7001, 426 -> 401 (392). Where cases and supervisors bind together it still is: seed
    7002, 634 against an answer of 564, and the linear relaxation of the model among the
    choices searched says 605. Two networks, each under two seconds at 1,000 trainees."""
    worth: Callable[[Trainee, Need], int] = lambda t, n: critical_worth if n.critical \
        else SENIORITY_WEIGHT[t.grade]  # noqa: E731
    return min(_best_paying_flow(_placement_network(inst, choices, worth, by_supervisor))
               for by_supervisor in (False, True))


def _best_paying_flow(arcs: list[Arc]) -> int:
    ids, numbered = _numbered(arcs)
    supply = sum(cap for a, _b, cap, _gain in numbered if a == ids["source"])
    flow = min_cost_flow.SimpleMinCostFlow()
    for a, b, cap, gain in numbered:
        flow.add_arc_with_capacity_and_unit_cost(a, b, cap, -gain)  # it minimises cost
    flow.add_arc_with_capacity_and_unit_cost(ids["source"], ids["sink"], supply, 0)  # what is left unplaced
    flow.set_node_supply(ids["source"], supply)
    flow.set_node_supply(ids["sink"], -supply)
    if flow.solve() != flow.OPTIMAL:  # pragma: no cover - always feasible: the bypass carries everything
        raise RuntimeError("min-cost flow failed")
    return -flow.optimal_cost()


__all__ = ["coverage_bound", "placement_bound", "cases_that_fit", "new_case_room", "running_cases", "slots_left",
           "supervisor_room"]
