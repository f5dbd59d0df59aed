"""How much each resource holds (domain.md H1, H4, H9): group places, supervisor cases,
tutor trainees. Supervisor meeting minutes are in ``minutes.py``."""

from __future__ import annotations

import math

from .entities import Group, Profile, Supervisor, Tutor


class Capacity:
    def __init__(self, profile: Profile):
        self._profile = profile

    def tutor_trainees(self, u: Tutor) -> int:
        """H9: most core trainees a tutor may oversee, from ceil(n / per PA) <= core_pas."""
        return math.floor(u.core_pas + 1e-9) * self._profile.trainees_per_tutor_pa

    def tutor_pas_needed(self, trainees: int) -> int:
        """CR224: PAs a tutor needs to oversee this many core trainees."""
        return math.ceil(trainees / self._profile.trainees_per_tutor_pa) if trainees else 0

    @staticmethod
    def supervisor_cases(s: Supervisor) -> int:
        """H4: cases a supervisor may hold at once, running ones included."""
        return s.max_trainees

    @staticmethod
    def group_core_places(g: Group) -> int:
        """H1: core trainees a group can hold besides its external members."""
        return max(0, g.max_size - g.external_members)

    @staticmethod
    def group_core_minimum(g: Group) -> int:
        """H1: core trainees a group needs, with its external members, to run at all."""
        return max(0, g.min_size - g.external_members)
