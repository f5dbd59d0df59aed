"""What a scheme could buy to place more (planning.md, "What to recruit"): the additions,
their costs and limits, and the scheme with every possible addition in it.

The capacity search is the solve of domain.md with these additions as choices of its own.
Existing resources may be raised (a supervisor place, a tutor PA, a group place); new
resources are *candidates*: ordinary supervisors and groups added to the scheme, whose
capacity the search must buy before anyone may use it. Because candidates are ordinary
items of an ordinary Instance, the checker, the explanations and the outputs read them
like any other; only the model (``model/additions.py``) knows what is bought.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .entities import Group, Supervisor
from .instance import Instance

KINDS = ("supervisor_place", "tutor_pa", "group_place", "new_supervisor", "new_group")
RESOURCE_OF = {"supervisor_place": "supervisor", "new_supervisor": "supervisor", "tutor_pa": "tutor",
               "group_place": "group", "new_group": "group"}  # the kind of resource each kind adds to
NEW_SUPERVISOR_PLACES = 2  # planning.md: a new supervisor takes two cases, individually
NEW_GROUP_SIZES = (4, 10)  # planning.md: min_size, max_size of a new group
MOST_COST = 100_000  # per unit: costs are whole pence in the model, and one placement must outweigh them all in int64


class AdditionCosts(BaseModel):
    """The optional Costs sheet: each kind's cost per unit and how many units may be bought
    per resource (per supervisor, tutor or group; per modality and site for new
    supervisors; per site and slot for new groups). A limit of 0 makes a kind unavailable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    supervisor_place: float = Field(1, ge=0, le=MOST_COST)
    tutor_pa: float = Field(2, ge=0, le=MOST_COST)
    group_place: float = Field(1, ge=0, le=MOST_COST)
    new_supervisor: float = Field(6, ge=0, le=MOST_COST)
    new_group: float = Field(4, ge=0, le=MOST_COST)
    supervisor_place_limit: int = Field(2, ge=0, le=10)
    tutor_pa_limit: int = Field(2, ge=0, le=10)
    group_place_limit: int = Field(2, ge=0, le=10)
    new_supervisor_limit: int = Field(2, ge=0, le=10)
    new_group_limit: int = Field(1, ge=0, le=10)

    def cost(self, kind: str) -> float:
        cost: float = getattr(self, kind)
        return cost

    def limit(self, kind: str) -> int:
        limit: int = getattr(self, f"{kind}_limit")
        return limit


@dataclass(frozen=True)
class Possible:
    """One addition the search may buy, up to ``most`` units of ``cost`` each. ``target``
    is the supervisor, tutor or group it raises, or the candidate it brings in;
    ``per_unit`` is the capacity one unit adds in the resource's own measure (cases,
    trainees overseen, core members); ``twin_of`` names the identical candidate bought
    first (so the search never tells two interchangeable candidates apart)."""

    kind: str
    target: str
    most: int
    cost: float
    per_unit: int
    twin_of: str | None = None

    @property
    def resource(self) -> str:
        """The kind of resource it adds to: supervisor, tutor or group."""
        return RESOURCE_OF[self.kind]

    @property
    def candidate(self) -> bool:
        return self.kind in ("new_supervisor", "new_group")


@dataclass(frozen=True)
class Offer:
    """Every addition on offer for one scheme (with its candidates added)."""

    possible: tuple[Possible, ...]
    costs: AdditionCosts

    def candidates(self, resource: str) -> set[str]:
        return {p.target for p in self.possible if p.candidate and p.resource == resource}

    def find(self, kind: str, target: str) -> Possible | None:
        return next((p for p in self.possible if p.kind == kind and p.target == target), None)

    def without_candidates(self, inst: Instance) -> Instance:
        """The scheme as it was: candidates out, every limit as typed."""
        sups, groups = self.candidates("supervisor"), self.candidates("group")
        return rebuilt(inst, supervisors=tuple(s for s in inst.supervisors if s.id not in sups),
                       groups=tuple(g for g in inst.groups if g.id not in groups))

    def everything(self, inst: Instance) -> Instance:
        """The scheme with every addition bought: what no choice of additions can beat."""
        most = {(p.resource, p.target): p.most for p in self.possible if not p.candidate}
        return rebuilt(
            inst,
            supervisors=tuple(s.model_copy(update={"max_trainees": s.max_trainees + most.get(("supervisor", s.id), 0)})
                              for s in inst.supervisors),
            tutors=tuple(u.model_copy(update={"core_pas": u.core_pas + most.get(("tutor", u.id), 0)})
                         for u in inst.tutors),
            groups=tuple(g.model_copy(update={"max_size": g.max_size + most.get(("group", g.id), 0)})
                         for g in inst.groups))


