"""The domain model of one scheme, and the solver-ready facts derived from it.

Nothing here knows about Excel or CP-SAT. Every derived fact (what a trainee still
needs, due dates, criticality, travel minutes) is computed here once, so the model,
the checker, the explanations and the compliance engine all read the same numbers.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import dates

Length = Literal["short", "long"]
LENGTHS: tuple[Length, ...] = ("short", "long")
REQUIREMENTS = ("cbdg", "short_case", "long_case")
KNOWN_MODALITIES = (
    "CBT", "PSYCHODYNAMIC", "CAT", "IPT", "DBT", "MBT", "SYSTEMIC", "GROUP", "DIT", "PIT",
)
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
SENIORITY_WEIGHT = {1: 1, 2: 2, 3: 3}


def requirement_of(length: Length) -> str:
    return f"{length}_case"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Settings(_Model):
    name: str
    plan_start: date
    period_weeks: int = Field(26, ge=1)
    pa_hours: float = Field(4, gt=0)
    supervision_hours: float = Field(1, ge=0)
    group_supervision_hours: float = Field(1.5, ge=0)
    session_hours: float = Field(1, ge=0)
    session_weeks_factor: float = Field(1.25, gt=0)
    travel_same_site: int = Field(0, ge=0)
    travel_same_trust: int = Field(30, ge=0)
    travel_other_trust: int = Field(60, ge=0)


class Profile(_Model):
    """The school's requirement profile: every threshold is data."""

    cbdg_sessions: int = Field(30, ge=0)
    cbdg_due_grade: int = Field(2, ge=1, le=3)
    cbdga_required: int = Field(2, ge=0)
    short_case_min_sessions: int = Field(12, ge=1)
    short_case_max_sessions: int = Field(20, ge=1)
    long_case_min_sessions: int = Field(20, ge=1)
    distinct_modalities: int = Field(2, ge=1, le=2)
    case_min_grade: int = Field(2, ge=1, le=3)
    case_requires_cbdg: bool = False
    max_cases_per_trainee: int = Field(2, ge=0)
    trainees_per_tutor_pa: int = Field(5, ge=1)
    weekly_case_hours: float = Field(4, ge=0)
    cases_due_grade: int = Field(3, ge=1, le=3)

    def min_sessions(self, length: Length) -> int:
        return self.short_case_min_sessions if length == "short" else self.long_case_min_sessions


class Slot(_Model):
    id: str
    day: str
    start: str  # HH:MM
    end: str


def default_slots() -> list[Slot]:
    return [
        Slot(id=f"{d}-{half}", day=d.title(), start=s, end=e)
        for d in DAYS[:5]
        for half, s, e in (("AM", "09:00", "12:30"), ("PM", "13:30", "17:00"))
    ]


class Site(_Model):
    id: str
    trust: str
    name: str = ""


class TravelTime(_Model):
    from_site: str
    to_site: str
    minutes: int = Field(ge=0)


class Trainee(_Model):
    id: str
    name: str = ""
    grade: int = Field(ge=1, le=3)
    base_site: str
    available_slots: tuple[str, ...]
    ltft: float = Field(1.0, ge=0.4, le=1.0)
    core_end: date | None = None
    max_travel_minutes: int = Field(60, ge=0)
    cbdg_sessions_attended: int = Field(0, ge=0)
    cbdga_satisfactory: int = Field(0, ge=0)
    short_case_done: str | None = None
    long_case_done: str | None = None
    current_group: str | None = None
    current_cases: tuple[str, ...] = ()
    preferred_modalities: tuple[str, ...] = ()
    source_row: int | None = None


class Case(_Model):
    id: str
    site: str
    modality: str
    length: Length
    sessions: int = Field(ge=1)
    min_grade: int = Field(1, ge=1, le=3)
    available_slots: tuple[str, ...]
    referred: date | None = None
    supervisor: str | None = None
    remote_ok: bool = False
    current_trainee: str | None = None
    current_supervisor: str | None = None
    sessions_done: int = Field(0, ge=0)
    source_row: int | None = None

    @property
    def kept(self) -> bool:
        return self.current_trainee is not None


class Supervisor(_Model):
    id: str
    name: str = ""
    site: str
    modalities: tuple[str, ...]
    available_slots: tuple[str, ...]
    max_trainees: int = Field(ge=0)
    group_size: int = Field(1, ge=1)
    supervision_pas: float | None = Field(None, ge=0)
    remote: bool = False
    source_row: int | None = None


class Group(_Model):
    id: str
    site: str
    slot: str
    facilitator: str = ""
    min_size: int = Field(4, ge=0)
    max_size: int = Field(10, ge=0)
    external_members: int = Field(0, ge=0)
    online: bool = False
    source_row: int | None = None


