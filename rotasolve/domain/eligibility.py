"""Who may be given what (domain.md H1-H4, H9), before slots, hours and capacities.

The model creates variables only for what is eligible here, the greedy baseline and the
explanations try only these, and the split into independent parts follows them.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .entities import Case, Group, Length, Supervisor, Trainee, Tutor, other_length

if TYPE_CHECKING:  # the instance hands itself in; only its type is needed here
    from .instance import Instance


class Eligibility:
    def __init__(self, inst: Instance):
        self._inst = inst
        self._slots_of_case: dict[str, frozenset[str]] = {}

    def _case_slots(self, c: Case) -> frozenset[str]:
        """The case's slots as a set, made once (``can_take_case`` is asked of every
        trainee and case: two sets made each time were a fifth of its time)."""
        slots = self._slots_of_case.get(c.id)
        if slots is None:
            slots = self._slots_of_case[c.id] = frozenset(c.available_slots)
        return slots

    def can_join_group(self, t: Trainee, g: Group) -> bool:
        """H1 for a new member: needs sessions, no running group, the slot free, within travel."""
        inst = self._inst
        if not inst.needs.needs_group(t):
            return False
        if g.slot not in t.available_slots:
            return False
        return inst.travel.within_limit(t, inst.travel.to_group(t, g))

    def may_start_case(self, t: Trainee, length: Length) -> bool:
        """The part of H2 and H8 that depends on the trainee alone."""
        inst = self._inst
        return (inst.needs.needs_case(t, length) and inst.needs.case_gate(t) is None
                and len(inst.kept_cases_of[t.id]) < inst.profile.max_cases_per_trainee)

    @cached_property
    def case_candidates(self) -> dict[str, tuple[Trainee, ...]]:
        """Trainees who may start a new case of each length. Loops over trainee-case pairs
        start from these, so a region of 1,000 trainees does not test every trainee
        against every case (most have their case of that length done or running)."""
        return {length: tuple(t for t in self._inst.trainees if self.may_start_case(t, length))
                for length in ("short", "long")}

    @cached_property
    def _case_candidate_ids(self) -> dict[str, frozenset[str]]:
        return {length: frozenset(t.id for t in ts) for length, ts in self.case_candidates.items()}

    def can_take_case(self, t: Trainee, c: Case) -> bool:
        """H2 and H3 for a new case, ignoring supervisors, slots and hours."""
        inst = self._inst
        if c.kept or t.id not in self._case_candidate_ids[c.length]:
            return False
        if t.grade < c.min_grade:
            return False
        if not inst.travel.within_limit(t, inst.travel.to_case(t, c)):
            return False
        if self._case_slots(c).isdisjoint(t.available_slots):
            return False
        if inst.profile.distinct_modalities >= 2:
            if inst.needs.fixed_modality(t, other_length(c.length)) == c.modality:
                return False
        return True

    def can_supervise(self, s: Supervisor, c: Case, trainee: Trainee | None = None) -> bool:
        """H4 for one case: qualified, the fixed supervisor if one is named, reachable by
        the trainee of a new case."""
        if c.modality not in s.modalities or s.max_trainees < 1:
            return False
        if c.supervisor and c.supervisor != s.id:
            return False
        if c.kept:
            return c.current_supervisor is None or c.current_supervisor == s.id
        if trainee is not None:
            travel = self._inst.travel
            return travel.within_limit(trainee, travel.to_supervisor(trainee, s))
        return True

    @cached_property
    def supervisors_of_modality(self) -> dict[str, tuple[Supervisor, ...]]:
        """Qualified supervisors per modality, in sheet order."""
        out: dict[str, list[Supervisor]] = {}
        for s in self._inst.supervisors:
            for m in dict.fromkeys(s.modalities):
                out.setdefault(m, []).append(s)
        return {m: tuple(v) for m, v in out.items()}

    def pair_supervisors(self, t: Trainee, c: Case) -> list[Supervisor]:
        """Supervisors who could supervise case c held by trainee t: qualified, the fixed
        or current one where given, reachable for a new case, and a free slot in common."""
        free = set(t.available_slots)
        return [s for s in self.supervisors_of_modality.get(c.modality, ())
                if self.can_supervise(s, c, None if c.kept else t) and free & set(s.available_slots)]

    def tutors_for(self, trainee_id: str) -> list[Tutor]:
        """H9: the tutors whose trusts include the trainee's trust."""
        inst = self._inst
        trust = inst.trust_of_trainee(trainee_id)
        return [u for u in inst.tutors if trust in u.trusts]