def rebuilt(inst: Instance, **fields: Any) -> Instance:
    """A fresh Instance with some collections replaced (derived facts are cached per
    instance, so one is never copied)."""
    return Instance(**({name: getattr(inst, name) for name in Instance.model_fields} | fields))


def offer_additions(inst: Instance, costs: AdditionCosts) -> tuple[Instance, Offer]:
    """The scheme with every candidate new supervisor and group added, and the offer."""
    possible: list[Possible] = []
    for kind, items, per_unit in (("supervisor_place", inst.supervisors, 1),
                                  ("tutor_pa", inst.tutors, inst.profile.trainees_per_tutor_pa),
                                  ("group_place", inst.groups, 1)):
        if costs.limit(kind) > 0:
            possible += [Possible(kind, x.id, costs.limit(kind), costs.cost(kind), per_unit) for x in items]
    new_sups = _new_supervisors(inst, costs.limit("new_supervisor"))
    new_groups = _new_groups(inst, costs.limit("new_group"))
    for kind, made in (("new_supervisor", new_sups), ("new_group", new_groups)):
        for item, twin in made:
            places = (item.max_trainees if isinstance(item, Supervisor) else inst.capacity.group_core_places(item))
            possible.append(Possible(kind, item.id, 1, costs.cost(kind), places, twin))
    with_candidates = rebuilt(inst, supervisors=inst.supervisors + tuple(s for s, _ in new_sups),
                              groups=inst.groups + tuple(g for g, _ in new_groups))
    return with_candidates, Offer(tuple(possible), costs)


def _new_supervisors(inst: Instance, limit: int) -> list[tuple[Supervisor, str | None]]:
    """Candidate supervisors: per modality of the scheme's cases and per site that has
    supervisors (a new one is free in that site's supervisors' slots), ``limit`` of each,
    where some trainee could take a case of that modality supervised there."""
    out: list[tuple[Supervisor, str | None]] = []
    if limit <= 0:
        return out
    modalities = sorted({c.modality for c in inst.cases if not c.kept or c.current_supervisor is None})
    for site in inst.sites:
        free = {k for s in inst.supervisors if s.site == site.id for k in s.available_slots}
        slots = tuple(k for k in inst.slot_ids if k in free)
        for modality in modalities if slots else ():
            first = None
            for n in range(1, limit + 1):
                s = Supervisor(id=f"NEW-SUP:{modality}@{site.id}#{n}",
                               name=f"{modality} supervisor at {site.name or site.id} (proposed)",
                               site=site.id, modalities=(modality,), available_slots=slots,
                               max_trainees=NEW_SUPERVISOR_PLACES)
                if first is None and not _would_supervise(inst, s):
                    break
                out.append((s, first))
                first = s.id if first is None else first
    return out


def _would_supervise(inst: Instance, s: Supervisor) -> bool:
    """Some trainee who may start a case could take a waiting case that ``s`` could
    supervise, with a slot free to all three."""
    el = inst.eligibility
    for c in inst.cases:
        if c.kept or c.modality not in s.modalities:
            continue
        for t in el.case_candidates[c.length]:
            free = set(t.available_slots)
            if free & set(s.available_slots) and el.can_take_case(t, c) and el.can_supervise(s, c, t):
                return True
    return False


def _new_groups(inst: Instance, limit: int) -> list[tuple[Group, str | None]]:
    """Candidate groups: per site and slot, ``limit`` of each, where at least min_size
    trainees who need a group could join it (``n × min_size`` for the n-th)."""
    out: list[tuple[Group, str | None]] = []
    least, most = NEW_GROUP_SIZES
    for site in inst.sites if limit > 0 else ():
        for slot in inst.slot_ids:
            probe = Group(id="probe", site=site.id, slot=slot, min_size=least, max_size=most)
            joiners = sum(inst.eligibility.can_join_group(t, probe) for t in inst.trainees)
            first = None
            for n in range(1, min(limit, joiners // least) + 1):
                suffix = f"#{n}" if limit > 1 else ""
                g = Group(id=f"NEW-GRP:{site.id}@{slot}{suffix}",
                          name=f"Case-based discussion group at {site.name or site.id}, {slot} (proposed)",
                          site=site.id, slot=slot, min_size=least, max_size=most)
                out.append((g, first))
                first = g.id if first is None else first
    return out
