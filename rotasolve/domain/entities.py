"""The things a scheme is made of, as the workbook contract (workbook.md) names them.

Each field's default and bounds are stated here once: the workbook schema
(``workbook/schema.py``) reads them from these models, so the reader, the template's About
sheet and an instance built in code all agree. Rules that relate two fields or two rows
live in ``consistency.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Length = Literal["short", "long"]
LENGTHS: tuple[Length, ...] = ("short", "long")
REQUIREMENTS = ("cbdg", "short_case", "long_case")
KNOWN_MODALITIES = (
    "CBT", "PSYCHODYNAMIC", "CAT", "IPT", "DBT", "MBT", "SYSTEMIC", "GROUP", "DIT", "PIT",
)
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
SENIORITY_WEIGHT = {1: 1, 2: 2, 3: 3}


def requirement_of(length: Length) -> str:
    """The requirement a case of this length meets: 'short' -> 'short_case'."""
    return f"{length}_case"


def length_of(requirement: str) -> Length:
    """The case length a case requirement asks for: 'long_case' -> 'long'."""
    if requirement not in ("short_case", "long_case"):
        raise ValueError(f"{requirement} is not a case requirement")
    return "short" if requirement == "short_case" else "long"


def other_length(length: Length) -> Length:
    return "long" if length == "short" else "short"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Settings(_Model):
    name: str
    plan_start: date
    period_weeks: int = Field(26, ge=1)
    pa_hours: float = Field(4, ge=0.5)
    supervision_hours: float = Field(1, ge=0)
    group_supervision_hours: float = Field(1.5, ge=0)
    session_hours: float = Field(1, ge=0)
    session_weeks_factor: float = Field(1.25, ge=0.5, le=4)
    travel_same_site: int = Field(0, ge=0)
    travel_same_trust: int = Field(30, ge=0)
    travel_other_trust: int = Field(60, ge=0)
    notes: str | None = None  # free text kept with the scheme (the generator's knobs); never read by the solver


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
    source_row: int | None = None


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
    source_row: int | None = None


class TravelTime(_Model):
    from_site: str
    to_site: str
    minutes: int = Field(ge=0)
    source_row: int | None = None


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

    def done_modality(self, length: Length) -> str | None:
        """Modality of the completed case of this length, if any."""
        return self.short_case_done if length == "short" else self.long_case_done


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
    session_slot: str | None = None  # a running case's weekly session slot, kept as it is
    supervision_slot: str | None = None  # a running case's weekly supervision slot, kept as it is
    source_row: int | None = None

    @property
    def kept(self) -> bool:
        """Already running with a trainee (H10 keeps it)."""
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
    name: str | None = None  # optional; None (not "") keeps generated schemes' fingerprints
    site: str
    slot: str
    facilitator: str = ""
    min_size: int = Field(4, ge=0)
    max_size: int = Field(10, ge=1)
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


def field_limits(model: type[BaseModel], name: str) -> tuple[object, float | None, float | None]:
    """(default, least, most) of one field, as the model states them; ``None`` where a
    field has no default or no bound. The workbook schema is built from this."""
    info = model.model_fields[name]
    default = None if info.is_required() else info.default
    least = most = None
    for meta in info.metadata:
        least = getattr(meta, "ge", least)
        most = getattr(meta, "le", most)
    return default, least, most
