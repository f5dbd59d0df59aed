"""Why each unmet requirement is unmet, in words a tutor can act on.

Solver-agnostic: it reads the instance and the solution and filters the candidates a
requirement had, resource by resource, naming the first resource that ran out — the
same order a tutor would check by hand (due? a case at all? within travel? a slot? a
supervisor? the 4-hour week? the tutor's PAs? taken by someone more urgent?).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..allocation import meeting_sizes, weekly_minutes
from ..domain import Instance, Length, Trainee, length_of
from ..results.solution import Solution, Unmet

_NAMES = 4  # how many ids to name in a detail before "and N more"


def hours(minutes: int) -> str:
    """Minutes as a tutor says them: '1 h 20 min', '2 h', '40 min'."""
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


def _names(ids) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:_NAMES])
    return shown + (f" and {len(ids) - _NAMES} more" if len(ids) > _NAMES else "")


class _State:
    """What the solution uses: slots per trainee, loads, group sizes, tutor loads."""

    def __init__(self, inst: Instance, sol: Solution):
        self.inst, self.sol = inst, sol
        self.busy: dict[str, set[str]] = {t.id: set() for t in inst.trainees}
        for g in sol.groups:
            self.busy[g.trainee_id].add(inst.group[g.group_id].slot)
        for c in sol.cases:
            self.busy[c.trainee_id] |= {c.session_slot, c.supervision_slot}
        self.group_size = Counter(g.group_id for g in sol.groups)
        self.sup_load = Counter(c.supervisor_id for c in sol.cases)
        self.case_holder = {c.case_id: c.trainee_id for c in sol.cases}
        self.held = Counter(c.trainee_id for c in sol.cases)
        self.minutes = weekly_minutes(inst, sol)
        self.tutor_load = Counter(u.tutor_id for u in sol.tutors)
        self.has_tutor = {u.trainee_id for u in sol.tutors}
        self.meetings = meeting_sizes(sol)
        self.new_group = {g.trainee_id for g in sol.groups if not g.kept}
        self.new_case = {(c.trainee_id, inst.case[c.case_id].length) for c in sol.cases if not c.kept}
        self._supervisors: dict[tuple, list] = {}

    def supervisors_for(self, t: Trainee, c) -> list:
        """Eligibility.pair_supervisors, which depends on the case only through its
        modality and fixed supervisor: asked once per kind of case."""
        key = (t.id, c.modality, c.supervisor)
        if key not in self._supervisors:
            self._supervisors[key] = self.inst.eligibility.pair_supervisors(t, c)
        return self._supervisors[key]

    def tutor_reason(self, t: Trainee) -> str | None:
        inst = self.inst
        tutors = inst.eligibility.tutors_for(t.id)
        trust = inst.trust_of_trainee(t.id)
        if not tutors:
            return f"no tutor covers {trust}; add the trust to a tutor's trusts"
        if t.id in self.has_tutor:
            return None
        full = [u for u in tutors if self.tutor_load[u.id] >= inst.capacity.tutor_trainees(u)]
        if len(full) == len(tutors):
            return "; ".join(
                f"tutor {u.id} already oversees {self.tutor_load[u.id]} trainees, the most "
                f"{u.core_pas:g} core PAs allow ({inst.profile.trainees_per_tutor_pa} per PA)" for u in full
            ) + "; one more PA would cover this trainee"
        return None


def explain(inst: Instance, sol: Solution) -> list[Unmet]:
    state = _State(inst, sol)
    out: list[Unmet] = []
    for t in inst.trainees:
        for need in inst.needs.of(t.id):
            req = need.requirement
            if req == "cbdg" and t.id in state.new_group:
                continue
            if req != "cbdg" and (t.id, length_of(req)) in state.new_case:
                continue
            if need.gated:
                reason, detail = "not_yet_due", need.gated
            elif req == "cbdg":
                reason, detail = _group_reason(state, t)
            else:
                reason, detail = _case_reason(state, t, length_of(req))
            out.append(Unmet(trainee_id=t.id, requirement=req, reason=reason, detail=detail,
                             critical=need.critical))
    return out


def _group_reason(state: _State, t: Trainee) -> tuple[str, str]:
    inst = state.inst
    if not inst.groups:
        return "no_slot", "the scheme has no case-based discussion groups; add one in Groups"
    in_slot = [g for g in inst.groups if g.slot in t.available_slots]
    if not in_slot:
        slots = sorted({g.slot for g in inst.groups})
        return "no_slot", (f"no group meets in {t.id}'s free slots ({', '.join(t.available_slots)}); "
                           f"groups meet at {', '.join(slots)}")
    near = [g for g in in_slot if inst.travel.to_group(t, g) <= t.max_travel_minutes]
    if not near:
        far = ", ".join(f"{g.id} {inst.travel.to_group(t, g)} min" for g in in_slot[:_NAMES])
        return "travel", f"groups in free slots are beyond the {t.max_travel_minutes}-minute limit ({far})"
    free = [g for g in near if g.slot not in state.busy[t.id]]
    if not free:
        return "no_slot", (f"{t.id}'s case work this period uses the slots of the reachable groups "
                           f"({_names(g.id for g in near)})")
    why = state.tutor_reason(t)
    if why:
        return "tutor_capacity", why
    open_places = [g for g in free if state.group_size[g.id] < inst.capacity.group_core_places(g)]
    if not open_places:
        return "capacity", "reachable groups are full: " + ", ".join(
            f"{g.id} ({state.group_size[g.id] + g.external_members}/{g.max_size})" for g in free[:_NAMES])
    small = [g for g in open_places if state.group_size[g.id] == 0]
    if len(small) == len(open_places):
        return "group_too_small", ("reachable groups do not run: " + ", ".join(
            f"{g.id} needs {g.min_size} members, too few trainees can attend {g.slot}"
            for g in small[:_NAMES]))
    return "capacity", ("places in " + _names(g.id for g in open_places) +
                        " are limited by other rules this period (slots, hours, tutor PAs)")


@dataclass
class _Fits:
    """What could hold one requirement of a trainee within the room left in their week."""

    cases: list  # cases some supervisor of theirs could supervise within the room
    supervisors: list  # supervisors who could supervise one of those cases within the room
    cheapest: int  # the least a case would take of the week, any room aside
    free_pair: bool  # a case and a supervisor that fit, both with a slot still free


def _within(state: _State, t: Trainee, cases: list, room: int) -> _Fits:
    """A case's week (Minutes.case_week) is what the case costs before its supervisor plus
    the travel to the supervisor, so per kind of case (modality, fixed supervisor) the
    cheapest pairs come from the cheapest case and the nearest supervisor: no region's
    thousand video cases is paired with every supervisor."""
    mins = state.inst.minutes
    free = set(t.available_slots) - state.busy[t.id]
    kinds: dict[tuple, list] = {}
    for c in cases:
        kinds.setdefault((c.modality, c.supervisor), []).append(c)
    fits = _Fits([], [], 0, False)
    seen: set[str] = set()  # supervisors already in fits (compared by id: pydantic's == is slow)
    cheapest = None
    for kind_cases in kinds.values():
        sups = state.supervisors_for(t, kind_cases[0])
        if not sups:
            continue
        travel = {s.id: mins.supervision_travel(t, s) for s in sups}
        before = {c.id: mins.case_before_supervisor(t, c) for c in kind_cases}
        least_travel, least_before = min(travel.values()), min(before.values())
        cheapest = least_before + least_travel if cheapest is None else min(cheapest, least_before + least_travel)
        fit_cases = [c for c in kind_cases if before[c.id] + least_travel <= room]
        fit_sups = [s for s in sups if least_before + travel[s.id] <= room]
        fits.cases += fit_cases
        fits.supervisors += [s for s in fit_sups if s.id not in seen]
        seen.update(s.id for s in fit_sups)
        free_cases = [before[c.id] for c in fit_cases if set(c.available_slots) & free]
        free_sups = [travel[s.id] for s in fit_sups if set(s.available_slots) & free]
        fits.free_pair |= bool(free_cases and free_sups and min(free_cases) + min(free_sups) <= room)
    fits.cheapest = cheapest or 0
    return fits


def _case_reason(state: _State, t: Trainee, length: Length) -> tuple[str, str]:
    inst, pr = state.inst, state.inst.profile
    if state.held[t.id] >= pr.max_cases_per_trainee:
        return "capacity", (f"{t.id} already holds {state.held[t.id]} cases, the most at once "
                            f"(max_cases_per_trainee); the {length} case follows when one ends")
    other: Length = "long" if length == "short" else "short"
    banned = inst.needs.fixed_modality(t, other) if pr.distinct_modalities >= 2 else None
    cases = [c for c in inst.cases if c.length == length and not c.kept and c.modality != banned
             and t.grade >= c.min_grade]
    if not cases:
        extra = f" in a modality other than {banned}" if banned else ""
        return "no_case", f"no {length} case{extra} open to CT{t.grade}; the tutor needs to assess more"
    near = [c for c in cases if inst.travel.to_case(t, c) <= t.max_travel_minutes]
    if not near:
        best = min(cases, key=lambda c: inst.travel.to_case(t, c))
        return "travel", (f"no eligible {length} case within {t.max_travel_minutes} min; nearest is "
                          f"{best.id} ({best.modality}) at {inst.travel.to_case(t, best)} min")
    slotted = [c for c in near if set(c.available_slots) & set(t.available_slots)]
    if not slotted:
        return "no_slot", (f"no eligible {length} case has a session slot in {t.id}'s free slots "
                           f"({', '.join(t.available_slots)})")
    if not any(state.supervisors_for(t, c) for c in slotted):
        mods = sorted({c.modality for c in slotted})
        return "no_supervisor", (f"no supervisor qualified in {'/'.join(mods)} within "
                                 f"{t.max_travel_minutes} min shares a free slot with {t.id}")
    room = inst.minutes.weekly - state.minutes.get(t.id, 0)
    fits = _within(state, t, slotted, room)
    if not fits.cases:
        return "weekly_hours", (f"the cheapest arrangement takes {hours(fits.cheapest)} a week with "
                                f"travel; {t.id} has {hours(room)} of the {hours(inst.minutes.weekly)} left")
    if not fits.free_pair:
        return "no_slot", f"{t.id}'s free slots are taken by their group or other case this period"
    why = state.tutor_reason(t)
    if why:
        return "tutor_capacity", why
    taken = sorted({c.id for c in fits.cases if c.id in state.case_holder})
    full = sorted({s.id for s in fits.supervisors if state.sup_load[s.id] >= inst.capacity.supervisor_cases(s)})
    parts = []
    if taken:
        parts.append("eligible cases went to more urgent or senior trainees: " +
                     ", ".join(f"{cid} ({state.case_holder[cid]})" for cid in taken[:_NAMES]) +
                     (f" and {len(taken) - _NAMES} more" if len(taken) > _NAMES else ""))
    if full:
        parts.append("supervisors at capacity: " + ", ".join(
            f"{sid} ({state.sup_load[sid]}/{inst.supervisor[sid].max_trainees})" for sid in full[:_NAMES]))
    if not parts:
        parts.append("the remaining cases, supervisors and slots cannot be combined for this "
                     "trainee without displacing a higher-priority placement")
    return "capacity", "; ".join(parts)

