"""Tier 1b's bound over every choice of a shortlisted part, from a relaxation without slots.

A region too large for the model's own linear relaxation over every choice (hundreds of
thousands of variables, minutes of HiGHS) had only the flows' bound on tier 1b
(``flows.placement_bound``). Each flow network leaves out one pairing: the one through
the cases which supervisors a trainee can meet, the one through the supervisors which
cases they can take; where cases and supervisors bind together, neither sees it (random
1,000 seed 7002: the flows 631, the best found 612). This relaxation keeps both, and
leaves out what makes the model large, its slots: each case unit takes a case (each
case once; or, with many to choose from, a kind of case, ``_taken``) and, by the case's
modality, meets a supervisor individually or shared; a
trainee's week counts minutes, slots and cases; a supervisor's meetings are counts, new
and running, by modality, within their slots and PAs (with the minutes' hull, as
``strengthen.minutes_hull``) and never more new cases than ``flows.supervisor_room``
leaves; groups and tutors by their places, a trainee's rows times whether they are
overseen. From 26,000 to 437,000 variables at 1,000 trainees with every case by name, as
dense as the region's choices: seed 7002's 98,000 solved in HiGHS in a third of a minute
on a slow day (623), seed 7001's 437,000 in nearly three minutes; so it is solved only
where planned small enough (``planned_variables``, ``WITHOUT_SLOTS_UP_TO``).

It is a relaxation: every allocation placing at least ``critical_placed`` critical
requirements is a point of it (left out: the slots themselves, the distinct modalities
of H3, a case's fixed supervisor, groups' ``min_size``), so its optimum bounds tier 1b
of each one (``tests/engine/test_without_slots.py`` checks it against exhaustive search).
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from ortools.sat.python import cp_model

from ..domain import SENIORITY_WEIGHT, Instance, Trainee, length_of
from ..domain.choices import Candidates, UnitKey
from ..domain.entities import Case, Supervisor
from ..domain.tiers import ByTier
from ..flows import cases_that_fit, new_case_room, running_cases, slots_left
from ..model.expr import total
from ..model.first_order import FirstOrderBound
from ..model.strengthen import minutes_hull
from ..core.tuning import WITHOUT_SLOTS_BY_NAME_UP_TO
from .critical_units import least

# Per supervisor: a unit's new-case literals meeting them individually (by modality,
# ``alone``) and shared (``shared``), and every one of them (``held``).
_Meetings = dict[str, dict[str, list[cp_model.IntVar]]]


class _Model:
    def __init__(self, inst: Instance, everything: Candidates, by_name_up_to: int) -> None:
        self.inst, self.everything, self.by_name_up_to = inst, everything, by_name_up_to
        self.model = cp_model.CpModel()
        self.critical: list[cp_model.LinearExprT] = []
        self.others: list[cp_model.LinearExprT] = []
        self.takers: dict[str, list[cp_model.IntVar]] = defaultdict(list)  # case -> units' literals
        # modality -> every unit's literals taking a case of it, and the cases they may take;
        # pooled where some unit takes a kind of case of it (``by_kind``, ``_taken``)
        self.pooled: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        self.pool: dict[str, set[str]] = defaultdict(set)
        self.by_kind: set[str] = set()
        self.joiners: dict[str, list[cp_model.IntVar]] = defaultdict(list)  # group -> trainees' literals
        self.overseen: dict[str, list[cp_model.IntVar]] = defaultdict(list)  # tutor -> trainees' literals
        self.alone: _Meetings = defaultdict(lambda: defaultdict(list))
        self.shared: _Meetings = defaultdict(lambda: defaultdict(list))
        self.held: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        self.running = running_cases(inst)
        self.room = new_case_room(inst, self.running)


def bound_model(inst: Instance, everything: Candidates, critical_placed: int,
                by_name_up_to: int = WITHOUT_SLOTS_BY_NAME_UP_TO) -> cp_model.CpModel | None:
    """The relaxation as a CP-SAT model (its linear relaxation is what bounds): tier 1b
    maximised among allocations placing at least ``critical_placed`` critical
    requirements. ``everything``: every choice (``eligible``). ``by_name_up_to``: a unit
    with more cases takes a kind of case (``_taken``). None where no requirement counts in
    tier 1b (its bound is 0)."""
    m = _Model(inst, everything, by_name_up_to)
    for t in inst.trainees:
        _trainee(m, t)
    for literals in m.takers.values():
        m.model.add(total(literals) <= 1)
    for modality in sorted(m.by_kind):
        m.model.add(total(m.pooled[modality]) <= len(m.pool[modality]))
    for g in inst.groups:
        if m.joiners[g.id]:
            room = inst.capacity.group_core_places(g) - len(inst.kept_group_members[g.id])
            m.model.add(total(m.joiners[g.id]) <= max(0, room))
    for u in inst.tutors:
        if m.overseen[u.id]:
            m.model.add(total(m.overseen[u.id]) <= inst.capacity.tutor_trainees(u))
    for s in inst.supervisors:
        if m.held[s.id]:
            _supervisor(m, s.id)
    if not m.others:
        return None
    m.model.add(total(m.critical) >= critical_placed)
    m.model.maximize(total(m.others))
    return m.model


def _trainee(m: _Model, t: Trainee) -> None:
    inst, model, mins = m.inst, m.model, m.inst.minutes
    kept = inst.kept_cases_of[t.id]
    placements: list[cp_model.LinearExprT] = []
    cases_held: list[cp_model.LinearExprT] = []
    groups: list[cp_model.LinearExprT] = []
    week: list[cp_model.LinearExprT] = []
    reachable: list[tuple[Case, ...]] = []
    for n in inst.needs.of(t.id):
        if n.gated:
            continue
        placed: cp_model.LinearExprT
        if n.requirement == "cbdg":
            joined = {g.id: model.new_bool_var(f"group[{t.id},{g.id}]") for g in inst.groups
                      if inst.eligibility.can_join_group(t, g)}
            for gid, x in joined.items():
                m.joiners[gid].append(x)
            placed = total(joined.values())
            groups.append(placed)
        else:
            unit = _unit_choices(m.everything, m.room, t, n.requirement)
            if unit is None:
                continue
            key, cases, supervisors = unit
            placed = _case_unit(m, t, key, cases, supervisors, week)
            cases_held.append(placed)
            reachable.append(cases)
        placements.append(placed)
        if n.critical:
            m.critical.append(placed)
        else:
            m.others.append(SENIORITY_WEIGHT[t.grade] * placed)
    if not placements:
        # A trainee holding only running items is overseen too, and takes a tutor's place
        # (H9): left out, tier 1b's bound on random 1,000 seed 7015 was 545, with it 493.
        if t.current_group or kept:
            _tutored(m, t, placements)
        return
    free = slots_left(inst, t)
    # A trainee's rows hold ``overseen`` times their room: one with no tutor holds nothing
    # (H9), so no allocation breaks them, and the relaxation can no longer give half a
    # tutor's place to a trainee holding half of each of two cases that never fit together
    # (random 1,000 seed 7007: 124 -> 113; 7015: 493 -> 435). Not in the model's own rows
    # (``strengthen._trainee``), where they moved what guides the critical search
    # (docs/decisions.md).
    overseen = _tutored(m, t, placements)
    if cases_held:
        model.add(total(cases_held) <= min(inst.profile.max_cases_per_trainee - len(kept),
                                           cases_that_fit(inst, t, reachable)) * overseen)
        model.add(total(week) <= (mins.weekly - sum(mins.case_week_least(t, c) for c in kept)) * overseen)
    for placed in groups:
        model.add(placed <= 1)
    # a session and a meeting for each case, the group's slot (H6); and, being whole,
    # no more than half the slots (rounded up) for cases and groups together
    model.add(2 * total(cases_held) + total(groups) <= free * overseen)
    model.add(total(cases_held) + total(groups) <= (free + 1) // 2 * overseen)


def _case_unit(m: _Model, t: Trainee, key: UnitKey, cases: tuple[Case, ...], supervisors: list[Supervisor],
               week: list[cp_model.LinearExprT]) -> cp_model.LinearExprT:
    """A case unit: the case it takes (H2) and, of that case's modality, the supervisor it
    meets individually or shared (H4, H5); its minutes added to the trainee's ``week``
    (H7). Returns its placement."""
    model, mins = m.model, m.inst.minutes
    take = _taken(m, t, key, cases, week)
    for modality in sorted(take):
        meets = []
        for s in supervisors:
            if modality not in s.modalities:
                continue
            travel = mins.supervision_travel(t, s)
            alone = model.new_bool_var(f"alone[{key},{s.id},{modality}]")
            m.alone[s.id][modality].append(alone)
            week.append((mins.supervision + travel) * alone)
            meets.append(alone)
            m.held[s.id].append(alone)
            if s.group_size > 1:
                shared = model.new_bool_var(f"shared[{key},{s.id},{modality}]")
                m.shared[s.id][modality].append(shared)
                week.append((mins.group_supervision + travel) * shared)
                meets.append(shared)
                m.held[s.id].append(shared)
        model.add(total(meets) == total(take[modality]))
    return total(x for xs in take.values() for x in xs)


def _taken(m: _Model, t: Trainee, key: UnitKey, cases: tuple[Case, ...],
           week: list[cp_model.LinearExprT]) -> dict[str, list[cp_model.IntVar]]:
    """The case a unit takes, its minutes added to the trainee's ``week``; returns its
    literals by modality. A unit with at most ``m.by_name_up_to`` cases takes one by name
    (each case once). One with more takes a *kind* of case, its modality and its weekly
    minutes for this trainee, all a relaxation without slots tells of a case but who else
    may take it; the cases of a modality are then pooled (no more taken than there are),
    and a case by name counts in its pool too.

    Why: a region with remote cases lets every trainee take most cases, and by name the
    relaxation had 246,000 units' cases on random connected 1,000 seed 7007 (and 212,000
    on 7015): 37-41 s of HiGHS, beyond a run. By kind it has 40,000 (and 9,000) and the
    same bound, 113 (and 435), in 5 s (and 3 s). Every unit by kind lost 7012's bound (650
    by name, 730 by kind), whose units with fewer cases compete for the same few."""
    model = m.model
    by_name = len(cases) <= m.by_name_up_to
    kinds: dict[tuple[str, int, str], list[Case]] = defaultdict(list)
    for c in cases:
        kinds[_kind(m.inst, t, c) + (c.id if by_name else "",)].append(c)
    take = {kind: model.new_bool_var(f"take[{key},{kind}]") for kind in kinds}
    # One case a unit: left out, a unit took two where its trainee had room for two
    # cases, and counted both (random 1,000 seed 7012: tier 1b's bound 715, with it 650;
    # 7007's 126, with it 124, where the model's relaxation over every choice says 124.91).
    model.add(total(take.values()) <= 1)
    by_modality: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (modality, minutes, case_id), x in take.items():
        if case_id:
            m.takers[case_id].append(x)
        m.pool[modality].update(c.id for c in kinds[(modality, minutes, case_id)])
        m.pooled[modality].append(x)
        if not by_name:
            m.by_kind.add(modality)
        week.append(minutes * x)
        by_modality[modality].append(x)
    return by_modality


def _kind(inst: Instance, t: Trainee, c: Case) -> tuple[str, int]:
    """A case as a relaxation without slots tells it for trainee ``t``: its modality and
    its weekly minutes (session and travel)."""
    return c.modality, inst.minutes.session + inst.minutes.case_travel(t, c)


def _tutored(m: _Model, t: Trainee, placements: list[cp_model.LinearExprT]) -> cp_model.LinearExprT:
    """Every trainee with a group or a case is overseen by one tutor of their trust (H9).
    Returns whether the trainee is overseen (1 or 0; a part of one in the relaxation)."""
    inst, model = m.inst, m.model
    tutors = inst.eligibility.tutors_for(t.id)
    overseen = [model.new_bool_var(f"tutor[{t.id},{u.id}]") for u in tutors]
    for u, w in zip(tutors, overseen):
        m.overseen[u.id].append(w)
    if t.current_group or inst.kept_cases_of[t.id]:
        model.add(total(overseen) == 1)
        return total(overseen)
    for placed in placements:
        model.add(placed <= total(overseen))
    model.add(total(overseen) <= 1)
    return total(overseen)


def _supervisor(m: _Model, sid: str) -> None:
    """A supervisor's meetings as counts (H4, H5): new individual meetings (one new case
    each), new shared ones and the running cases' meetings by modality (individual ones
    holding one running case each, shared ones at least one, new cases of that modality
    filling the rest), all in the supervisor's slots and, with the minutes' hull, PAs."""
    inst, model, mins = m.inst, m.model, m.inst.minutes
    s = inst.supervisor[sid]
    size = max(1, s.group_size)
    slots = len(set(s.available_slots) & set(inst.slot_ids))
    model.add(total(m.held[sid]) <= m.room[sid])
    new_alone = model.new_int_var(0, slots, f"new_alone[{sid}]")
    model.add(total(x for xs in m.alone[sid].values() for x in xs) <= new_alone)
    alone: list[cp_model.LinearExprT] = [new_alone]
    shared: list[cp_model.LinearExprT] = []
    running: dict[str, int] = defaultdict(int)
    for c in m.running[sid]:
        running[c.modality] += 1
    for modality in sorted(set(running) | set(m.shared[sid])):
        n = running.get(modality, 0)
        room: list[cp_model.LinearExprT] = []  # for new cases of this modality in shared meetings
        if size > 1:
            meetings = model.new_int_var(0, slots, f"shared_meetings[{sid},{modality}]")
            shared.append(meetings)
            room.append(size * meetings)
        if n:
            running_alone = model.new_int_var(0, n, f"running_alone[{sid},{modality}]")
            running_shared = model.new_int_var(0, n if size > 1 else 0, f"running_shared[{sid},{modality}]")
            model.add(running_alone + size * running_shared >= n)
            model.add(running_alone + running_shared <= n)
            alone.append(running_alone)
            shared.append(running_shared)
            room.append(size * running_shared - (n - running_alone))
        if size > 1:
            model.add(total(m.shared[sid][modality]) <= total(room))
    model.add(total(alone) + total(shared) <= slots)
    limit = mins.supervisor_limit(s)
    if limit is not None:
        for p, q, r in minutes_hull(mins.meeting(shared=False), mins.meeting(shared=True), limit,
                                    None if size > 1 else 0):
            model.add(p * total(alone) + q * total(shared) <= r)


def planned_variables(inst: Instance, everything: Candidates,
                      by_name_up_to: int = WITHOUT_SLOTS_BY_NAME_UP_TO) -> int:
    """The variables ``bound_model`` would make for its case units, without building it
    (its groups' and tutors' are a few per trainee): each unit's cases, or kinds of case
    (``_taken``), and, for each supervisor with room who supervises one of their
    modalities, a meeting alone and one shared. (Counted with every supervisor, seed
    7002's 98,000 were 155,000.)"""
    room = new_case_room(inst, running_cases(inst))
    count = 0
    for t in inst.trainees:
        for n in inst.needs.of(t.id):
            unit = None if n.gated or n.requirement == "cbdg" else _unit_choices(everything, room, t, n.requirement)
            if unit is not None:
                _, cases, supervisors = unit
                modalities = {c.modality for c in cases}
                taken = len(cases) if len(cases) <= by_name_up_to \
                    else len({_kind(inst, t, c) for c in cases})
                count += taken + sum(len(modalities & set(s.modalities)) * (2 if s.group_size > 1 else 1)
                                     for s in supervisors)
    return count


def _unit_choices(everything: Candidates, room: dict[str, int], t: Trainee,
                  requirement: str) -> tuple[UnitKey, tuple[Case, ...], list[Supervisor]] | None:
    """A case unit's key, cases and the supervisors with ``room`` left among its choices;
    None where it has no case or no such supervisor (it is left out)."""
    key = UnitKey(t.id, length_of(requirement))
    cases = everything.cases.get(key, ())
    supervisors = [s for s in everything.supervisors.get(key, ()) if room[s.id] > 0]
    return (key, cases, supervisors) if cases and supervisors else None


def _maximising(inst: Instance, everything: Candidates, critical_placed: int) -> cp_model.CpModel:
    """``bound_model``, or where no requirement counts in tier 1b, a model whose most is 0
    (so the child's bound is 0 too)."""
    model = bound_model(inst, everything, critical_placed)
    if model is None:
        model = cp_model.CpModel()
        model.maximize(model.new_int_var(0, 0, "nothing"))
    return model


class WithoutSlots:
    """The relaxation built and solved (HiGHS, one thread) in a process of its own
    (``FirstOrderBound``'s child, at the lowest priority so it takes only the cores the
    searches leave), begun once a part's start is found, while its final searches run;
    read at the end. In a thread of the part's own process it held the
    one-HiGHS-at-a-time lock that RINS's relaxations and the group places' MIP wait on,
    and its building took Python's lock from the searches' callbacks: f64's run ended
    at 163 s of 150, seed 7001's at 155 s with 1.62 GiB (0.98 without it)."""

    def __init__(self, inst: Instance, everything: Candidates, critical_placed: int, time_limit: float) -> None:
        self.critical_placed = critical_placed
        self._apart = FirstOrderBound(partial(_maximising, inst, everything, critical_placed), 0, time_limit,
                                      apart=True, highs=True)

    def running(self) -> bool:
        """Still solving: its bound is yet to come."""
        return self._apart.running()

    def bound(self, critical_placed: int, deadline: float) -> int | None:
        """Tier 1b's bound for an answer placing ``critical_placed`` critical requirements
        (it holds for any answer placing at least the count it was built with), waiting
        until ``deadline`` at most (the part's: its searches end then, so it is rarely
        waited for); None if not done by then (its child is then ended), or the count is
        short of its own."""
        found = self._apart.bound(deadline)
        return found if critical_placed >= self.critical_placed else None

    def tightened(self, answer: ByTier[int], others_bound: int | None, deadline: float) -> int | None:
        """Tier 1b's bound for ``answer``: the least of ``others_bound`` (the part's own) and
        this one; not waited for where the answer already reaches the part's own (proven
        early, it would only keep the run waiting)."""
        if others_bound is not None and answer.others >= others_bound:
            self._apart.cancel()
            return others_bound
        return least(others_bound, self.bound(answer.critical, deadline))
