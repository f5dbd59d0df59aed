"""Rules that relate fields or rows to one another: ids unique, references resolving,
the two ends of a running case agreeing, sizes and session counts in order.

Stated once, here: ``Instance`` refuses to exist when any is broken (so an instance built
in code gets the same checks as one read from a workbook), and the workbook reader turns
each ``Problem`` into a message located by sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .entities import (
    Case, Group, Profile, Site, Slot, Supervisor, Trainee, TravelTime, Tutor,
)
from .where import where


@dataclass(frozen=True)
class Problem:
    """One broken rule: which item (kind, id, row as read), which field, what is wrong."""

    kind: str  # slot site travel trainee case supervisor group tutor profile
    id: str | None
    row: int | None  # the item's source_row, when it was read from a workbook
    field: str  # the model's field name ("id" for the item's own id)
    value: object
    message: str

    def __str__(self) -> str:
        where = f"{self.kind} {self.id}" if self.id is not None else self.kind
        return f"{where}, {self.field}: {self.message}"


@dataclass(frozen=True)
class Items:
    """Everything an instance holds, as plain tuples (what consistency checks read)."""

    profile: Profile
    slots: tuple[Slot, ...]
    sites: tuple[Site, ...]
    travel_times: tuple[TravelTime, ...]
    trainees: tuple[Trainee, ...]
    cases: tuple[Case, ...]
    supervisors: tuple[Supervisor, ...]
    groups: tuple[Group, ...]
    tutors: tuple[Tutor, ...]


# The workbook contract names every id column after its sheet; messages use those names.
ID_NAMES = {"slot": "slot_id", "site": "site_id", "trainee": "trainee_id", "case": "case_id",
            "supervisor": "supervisor_id", "group": "group_id", "tutor": "tutor_id"}
COLLECTIONS = {"slot": "Slots", "site": "Sites", "trainee": "Trainees", "case": "Cases",
               "supervisor": "Supervisors", "group": "Groups", "tutor": "Tutors"}

Ids = dict[str, set[str]]  # kind -> every id of that kind
Unbuilt = dict[str, list[tuple[str, int | None]]]  # kind -> [(id, row)] of items not built


def problems(items: Items, unbuilt: Unbuilt | None = None) -> list[Problem]:
    """Every broken cross-field or cross-row rule. ``unbuilt`` names items that exist but
    could not be built (a reader's rows with other errors), as kind -> [(id, row)], so
    that references to them resolve and their ids still count as taken."""
    unbuilt = unbuilt or {}
    ids = {kind: {x.id for x in getattr(items, COLLECTIONS[kind].lower())} | {i for i, _ in unbuilt.get(kind, [])}
           for kind in ID_NAMES}
    out: list[Problem] = list(_unique_ids(items, unbuilt))
    for check in (_profile, _slots, _references, _running_cases, _groups, _case_sessions, _tutors):
        out.extend(check(items, ids))
    return out


def _unique_ids(items: Items, unbuilt: Unbuilt) -> Iterable[Problem]:
    for kind in ID_NAMES:
        entries = [(x.id, x.source_row) for x in getattr(items, COLLECTIONS[kind].lower())]
        entries += unbuilt.get(kind, [])
        entries.sort(key=lambda e: (e[1] is None, e[1] or 0))  # sort is stable: code order kept
        first: dict[str, int | None] = {}
        for i, row in entries:
            if i not in first:
                first[i] = row
            else:
                also = f" (also row {first[i]})" if first[i] is not None else ""
                yield Problem(kind, i, row, "id", i, f"duplicate {ID_NAMES[kind]}{also}; ids must be unique")


def _profile(items: Items, ids: Ids) -> Iterable[Problem]:
    p = items.profile
    if p.short_case_min_sessions > p.short_case_max_sessions:
        yield Problem("profile", None, None, "short_case_min_sessions", p.short_case_min_sessions,
                      "short_case_min_sessions is more than short_case_max_sessions; make it smaller")


def _slots(items: Items, ids: Ids) -> Iterable[Problem]:
    for s in items.slots:
        if s.end <= s.start:
            yield Problem("slot", s.id, s.source_row, "end", s.end, "the end must be after the start")


def _unknown(kind: str, item: TravelTime | Trainee | Case | Supervisor | Group, field: str, value: str,
             target: str) -> Problem:
    return Problem(kind, item.id if hasattr(item, "id") else None, item.source_row, field, value,
                   f"unknown {target} '{value}'; it must be a {target} id listed in the "
                   f"{COLLECTIONS[target]} sheet")


def _references(items: Items, ids: Ids) -> Iterable[Problem]:
    def refs(kind: str, item: TravelTime | Trainee | Case | Supervisor | Group, field: str, target: str,
             values: Iterable[str | None]) -> Iterator[Problem]:
        for value in values:
            if value is not None and value not in ids[target]:
                yield _unknown(kind, item, field, value, target)

    for row in items.travel_times:
        yield from refs("travel", row, "from_site", "site", [row.from_site])
        yield from refs("travel", row, "to_site", "site", [row.to_site])
    for t in items.trainees:
        yield from refs("trainee", t, "base_site", "site", [t.base_site])
        yield from refs("trainee", t, "current_group", "group", [t.current_group])
        yield from refs("trainee", t, "current_cases", "case", t.current_cases)
        yield from refs("trainee", t, "available_slots", "slot", t.available_slots)
        if not t.available_slots:
            yield Problem("trainee", t.id, t.source_row, "available_slots", None,
                          "no slots listed; list the free slots")
    for c in items.cases:
        yield from refs("case", c, "site", "site", [c.site])
        yield from refs("case", c, "supervisor", "supervisor", [c.supervisor])
        yield from refs("case", c, "current_supervisor", "supervisor", [c.current_supervisor])
        yield from refs("case", c, "current_trainee", "trainee", [c.current_trainee])
        yield from refs("case", c, "available_slots", "slot", c.available_slots)
        yield from refs("case", c, "session_slot", "slot", [c.session_slot])
        yield from refs("case", c, "supervision_slot", "slot", [c.supervision_slot])
    for s in items.supervisors:
        yield from refs("supervisor", s, "site", "site", [s.site])
        yield from refs("supervisor", s, "available_slots", "slot", s.available_slots)
        if not s.modalities:
            yield Problem("supervisor", s.id, s.source_row, "modalities", None, "no modalities listed")
    for g in items.groups:
        yield from refs("group", g, "site", "site", [g.site])
        yield from refs("group", g, "slot", "slot", [g.slot])


def _running_cases(items: Items, ids: Ids) -> Iterable[Problem]:
    """The two ends of a running case agree: the trainee lists it, the case names them."""
    trainee = {t.id: t for t in items.trainees}
    case = {c.id: c for c in items.cases}
    for t in items.trainees:
        for cid in t.current_cases:
            c = case.get(cid)
            if c is not None and c.current_trainee != t.id:
                yield Problem("trainee", t.id, t.source_row, "current_cases", cid,
                              f"this trainee lists case {cid} as current, but {where('Cases', c)} "
                              f"gives its current_trainee as '{c.current_trainee or ''}'; make the two agree")
    for c in items.cases:
        named = trainee.get(c.current_trainee) if c.current_trainee else None
        if named is not None and c.id not in named.current_cases:
            yield Problem("case", c.id, c.source_row, "current_trainee", c.current_trainee,
                          f"this case names {named.id} as its current trainee, but {where('Trainees', named)} "
                          "does not list it in current_cases; add it there")
        if c.current_supervisor and not c.current_trainee:
            yield Problem("case", c.id, c.source_row, "current_trainee", None,
                          "a case with a current_supervisor must also give its current_trainee")
        for field in ("session_slot", "supervision_slot"):
            if getattr(c, field) and not c.current_trainee:
                yield Problem("case", c.id, c.source_row, field, getattr(c, field),
                              f"{field} is for a running case (one with a current_trainee); "
                              "give its current_trainee or clear it")
        if c.session_slot and c.session_slot == c.supervision_slot:
            yield Problem("case", c.id, c.source_row, "supervision_slot", c.supervision_slot,
                          "the session and the supervision cannot be in the same slot (H6); change one")
        if c.sessions_done and not c.current_trainee:
            yield Problem("case", c.id, c.source_row, "sessions_done", c.sessions_done,
                          "sessions_done is for a running case; give its current_trainee or clear it")


def _groups(items: Items, ids: Ids) -> Iterable[Problem]:
    for g in items.groups:
        if g.min_size > g.max_size:
            yield Problem("group", g.id, g.source_row, "min_size", g.min_size,
                          f"min_size is more than max_size ({g.max_size}); make it smaller")
        if g.external_members > g.max_size:
            yield Problem("group", g.id, g.source_row, "external_members", g.external_members,
                          f"more external members than max_size ({g.max_size})")


def _case_sessions(items: Items, ids: Ids) -> Iterable[Problem]:
    """Planned sessions agree with the case's length in this scheme's profile."""
    p = items.profile
    short_ok = p.short_case_min_sessions <= p.short_case_max_sessions  # else reported once, by _profile
    for c in items.cases:
        if (c.length == "short" and short_ok
                and not p.short_case_min_sessions <= c.sessions <= p.short_case_max_sessions):
            yield Problem("case", c.id, c.source_row, "sessions", c.sessions,
                          f"a short case has {p.short_case_min_sessions}-{p.short_case_max_sessions} "
                          "sessions in this scheme's Requirements; correct the sessions or the length")
        elif c.length == "long" and c.sessions < p.long_case_min_sessions:
            yield Problem("case", c.id, c.source_row, "sessions", c.sessions,
                          f"a long case has at least {p.long_case_min_sessions} sessions in this "
                          "scheme's Requirements; correct the sessions or the length")
        if c.sessions_done > c.sessions:
            yield Problem("case", c.id, c.source_row, "sessions_done", c.sessions_done,
                          f"more sessions done than planned ({c.sessions}); correct one of them")


def _tutors(items: Items, ids: Ids) -> Iterable[Problem]:
    trusts = {s.trust for s in items.sites}
    for u in items.tutors:
        for trust in u.trusts:
            if trust not in trusts:
                yield Problem("tutor", u.id, u.source_row, "trusts", trust,
                              "unknown trust; it must be written exactly as in the trust column of Sites")
