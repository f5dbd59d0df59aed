"""One scheme, as read: its items, lookups by id, and the facts derived from them.

Nothing here knows about Excel or CP-SAT. The facts each rule needs are computed once,
in one place each (``travel``, ``minutes``, ``needs``, ``eligibility``, ``capacity``), so
the model, the greedy baseline, the explanations, the conflict finder and compliance
all read the same numbers. The checker (``check.py``) is the one deliberate second
statement of the hard rules.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .capacity import Capacity
from .consistency import Items, Problem, problems
from .eligibility import Eligibility
from .entities import (
    Case, Group, Profile, Settings, Site, Slot, Supervisor, Trainee, TravelTime, Tutor, default_slots,
)
from .minutes import Minutes
from .needs import Needs
from .travel import Travel


def _describe(found: list[Problem]) -> str:
    shown = "; ".join(map(str, found[:10]))
    return shown + (f" (and {len(found) - 10} more)" if len(found) > 10 else "")


class Instance(BaseModel):
    """One scheme. Derived facts are cached properties, computed once."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    settings: Settings
    profile: Profile = Profile()
    slots: tuple[Slot, ...] = Field(default_factory=lambda: tuple(default_slots()))
    sites: tuple[Site, ...]
    travel_times: tuple[TravelTime, ...] = ()
    trainees: tuple[Trainee, ...]
    cases: tuple[Case, ...] = ()
    supervisors: tuple[Supervisor, ...] = ()
    groups: tuple[Group, ...] = ()
    tutors: tuple[Tutor, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Instance:
        # The reader reports these located by row; this guards instances built in code.
        # pydantic reports a ValueError raised here as a ValidationError.
        found = problems(self.items())
        if found:
            raise ValueError(_describe(found))
        return self

    def items(self) -> Items:
        return Items(profile=self.profile, slots=self.slots, sites=self.sites, travel_times=self.travel_times,
                     trainees=self.trainees, cases=self.cases, supervisors=self.supervisors,
                     groups=self.groups, tutors=self.tutors)

    # ----- lookups -------------------------------------------------------------------
    @cached_property
    def trainee(self) -> dict[str, Trainee]:
        return {t.id: t for t in self.trainees}

    @cached_property
    def case(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}

    @cached_property
    def supervisor(self) -> dict[str, Supervisor]:
        return {s.id: s for s in self.supervisors}

    @cached_property
    def group(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    @cached_property
    def tutor(self) -> dict[str, Tutor]:
        return {u.id: u for u in self.tutors}

    @cached_property
    def site(self) -> dict[str, Site]:
        return {s.id: s for s in self.sites}

    @cached_property
    def slot_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.slots)

    @cached_property
    def trusts(self) -> tuple[str, ...]:
        return tuple(sorted({s.trust for s in self.sites}))

    def trust_of_trainee(self, trainee_id: str) -> str:
        return self.site[self.trainee[trainee_id].base_site].trust

    @cached_property
    def kept_cases_of(self) -> dict[str, tuple[Case, ...]]:
        """Running cases per trainee."""
        out: dict[str, list[Case]] = {t.id: [] for t in self.trainees}
        for c in self.cases:
            if c.current_trainee in out:
                out[c.current_trainee].append(c)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def kept_group_members(self) -> dict[str, tuple[str, ...]]:
        """Trainees already attending each group."""
        out: dict[str, list[str]] = {g.id: [] for g in self.groups}
        for t in self.trainees:
            if t.current_group in out:
                out[t.current_group].append(t.id)
        return {k: tuple(v) for k, v in out.items()}

    # ----- the facts each rule needs, one place each ---------------------------------
    @cached_property
    def travel(self) -> Travel:
        return Travel(self.settings, self.site, self.travel_times)

    @cached_property
    def minutes(self) -> Minutes:
        return Minutes(self.settings, self.profile, self.travel)

    @cached_property
    def needs(self) -> Needs:
        return Needs(self)

    @cached_property
    def eligibility(self) -> Eligibility:
        return Eligibility(self)

    @cached_property
    def capacity(self) -> Capacity:
        return Capacity(self.profile)