class Tutor(_Model):
    id: str
    name: str = ""
    trusts: tuple[str, ...]
    core_pas: float = Field(ge=0)
    higher_trainees: int = Field(0, ge=0)
    higher_pas: float = Field(0, ge=0)
    spa_pas: float | None = Field(None, ge=0)
    source_row: int | None = None


class Need(_Model):
    """One outstanding requirement of one trainee, with its dates."""

    trainee_id: str
    requirement: str  # cbdg | short_case | long_case
    due: date
    weeks_needed_unplaced: float  # weeks to finish if placed now at the profile minimum
    gated: str | None = None  # why it cannot be placed yet (not yet due), else None
    critical: bool = False


class Instance(_Model):
    """One scheme, as read. Derived facts are cached properties, computed once."""

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
    def _references_resolve(self) -> "Instance":
        # The reader reports these with rows; this guards instances built in code.
        problems = list(self.reference_problems())
        if problems:
            raise ValueError("; ".join(problems[:10]))
        return self

    def reference_problems(self):
        site_ids = {s.id for s in self.sites}
        slot_ids = {s.id for s in self.slots}
        sup_ids = {s.id for s in self.supervisors}
        group_ids = {g.id for g in self.groups}
        case_ids = {c.id for c in self.cases}
        trainee_ids = {t.id for t in self.trainees}
        for kind, items in (
            ("trainee", self.trainees), ("case", self.cases), ("supervisor", self.supervisors),
            ("group", self.groups), ("tutor", self.tutors), ("site", self.sites),
        ):
            seen = set()
            for it in items:
                if it.id in seen:
                    yield f"duplicate {kind} id {it.id}"
                seen.add(it.id)
        for t in self.trainees:
            if t.base_site not in site_ids:
                yield f"trainee {t.id}: unknown site {t.base_site}"
            if t.current_group and t.current_group not in group_ids:
                yield f"trainee {t.id}: unknown group {t.current_group}"
            for c in t.current_cases:
                if c not in case_ids:
                    yield f"trainee {t.id}: unknown case {c}"
            for s in t.available_slots:
                if s not in slot_ids:
                    yield f"trainee {t.id}: unknown slot {s}"
        for c in self.cases:
            if c.site not in site_ids:
                yield f"case {c.id}: unknown site {c.site}"
            for ref in (c.supervisor, c.current_supervisor):
                if ref and ref not in sup_ids:
                    yield f"case {c.id}: unknown supervisor {ref}"
            if c.current_trainee and c.current_trainee not in trainee_ids:
                yield f"case {c.id}: unknown trainee {c.current_trainee}"
            for s in c.available_slots:
                if s not in slot_ids:
                    yield f"case {c.id}: unknown slot {s}"
        for s in self.supervisors:
            if s.site not in site_ids:
                yield f"supervisor {s.id}: unknown site {s.site}"
            for k in s.available_slots:
                if k not in slot_ids:
                    yield f"supervisor {s.id}: unknown slot {k}"
        for g in self.groups:
            if g.site not in site_ids:
                yield f"group {g.id}: unknown site {g.site}"
            if g.slot not in slot_ids:
                yield f"group {g.id}: unknown slot {g.slot}"

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
    def _travel_table(self) -> dict[tuple[str, str], int]:
        table: dict[tuple[str, str], int] = {}
        for row in self.travel_times:
            table[(row.from_site, row.to_site)] = row.minutes
            table[(row.to_site, row.from_site)] = row.minutes
        return table

    def travel(self, a: str, b: str) -> int:
        """One-way minutes between two sites: the Travel sheet, else the Scheme defaults."""
        if (a, b) in self._travel_table:
            return self._travel_table[(a, b)]
        st = self.settings
        if a == b:
            return st.travel_same_site
        if self.site[a].trust == self.site[b].trust:
            return st.travel_same_trust
        return st.travel_other_trust

    # ----- minutes (the model and the checker work in whole minutes) -----------------
    @cached_property
    def minutes(self) -> dict[str, int]:
        st, pr = self.settings, self.profile
        return {
            "session": round(st.session_hours * 60),
            "supervision": round(st.supervision_hours * 60),
            "group_supervision": round(st.group_supervision_hours * 60),
            "weekly": round(pr.weekly_case_hours * 60),
            "pa": round(st.pa_hours * 60),
        }

    def supervision_capacity_minutes(self, s: Supervisor) -> int | None:
        if s.supervision_pas is None:
            return None
        return math.floor(s.supervision_pas * self.settings.pa_hours * 60 + 1e-9)

    def tutor_capacity(self, u: Tutor) -> int:
        """Most core trainees a tutor may oversee: ceil(n / per_pa) <= core_pas."""
        return math.floor(u.core_pas + 1e-9) * self.profile.trainees_per_tutor_pa

    @cached_property
    def supervisors_of_modality(self) -> dict[str, tuple[Supervisor, ...]]:
        """Qualified supervisors per modality, in sheet order."""
        out: dict[str, list[Supervisor]] = {}
        for s in self.supervisors:
            for m in dict.fromkeys(s.modalities):
                out.setdefault(m, []).append(s)
        return {m: tuple(v) for m, v in out.items()}

    def tutors_for(self, trainee_id: str) -> list[Tutor]:
        trust = self.trust_of_trainee(trainee_id)
        return [u for u in self.tutors if trust in u.trusts]

    # ----- kept items ----------------------------------------------------------------
    @cached_property
    def kept_cases_of(self) -> dict[str, tuple[Case, ...]]:
        out: dict[str, list[Case]] = {t.id: [] for t in self.trainees}
        for c in self.cases:
            if c.current_trainee in out:
                out[c.current_trainee].append(c)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def kept_group_members(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {g.id: [] for g in self.groups}
        for t in self.trainees:
            if t.current_group in out:
                out[t.current_group].append(t.id)
        return {k: tuple(v) for k, v in out.items()}

    # ----- what each trainee still needs --------------------------------------------
    def core_end(self, t: Trainee) -> date:
        return t.core_end or dates.default_core_end(self.settings.plan_start, t.grade, t.ltft)

    def due(self, t: Trainee, requirement: str) -> date:
        g = self.profile.cbdg_due_grade if requirement == "cbdg" else self.profile.cases_due_grade
        return dates.grade_end(self.core_end(t), g, t.ltft)

    def cbdg_sessions_left(self, t: Trainee) -> int:
        return max(0, self.profile.cbdg_sessions - t.cbdg_sessions_attended)

    def cbdg_complete(self, t: Trainee) -> bool:
        return self.cbdg_sessions_left(t) == 0

    def done_modality(self, t: Trainee, length: Length) -> str | None:
        return t.short_case_done if length == "short" else t.long_case_done

    def kept_case(self, t: Trainee, length: Length) -> Case | None:
        for c in self.kept_cases_of[t.id]:
            if c.length == length:
                return c
        return None

    def needs_group(self, t: Trainee) -> bool:
        return self.cbdg_sessions_left(t) > 0 and t.current_group is None

    def needs_case(self, t: Trainee, length: Length) -> bool:
        return self.done_modality(t, length) is None and self.kept_case(t, length) is None

    def fixed_modality(self, t: Trainee, length: Length) -> str | None:
        """Modality of the done or kept case of this length, if any."""
        kept = self.kept_case(t, length)
        return self.done_modality(t, length) or (kept.modality if kept else None)

    def case_gate(self, t: Trainee) -> str | None:
        """Why this trainee may not start a case yet, or None."""
        pr = self.profile
        if t.grade < pr.case_min_grade:
            return f"cases start at CT{pr.case_min_grade}; {t.id} is CT{t.grade}"
        if pr.case_requires_cbdg and not self.cbdg_complete(t):
            return (f"cases need the group first; {t.id} has "
                    f"{t.cbdg_sessions_attended} of {pr.cbdg_sessions} group sessions")
        return None

    def sessions_to_hold_unplaced(self, t: Trainee, requirement: str) -> int:
        """Sessions an unplaced requirement still needs: the group sessions left, or the
        profile's minimum for a case of that length."""
        if requirement == "cbdg":
            return self.cbdg_sessions_left(t)
        return self.profile.min_sessions(requirement.split("_")[0])  # type: ignore[arg-type]

    def weeks_to_finish_unplaced(self, requirement: str, t: Trainee) -> float:
        sessions = self.sessions_to_hold_unplaced(t, requirement)
        return float(dates.weeks_needed(sessions, self.settings.session_weeks_factor))

    def is_critical(self, t: Trainee, requirement: str) -> bool:
        """Started at the next period, it would finish after its due date."""
        st = self.settings
        sessions = self.sessions_to_hold_unplaced(t, requirement)
        next_start = dates.add_weeks(st.plan_start, st.period_weeks)
        return dates.finish_date(next_start, sessions, st.session_weeks_factor) > self.due(t, requirement)

    @cached_property
    def needs(self) -> dict[str, tuple[Need, ...]]:
        """Outstanding, unstarted requirements per trainee (what this period could place)."""
        out: dict[str, tuple[Need, ...]] = {}
        for t in self.trainees:
            items = []
            if self.needs_group(t):
                items.append(("cbdg", None))
            gate = self.case_gate(t)
            for length in LENGTHS:
                if self.needs_case(t, length):
                    items.append((requirement_of(length), gate))
            out[t.id] = tuple(
                Need(trainee_id=t.id, requirement=req, due=self.due(t, req),
                     weeks_needed_unplaced=self.weeks_to_finish_unplaced(req, t),
                     gated=gate, critical=self.is_critical(t, req))
                for req, gate in items
            )
        return out

    def need(self, trainee_id: str, requirement: str) -> Need | None:
        for n in self.needs[trainee_id]:
            if n.requirement == requirement:
                return n
        return None

    # ----- compatibility (used to create only the variables that can be true) -------
    def can_join_group(self, t: Trainee, g: Group) -> bool:
        if not self.needs_group(t):
            return False
        if g.slot not in t.available_slots:
            return False
        return g.online or self.travel(t.base_site, g.site) <= t.max_travel_minutes

    def may_start_case(self, t: Trainee, length: Length) -> bool:
        """The part of can_take_case that depends on the trainee alone."""
        return (self.needs_case(t, length) and self.case_gate(t) is None
                and len(self.kept_cases_of[t.id]) < self.profile.max_cases_per_trainee)

    @cached_property
    def case_candidates(self) -> dict[str, tuple[Trainee, ...]]:
        """Trainees who may start a new case of each length. Loops over trainee-case pairs
        start from these, so a region of 1,000 trainees does not test every trainee
        against every case (most have their case of that length done or running)."""
        return {length: tuple(t for t in self.trainees if self.may_start_case(t, length))
                for length in ("short", "long")}

    @cached_property
    def _case_candidate_ids(self) -> dict[str, frozenset[str]]:
        return {length: frozenset(t.id for t in ts) for length, ts in self.case_candidates.items()}

    def can_take_case(self, t: Trainee, c: Case) -> bool:
        """H2 and H3 for a new case, ignoring supervisors, slots and hours."""
        if c.kept or t.id not in self._case_candidate_ids[c.length]:
            return False
        if t.grade < c.min_grade:
            return False
        if not c.remote_ok and self.travel(t.base_site, c.site) > t.max_travel_minutes:
            return False
        if not set(c.available_slots) & set(t.available_slots):
            return False
        if self.profile.distinct_modalities >= 2:
            other = "long" if c.length == "short" else "short"
            if self.fixed_modality(t, other) == c.modality:
                return False
        return True

    def can_supervise(self, s: Supervisor, c: Case, trainee: Trainee | None = None) -> bool:
        """H4 for one case: qualified, the fixed supervisor if one is named, reachable."""
        if c.modality not in s.modalities or s.max_trainees < 1:
            return False
        if c.supervisor and c.supervisor != s.id:
            return False
        if c.kept:
            return c.current_supervisor is None or c.current_supervisor == s.id
        if trainee is not None and not s.remote:
            if self.travel(trainee.base_site, s.site) > trainee.max_travel_minutes:
                return False
        return True

    def pair_supervisors(self, t: Trainee, c: Case) -> list[Supervisor]:
        """Supervisors who could supervise case c held by trainee t: qualified, the fixed
        or current one where given, reachable for a new case, and a free slot in common."""
        free = set(t.available_slots)
        return [s for s in self.supervisors_of_modality.get(c.modality, ())
                if self.can_supervise(s, c, None if c.kept else t) and free & set(s.available_slots)]

    def case_week_minutes(self, t: Trainee, c: Case, s: Supervisor, shared: bool = False) -> int:
        """H7: what one case costs its trainee a week — the session, the supervision
        meeting (longer when shared) and the travel there and back to both."""
        mins = self.minutes
        return (mins["session"] + (mins["group_supervision"] if shared else mins["supervision"])
                + 2 * self.case_travel_minutes(t, c) + 2 * self.supervision_travel_minutes(t, s))

    def case_travel_minutes(self, t: Trainee, c: Case) -> int:
        return 0 if c.remote_ok else self.travel(t.base_site, c.site)

    def supervision_travel_minutes(self, t: Trainee, s: Supervisor) -> int:
        return 0 if s.remote else self.travel(t.base_site, s.site)

    def group_travel_minutes(self, t: Trainee, g: Group) -> int:
        return 0 if g.online else self.travel(t.base_site, g.site)

    def wait_days(self, c: Case) -> int:
        if c.referred is None:
            return 0
        return max(0, (self.settings.plan_start - c.referred).days)
